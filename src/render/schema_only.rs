//! A provider that is only a schema, for rendering tests: renderers read schemas (sensitive
//! attributes, nested blocks) and never call a provider.

use async_trait::async_trait;

use crate::diag::Diagnostics;
use crate::providers::{
    ApplyRequest, ApplyResponse, ConfigureRequest, ImportResponse, OperationContext, Provider,
    ProviderSchema, ReadRequest, ReadResponse,
};
use crate::value::Value;

pub struct SchemaOnly(pub ProviderSchema);

#[async_trait]
impl Provider for SchemaOnly {
    fn schema(&self) -> &ProviderSchema {
        &self.0
    }
    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
    async fn read(&self, _req: ReadRequest) -> ReadResponse {
        unreachable!("rendering never calls providers")
    }
    async fn apply(&self, _req: ApplyRequest, _ctx: OperationContext) -> ApplyResponse {
        unreachable!("rendering never calls providers")
    }
    async fn read_data(&self, _type_name: &str, _config: &Value) -> Result<Value, Diagnostics> {
        unreachable!("rendering never calls providers")
    }
    fn created_id(&self, _type_name: &str, _planned: &Value) -> Option<String> {
        // Rendering never creates anything.
        None
    }

    async fn find_created(
        &self,
        _type_name: &str,
        _id: Option<&str>,
        _creation: &crate::providers::Creation,
    ) -> Result<Option<Value>, Diagnostics> {
        Ok(None)
    }

    async fn import(&self, _type_name: &str, _id: &str) -> ImportResponse {
        unreachable!("rendering never calls providers")
    }
}
