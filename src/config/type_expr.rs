//! Type constraint expressions: `string`, `list(object({ name = string, port = optional(number, 443) }))`.

use std::collections::BTreeMap;
use std::path::Path;

use super::constant::eval_constant;
use crate::diag::Diagnostic;
use crate::lang::{Expr, ExprKind};
use crate::value::types::ObjectAttr;
use crate::value::{Type, Value};

const HINT: &str = "use string, number, bool, any, list(T), set(T), map(T), tuple([T, …]) or object({ name = T, … })";

fn invalid(expr: &Expr, detail: impl Into<String>) -> Diagnostic {
    Diagnostic::error("Invalid type specification")
        .at(expr.span)
        .detail(detail)
        .hint(HINT)
}

/// Parses a type constraint written in configuration.
pub fn parse_type(expr: &Expr, dir: &Path) -> Result<Type, Diagnostic> {
    match &expr.kind {
        ExprKind::Variable(name) => match name.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Any),
            other => Err(invalid(expr, format!("\"{other}\" is not a type."))),
        },
        ExprKind::Literal(Value::String(s))
            if ["string", "number", "bool", "any"].contains(&s.as_str()) =>
        {
            Err(invalid(
                expr,
                format!("Type names are keywords, not strings: write {s} without quotes."),
            ))
        }
        ExprKind::Call { name, args, .. } => {
            let one = || -> Result<&Expr, Diagnostic> {
                match args.as_slice() {
                    [a] => Ok(a),
                    _ => Err(invalid(
                        expr,
                        format!("{name}(…) takes exactly one argument."),
                    )),
                }
            };
            match name.as_str() {
                "list" => Ok(Type::list(parse_type(one()?, dir)?)),
                "set" => Ok(Type::set(parse_type(one()?, dir)?)),
                "map" => Ok(Type::map(parse_type(one()?, dir)?)),
                "tuple" => match &one()?.kind {
                    ExprKind::Tuple(items) => Ok(Type::Tuple(
                        items
                            .iter()
                            .map(|t| parse_type(t, dir))
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err(invalid(
                        expr,
                        "tuple(…) takes a list of types: tuple([string, number]).",
                    )),
                },
                "object" => match &one()?.kind {
                    ExprKind::Object(entries) => {
                        let mut attrs = BTreeMap::new();
                        for (k, v) in entries {
                            let key = match k.as_literal().and_then(Value::as_str) {
                                Some(k) => k.to_string(),
                                None => {
                                    return Err(invalid(
                                        k,
                                        "Object type attribute names must be identifiers.",
                                    ))
                                }
                            };
                            attrs.insert(key, parse_object_attr(v, dir)?);
                        }
                        Ok(Type::Object(attrs))
                    }
                    _ => Err(invalid(
                        expr,
                        "object(…) takes an object of attribute types: object({ name = string }).",
                    )),
                },
                "optional" => Err(invalid(
                    expr,
                    "optional(…) is only allowed for attributes of an object type.",
                )),
                other => Err(invalid(
                    expr,
                    format!("\"{other}\" is not a type constructor."),
                )),
            }
        }
        _ => Err(invalid(
            expr,
            "A type specification is a type keyword or constructor, not a value.",
        )),
    }
}

fn parse_object_attr(expr: &Expr, dir: &Path) -> Result<ObjectAttr, Diagnostic> {
    if let ExprKind::Call { name, args, .. } = &expr.kind {
        if name == "optional" {
            let (ty, default) = match args.as_slice() {
                [t] => (parse_type(t, dir)?, None),
                [t, d] => {
                    let ty = parse_type(t, dir)?;
                    let value = eval_constant(d, dir, "An optional attribute's default")?;
                    let value = ty.convert(value).map_err(|e| {
                        invalid(d, format!("The default does not fit the type {ty}: {e}."))
                    })?;
                    (ty, Some(value))
                }
                _ => {
                    return Err(invalid(
                        expr,
                        "optional(…) takes a type and, optionally, a default value.",
                    ))
                }
            };
            return Ok(ObjectAttr {
                ty,
                optional: true,
                default,
            });
        }
    }
    Ok(ObjectAttr {
        ty: parse_type(expr, dir)?,
        optional: false,
        default: None,
    })
}
