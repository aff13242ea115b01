//! Type constraints (`string`, `list(string)`, `object({...})`, …) and value conversion.
//!
//! Conversion follows Terraform's rules: primitives convert through strings where that is
//! lossless, collections convert element by element, and optional object attributes take
//! their default. Unknown and sensitive values pass through with their marks intact.

use std::collections::BTreeMap;
use std::fmt;

use super::{Number, Value};

/// A type constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum Type {
    /// `any`: accepts every value unchanged.
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Object(BTreeMap<String, ObjectAttr>),
    Tuple(Vec<Type>),
}

/// One attribute of an `object({...})` type.
#[derive(Clone, Debug, PartialEq)]
pub struct ObjectAttr {
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
}

/// Why a value does not fit a type, and where inside the value.
#[derive(Clone, Debug, PartialEq)]
pub struct ConvertError {
    /// Path inside the value, such as `[0].name`; empty at the top.
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Any => f.write_str("any"),
            Type::String => f.write_str("string"),
            Type::Number => f.write_str("number"),
            Type::Bool => f.write_str("bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Tuple(ts) => {
                f.write_str("tuple([")?;
                for (i, t) in ts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                f.write_str("])")
            }
            Type::Object(attrs) => {
                f.write_str("object({")?;
                for (i, (name, attr)) in attrs.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if attr.optional {
                        write!(f, "{name} = optional({})", attr.ty)?;
                    } else {
                        write!(f, "{name} = {}", attr.ty)?;
                    }
                }
                f.write_str("})")
            }
        }
    }
}

impl Type {
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    pub fn set(t: Type) -> Type {
        Type::Set(Box::new(t))
    }

    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }

    /// Converts `value` to this type, or says why it cannot.
    pub fn convert(&self, value: Value) -> Result<Value, ConvertError> {
        convert_at(self, value, String::new())
    }
}

fn fail(path: &str, message: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.to_string(),
        message: message.into(),
    }
}

fn convert_at(ty: &Type, value: Value, path: String) -> Result<Value, ConvertError> {
    match value {
        Value::Sensitive(inner) => return Ok(convert_at(ty, *inner, path)?.sensitive()),
        Value::Unknown => return Ok(Value::Unknown),
        Value::Null => return Ok(Value::Null),
        _ => {}
    }
    match ty {
        Type::Any => Ok(value),
        Type::String => match value {
            Value::String(_) => Ok(value),
            Value::Number(n) => Ok(Value::String(n.to_string())),
            Value::Bool(b) => Ok(Value::String(b.to_string())),
            other => Err(fail(
                &path,
                format!("string required, but have {}", other.type_name()),
            )),
        },
        Type::Number => match value {
            Value::Number(_) => Ok(value),
            Value::String(ref s) => Number::parse(s).map(Value::Number).ok_or_else(|| {
                fail(
                    &path,
                    format!(
                        "a number is required, but {} is not a number",
                        super::quote(s)
                    ),
                )
            }),
            other => Err(fail(
                &path,
                format!("number required, but have {}", other.type_name()),
            )),
        },
        Type::Bool => match value {
            Value::Bool(_) => Ok(value),
            Value::String(ref s) if s == "true" => Ok(Value::Bool(true)),
            Value::String(ref s) if s == "false" => Ok(Value::Bool(false)),
            other => Err(fail(
                &path,
                format!("bool required, but have {}", other.type_name()),
            )),
        },
        Type::List(elem) | Type::Set(elem) => {
            let items = match value {
                Value::List(items) | Value::Set(items) => items,
                other => {
                    return Err(fail(
                        &path,
                        format!("{ty} required, but have {}", other.type_name()),
                    ))
                }
            };
            let converted = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| convert_at(elem, v, format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(if matches!(ty, Type::Set(_)) {
                Value::set(converted)
            } else {
                Value::List(converted)
            })
        }
        Type::Map(elem) => match value {
            Value::Object(map) => Ok(Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let p = format!("{path}[{}]", super::quote(&k));
                        convert_at(elem, v, p).map(|v| (k, v))
                    })
                    .collect::<Result<_, _>>()?,
            )),
            other => Err(fail(
                &path,
                format!("{ty} required, but have {}", other.type_name()),
            )),
        },
        Type::Object(attrs) => {
            let mut map = match value {
                Value::Object(map) => map,
                other => {
                    return Err(fail(
                        &path,
                        format!("object required, but have {}", other.type_name()),
                    ))
                }
            };
            let mut out = BTreeMap::new();
            for (name, attr) in attrs {
                let p = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                match map.remove(name) {
                    Some(Value::Null) | None if attr.optional => {
                        let default = attr.default.clone().unwrap_or(Value::Null);
                        out.insert(name.clone(), convert_at(&attr.ty, default, p)?);
                    }
                    Some(v) => {
                        out.insert(name.clone(), convert_at(&attr.ty, v, p)?);
                    }
                    None => return Err(fail(&path, format!("attribute \"{name}\" is required"))),
                }
            }
            Ok(Value::Object(out))
        }
        Type::Tuple(elems) => {
            let items = match value {
                Value::List(items) | Value::Set(items) => items,
                other => {
                    return Err(fail(
                        &path,
                        format!("tuple required, but have {}", other.type_name()),
                    ))
                }
            };
            if items.len() != elems.len() {
                return Err(fail(
                    &path,
                    format!(
                        "tuple of {} elements required, but have {}",
                        elems.len(),
                        items.len()
                    ),
                ));
            }
            let converted = items
                .into_iter()
                .zip(elems)
                .enumerate()
                .map(|(i, (v, t))| convert_at(t, v, format!("{path}[{i}]")))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Value::List(converted))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn primitives_convert_through_strings() {
        assert_eq!(
            Type::String.convert(Value::from(5)).unwrap(),
            Value::from("5")
        );
        assert_eq!(
            Type::Number.convert(Value::from("5")).unwrap(),
            Value::from(5)
        );
        assert_eq!(
            Type::Bool.convert(Value::from("true")).unwrap(),
            Value::Bool(true)
        );
        assert!(Type::Number.convert(Value::from("five")).is_err());
    }

    #[test]
    fn object_optional_attributes_take_defaults() {
        let ty = Type::Object(BTreeMap::from([
            (
                "name".to_string(),
                ObjectAttr {
                    ty: Type::String,
                    optional: false,
                    default: None,
                },
            ),
            (
                "port".to_string(),
                ObjectAttr {
                    ty: Type::Number,
                    optional: true,
                    default: Some(Value::from(443)),
                },
            ),
        ]));
        let v = ty
            .convert(Value::object([("name", Value::from("api"))]))
            .unwrap();
        assert_eq!(v.get("port"), Some(&Value::from(443)));
        let err = ty
            .convert(Value::object([("port", Value::from(1))]))
            .unwrap_err();
        assert_eq!(err.message, "attribute \"name\" is required");
    }

    #[test]
    fn errors_name_the_path() {
        let ty = Type::list(Type::Number);
        let err = ty
            .convert(Value::List(vec![Value::from(1), Value::from("x")]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "[1]: a number is required, but \"x\" is not a number"
        );
    }

    #[test]
    fn marks_survive_conversion() {
        let v = Type::String.convert(Value::from(1).sensitive()).unwrap();
        assert_eq!(v, Value::from("1").sensitive());
        assert_eq!(
            Type::set(Type::String).convert(Value::Unknown).unwrap(),
            Value::Unknown
        );
    }
}
