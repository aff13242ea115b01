//! The `configuration` section of the JSON plan: the configuration as written, not evaluated.
//!
//! Each argument is either `{"constant_value": …}` (a literal, or a list or object of them) or
//! `{"references": […]}` naming what it refers to, each reference followed by its shorter
//! prefixes as Terraform lists them (`aws_vpc.main.id`, then `aws_vpc.main`). Expressions
//! that are neither (a function of constants) are `{}`: nothing here evaluates.
//!
//! Secrets stay out: constants given to sensitive attributes, sensitive variables' defaults
//! and sensitive outputs are written as `null`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value as Json};

use crate::addr::{Mode, ModulePath};
use crate::config::body::Body;
use crate::config::refs::walk_references;
use crate::config::{Config, Module, Reference};
use crate::lang::ast::{ExprKind, TemplatePart, UnaryOp};
use crate::lang::Expr;
use crate::providers::schema::{Nesting, Schema};
use crate::providers::Registry;
use crate::value::Value;

/// `configuration`: `{provider_config, root_module}`.
pub(super) fn configuration_json(config: &Config, registry: &Registry) -> Json {
    json!({
        "provider_config": provider_configs(config, registry),
        "root_module": module_json(config, &config.root, registry),
    })
}

/// The key of a provider configuration: `aws.west` in the root, `module.net:aws` in a module.
fn opaque_key(module: &ModulePath, local: &str) -> String {
    if module.is_root() {
        local.to_string()
    } else {
        format!("{module}:{local}")
    }
}

/// The key of the configuration a resource in `module` naming provider `local` really uses:
/// its own module's `provider` block, else the one passed in through `providers = {…}`, else
/// the parent's — up to the root, where a provider without a block is still keyed by name.
/// This is where Terraform's `normalizeModuleProviderKeys` ends up too.
fn provider_key(config: &Config, module: &ModulePath, local: &str) -> String {
    let declared = config
        .module(module)
        .is_some_and(|m| m.providers.iter().any(|p| p.local_name() == local));
    let Some((call_name, parent)) = module.0.split_last() else {
        return opaque_key(module, local);
    };
    if declared {
        return opaque_key(module, local);
    }
    let parent = ModulePath(parent.to_vec());
    let passed = config
        .module(&parent)
        .and_then(|m| m.module_calls.get(call_name))
        .and_then(|call| call.providers.get(local).cloned());
    provider_key(config, &parent, passed.as_deref().unwrap_or(local))
}

/// The source address (`registry.terraform.io/hashicorp/aws`) of a provider by local name.
fn full_name(registry: &Registry, name: &str) -> String {
    let address = registry.state_address(name, None);
    address
        .strip_prefix("provider[\"")
        .and_then(|s| s.strip_suffix("\"]"))
        .unwrap_or(name)
        .to_string()
}

/// `provider_config`: every `provider` block, plus an entry for each provider resources use
/// without a block (so every `provider_config_key` resolves).
fn provider_configs(config: &Config, registry: &Registry) -> Json {
    let mut out = Map::new();
    for module in config.modules() {
        for p in &module.providers {
            let schema = registry.schema(&p.name).map(|s| &s.provider);
            let mut entry = Map::new();
            entry.insert("name".into(), json!(p.name));
            entry.insert("full_name".into(), json!(full_name(registry, &p.name)));
            if let Some(alias) = &p.alias {
                entry.insert("alias".into(), json!(alias));
            }
            if !module.path.is_root() {
                entry.insert("module_address".into(), json!(module.path.to_string()));
            }
            entry.insert("expressions".into(), body_expressions(&p.body, schema));
            out.insert(
                opaque_key(&module.path, &p.local_name()),
                Json::Object(entry),
            );
        }
    }
    for module in config.modules() {
        for r in &module.resources {
            let local = r.provider_local_name();
            let key = provider_key(config, &module.path, &local);
            if out.contains_key(&key) {
                continue;
            }
            let (name, alias) = match local.split_once('.') {
                Some((name, alias)) => (name, Some(alias)),
                None => (local.as_str(), None),
            };
            let mut entry = Map::new();
            entry.insert("name".into(), json!(name));
            entry.insert("full_name".into(), json!(full_name(registry, name)));
            if let Some(alias) = alias {
                entry.insert("alias".into(), json!(alias));
            }
            out.insert(key, Json::Object(entry));
        }
    }
    Json::Object(out)
}

