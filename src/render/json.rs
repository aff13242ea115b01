//! Terraform's documented JSON output formats, for `show --json`: the plan representation
//! (format 1.2) and the state representation (format 1.0), so tools written for
//! `terraform show -json` (checkov, OPA policies, CI summaries) read clusterform's output.
//!
//! Rendered from the same [`Plan`] as the human diff, so the two cannot disagree. One rule is
//! stricter than Terraform's: secrets never appear. Terraform prints sensitive values in clear
//! text and relies on `*_sensitive` to hide them; here every sensitive leaf is `null` while the
//! `*_sensitive` trees say `true` at its path. Values are marked sensitive both by their own
//! marks and by the provider schema, so an unmarked secret is still caught.
//!
//! The `configuration` section lives in `json_config.rs`. Nothing here evaluates expressions
//! or does I/O, apart from reading the clock (or `CLUSTERFORM_TIMESTAMP`) for `timestamp`.
//!
//! Format reference: <https://developer.hashicorp.com/terraform/internals/json-format>.

#[path = "json_config.rs"]
mod config;

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::addr::{InstanceAddr, InstanceKey, Mode, ModulePath};
use crate::plan::model::{ActionReason, OutputChange, Plan, ResourceChange};
use crate::providers::schema::Schema;
use crate::providers::Registry;
use crate::state::State;
use crate::value::{paths, wire, Value};

/// The plan representation's `format_version`.
pub const PLAN_FORMAT_VERSION: &str = "1.2";
/// The state representation's `format_version` (also used for `prior_state` inside a plan).
pub const STATE_FORMAT_VERSION: &str = "1.0";
/// Set to an RFC 3339 time to make the plan's `timestamp` reproducible (tests, golden files).
pub const TIMESTAMP_ENV: &str = "CLUSTERFORM_TIMESTAMP";

/// `show --json PLANFILE`: Terraform's JSON plan representation.
///
/// `prior_state` becomes `prior_state` and `config` becomes `configuration`; each is left out
/// when not given.
pub fn plan_json(
    plan: &Plan,
    prior_state: Option<&State>,
    config: Option<&crate::config::Config>,
    registry: &Registry,
) -> Json {
    let mut out = Map::new();
    out.insert("format_version".into(), json!(PLAN_FORMAT_VERSION));
    out.insert("terraform_version".into(), json!(env!("CARGO_PKG_VERSION")));
    out.insert("variables".into(), variables_json(plan));
    out.insert("planned_values".into(), planned_values(plan, registry));
    let drift = plan.relevant_drift();
    if !drift.is_empty() {
        let drift = drift
            .into_iter()
            .map(|c| resource_change_json(c, registry))
            .collect();
        out.insert("resource_drift".into(), Json::Array(drift));
    }
    let changes = plan
        .changes
        .iter()
        .map(|c| resource_change_json(c, registry))
        .collect();
    out.insert("resource_changes".into(), Json::Array(changes));
    let outputs = plan
        .outputs
        .iter()
        .map(|o| (o.name.clone(), output_change_json(o)))
        .collect();
    out.insert("output_changes".into(), Json::Object(outputs));
    if let Some(state) = prior_state {
        out.insert("prior_state".into(), state_json(state, registry));
    }
    if let Some(config) = config {
        out.insert(
            "configuration".into(),
            config::configuration_json(config, registry),
        );
    }
    out.insert("relevant_attributes".into(), json!([]));
    out.insert(
        "timestamp".into(),
        json!(timestamp(std::env::var(TIMESTAMP_ENV).ok())),
    );
    out.insert("applyable".into(), json!(plan.has_changes()));
    out.insert("complete".into(), json!(true));
    out.insert("errored".into(), json!(false));
    Json::Object(out)
}

