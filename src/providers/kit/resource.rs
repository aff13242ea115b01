//! One managed resource type: its schema, static checks, plan, batched read, and
//! create/update/delete as long-running operations.

use async_trait::async_trait;

use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::schema::Schema;
use crate::providers::{
    default_plan, ConfigSpans, Creation, OperationContext, PlanRequest, PlanResponse,
};
use crate::value::Value;

/// What a type's plan can use: its schema, and the provider's clients once configured (for
/// settings such as AWS default tags; a plan never calls the cloud).
pub struct PlanContext<'a, C> {
    pub schema: &'a Schema,
    pub client: Option<&'a C>,
}

/// A resource type of a provider whose configured clients are `C`.
///
/// Every verb takes what it needs and returns a value or a diagnostic in words; none of them
/// knows about state, the plan or other types. Errors keep the cloud's code and message and
/// name the request that failed.
#[async_trait]
pub trait ResourceType<C: Sync>: Send + Sync {
    /// Terraform's type name, such as `aws_vpc`.
    fn name(&self) -> &'static str;

    /// Terraform's arguments and attributes, with defaults and force-new rules. Called once,
    /// when the provider's table is built.
    fn schema(&self) -> Schema;

    /// Checks of one instance's configuration that need nothing but that configuration.
    fn validate(&self, _config: &Value, _spans: &ConfigSpans) -> Diagnostics {
        Diagnostics::new()
    }

    /// The planned state and the attributes that force replacement: by default, configured
    /// values over defaults over prior computed values (`default_plan`).
    fn plan(&self, cx: &PlanContext<'_, C>, req: &PlanRequest<'_>) -> PlanResponse {
        default_plan::plan_type(cx.schema, req)
    }

    /// Refreshes many instances at once (one call where the API can list several), in the
    /// order given: `None` where the object no longer exists.
    async fn read(&self, client: &C, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics>;

    /// Creates the object of `planned` (which carries the creation mark in its tags where the
    /// type has tags) and waits until it is usable.
    async fn create(
        &self,
        client: &C,
        planned: &Value,
        creation: Option<&Creation>,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic>;

    /// Brings the object from `prior` to `planned` in place, sending only what differs.
    async fn update(
        &self,
        client: &C,
        prior: &Value,
        planned: &Value,
        ctx: &OperationContext,
    ) -> Result<Value, Diagnostic>;

    /// Deletes the object and waits until it is gone; an object gone already is no error.
    async fn delete(
        &self,
        client: &C,
        prior: &Value,
        ctx: &OperationContext,
    ) -> Result<(), Diagnostic>;

    /// Reads the object an import ID names, in the type's documented import format. By
    /// default the ID is the `id` attribute.
    async fn import(&self, client: &C, id: &str) -> Result<Option<Value>, Diagnostic> {
        let state = Value::object([("id", Value::from(id))]);
        let found = self
            .read(client, std::slice::from_ref(&state))
            .await
            .map_err(first_error)?;
        Ok(found.into_iter().next().flatten())
    }

    /// The ID a create of `planned` will give its object when it is known beforehand (a
    /// name, an ARM resource ID); `None` when the cloud assigns it.
    fn created_id(&self, _client: &C, _planned: &Value) -> Option<String> {
        None
    }

    /// What an interrupted create made: the object carrying the mark of `creation` (at `id`,
    /// where [`ResourceType::created_id`] gave one). Never an object without this mark.
    async fn find_created(
        &self,
        client: &C,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic>;

    /// Before a create that an earlier run started: what that run made, to finish with an
    /// update instead of making a second object. Types whose create resumes by itself (an
    /// idempotency token, a look before the first PUT) answer `None`.
    async fn resume(
        &self,
        client: &C,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        self.find_created(client, id, creation).await
    }
}

/// The first error of `d`, for verbs that report one.
pub(super) fn first_error(d: Diagnostics) -> Diagnostic {
    d.into_iter().next().unwrap_or_else(|| {
        Diagnostic::error("Read failed").detail("The read failed without saying why.")
    })
}
