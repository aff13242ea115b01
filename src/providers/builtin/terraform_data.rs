//! `terraform_data`: a value that lives in state, replaced when `triggers_replace` changes.

use async_trait::async_trait;

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    default_plan, ApplyAction, ApplyRequest, ApplyResponse, ConfigureRequest, ImportResponse,
    OperationContext, PlanRequest, PlanResponse, Provider, ProviderSchema, ReadRequest,
    ReadResponse,
};
use crate::value::{Type, Value};

pub struct TerraformProvider {
    schema: ProviderSchema,
}

impl TerraformProvider {
    pub fn new() -> TerraformProvider {
        let data = Schema::new()
            .describe("Stores a value in state and replaces itself when its triggers change; needs no cloud.")
            .attr("id", Attribute::computed(Type::String).describe("A random identifier, set at creation."))
            .attr("input", Attribute::optional(Type::Any).describe("Any value; a change is an in-place update."))
            .attr("output", Attribute::computed(Type::Any).describe("A copy of input, after apply."))
            .attr(
                "triggers_replace",
                Attribute::optional(Type::Any).force_new().describe("Any value; a change replaces the resource."),
            );
        let mut schema = ProviderSchema::default();
        schema.resources.insert("terraform_data".to_string(), data);
        TerraformProvider { schema }
    }
}

fn no_data_sources(type_name: &str) -> Diagnostics {
    Diagnostic::error("Unknown data source")
        .detail(format!(
            "The terraform provider has no data source named \"{type_name}\"."
        ))
        .into()
}

#[async_trait]
impl Provider for TerraformProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        // Nothing lives outside state, so the state is the truth.
        ReadResponse {
            states: req.instances.into_iter().map(|(_, v)| Some(v)).collect(),
            diagnostics: Diagnostics::new(),
        }
    }

    fn plan(&self, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = default_plan::plan(&self.schema, req);
        if let Value::Object(map) = &mut resp.planned {
            let input = map.get("input").cloned().unwrap_or(Value::Null);
            map.insert("output".to_string(), input);
        }
        resp
    }

    async fn apply(&self, req: ApplyRequest, _ctx: OperationContext) -> ApplyResponse {
        let new_state = match req.action {
            ApplyAction::Delete => None,
            ApplyAction::Create | ApplyAction::Update => {
                let mut state = req.planned;
                if let Value::Object(map) = &mut state {
                    let id = match req
                        .prior
                        .as_ref()
                        .and_then(|p| p.get("id"))
                        .and_then(Value::as_str)
                    {
                        Some(id) if req.action == ApplyAction::Update => id.to_string(),
                        _ => uuid::Uuid::new_v4().to_string(),
                    };
                    map.insert("id".to_string(), Value::String(id));
                }
                Some(state)
            }
        };
        ApplyResponse {
            new_state,
            diagnostics: Diagnostics::new(),
        }
    }

    async fn read_data(&self, type_name: &str, _config: &Value) -> Result<Value, Diagnostics> {
        Err(no_data_sources(type_name))
    }

    fn created_id(&self, _type_name: &str, _planned: &Value) -> Option<String> {
        // terraform_data lives in state only: no remote object to find.
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

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse {
        if type_name != "terraform_data" {
            return ImportResponse {
                state: None,
                diagnostics: no_data_sources(type_name),
            };
        }
        ImportResponse {
            state: Some(Value::object([
                ("id", Value::from(id)),
                ("input", Value::Null),
                ("output", Value::Null),
                ("triggers_replace", Value::Null),
            ])),
            diagnostics: Diagnostics::new(),
        }
    }
}