/// `show --json` with no plan: Terraform's JSON state representation
/// (`{format_version, terraform_version, values: {outputs, root_module}}`).
pub fn state_json(state: &State, registry: &Registry) -> Json {
    let outputs: Map<String, Json> = state
        .outputs
        .iter()
        .map(|(name, o)| {
            let value = if o.sensitive {
                Json::Null
            } else {
                o.value.clone()
            };
            (
                name.clone(),
                json!({"sensitive": o.sensitive, "value": value, "type": o.type_}),
            )
        })
        .collect();
    let mut resources = Vec::new();
    for (addr, rs, inst) in state.instances() {
        let plain = Value::from_json(&inst.attributes);
        let marked = paths::mark_sensitive_paths(plain, &inst.sensitive_attributes);
        let value = mark_by_schema(registry, &addr, marked);
        let mut r = resource_fields(&addr);
        r.insert(
            "provider_name".into(),
            json!(provider_source(&rs.provider, &addr, registry)),
        );
        r.insert("schema_version".into(), json!(inst.schema_version));
        r.insert("values".into(), known_json(&value).unwrap_or(Json::Null));
        r.insert("sensitive_values".into(), wire::sensitive_tree(&value));
        if !inst.dependencies.is_empty() {
            r.insert("depends_on".into(), json!(inst.dependencies));
        }
        if inst.is_tainted() {
            r.insert("tainted".into(), json!(true));
        }
        resources.push((addr, Json::Object(r)));
    }
    json!({
        "format_version": STATE_FORMAT_VERSION,
        "terraform_version": state.terraform_version,
        "values": {"outputs": outputs, "root_module": module_tree(resources)},
    })
}

