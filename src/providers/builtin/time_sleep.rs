//! `time_sleep`: waits on create (and optionally on destroy), as hashicorp/time's resource does.

use async_trait::async_trait;

use super::duration;
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    ApplyAction, ApplyRequest, ApplyResponse, ConfigureRequest, ImportResponse, OperationContext,
    Provider, ProviderSchema, ReadRequest, ReadResponse, ValidateRequest,
};
use crate::value::{Type, Value};

pub struct TimeProvider {
    schema: ProviderSchema,
}

impl TimeProvider {
    pub fn new() -> TimeProvider {
        let sleep = Schema::new()
            .describe("Waits for a while when created or destroyed, for example while IAM or DNS changes propagate.")
            .attr("id", Attribute::computed(Type::String).describe("The time the wait finished (RFC 3339)."))
            .attr("create_duration", Attribute::optional(Type::String).describe("How long to wait on create, such as 30s or 5m."))
            .attr("destroy_duration", Attribute::optional(Type::String).describe("How long to wait on destroy."))
            .attr(
                "triggers",
                Attribute::optional(Type::map(Type::String)).force_new().describe("Values whose change replaces the resource."),
            );
        let mut schema = ProviderSchema::default();
        schema.resources.insert("time_sleep".to_string(), sleep);
        TimeProvider { schema }
    }
}

/// Sleeps for `dur`, stopping early (with an error) when the operation is cancelled.
async fn wait(dur: std::time::Duration, ctx: &OperationContext) -> Result<(), Diagnostic> {
    tokio::select! {
        _ = tokio::time::sleep(dur) => Ok(()),
        _ = ctx.cancel.cancelled() => Err(Diagnostic::error("Interrupted").detail("The wait was interrupted before it finished.")),
    }
}

#[async_trait]
impl Provider for TimeProvider {
    fn schema(&self) -> &ProviderSchema {
        &self.schema
    }

    fn validate(&self, req: &ValidateRequest<'_>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for name in ["create_duration", "destroy_duration"] {
            if let Some(s) = req.config.get(name).and_then(Value::as_str) {
                if let Err(msg) = duration::parse(s) {
                    diags.push(
                        Diagnostic::error("Invalid duration")
                            .at(req.spans.span(&[name]))
                            .detail(msg),
                    );
                }
            }
        }
        diags
    }

    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        ReadResponse {
            states: req.instances.into_iter().map(|(_, v)| Some(v)).collect(),
            diagnostics: Diagnostics::new(),
        }
    }

    async fn apply(&self, req: ApplyRequest, ctx: OperationContext) -> ApplyResponse {
        let (attr, state) = match req.action {
            ApplyAction::Delete => ("destroy_duration", req.prior.clone()),
            _ => ("create_duration", Some(req.planned.clone())),
        };
        let source = state
            .as_ref()
            .and_then(|s| s.get(attr))
            .and_then(Value::as_str)
            .map(str::to_string);
        if let Some(s) = source {
            match duration::parse(&s) {
                Ok(d) => {
                    if let Err(e) = wait(d, &ctx).await {
                        return ApplyResponse {
                            new_state: req.prior,
                            diagnostics: e.into(),
                        };
                    }
                }
                Err(msg) => {
                    return ApplyResponse {
                        new_state: req.prior,
                        diagnostics: Diagnostic::error("Invalid duration").detail(msg).into(),
                    }
                }
            }
        }
        let new_state = match req.action {
            ApplyAction::Delete => None,
            _ => {
                let mut s = req.planned;
                if let Value::Object(map) = &mut s {
                    let id = if req.action == ApplyAction::Update {
                        req.prior
                            .as_ref()
                            .and_then(|p| p.get("id"))
                            .cloned()
                            .unwrap_or(Value::Null)
                    } else {
                        Value::from(
                            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        )
                    };
                    map.insert("id".to_string(), id);
                }
                Some(s)
            }
        };
        ApplyResponse {
            new_state,
            diagnostics: Diagnostics::new(),
        }
    }

    async fn read_data(&self, type_name: &str, _config: &Value) -> Result<Value, Diagnostics> {
        Err(Diagnostic::error("Unknown data source")
            .detail(format!(
                "The time provider has no data source named \"{type_name}\"."
            ))
            .into())
    }

    fn created_id(&self, _type_name: &str, _planned: &Value) -> Option<String> {
        // A sleep makes no remote object.
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

    async fn import(&self, _type_name: &str, id: &str) -> ImportResponse {
        ImportResponse {
            state: Some(Value::object([
                ("id", Value::from(id)),
                ("create_duration", Value::Null),
                ("destroy_duration", Value::Null),
                ("triggers", Value::Null),
            ])),
            diagnostics: Diagnostics::new(),
        }
    }
}