/// One module: `{outputs, resources, module_calls, variables}`, each left out when empty.
fn module_json(config: &Config, module: &Module, registry: &Registry) -> Json {
    let mut out = Map::new();
    let outputs: Map<String, Json> = module
        .outputs
        .values()
        .map(|o| {
            let mut entry = Map::new();
            if o.sensitive {
                entry.insert("sensitive".into(), json!(true));
            }
            entry.insert("expression".into(), expression_json(&o.expr, o.sensitive));
            if let Some(d) = &o.description {
                entry.insert("description".into(), json!(d));
            }
            if !o.depends_on.is_empty() {
                entry.insert("depends_on".into(), depends_on(&o.depends_on));
            }
            (o.name.clone(), Json::Object(entry))
        })
        .collect();
    if !outputs.is_empty() {
        out.insert("outputs".into(), Json::Object(outputs));
    }
    // Managed resources first, then data sources, each sorted by address, as Terraform does.
    let mut resources: Vec<_> = module.resources.iter().collect();
    resources.sort_by_key(|r| {
        (
            r.mode == Mode::Data,
            r.addr(&ModulePath::root()).to_string(),
        )
    });
    let resources: Vec<Json> = resources
        .into_iter()
        .map(|r| resource_json(config, module, r, registry))
        .collect();
    if !resources.is_empty() {
        out.insert("resources".into(), Json::Array(resources));
    }
    let calls: Map<String, Json> = module
        .module_calls
        .values()
        .map(|call| {
            let child = &call.module;
            let mut inputs = Map::new();
            for input in &call.inputs {
                let secret = child
                    .variables
                    .get(&input.name)
                    .is_some_and(|v| v.sensitive);
                inputs.insert(input.name.clone(), expression_json(&input.expr, secret));
            }
            let mut entry = Map::new();
            entry.insert("source".into(), json!(call.source));
            if !inputs.is_empty() {
                entry.insert("expressions".into(), Json::Object(inputs));
            }
            entry.insert("module".into(), module_json(config, child, registry));
            if !call.depends_on.is_empty() {
                entry.insert("depends_on".into(), depends_on(&call.depends_on));
            }
            (call.name.clone(), Json::Object(entry))
        })
        .collect();
    if !calls.is_empty() {
        out.insert("module_calls".into(), Json::Object(calls));
    }
    let variables: Map<String, Json> = module
        .variables
        .values()
        .map(|v| {
            let mut entry = Map::new();
            if let Some(default) = &v.default {
                let secret = v.sensitive || default.contains_sensitive();
                entry.insert(
                    "default".into(),
                    if secret {
                        Json::Null
                    } else {
                        default.to_json_lossy()
                    },
                );
            }
            if let Some(d) = &v.description {
                entry.insert("description".into(), json!(d));
            }
            if v.sensitive {
                entry.insert("sensitive".into(), json!(true));
            }
            (v.name.clone(), Json::Object(entry))
        })
        .collect();
    if !variables.is_empty() {
        out.insert("variables".into(), Json::Object(variables));
    }
    Json::Object(out)
}

fn resource_json(
    config: &Config,
    module: &Module,
    r: &crate::config::Resource,
    registry: &Registry,
) -> Json {
    let provider = registry.schema(crate::config::model::provider_for_type(&r.type_name));
    let schema = provider.and_then(|p| match r.mode {
        Mode::Managed => p.resources.get(&r.type_name),
        Mode::Data => p.data_sources.get(&r.type_name),
    });
    let mut out = Map::new();
    // Configuration addresses are relative to their module, as Terraform writes them.
    out.insert(
        "address".into(),
        json!(r.addr(&ModulePath::root()).to_string()),
    );
    out.insert("mode".into(), json!(r.mode.as_str()));
    out.insert("type".into(), json!(r.type_name));
    out.insert("name".into(), json!(r.name));
    out.insert(
        "provider_config_key".into(),
        json!(provider_key(config, &module.path, &r.provider_local_name())),
    );
    out.insert("expressions".into(), body_expressions(&r.body, schema));
    out.insert("schema_version".into(), json!(0));
    if let Some(count) = &r.count {
        out.insert("count_expression".into(), expression_json(count, false));
    } else if let Some(for_each) = &r.for_each {
        out.insert(
            "for_each_expression".into(),
            expression_json(for_each, false),
        );
    }
    if !r.depends_on.is_empty() {
        out.insert("depends_on".into(), depends_on(&r.depends_on));
    }
    Json::Object(out)
}

