//! Reading function arguments: arity checks and typed accessors.
//!
//! Every accessor names the parameter it reads, so a user sees `Invalid value for "netnum"
//! parameter: …` as Terraform words it. Arguments arrive here already stripped of marks (see
//! `call` in `mod.rs`); this module never sees a `Value::Sensitive`.

use std::collections::BTreeMap;

use super::CallError;
use crate::value::{Number, Value};

/// Shorthand for a failed call with a message.
pub(super) fn fail(message: impl Into<String>) -> CallError {
    CallError::Failed(message.into())
}

/// The error for a parameter that has the wrong type or shape.
pub(super) fn invalid(param: &str, message: impl std::fmt::Display) -> CallError {
    fail(format!(
        "Invalid value for \"{param}\" parameter: {message}."
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "argument"
    } else {
        "arguments"
    }
}

/// Takes exactly `N` arguments.
pub(super) fn exactly<const N: usize>(args: Vec<Value>) -> Result<[Value; N], CallError> {
    let got = args.len();
    <[Value; N]>::try_from(args)
        .map_err(|_| fail(format!("expects exactly {N} {}, but got {got}.", plural(N))))
}

/// Checks that the argument count lies in `min..=max`.
pub(super) fn between(args: &[Value], min: usize, max: usize) -> Result<(), CallError> {
    let got = args.len();
    if got < min {
        Err(fail(format!(
            "expects at least {min} {}, but got {got}.",
            plural(min)
        )))
    } else if got > max {
        Err(fail(format!(
            "expects at most {max} {}, but got {got}.",
            plural(max)
        )))
    } else {
        Ok(())
    }
}

/// Checks that there is at least `min` argument.
pub(super) fn at_least(args: &[Value], min: usize) -> Result<(), CallError> {
    between(args, min, usize::MAX)
}

fn not_null(v: &Value, param: &str) -> Result<(), CallError> {
    if v.is_null() {
        Err(invalid(param, "argument must not be null"))
    } else {
        Ok(())
    }
}

/// A string argument. Numbers and bools convert, as Terraform's automatic conversion does.
pub(super) fn string(v: Value, param: &str) -> Result<String, CallError> {
    not_null(&v, param)?;
    match v {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(invalid(
            param,
            format!("string required, but have {}", other.type_name()),
        )),
    }
}

/// A number argument; a string holding a number converts.
pub(super) fn number(v: &Value, param: &str) -> Result<f64, CallError> {
    not_null(v, param)?;
    match v {
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => Number::parse(s).map(|n| n.as_f64()).ok_or_else(|| {
            invalid(
                param,
                format!(
                    "a number is required, but {} is not a number",
                    crate::value::quote(s)
                ),
            )
        }),
        other => Err(invalid(
            param,
            format!("number required, but have {}", other.type_name()),
        )),
    }
}

/// A whole-number argument.
pub(super) fn integer(v: &Value, param: &str) -> Result<i64, CallError> {
    let n = number(v, param)?;
    match Number::from(n).as_i64() {
        Some(i) => Ok(i),
        // Beyond 2^53 an f64 no longer holds every whole number exactly.
        None if n.fract() == 0.0 => Err(invalid(
            param,
            format!("{n} is too large; whole numbers must be within ±9007199254740991"),
        )),
        None => Err(invalid(
            param,
            format!("a whole number is required, but have {n}"),
        )),
    }
}

/// A bool argument; the strings `"true"` and `"false"` convert.
pub(super) fn boolean(v: &Value, param: &str) -> Result<bool, CallError> {
    not_null(v, param)?;
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        other => Err(invalid(
            param,
            format!("bool required, but have {}", other.type_name()),
        )),
    }
}

/// The elements of a list, tuple or set argument.
pub(super) fn items(v: Value, param: &str) -> Result<Vec<Value>, CallError> {
    not_null(&v, param)?;
    match v {
        Value::List(items) | Value::Set(items) => Ok(items),
        other => Err(invalid(
            param,
            format!(
                "list, tuple or set required, but have {}",
                other.type_name()
            ),
        )),
    }
}

/// The elements of a list or tuple argument; sets are refused because they have no order.
pub(super) fn list(v: Value, param: &str) -> Result<Vec<Value>, CallError> {
    not_null(&v, param)?;
    match v {
        Value::List(items) => Ok(items),
        Value::Set(_) => Err(invalid(
            param,
            "list or tuple required, but have set; a set's elements have no order, so convert it with tolist() first",
        )),
        other => Err(invalid(
            param,
            format!("list or tuple required, but have {}", other.type_name()),
        )),
    }
}

/// The entries of a map or object argument.
pub(super) fn object(v: Value, param: &str) -> Result<BTreeMap<String, Value>, CallError> {
    not_null(&v, param)?;
    match v {
        Value::Object(map) => Ok(map),
        other => Err(invalid(
            param,
            format!("map or object required, but have {}", other.type_name()),
        )),
    }
}

/// Whether two values are equal, treating numbers by value.
pub(super) fn equal(a: &Value, b: &Value) -> bool {
    a.same_as(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arity_errors_count_arguments() {
        let err = exactly::<2>(vec![Value::from(1)]).unwrap_err();
        assert_eq!(err, fail("expects exactly 2 arguments, but got 1."));
        let err = between(&[], 1, 3).unwrap_err();
        assert_eq!(err, fail("expects at least 1 argument, but got 0."));
        assert!(at_least(&[Value::Null, Value::Null], 1).is_ok());
    }

    #[test]
    fn accessors_convert_like_terraform() {
        assert_eq!(string(Value::from(5), "s").unwrap(), "5");
        assert_eq!(number(&Value::from("2.5"), "n").unwrap(), 2.5);
        assert_eq!(integer(&Value::from(3), "n").unwrap(), 3);
        assert!(boolean(&Value::from("true"), "b").unwrap());
    }

    #[test]
    fn accessors_name_the_parameter() {
        let err = integer(&Value::from(1.5), "index").unwrap_err();
        assert_eq!(
            err,
            fail(
                "Invalid value for \"index\" parameter: a whole number is required, but have 1.5."
            )
        );
        let err = string(Value::Null, "str").unwrap_err();
        assert_eq!(
            err,
            fail("Invalid value for \"str\" parameter: argument must not be null.")
        );
        assert!(list(Value::set(vec![]), "list").is_err());
    }
}
