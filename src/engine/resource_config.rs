//! A resource body checked against its schema, and evaluated into a schema-shaped value.
//!
//! Checking is static (unsupported or missing arguments, block counts) and runs once per
//! block; evaluation runs once per instance and converts each value to its attribute's type.

use crate::config::body::{Block, Body};
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Evaluator;
use crate::providers::schema::{Nesting, Schema};
use crate::value::Value;

use super::scope::ModuleScope;

/// Reports arguments and blocks the schema does not allow, and required ones that are missing.
pub fn check_body(
    body: &Body,
    schema: &Schema,
    context: &str,
    extra_args: &[&str],
    diags: &mut Diagnostics,
    header: crate::diag::Span,
) {
    let settable: Vec<&str> = schema
        .attributes
        .iter()
        .filter(|(_, a)| a.is_settable())
        .map(|(n, _)| n.as_str())
        .chain(extra_args.iter().copied())
        .collect();
    let mut blocks: Vec<&str> = schema.blocks.keys().map(String::as_str).collect();
    if !schema.blocks.is_empty() {
        blocks.push("dynamic");
    }
    for attr in &body.attributes {
        if let Some(a) = schema.attributes.get(&attr.name) {
            if !a.is_settable() {
                diags.push(
                    Diagnostic::error("Value for unconfigurable attribute")
                        .at(attr.name_span)
                        .detail(format!("Can't configure a value for \"{}\": its value is decided by the provider.", attr.name))
                        .hint("remove this argument; read it after apply as an attribute instead"),
                );
            }
        }
    }
    for b in &body.blocks {
        if let Some(why) = schema.not_yet.get(&b.kind) {
            diags.push(
                Diagnostic::error(format!("\"{}\" blocks are not supported yet", b.kind))
                    .at(b.kind_span)
                    .detail(format!(
                        "Terraform's schema has \"{}\" in {context}, but clusterform cannot make it yet: {why}",
                        b.kind
                    ))
                    .hint("remove the block, or manage this setting outside clusterform until it is supported"),
            );
        }
    }
    let only_unknown = Body {
        attributes: body
            .attributes
            .iter()
            .filter(|a| !schema.attributes.contains_key(&a.name))
            .cloned()
            .collect(),
        blocks: body
            .blocks
            .iter()
            .filter(|b| !schema.not_yet.contains_key(&b.kind))
            .cloned()
            .collect(),
        span: body.span,
    };
    only_unknown.check_allowed(&settable, &blocks, context, diags);
    for (name, a) in &schema.attributes {
        if a.required && body.attribute(name).is_none() {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .at(header)
                    .detail(format!(
                        "The argument \"{name}\" is required, but no definition was found."
                    ))
                    .hint(if a.description.is_empty() {
                        format!("add {name} = …")
                    } else {
                        format!("add {name} = … ({})", a.description)
                    }),
            );
        }
    }
    for (name, nb) in &schema.blocks {
        let statics: Vec<&Block> = body.blocks_of(name).collect();
        let has_dynamic = body
            .blocks_of("dynamic")
            .any(|d| d.labels.first().is_some_and(|l| &l.0 == name));
        let max = if nb.nesting == Nesting::Single {
            1
        } else {
            nb.max_items
        };
        if statics.len() > max {
            diags.push(
                Diagnostic::error("Too many blocks")
                    .at(statics[max].kind_span)
                    .detail(if max == 1 {
                        format!("No more than one \"{name}\" block is allowed.")
                    } else {
                        format!("No more than {max} \"{name}\" blocks are allowed.")
                    }),
            );
        }
        if statics.len() < nb.min_items && !has_dynamic {
            diags.push(
                Diagnostic::error("Missing required block")
                    .at(header)
                    .detail(format!(
                        "At least {} \"{name}\" block is required.",
                        nb.min_items
                    )),
            );
        }
        for b in statics {
            check_body(
                &b.body,
                &nb.schema,
                &format!("a {name} block"),
                &[],
                diags,
                b.kind_span,
            );
        }
    }
    for d in body.blocks_of("dynamic") {
        let Some((label, span)) = d.labels.first() else {
            diags.push(
                Diagnostic::error("Missing dynamic block label")
                    .at(d.kind_span)
                    .detail("Write dynamic \"BLOCK_TYPE\" { … }."),
            );
            continue;
        };
        let Some(nb) = schema.blocks.get(label) else {
            diags.push(
                Diagnostic::error("Unsupported block type")
                    .at(*span)
                    .detail(format!(
                        "Blocks of type \"{label}\" are not expected in {context}."
                    )),
            );
            continue;
        };
        d.body.check_allowed(
            &["for_each", "iterator", "labels"],
            &["content"],
            "a dynamic block",
            diags,
        );
        if d.body.attribute("for_each").is_none() {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .at(d.kind_span)
                    .detail("A dynamic block needs for_each."),
            );
        }
        match d.body.blocks_of("content").next() {
            Some(c) => check_body(
                &c.body,
                &nb.schema,
                &format!("a {label} block"),
                &[],
                diags,
                c.kind_span,
            ),
            None => diags.push(
                Diagnostic::error("Missing required block")
                    .at(d.kind_span)
                    .detail("A dynamic block needs a content block."),
            ),
        }
    }
}

