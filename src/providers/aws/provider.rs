//! The `aws` provider: one configured instance per `provider "aws"` block. It configures the
//! clients and routes every verb through its table of types; it knows no type by name.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use async_trait::async_trait;

use super::client::{connect, AwsSettings, Clients};
use super::{checks, data_sources, resources, schema};
use crate::addr::InstanceAddr;
use crate::diag::Diagnostics;
use crate::providers::kit::TypeTable;
use crate::providers::{
    ApplyRequest, ApplyResponse, ConfigureRequest, Creation, ImportResponse, OperationContext,
    PlanRequest, PlanResponse, PlannedInstance, Provider, ProviderSchema, ReadRequest,
    ReadResponse, ValidateRequest,
};
use crate::value::Value;

pub struct AwsProvider {
    table: TypeTable<Clients>,
    clients: OnceLock<Clients>,
}

impl AwsProvider {
    pub fn new() -> AwsProvider {
        AwsProvider {
            // Default tags are merged into `tags_all`, so the creation mark goes there too.
            table: TypeTable::new(
                "aws",
                schema::provider(),
                "tags_all",
                resources::ALL,
                data_sources::ALL,
            ),
            clients: OnceLock::new(),
        }
    }
}

impl Default for AwsProvider {
    fn default() -> Self {
        AwsProvider::new()
    }
}

#[async_trait]
impl Provider for AwsProvider {
    fn schema(&self) -> &ProviderSchema {
        self.table.schema()
    }

    fn validate(&self, req: &ValidateRequest<'_>) -> Diagnostics {
        self.table.validate(req)
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        match connect(&AwsSettings::from_config(&req.config)).await {
            Ok(c) => {
                let _ = self.clients.set(c);
                Diagnostics::new()
            }
            Err(d) => d.at(req.spans.root()).into(),
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        self.table.read(self.clients.get(), req).await
    }

    fn plan(&self, req: &PlanRequest<'_>) -> PlanResponse {
        self.table.plan(self.clients.get(), req)
    }

    async fn check_plan(&self, planned: &[PlannedInstance<'_>]) -> Diagnostics {
        match self.clients.get() {
            Some(c) => checks::check(c, planned).await,
            None => checks::check_offline(planned),
        }
    }

    fn notes_across(&self, planned: &[PlannedInstance<'_>]) -> Vec<(InstanceAddr, String)> {
        checks::who_can_reach_what(planned)
    }

    async fn apply(&self, req: ApplyRequest, ctx: OperationContext) -> ApplyResponse {
        self.table.apply(self.clients.get(), req, ctx).await
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        self.table
            .read_data(self.clients.get(), type_name, config)
            .await
    }

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse {
        self.table.import(self.clients.get(), type_name, id).await
    }

    fn created_id(&self, type_name: &str, planned: &Value) -> Option<String> {
        self.table
            .created_id(self.clients.get(), type_name, planned)
    }

    async fn find_created(
        &self,
        type_name: &str,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostics> {
        self.table
            .find_created(self.clients.get(), type_name, id, creation)
            .await
    }

    /// API calls made so far, by operation.
    fn api_calls(&self) -> BTreeMap<String, usize> {
        self.clients
            .get()
            .map(|c| c.calls.snapshot())
            .unwrap_or_default()
    }
}
