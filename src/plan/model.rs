//! The plan: every change apply will make, and what it needs to check it is still valid.
//!
//! Human output, Markdown and Terraform JSON are all rendered from this one structure, so they
//! cannot disagree.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr};
use crate::value::Value;

/// What happens to one resource instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    NoOp,
    Create,
    Read,
    Update,
    /// Replace: destroy the old object, then create the new one.
    DeleteThenCreate,
    /// Replace with `create_before_destroy`.
    CreateThenDelete,
    Delete,
}

impl Action {
    /// Terraform's `actions` array for JSON plans.
    pub fn terraform_actions(self) -> Vec<&'static str> {
        match self {
            Action::NoOp => vec!["no-op"],
            Action::Create => vec!["create"],
            Action::Read => vec!["read"],
            Action::Update => vec!["update"],
            Action::DeleteThenCreate => vec!["delete", "create"],
            Action::CreateThenDelete => vec!["create", "delete"],
            Action::Delete => vec!["delete"],
        }
    }

    pub fn is_replace(self) -> bool {
        matches!(self, Action::DeleteThenCreate | Action::CreateThenDelete)
    }

    /// True when a new object is made.
    pub fn creates(self) -> bool {
        self.is_replace() || self == Action::Create
    }

    /// True when the old object is destroyed.
    pub fn destroys(self) -> bool {
        self.is_replace() || self == Action::Delete
    }
}

/// Why an action was chosen, in Terraform's words where Terraform has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionReason {
    ReplaceBecauseTainted,
    ReplaceBecauseCannotUpdate,
    ReplaceByRequest,
    ReplaceByTriggers,
    DeleteBecauseNoResourceConfig,
    DeleteBecauseCountIndex,
    DeleteBecauseEachKey,
    ReadBecauseConfigUnknown,
    ReadBecauseDependencyPending,
}

/// One planned change to one resource instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResourceChange {
    pub addr: InstanceAddr,
    /// The provider configuration, as state files write it.
    pub provider: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ActionReason>,
    #[serde(with = "opt_wire")]
    pub before: Option<Value>,
    #[serde(with = "opt_wire")]
    pub after: Option<Value>,
    /// Attribute paths whose change forces the replacement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace_paths: Vec<Vec<String>>,
    /// Top-level attributes whose sensitive values changed: saved plans redact the values, so
    /// this is how `show` still knows they changed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_changes: Vec<String>,
    /// Plain-language consequences for people, from the provider.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Resources this instance depends on, for ordering deletes and for state.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
}

impl ResourceChange {
    /// The object after the change. A no-op keeps only `before` in memory and in plan files
    /// (the two are equal), which halves what large no-op plans hold.
    pub fn after_value(&self) -> Option<&Value> {
        match (&self.after, self.action) {
            (Some(a), _) => Some(a),
            (None, Action::NoOp) => self.before.as_ref(),
            (None, _) => None,
        }
    }
}

/// Top-level attributes where a sensitive value changed between `before` and `after`.
pub fn sensitive_changes(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let (Some(b), Some(a)) = (
        before.and_then(Value::as_object),
        after.and_then(Value::as_object),
    ) else {
        return Vec::new();
    };
    a.iter()
        .filter(|(k, av)| {
            let bv = b.get(*k).unwrap_or(&Value::Null);
            (av.contains_sensitive() || bv.contains_sensitive()) && !av.same_as(bv)
        })
        .map(|(k, _)| k.clone())
        .collect()
}

/// A change to a root module output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    pub name: String,
    pub action: Action,
    #[serde(with = "opt_wire")]
    pub before: Option<Value>,
    #[serde(with = "opt_wire")]
    pub after: Option<Value>,
    pub sensitive: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanMode {
    Normal,
    Destroy,
    RefreshOnly,
}