/// Evaluates a body into an object with every schema attribute and block present.
pub fn eval_body(
    body: &Body,
    schema: &Schema,
    scope: &mut ModuleScope<'_>,
    diags: &mut Diagnostics,
) -> Value {
    let mut out = match schema.empty_value() {
        Value::Object(m) => m,
        _ => unreachable!("empty_value is an object"),
    };
    for attr in &body.attributes {
        let Some(a) = schema.attributes.get(&attr.name) else {
            continue;
        };
        let result = Evaluator::new(scope).eval(&attr.expr);
        match result {
            Ok(v) => match a.ty.convert(v) {
                Ok(v) => {
                    out.insert(attr.name.clone(), v);
                }
                Err(e) => diags.push(
                    Diagnostic::error("Incorrect attribute value type")
                        .at(attr.expr.span)
                        .detail(format!(
                            "Inappropriate value for attribute \"{}\": {e}.",
                            attr.name
                        ))
                        .hint(format!("\"{}\" takes a {}", attr.name, a.ty)),
                ),
            },
            Err(d) => diags.push(d),
        }
    }
    for (name, nb) in &schema.blocks {
        let mut items: Vec<(u32, Value)> = Vec::new();
        let mut unknown = false;
        for b in body.blocks_of(name) {
            items.push((b.span.start, eval_body(&b.body, &nb.schema, scope, diags)));
        }
        for d in body
            .blocks_of("dynamic")
            .filter(|d| d.labels.first().is_some_and(|l| &l.0 == name))
        {
            match eval_dynamic(d, name, &nb.schema, scope, diags) {
                Some(vs) => items.extend(vs.into_iter().map(|v| (d.span.start, v))),
                None => unknown = true,
            }
        }
        items.sort_by_key(|(pos, _)| *pos);
        let values: Vec<Value> = items.into_iter().map(|(_, v)| v).collect();
        let v = if unknown {
            Value::Unknown
        } else if values.is_empty() && nb.computed {
            // No block at all: the provider's value stands (see `NestedBlock::computed`).
            Value::Null
        } else {
            match nb.nesting {
                Nesting::Single => values.into_iter().next().unwrap_or(Value::Null),
                Nesting::List => Value::List(values),
                Nesting::Set => Value::set(values),
            }
        };
        out.insert(name.clone(), v);
    }
    Value::Object(out)
}

/// Expands one `dynamic` block; `None` when its collection is not known yet.
fn eval_dynamic(
    d: &Block,
    label: &str,
    schema: &Schema,
    scope: &mut ModuleScope<'_>,
    diags: &mut Diagnostics,
) -> Option<Vec<Value>> {
    let for_each = d.body.attribute("for_each")?;
    let iterator = d
        .body
        .attribute("iterator")
        .and_then(|a| a.expr.as_keyword().map(str::to_string))
        .unwrap_or_else(|| label.to_string());
    let content = d.body.blocks_of("content").next()?;
    let collection = match Evaluator::new(scope).eval(&for_each.expr) {
        Ok(v) => v,
        Err(e) => {
            diags.push(e);
            return Some(Vec::new());
        }
    };
    let (collection, marked) = collection.strip_marks();
    let pairs: Vec<(Value, Value)> = match collection {
        Value::Unknown => return None,
        Value::Null => Vec::new(),
        Value::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as i64), v))
            .collect(),
        Value::Set(items) => items.into_iter().map(|v| (v.clone(), v)).collect(),
        Value::Object(map) => map.into_iter().map(|(k, v)| (Value::from(k), v)).collect(),
        other => {
            diags.push(
                Diagnostic::error("Invalid dynamic for_each value")
                    .at(for_each.expr.span)
                    .detail(format!(
                        "Cannot use a {} value in for_each: a list, set or map is required.",
                        other.type_name()
                    )),
            );
            return Some(Vec::new());
        }
    };
    let previous = scope.extra.remove(&iterator);
    let mut out = Vec::new();
    for (k, v) in pairs {
        let binding = Value::object([("key", k.mark_if(marked)), ("value", v.mark_if(marked))]);
        scope.extra.insert(iterator.clone(), binding);
        out.push(eval_body(&content.body, schema, scope, diags));
    }
    scope.extra.remove(&iterator);
    if let Some(p) = previous {
        scope.extra.insert(iterator, p);
    }
    Some(out)
}