/// The plan's `timestamp`: `fixed` (from [`TIMESTAMP_ENV`]) when set, otherwise now.
fn timestamp(fixed: Option<String>) -> String {
    fixed
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// Root variables as `{name: {value}}`. Sensitive ones are recorded only by digest, and their
/// value is written as null.
fn variables_json(plan: &Plan) -> Json {
    let vars = plan
        .variables
        .iter()
        .map(|(name, v)| {
            let value = if v.sha256.is_some() {
                Json::Null
            } else {
                v.value.clone().unwrap_or(Json::Null)
            };
            (name.clone(), json!({ "value": value }))
        })
        .collect();
    Json::Object(vars)
}

/// `planned_values`: every output and resource instance as it will be after apply.
/// Deleted objects are left out; unknown attributes are omitted.
fn planned_values(plan: &Plan, registry: &Registry) -> Json {
    let mut outputs = Map::new();
    for o in &plan.outputs {
        let Some(after) = &o.after else { continue };
        let after = after.clone().mark_if(o.sensitive);
        let mut out = Map::new();
        out.insert("sensitive".into(), json!(after.contains_sensitive()));
        // Terraform leaves `value` out until it is wholly known.
        if !after.contains_unknown() {
            out.insert("value".into(), known_json(&after).unwrap_or(Json::Null));
        }
        outputs.insert(o.name.clone(), Json::Object(out));
    }
    let mut resources = Vec::new();
    for c in &plan.changes {
        let Some(after) = c.after_value() else {
            continue;
        };
        let after = mark_by_schema(registry, &c.addr, after.clone());
        let mut r = resource_fields(&c.addr);
        r.insert(
            "provider_name".into(),
            json!(provider_source(&c.provider, &c.addr, registry)),
        );
        // Provider schemas carry no version yet: every clusterform schema is version 0.
        r.insert("schema_version".into(), json!(0));
        r.insert(
            "values".into(),
            known_json(&after).unwrap_or_else(|| json!({})),
        );
        r.insert("sensitive_values".into(), wire::sensitive_tree(&after));
        resources.push((c.addr.clone(), Json::Object(r)));
    }
    json!({"outputs": outputs, "root_module": module_tree(resources)})
}

/// One entry of `resource_changes` or `resource_drift`.
fn resource_change_json(c: &ResourceChange, registry: &Registry) -> Json {
    let before = c
        .before
        .clone()
        .map(|v| mark_by_schema(registry, &c.addr, v));
    let after = c
        .after_value()
        .cloned()
        .map(|v| mark_by_schema(registry, &c.addr, v));
    let mut change = Map::new();
    change.insert("actions".into(), json!(c.action.terraform_actions()));
    change.insert(
        "before".into(),
        before.as_ref().and_then(known_json).unwrap_or(Json::Null),
    );
    change.insert(
        "after".into(),
        after.as_ref().and_then(known_json).unwrap_or(Json::Null),
    );
    change.insert(
        "after_unknown".into(),
        after.as_ref().map_or_else(|| json!({}), wire::unknown_tree),
    );
    change.insert("before_sensitive".into(), sensitive_json(before.as_ref()));
    change.insert("after_sensitive".into(), sensitive_json(after.as_ref()));
    if !c.replace_paths.is_empty() {
        change.insert("replace_paths".into(), json!(c.replace_paths));
    }
    let mut r = resource_fields(&c.addr);
    if !c.addr.resource.module.is_root() {
        r.insert(
            "module_address".into(),
            json!(c.addr.resource.module.to_string()),
        );
    }
    r.insert(
        "provider_name".into(),
        json!(provider_source(&c.provider, &c.addr, registry)),
    );
    r.insert("change".into(), Json::Object(change));
    if let Some(reason) = c.reason {
        r.insert("action_reason".into(), json!(action_reason(reason)));
    }
    Json::Object(r)
}

/// One entry of `output_changes`. As in Terraform, both `*_sensitive` are one boolean each.
fn output_change_json(o: &OutputChange) -> Json {
    let before = o.before.clone().map(|v| v.mark_if(o.sensitive));
    let after = o.after.clone().map(|v| v.mark_if(o.sensitive));
    let after_unknown = match &after {
        Some(v) if v.contains_unknown() => wire::unknown_tree(v),
        _ => json!(false),
    };
    let sensitive =
        |v: &Option<Value>| json!(o.sensitive || v.as_ref().is_some_and(Value::contains_sensitive));
    json!({
        "actions": o.action.terraform_actions(),
        "before": before.as_ref().and_then(known_json).unwrap_or(Json::Null),
        "after": after.as_ref().and_then(known_json).unwrap_or(Json::Null),
        "after_unknown": after_unknown,
        "before_sensitive": sensitive(&before),
        "after_sensitive": sensitive(&after),
    })
}

/// Terraform's spelling of an action reason.
fn action_reason(reason: ActionReason) -> &'static str {
    match reason {
        ActionReason::ReplaceBecauseTainted => "replace_because_tainted",
        ActionReason::ReplaceBecauseCannotUpdate => "replace_because_cannot_update",
        ActionReason::ReplaceByRequest => "replace_by_request",
        ActionReason::ReplaceByTriggers => "replace_by_triggers",
        ActionReason::DeleteBecauseNoResourceConfig => "delete_because_no_resource_config",
        ActionReason::DeleteBecauseCountIndex => "delete_because_count_index",
        ActionReason::DeleteBecauseEachKey => "delete_because_each_key",
        ActionReason::ReadBecauseConfigUnknown => "read_because_config_unknown",
        ActionReason::ReadBecauseDependencyPending => "read_because_dependency_pending",
    }
}

/// `address`, `mode`, `type`, `name` and (for `count`/`for_each` instances) `index`.
fn resource_fields(addr: &InstanceAddr) -> Map<String, Json> {
    let mut r = Map::new();
    r.insert("address".into(), json!(addr.to_string()));
    r.insert("mode".into(), json!(addr.resource.mode.as_str()));
    r.insert("type".into(), json!(addr.resource.type_name));
    r.insert("name".into(), json!(addr.resource.name));
    match &addr.key {
        InstanceKey::None => {}
        InstanceKey::Int(i) => {
            r.insert("index".into(), json!(i));
        }
        InstanceKey::Str(s) => {
            r.insert("index".into(), json!(s));
        }
    }
    r
}

