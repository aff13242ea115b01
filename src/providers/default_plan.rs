//! The plan every resource type gets unless its provider knows better: configured values win,
//! unset attributes take their default, computed ones keep their prior value (or become
//! "known after apply" on create), and force-new attributes that change require replacement.

use std::collections::BTreeMap;

use super::schema::{Nesting, Schema};
use super::{PlanRequest, PlanResponse, ProviderSchema};
use crate::diag::Diagnostic;
use crate::value::Value;

pub fn plan(schema: &ProviderSchema, req: &PlanRequest<'_>) -> PlanResponse {
    let Some(s) = schema.resources.get(req.type_name) else {
        let mut resp = PlanResponse::default();
        resp.diagnostics.push(
            Diagnostic::error("Unknown resource type")
                .at(req.spans.root())
                .detail(format!(
                    "The provider does not offer a resource type named \"{}\".",
                    req.type_name
                )),
        );
        return resp;
    };
    plan_type(s, req)
}

/// The default plan of one instance of the resource type `schema` describes.
pub fn plan_type(s: &Schema, req: &PlanRequest<'_>) -> PlanResponse {
    let planned = plan_object(s, req.prior, req.config);
    let requires_replace = match req.prior {
        Some(prior) => replace_paths(s, prior, &planned),
        None => Vec::new(),
    };
    PlanResponse {
        planned,
        requires_replace,
        ..PlanResponse::default()
    }
}

/// Plans one object of `schema`.
pub fn plan_object(schema: &Schema, prior: Option<&Value>, config: &Value) -> Value {
    let mut out = BTreeMap::new();
    for (name, attr) in &schema.attributes {
        let cfg = config.get(name).cloned().unwrap_or(Value::Null);
        let prior_v = prior.and_then(|p| p.get(name));
        let v = if !cfg.is_null() && attr.is_settable() {
            cfg
        } else if let Some(d) = &attr.default {
            d.clone()
        } else if attr.computed {
            match prior {
                Some(_) => prior_v.cloned().unwrap_or(Value::Null),
                None => Value::Unknown,
            }
        } else {
            Value::Null
        };
        out.insert(name.clone(), v);
    }
    for (name, block) in &schema.blocks {
        let cfg = config.get(name).cloned().unwrap_or(Value::Null);
        let prior_v = prior.and_then(|p| p.get(name));
        let v = match block.nesting {
            Nesting::Single => {
                if cfg.is_null() {
                    Value::Null
                } else {
                    plan_object(&block.schema, prior_v.filter(|p| !p.is_null()), &cfg)
                }
            }
            Nesting::List | Nesting::Set if block.computed && cfg.is_null() => match prior_v {
                Some(p) if !p.is_null() => p.clone(),
                // A new object gets none: the provider removes what the cloud adds by itself.
                _ if block.nesting == Nesting::Set => Value::set(Vec::new()),
                _ => Value::List(Vec::new()),
            },
            Nesting::List | Nesting::Set => {
                let items = cfg.as_items().map(<[Value]>::to_vec).unwrap_or_default();
                let prior_items = prior_v.and_then(Value::as_items).unwrap_or(&[]);
                let planned: Vec<Value> = items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let p = if block.nesting == Nesting::List {
                            prior_items.get(i)
                        } else {
                            prior_items
                                .iter()
                                .find(|p| settable_equal(&block.schema, p, item))
                        };
                        plan_object(&block.schema, p, item)
                    })
                    .collect();
                if block.nesting == Nesting::Set {
                    Value::set(planned)
                } else {
                    Value::List(planned)
                }
            }
        };
        out.insert(name.clone(), v);
    }
    Value::Object(out)
}

/// True when the configurable attributes of two objects agree.
fn settable_equal(schema: &Schema, a: &Value, b: &Value) -> bool {
    schema
        .attributes
        .iter()
        .filter(|(_, attr)| attr.is_settable())
        .all(|(name, _)| {
            let x = a.get(name).cloned().unwrap_or(Value::Null);
            let y = b.get(name).cloned().unwrap_or(Value::Null);
            x.same_as(&y)
        })
}

/// Paths of force-new attributes and blocks whose planned value differs from the prior one.
pub fn replace_paths(schema: &Schema, prior: &Value, planned: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for (name, attr) in &schema.attributes {
        if !attr.force_new {
            continue;
        }
        let before = prior.get(name).cloned().unwrap_or(Value::Null);
        let after = planned.get(name).cloned().unwrap_or(Value::Null);
        if !before.same_as(&after) {
            out.push(vec![name.clone()]);
        }
    }
    for (name, block) in &schema.blocks {
        let before = prior.get(name).cloned().unwrap_or(Value::Null);
        let after = planned.get(name).cloned().unwrap_or(Value::Null);
        if block.force_new && !before.same_as(&after) {
            out.push(vec![name.clone()]);
        } else if block.nesting == Nesting::Single && !before.is_null() && !after.is_null() {
            for mut p in replace_paths(&block.schema, &before, &after) {
                p.insert(0, name.clone());
                out.push(p);
            }
        } else if block.nesting == Nesting::List {
            // Items pair up by position; an item added or removed is no attribute change.
            let (b, a) = (
                before.as_items().unwrap_or(&[]),
                after.as_items().unwrap_or(&[]),
            );
            for (i, (bi, ai)) in b.iter().zip(a).enumerate() {
                for mut p in replace_paths(&block.schema, bi, ai) {
                    p.splice(0..0, [name.clone(), i.to_string()]);
                    out.push(p);
                }
            }
        }
    }
    out
}
