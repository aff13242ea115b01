//! The seam between the engine and the clouds.
//!
//! A provider offers resource types and data sources, each with a [`schema::Schema`], and a
//! handful of verbs that take one request and return one response with diagnostics. The
//! engine never imports a cloud SDK: everything EKS- or AKS-specific lives behind this trait.

pub mod aws;
pub mod azurerm;
pub mod builtin;
pub mod default_plan;
pub mod kit;
pub mod registry;
pub mod schema;
pub mod spans;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::addr::InstanceAddr;
use crate::diag::Diagnostics;
use crate::value::Value;
pub use registry::Registry;
pub use schema::Schema;
pub use spans::ConfigSpans;

/// What a provider offers.
#[derive(Clone, Debug, Default)]
pub struct ProviderSchema {
    /// The `provider "x" { … }` block.
    pub provider: Schema,
    pub resources: BTreeMap<String, Schema>,
    pub data_sources: BTreeMap<String, Schema>,
}

/// `provider "x" { … }` evaluated.
pub struct ConfigureRequest {
    pub config: Value,
    pub spans: ConfigSpans,
}

/// One resource instance's configuration, checked without any I/O. Values may be unknown.
pub struct ValidateRequest<'a> {
    pub type_name: &'a str,
    /// A data source's lookup rather than a managed resource.
    pub data: bool,
    pub config: &'a Value,
    pub spans: &'a ConfigSpans,
}

/// Instances of one resource type to refresh, in one call so providers can batch.
pub struct ReadRequest {
    pub type_name: String,
    pub instances: Vec<(InstanceAddr, Value)>,
}

/// Refreshed state per instance, in request order: `None` when the object no longer exists.
pub struct ReadResponse {
    pub states: Vec<Option<Value>>,
    pub diagnostics: Diagnostics,
}

/// Plan one instance: the provider normalises and decides what would change.
pub struct PlanRequest<'a> {
    pub addr: &'a InstanceAddr,
    pub type_name: &'a str,
    /// Refreshed state, or `None` when the object does not exist yet.
    pub prior: Option<&'a Value>,
    /// The evaluated configuration (all schema attributes present, unset ones null).
    pub config: &'a Value,
    pub spans: &'a ConfigSpans,
}

#[derive(Debug, Default)]
pub struct PlanResponse {
    /// The state expected after apply; unknown where only apply can tell.
    pub planned: Value,
    /// Attribute paths whose change forces replacement.
    pub requires_replace: Vec<Vec<String>>,
    /// Plain-language lines for people ("API server endpoint: public → private only — …").
    pub notes: Vec<String>,
    /// Warnings, findings and errors tied to the configuration.
    pub diagnostics: Diagnostics,
}

/// A resource instance as planned, for checks that look across resources.
pub struct PlannedInstance<'a> {
    pub addr: &'a InstanceAddr,
    pub type_name: &'a str,
    pub planned: &'a Value,
    pub prior: Option<&'a Value>,
    pub spans: &'a ConfigSpans,
    /// Addresses of the resources this instance depends on (`aws_subnet.private`).
    pub dependencies: &'a [String],
}

/// What apply does to one instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyAction {
    Create,
    Update,
    Delete,
}

pub struct ApplyRequest {
    pub addr: InstanceAddr,
    pub type_name: String,
    pub action: ApplyAction,
    pub prior: Option<Value>,
    /// The final planned state (unknowns only where the provider fills them in).
    pub planned: Value,
    /// For a create: the attempt it belongs to, recorded in state before the call.
    pub creation: Option<Creation>,
}

/// The tag that marks an object with the create attempt that made it.
pub const CREATION_TAG: &str = "clusterform:creation-id";

/// One create attempt, recorded in state (a pending create) before the provider is called.
///
/// A provider marks what it creates with `id` (the [`CREATION_TAG`] tag, an idempotency
/// token) and, when the name is taken already, takes the existing object over only if it
/// carries this same mark: anything else belongs to someone else and must be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Creation {
    pub id: String,
    /// True when an earlier run started this create and stopped before recording the
    /// object: the provider looks for what that run made before creating anything.
    pub resuming: bool,
}

impl Creation {
    /// True when `mark` (an object's [`CREATION_TAG`] value, as read from the cloud) is
    /// this attempt's.
    pub fn marks(&self, mark: Option<&str>) -> bool {
        mark == Some(self.id.as_str())
    }
}

