//! Functions over maps and objects: `lookup`, `merge`, `keys`, `values`, `zipmap`.
//!
//! Keys are kept in a `BTreeMap`, so `keys()` and `values()` come out in lexical key order, as
//! Terraform documents.

use std::collections::BTreeMap;

use super::args::{self, exactly, fail};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

pub(super) fn lookup(args: Vec<Value>) -> Result {
    args::between(&args, 2, 3)?;
    let mut args = args.into_iter();
    let (Some(map), Some(key)) = (args.next(), args.next()) else {
        return Err(fail("expects 2 or 3 arguments."));
    };
    let default = args.next();
    let mut map = args::object(map, "inputMap")?;
    if key.contains_unknown() {
        return Ok(Value::Unknown);
    }
    let key = args::string(key, "key")?;
    match (map.remove(&key), default) {
        (Some(v), _) => Ok(v),
        (None, Some(default)) => Ok(default),
        (None, None) => Err(fail(format!(
            "lookup failed to find key {}.",
            crate::value::quote(&key)
        ))),
    }
}

pub(super) fn merge(args: Vec<Value>) -> Result {
    let mut out = BTreeMap::new();
    for (i, arg) in args.into_iter().enumerate() {
        match arg {
            // Terraform skips null arguments so optional maps can be merged without a check.
            Value::Null => {}
            Value::Object(map) => out.extend(map),
            other => {
                return Err(fail(format!(
                    "arguments must be maps or objects; argument {} is {}.",
                    i + 1,
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::Object(out))
}

pub(super) fn keys(args: Vec<Value>) -> Result {
    let [map] = exactly(args)?;
    let map = args::object(map, "inputMap")?;
    Ok(Value::List(map.into_keys().map(Value::String).collect()))
}

pub(super) fn values(args: Vec<Value>) -> Result {
    let [map] = exactly(args)?;
    let map = args::object(map, "mapping")?;
    Ok(Value::List(map.into_values().collect()))
}

pub(super) fn zipmap(args: Vec<Value>) -> Result {
    let [keys, values] = exactly(args)?;
    let keys = args::items(keys, "keys")?;
    let values = args::list(values, "values")?;
    // Values may hold unknowns, but the result's shape depends on every key.
    if keys.iter().any(Value::contains_unknown) {
        return Ok(Value::Unknown);
    }
    if keys.len() != values.len() {
        return Err(fail(format!(
            "number of keys ({}) does not match number of values ({}).",
            keys.len(),
            values.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (key, value) in keys.into_iter().zip(values) {
        out.insert(args::string(key, "keys")?, value);
    }
    Ok(Value::Object(out))
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::from(*s)).collect())
    }

    fn sample() -> Value {
        Value::object([("b", Value::from(2)), ("a", Value::from(1))])
    }

    #[test]
    fn lookup_finds_or_defaults() {
        assert_eq!(
            call("lookup", vec![sample(), Value::from("a")]),
            Ok(Value::from(1))
        );
        let out = call("lookup", vec![sample(), Value::from("z"), Value::from(9)]);
        assert_eq!(out, Ok(Value::from(9)));
        let err = call("lookup", vec![sample(), Value::from("z")]);
        assert_eq!(err, Err(fail("lookup failed to find key \"z\".")));
        assert!(call("lookup", vec![sample()]).is_err());
    }

    #[test]
    fn lookup_passes_unknown_values_through() {
        let map = Value::object([("a", Value::Unknown), ("b", Value::from(1))]);
        assert_eq!(
            call("lookup", vec![map.clone(), Value::from("b")]),
            Ok(Value::from(1))
        );
        assert_eq!(
            call("lookup", vec![map, Value::from("a")]),
            Ok(Value::Unknown)
        );
    }

    #[test]
    fn merge_later_arguments_win() {
        let first = Value::object([("a", Value::from(1)), ("b", Value::from(1))]);
        let second = Value::object([("b", Value::from(2)), ("c", Value::from(2))]);
        let out = call("merge", vec![first, Value::Null, second]).unwrap();
        let expected = Value::object([
            ("a", Value::from(1)),
            ("b", Value::from(2)),
            ("c", Value::from(2)),
        ]);
        assert_eq!(out, expected);
        assert_eq!(
            call("merge", vec![]),
            Ok(Value::object(Vec::<(String, Value)>::new()))
        );
        assert!(call("merge", vec![strings(&["a"])]).is_err());
    }

    #[test]
    fn keys_and_values_are_in_key_order() {
        assert_eq!(call("keys", vec![sample()]), Ok(strings(&["a", "b"])));
        let values = Value::List(vec![Value::from(1), Value::from(2)]);
        assert_eq!(call("values", vec![sample()]), Ok(values));
    }

    #[test]
    fn zipmap_pairs_keys_with_values() {
        let out = call("zipmap", vec![strings(&["x", "y"]), strings(&["1", "2"])]).unwrap();
        assert_eq!(
            out,
            Value::object([("x", Value::from("1")), ("y", Value::from("2"))])
        );
        let err = call("zipmap", vec![strings(&["x"]), strings(&[])]);
        assert_eq!(
            err,
            Err(fail(
                "number of keys (1) does not match number of values (0)."
            ))
        );
        let unknown_value = Value::List(vec![Value::Unknown]);
        let out = call("zipmap", vec![strings(&["x"]), unknown_value.clone()]).unwrap();
        assert_eq!(out, Value::object([("x", Value::Unknown)]));
        let unknown_key = call("zipmap", vec![unknown_value, strings(&["1"])]);
        assert_eq!(unknown_key, Ok(Value::Unknown));
    }
}
