//! The `azurerm` provider: one configured instance per `provider "azurerm"` block. It
//! connects the ARM client and routes every verb through its table of types; it knows no type
//! by name.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use async_trait::async_trait;

use super::client::AksClient;
use super::settings::AzureSettings;
use super::{data_sources, resources, schema};
use crate::diag::Diagnostics;
use crate::providers::kit::TypeTable;
use crate::providers::{
    ApplyRequest, ApplyResponse, ConfigureRequest, Creation, ImportResponse, OperationContext,
    PlanRequest, PlanResponse, Provider, ProviderSchema, ReadRequest, ReadResponse,
    ValidateRequest,
};
use crate::value::Value;

pub struct AzurermProvider {
    table: TypeTable<AksClient>,
    client: OnceLock<AksClient>,
}

impl AzurermProvider {
    pub fn new() -> AzurermProvider {
        AzurermProvider {
            table: TypeTable::new(
                "azurerm",
                schema::provider(),
                "tags",
                resources::ALL,
                data_sources::ALL,
            ),
            client: OnceLock::new(),
        }
    }
}

impl Default for AzurermProvider {
    fn default() -> Self {
        AzurermProvider::new()
    }
}

#[async_trait]
impl Provider for AzurermProvider {
    fn schema(&self) -> &ProviderSchema {
        self.table.schema()
    }

    fn validate(&self, req: &ValidateRequest<'_>) -> Diagnostics {
        self.table.validate(req)
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        let settings = AzureSettings::from_config(&req.config);
        match AksClient::connect(&settings).await {
            Ok(mut c) => {
                // The engine prints "Still creating..." for every operation already.
                c.set_progress_interval(None);
                let _ = self.client.set(c);
                Diagnostics::new()
            }
            Err(d) => d.at(req.spans.root()).into(),
        }
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        self.table.read(self.client.get(), req).await
    }

    fn plan(&self, req: &PlanRequest<'_>) -> PlanResponse {
        self.table.plan(self.client.get(), req)
    }

    async fn apply(&self, req: ApplyRequest, ctx: OperationContext) -> ApplyResponse {
        self.table.apply(self.client.get(), req, ctx).await
    }

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics> {
        self.table
            .read_data(self.client.get(), type_name, config)
            .await
    }

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse {
        self.table.import(self.client.get(), type_name, id).await
    }

    fn created_id(&self, type_name: &str, planned: &Value) -> Option<String> {
        self.table.created_id(self.client.get(), type_name, planned)
    }

    async fn find_created(
        &self,
        type_name: &str,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostics> {
        self.table
            .find_created(self.client.get(), type_name, id, creation)
            .await
    }

    fn api_calls(&self) -> BTreeMap<String, usize> {
        self.client.get().map(AksClient::calls).unwrap_or_default()
    }
}