/// `planned` with the creation mark added to its tag map `key` (`tags`, or `tags_all` where
/// the provider merges default tags), so the create sends it. Reads leave the mark out.
pub fn with_creation_tag(planned: &Value, key: &str, creation: Option<&Creation>) -> Value {
    let (Some(cr), Value::Object(fields)) = (creation, planned) else {
        return planned.clone();
    };
    let mut fields = fields.clone();
    let mut tags = match fields.get(key) {
        Some(Value::Object(m)) => m.clone(),
        _ => BTreeMap::new(),
    };
    tags.insert(CREATION_TAG.to_string(), Value::from(cr.id.as_str()));
    fields.insert(key.to_string(), Value::Object(tags));
    Value::Object(fields)
}

/// The error for a create whose object exists already and was not made by this state.
pub fn already_exists(what: &str, id: &str, cloud_words: &str) -> crate::diag::Diagnostic {
    crate::diag::Diagnostic::error(format!("{what} already exists"))
        .detail(format!(
            "{cloud_words} The existing object ({id}) was not created by this state, so clusterform will not take it over: managing it from here could change or delete something another configuration or person owns."
        ))
        .hint(format!(
            "to manage it from this configuration, import it: `clusterform import <address> {id}`; otherwise choose another name"
        ))
}

/// What the provider can use while an operation runs.
#[derive(Clone)]
pub struct OperationContext {
    pub cancel: CancellationToken,
    pub progress: Arc<dyn Fn(&str) + Send + Sync>,
    /// Multiplies every wait between polls; tests set it low through the environment.
    pub poll_interval: Duration,
}

impl OperationContext {
    pub fn report(&self, message: &str) {
        (self.progress)(message)
    }
}

pub struct ApplyResponse {
    /// The new state; `None` after a delete. On failure, the state as far as it got.
    pub new_state: Option<Value>,
    pub diagnostics: Diagnostics,
}

pub struct ImportResponse {
    pub state: Option<Value>,
    pub diagnostics: Diagnostics,
}

/// A provider: one configured instance per `provider` block (or alias).
#[async_trait]
pub trait Provider: Send + Sync {
    fn schema(&self) -> &ProviderSchema;

    /// Static checks of one resource's configuration, before any API call.
    fn validate(&self, _req: &ValidateRequest<'_>) -> Diagnostics {
        Diagnostics::new()
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics;

    async fn read(&self, req: ReadRequest) -> ReadResponse;

    fn plan(&self, req: &PlanRequest<'_>) -> PlanResponse {
        default_plan::plan(self.schema(), req)
    }

    /// Checks across every planned instance of this provider; may look things up live.
    async fn check_plan(&self, _planned: &[PlannedInstance<'_>]) -> Diagnostics {
        Diagnostics::new()
    }

    /// Lines for "Who can reach what" that only several planned instances together tell (how
    /// a node group's nodes reach their cluster's API server), each for the instance whose
    /// change it belongs to. Shown only for instances the plan changes.
    fn notes_across(&self, _planned: &[PlannedInstance<'_>]) -> Vec<(InstanceAddr, String)> {
        Vec::new()
    }

    async fn apply(&self, req: ApplyRequest, ctx: OperationContext) -> ApplyResponse;

    async fn read_data(&self, type_name: &str, config: &Value) -> Result<Value, Diagnostics>;

    async fn import(&self, type_name: &str, id: &str) -> ImportResponse;

    /// The ID a create of `planned` will give its object, when it is known before the object
    /// exists (an EKS cluster's name, an ARM resource ID); `None` when the cloud assigns it
    /// (EC2), or when nothing is created remotely. Recorded with the pending create, so a
    /// later run can find what an interrupted create made. Every provider answers for every
    /// type: it is how no interrupted create is ever lost.
    fn created_id(&self, type_name: &str, planned: &Value) -> Option<String>;

    /// What an interrupted create made: the object with the mark of `creation` (at `id`, the
    /// [`Provider::created_id`] recorded, where there is one), as `read` would return it.
    /// `None` when the create made nothing, or only objects without this mark, which are
    /// never this state's.
    async fn find_created(
        &self,
        type_name: &str,
        id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostics>;

    /// API calls made so far, by operation, for `CLUSTERFORM_LOG=debug` and tests.
    fn api_calls(&self) -> BTreeMap<String, usize> {
        BTreeMap::new()
    }
}
