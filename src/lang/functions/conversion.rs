//! Type conversion functions: `tolist`, `toset`, `tomap`, `tostring`, `tonumber`, `tobool`,
//! and `coalesce`, whose result type is the arguments' common type.
//!
//! A list, set or map needs one element type, so mixed primitive elements are unified to
//! strings as Terraform does (`tolist(["a", 1])` is `["a", "1"]`), while mixing primitives
//! with collections is refused.

use super::args::{self, exactly, fail, invalid};
use super::CallError;
use crate::value::{Number, Type, Value};

type Result = std::result::Result<Value, CallError>;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    String,
    Number,
    Bool,
    Sequence,
    Object,
}

/// The kind of a known, non-null value.
fn kind(v: &Value) -> Option<Kind> {
    match v {
        Value::String(_) => Some(Kind::String),
        Value::Number(_) => Some(Kind::Number),
        Value::Bool(_) => Some(Kind::Bool),
        Value::List(_) | Value::Set(_) => Some(Kind::Sequence),
        Value::Object(_) => Some(Kind::Object),
        Value::Null | Value::Unknown | Value::Sensitive(_) => None,
    }
}

fn is_primitive(k: Kind) -> bool {
    matches!(k, Kind::String | Kind::Number | Kind::Bool)
}

/// Whether the known elements need converting to strings to share one type. `Err` names the
/// mismatch when no common type exists.
fn needs_strings<'a>(values: impl Iterator<Item = &'a Value>) -> std::result::Result<bool, ()> {
    let mut seen: Option<Kind> = None;
    let mut mixed = false;
    for k in values.filter_map(kind) {
        match seen {
            None => seen = Some(k),
            Some(s) if s == k => {}
            Some(s) if is_primitive(s) && is_primitive(k) => mixed = true,
            Some(_) => return Err(()),
        }
    }
    Ok(mixed)
}

fn stringify(items: Vec<Value>) -> std::result::Result<Vec<Value>, CallError> {
    items
        .into_iter()
        .map(|v| Type::String.convert(v).map_err(|e| fail(format!("{e}."))))
        .collect()
}

/// The elements converted to one common type.
fn unify(items: Vec<Value>, target: &str) -> std::result::Result<Vec<Value>, CallError> {
    match needs_strings(items.iter()) {
        Ok(false) => Ok(items),
        Ok(true) => stringify(items),
        Err(()) => Err(invalid(
            "v",
            format!("cannot convert to {target} of any single type, because the elements have different types"),
        )),
    }
}

pub(super) fn tolist(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    match v {
        Value::Null => Ok(Value::Null),
        Value::List(items) | Value::Set(items) => Ok(Value::List(unify(items, "list")?)),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to list", other.type_name()),
        )),
    }
}

pub(super) fn toset(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    match v {
        Value::Null => Ok(Value::Null),
        Value::List(items) | Value::Set(items) => Ok(Value::set(unify(items, "set")?)),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to set", other.type_name()),
        )),
    }
}

pub(super) fn tomap(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    match v {
        Value::Null => Ok(Value::Null),
        Value::Object(map) => {
            let (keys, values): (Vec<String>, Vec<Value>) = map.into_iter().unzip();
            let values = unify(values, "map")?;
            Ok(Value::Object(keys.into_iter().zip(values).collect()))
        }
        other => Err(invalid(
            "v",
            format!("cannot convert {} to map", other.type_name()),
        )),
    }
}

pub(super) fn tostring(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    match v {
        Value::Null | Value::String(_) => Ok(v),
        Value::Number(n) => Ok(Value::String(n.to_string())),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to string", other.type_name()),
        )),
    }
}

pub(super) fn tonumber(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    match v {
        Value::Null | Value::Number(_) => Ok(v),
        Value::String(s) => Number::parse(&s).map(Value::Number).ok_or_else(|| {
            invalid(
                "v",
                format!(
                    "cannot convert {} to number; given string must be a decimal representation of a number",
                    crate::value::quote(&s)
                ),
            )
        }),
        other => Err(invalid("v", format!("cannot convert {} to number", other.type_name()))),
    }
}