/// The provider's source address (`registry.terraform.io/hashicorp/aws`) from the
/// configuration address state files record (`provider["registry.terraform.io/hashicorp/aws"].west`).
/// Falls back to the registry's source for the resource type's provider.
fn provider_source(state_address: &str, addr: &InstanceAddr, registry: &Registry) -> String {
    let quoted = |s: &str| {
        let rest = &s[s.find("provider[\"")? + "provider[\"".len()..];
        Some(rest[..rest.find("\"]")?].to_string())
    };
    quoted(state_address).unwrap_or_else(|| {
        let name = crate::config::model::provider_for_type(&addr.resource.type_name);
        quoted(&registry.state_address(name, None)).unwrap_or_else(|| name.to_string())
    })
}

/// The schema of the instance's resource type or data source, when its provider is known.
fn schema_for<'r>(registry: &'r Registry, addr: &InstanceAddr) -> Option<&'r Schema> {
    let provider = registry.schema(crate::config::model::provider_for_type(
        &addr.resource.type_name,
    ))?;
    match addr.resource.mode {
        Mode::Managed => provider.resources.get(&addr.resource.type_name),
        Mode::Data => provider.data_sources.get(&addr.resource.type_name),
    }
}

/// Adds the schema's sensitive marks, so a secret the value forgot to mark is still hidden.
fn mark_by_schema(registry: &Registry, addr: &InstanceAddr, v: Value) -> Value {
    match schema_for(registry, addr) {
        Some(schema) => schema.mark_sensitive(v),
        None => v,
    }
}

/// The value as JSON with every sensitive part `null` and every unknown part left out:
/// omitted from objects, `null` in arrays (element positions must still line up with
/// `after_unknown`). `None` when the whole value is unknown.
fn known_json(v: &Value) -> Option<Json> {
    match v {
        Value::Unknown => None,
        // Unknown wins over sensitive: an unknown secret is left out like any unknown.
        Value::Sensitive(inner) if inner.is_unknown() => None,
        Value::Sensitive(_) => Some(Json::Null),
        Value::List(items) | Value::Set(items) => Some(Json::Array(
            items
                .iter()
                .map(|i| known_json(i).unwrap_or(Json::Null))
                .collect(),
        )),
        Value::Object(map) => Some(Json::Object(
            map.iter()
                .filter_map(|(k, i)| Some((k.clone(), known_json(i)?)))
                .collect(),
        )),
        other => Some(other.to_json_lossy()),
    }
}

/// A `before_sensitive`/`after_sensitive` tree: `false` for no object at all, as Terraform
/// writes it for the missing side of a create or delete.
fn sensitive_json(v: Option<&Value>) -> Json {
    match v {
        Some(v) if !matches!(v, Value::Null) => wire::sensitive_tree(v),
        _ => json!(false),
    }
}

/// A values-representation module tree: `{resources, child_modules: [{address, resources,
/// child_modules}]}`, with modules that hold only other modules included so the nesting is
/// complete. Empty lists are left out, as Terraform does.
fn module_tree(mut resources: Vec<(InstanceAddr, Json)>) -> Json {
    resources.sort_by(|a, b| a.0.cmp(&b.0));
    let mut by_module: BTreeMap<Vec<String>, Vec<Json>> = BTreeMap::new();
    by_module.insert(Vec::new(), Vec::new());
    for (addr, r) in resources {
        let path = &addr.resource.module.0;
        for depth in 1..path.len() {
            by_module.entry(path[..depth].to_vec()).or_default();
        }
        by_module.entry(path.clone()).or_default().push(r);
    }
    module_node(&[], &by_module)
}

fn module_node(path: &[String], all: &BTreeMap<Vec<String>, Vec<Json>>) -> Json {
    let mut node = Map::new();
    if !path.is_empty() {
        node.insert(
            "address".into(),
            json!(ModulePath(path.to_vec()).to_string()),
        );
    }
    if let Some(resources) = all.get(path).filter(|r| !r.is_empty()) {
        node.insert("resources".into(), Json::Array(resources.clone()));
    }
    let children: Vec<Json> = all
        .keys()
        .filter(|k| k.len() == path.len() + 1 && k.starts_with(path))
        .map(|k| module_node(k, all))
        .collect();
    if !children.is_empty() {
        node.insert("child_modules".into(), Json::Array(children));
    }
    Json::Object(node)
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