/// A block's arguments and nested blocks. With a schema, single blocks are objects and list
/// or set blocks arrays of objects (as Terraform writes them), and blocks the schema does not
/// have (`dynamic`) are left out; without one, every block is an array.
fn body_expressions(body: &Body, schema: Option<&Schema>) -> Json {
    let mut out = Map::new();
    for attr in &body.attributes {
        let secret = schema
            .and_then(|s| s.attributes.get(&attr.name))
            .is_some_and(|a| a.sensitive);
        out.insert(attr.name.clone(), expression_json(&attr.expr, secret));
    }
    let mut lists: BTreeMap<&str, Vec<Json>> = BTreeMap::new();
    for block in &body.blocks {
        let nested = match schema {
            Some(s) => match s.blocks.get(&block.kind) {
                Some(b) => Some(b),
                None => continue,
            },
            None => None,
        };
        let expressions = body_expressions(&block.body, nested.map(|b| &b.schema));
        match nested.map(|b| b.nesting) {
            Some(Nesting::Single) => {
                out.insert(block.kind.clone(), expressions);
            }
            _ => lists.entry(&block.kind).or_default().push(expressions),
        }
    }
    for (kind, items) in lists {
        out.insert(kind.to_string(), Json::Array(items));
    }
    Json::Object(out)
}

/// `{"references": […]}`, `{"constant_value": …}` (`null` when `secret`), or `{}`.
fn expression_json(expr: &Expr, secret: bool) -> Json {
    let refs = references(expr);
    if !refs.is_empty() {
        return json!({ "references": refs });
    }
    match constant(expr) {
        Some(v) if secret || v.contains_sensitive() => json!({ "constant_value": null }),
        Some(v) => json!({ "constant_value": v.to_json_lossy() }),
        None => json!({}),
    }
}

/// Every reference in `expr`, each followed by its shorter prefixes down to the object it
/// names (`aws_eks_cluster.x.vpc_config.subnet_ids`, `….vpc_config`, `aws_eks_cluster.x`),
/// without repeats. Index keys are not kept by the reference walk, so `aws_subnet.a[0].id`
/// is listed as `aws_subnet.a.id` and `aws_subnet.a`.
fn references(expr: &Expr) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    walk_references(expr, &mut |parts, _| {
        for s in reference_prefixes(parts) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    });
    out
}

/// `["aws_vpc","main","id"]` → `["aws_vpc.main.id", "aws_vpc.main"]`.
fn reference_prefixes(parts: &[String]) -> Vec<String> {
    // The shortest name that is an object of its own: data.TYPE.NAME, module.NAME,
    // var.NAME, TYPE.NAME, count.index, …
    let subject = if parts.first().is_some_and(|p| p == "data") {
        3
    } else {
        2
    };
    let shortest = subject.min(parts.len()).max(1);
    (shortest..=parts.len())
        .rev()
        .map(|n| parts[..n].join("."))
        .collect()
}

/// `depends_on` entries: the objects named, without attribute parts.
fn depends_on(refs: &[Reference]) -> Json {
    let names: Vec<String> = refs
        .iter()
        .filter_map(|r| reference_prefixes(&r.parts).pop())
        .collect();
    json!(names)
}

/// The value of a literal, or of a list, object or template made only of literals.
/// Anything else (a function call, an operator) is not folded: nothing is evaluated here.
fn constant(expr: &Expr) -> Option<Value> {
    match &expr.kind {
        ExprKind::Literal(v) => Some(v.clone()),
        ExprKind::Tuple(items) => items
            .iter()
            .map(constant)
            .collect::<Option<Vec<_>>>()
            .map(Value::List),
        ExprKind::Object(entries) => {
            let mut map = BTreeMap::new();
            for (k, v) in entries {
                let key = match constant(k)? {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    _ => return None,
                };
                map.insert(key, constant(v)?);
            }
            Some(Value::Object(map))
        }
        ExprKind::Template(parts) => {
            let mut s = String::new();
            for part in parts {
                match part {
                    TemplatePart::Literal(text) => s.push_str(text),
                    _ => return None,
                }
            }
            Some(Value::String(s))
        }
        ExprKind::Unary(UnaryOp::Neg, inner) => match constant(inner)? {
            Value::Number(n) => Some(Value::number(-n.as_f64())),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
#[path = "json_config_tests.rs"]
mod tests;