pub(super) fn tobool(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    match v {
        Value::Null | Value::Bool(_) => Ok(v),
        Value::String(ref s) if s == "true" || s == "false" => Ok(Value::Bool(s == "true")),
        Value::String(s) => Err(invalid(
            "v",
            format!(
                "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed",
                crate::value::quote(&s)
            ),
        )),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to bool", other.type_name()),
        )),
    }
}

pub(super) fn coalesce(args: Vec<Value>) -> Result {
    args::at_least(&args, 1)?;
    let to_strings =
        needs_strings(args.iter()).map_err(|()| fail("all arguments must have the same type."))?;
    let args = if to_strings { stringify(args)? } else { args };
    args.into_iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .ok_or_else(|| fail("no non-null, non-empty-string arguments."))
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::from(*s)).collect())
    }

    #[test]
    fn tolist_and_toset_unify_primitives() {
        let mixed = Value::List(vec![Value::from("a"), Value::from(1), Value::Bool(true)]);
        assert_eq!(
            call("tolist", vec![mixed.clone()]),
            Ok(strings(&["a", "1", "true"]))
        );
        let set = call(
            "toset",
            vec![Value::List(vec!["b".into(), "a".into(), "b".into()])],
        );
        assert_eq!(set, Ok(Value::Set(vec!["a".into(), "b".into()])));
        let bad = Value::List(vec![Value::from("a"), strings(&["b"])]);
        assert!(call("tolist", vec![bad]).is_err());
        assert!(call("tolist", vec![Value::from("a")]).is_err());
    }

    #[test]
    fn tolist_keeps_unknown_elements() {
        let v = Value::Set(vec![Value::from("a"), Value::Unknown]);
        let out = call("tolist", vec![v]).unwrap();
        assert_eq!(out, Value::List(vec![Value::from("a"), Value::Unknown]));
    }

    #[test]
    fn tomap_requires_an_object() {
        let obj = Value::object([("a", Value::from(1)), ("b", Value::from("x"))]);
        let out = call("tomap", vec![obj]).unwrap();
        assert_eq!(
            out,
            Value::object([("a", Value::from("1")), ("b", Value::from("x"))])
        );
        assert!(call("tomap", vec![strings(&["a"])]).is_err());
    }

    #[test]
    fn primitive_conversions() {
        assert_eq!(call("tostring", vec![Value::from(5)]), Ok(Value::from("5")));
        assert_eq!(call("tostring", vec![Value::Null]), Ok(Value::Null));
        assert!(call("tostring", vec![strings(&[])]).is_err());
        assert_eq!(
            call("tonumber", vec![Value::from("1.5")]),
            Ok(Value::from(1.5))
        );
        let err = call("tonumber", vec![Value::from("x")]).unwrap_err();
        assert!(matches!(err, CallError::Failed(m) if m.contains("decimal representation")));
        assert_eq!(
            call("tobool", vec![Value::from("false")]),
            Ok(Value::Bool(false))
        );
        assert!(call("tobool", vec![Value::from("yes")]).is_err());
        assert!(call("tobool", vec![Value::from(1)]).is_err());
    }

    #[test]
    fn coalesce_skips_null_and_empty() {
        let out = call(
            "coalesce",
            vec![Value::Null, "".into(), "b".into(), "c".into()],
        );
        assert_eq!(out, Ok(Value::from("b")));
        assert_eq!(
            call("coalesce", vec![Value::from(1), "x".into()]),
            Ok(Value::from("1"))
        );
        let err = call("coalesce", vec![Value::Null, "".into()]);
        assert_eq!(err, Err(fail("no non-null, non-empty-string arguments.")));
    }
}