/// A warning or finding shown with the plan, already rendered with its location.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanMessage {
    pub severity: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// A root variable's value as recorded in a saved plan: sensitive ones only by digest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanVariable {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub format_version: String,
    pub clusterform_version: String,
    pub mode: PlanMode,
    /// The working directory the plan was made in, for titles.
    pub working_dir: String,
    pub config_digest: String,
    /// Lineage and serial of the state the plan was made against (`None`: no state yet).
    pub state_lineage: Option<String>,
    pub state_serial: Option<u64>,
    pub variables: BTreeMap<String, PlanVariable>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replace: Vec<String>,
    /// Changes to make, sorted by address.
    pub changes: Vec<ResourceChange>,
    /// Changes made outside clusterform since the last apply, found by refresh.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<ResourceChange>,
    /// Interrupted creates (state's pending creates) that made nothing and that nothing in
    /// this plan finishes: applying the plan forgets them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forget_creates: Vec<String>,
    pub outputs: Vec<OutputChange>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<PlanMessage>,
}

impl Plan {
    pub const FORMAT_VERSION: &'static str = "1";

    /// Changes that actually do something (not no-ops).
    pub fn effective_changes(&self) -> impl Iterator<Item = &ResourceChange> {
        self.changes.iter().filter(|c| c.action != Action::NoOp)
    }

    /// The drift worth showing. A refresh-only plan is about drift, so all of it; otherwise,
    /// as Terraform does, only objects this plan changes or that a changed object depends
    /// on. The rest (a security group that lists a rule another resource just added) is
    /// still recorded when the plan is applied, only not reported as news.
    pub fn relevant_drift(&self) -> Vec<&ResourceChange> {
        if self.mode == PlanMode::RefreshOnly {
            return self.drift.iter().collect();
        }
        self.drift
            .iter()
            .filter(|d| {
                let resource = d.addr.resource.to_string();
                self.effective_changes()
                    .any(|c| c.addr == d.addr || c.dependencies.contains(&resource))
            })
            .collect()
    }

    /// True when applying would change infrastructure, outputs or (refresh-only) state.
    pub fn has_changes(&self) -> bool {
        match self.mode {
            PlanMode::RefreshOnly => !self.drift.is_empty(),
            _ => {
                self.effective_changes().any(|c| c.action != Action::Read)
                    || self.outputs.iter().any(|o| o.action != Action::NoOp)
            }
        }
    }

    /// (add, change, destroy) as Terraform counts them: a replacement adds one and destroys one.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in self.effective_changes() {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Delete => destroy += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => {
                    add += 1;
                    destroy += 1;
                }
                Action::NoOp | Action::Read => {}
            }
        }
        (add, change, destroy)
    }
}

mod opt_wire {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::value::wire::Wire;
    use crate::value::Value;

    pub fn serialize<S: Serializer>(v: &Option<Value>, s: S) -> Result<S::Ok, S::Error> {
        v.as_ref().map(|v| Wire::encode(v, true)).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
        Ok(Option::<Wire>::deserialize(d)?.map(|w| w.decode()))
    }
}

// Addresses travel in plan files as their display strings.
impl Serialize for InstanceAddr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for InstanceAddr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match crate::addr::parse_target(&s).map_err(serde::de::Error::custom)? {
            crate::addr::TargetAddr::Instance(i) => Ok(i),
            crate::addr::TargetAddr::Resource(r) => Ok(r.instance(InstanceKey::None)),
            crate::addr::TargetAddr::Module(_) => Err(serde::de::Error::custom(format!(
                "\"{s}\" is not a resource instance"
            ))),
        }
    }
}

/// Builds an instance address; a helper for code that assembles changes.
pub fn instance_addr(
    module: &ModulePath,
    mode: Mode,
    type_name: &str,
    name: &str,
    key: InstanceKey,
) -> InstanceAddr {
    ResourceAddr {
        module: module.clone(),
        mode,
        type_name: type_name.to_string(),
        name: name.to_string(),
    }
    .instance(key)
}
