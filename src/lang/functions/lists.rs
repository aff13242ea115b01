//! Functions over lists, tuples and sets: `length`, `element`, `concat`, `flatten`, `sort`, …
//!
//! Several of these are structural (see `Unknowns::Structural` in `mod.rs`): they may receive
//! collections with unknown elements and must pass those elements through untouched.

use super::args::{self, equal, exactly, fail, invalid};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

pub(super) fn length(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    let n = match &v {
        Value::List(items) | Value::Set(items) => items.len(),
        Value::Object(map) => map.len(),
        Value::String(s) => s.chars().count(),
        Value::Null => return Err(invalid("value", "argument must not be null")),
        other => {
            return Err(invalid(
                "value",
                format!(
                    "a string, collection or structural value is required, but have {}",
                    other.type_name()
                ),
            ))
        }
    };
    Ok(Value::from(n as i64))
}

pub(super) fn element(args: Vec<Value>) -> Result {
    let [list, index] = exactly(args)?;
    let items = args::list(list, "list")?;
    let index = args::integer(&index, "index")?;
    if items.is_empty() {
        return Err(fail("cannot use element function with an empty list."));
    }
    if index < 0 {
        return Err(fail("cannot use element function with a negative index."));
    }
    // Terraform wraps around: element(["a", "b"], 3) is "b".
    let i = (index as u64 % items.len() as u64) as usize;
    Ok(items.into_iter().nth(i).unwrap_or(Value::Null))
}

pub(super) fn index(args: Vec<Value>) -> Result {
    let [list, value] = exactly(args)?;
    let items = args::list(list, "list")?;
    items
        .iter()
        .position(|item| equal(item, &value))
        .map(|i| Value::from(i as i64))
        .ok_or_else(|| fail("item not found."))
}

pub(super) fn slice(args: Vec<Value>) -> Result {
    let [list, start, end] = exactly(args)?;
    let items = args::list(list, "list")?;
    let start = args::integer(&start, "start_index")?;
    let end = args::integer(&end, "end_index")?;
    if start < 0 {
        return Err(invalid("start_index", "must not be less than zero"));
    }
    if end > items.len() as i64 {
        return Err(invalid(
            "end_index",
            format!(
                "must not be greater than the length of the list ({})",
                items.len()
            ),
        ));
    }
    if start > end {
        return Err(invalid("start_index", "must not be greater than end_index"));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

pub(super) fn reverse(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let mut items = args::list(list, "list")?;
    items.reverse();
    Ok(Value::List(items))
}

pub(super) fn concat(args: Vec<Value>) -> Result {
    args::at_least(&args, 1)?;
    let mut out = Vec::new();
    for (i, arg) in args.into_iter().enumerate() {
        match arg {
            Value::List(items) | Value::Set(items) => out.extend(items),
            other => {
                return Err(fail(format!(
                    "all arguments must be lists or tuples; argument {} is {}.",
                    i + 1,
                    other.type_name()
                )))
            }
        }
    }
    Ok(Value::List(out))
}

pub(super) fn flatten(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let items = args::items(list, "list")?;
    let mut out = Vec::new();
    // An unknown element might itself be a list, so the shape of the result is unknown.
    if !flatten_into(items, &mut out) {
        return Ok(Value::Unknown);
    }
    Ok(Value::List(out))
}

/// Appends the leaves of `items` to `out`; false when an unknown element was met.
fn flatten_into(items: Vec<Value>, out: &mut Vec<Value>) -> bool {
    for item in items {
        match item {
            Value::Unknown => return false,
            Value::List(inner) | Value::Set(inner) => {
                if !flatten_into(inner, out) {
                    return false;
                }
            }
            leaf => out.push(leaf),
        }
    }
    true
}

pub(super) fn distinct(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let items = args::list(list, "list")?;
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for item in items {
        if !out.iter().any(|seen| equal(seen, &item)) {
            out.push(item);
        }
    }
    Ok(Value::List(out))
}

pub(super) fn compact(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let mut out = Vec::new();
    for item in args::items(list, "list")? {
        match item {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            other => out.push(Value::String(args::string(other, "list")?)),
        }
    }
    Ok(Value::List(out))
}

pub(super) fn contains(args: Vec<Value>) -> Result {
    let [list, value] = exactly(args)?;
    let items = args::items(list, "list")?;
    Ok(Value::Bool(items.iter().any(|item| equal(item, &value))))
}

pub(super) fn one(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let mut items = args::items(list, "list")?;
    match items.len() {
        0 => Ok(Value::Null),
        1 => Ok(items.remove(0)),
        n => Err(invalid(
            "list",
            format!("must be a list, set, or tuple value with either zero or one elements, but this one has {n}"),
        )),
    }
}

pub(super) fn coalescelist(args: Vec<Value>) -> Result {
    args::at_least(&args, 1)?;
    for (i, arg) in args.into_iter().enumerate() {
        match arg {
            Value::Null => {}
            Value::List(items) | Value::Set(items) if items.is_empty() => {}
            Value::List(items) => return Ok(Value::List(items)),
            Value::Set(items) => return Ok(Value::Set(items)),
            other => {
                return Err(fail(format!(
                    "all arguments must be lists or tuples; argument {} is {}.",
                    i + 1,
                    other.type_name()
                )))
            }
        }
    }
    Err(fail("no non-null arguments."))
}

pub(super) fn sort(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let mut out = Vec::new();
    for (i, item) in args::items(list, "list")?.into_iter().enumerate() {
        if item.is_null() {
            return Err(fail(format!(
                "given list element {i} is null; a null string cannot be sorted."
            )));
        }
        out.push(args::string(item, "list")?);
    }
    out.sort();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

pub(super) fn alltrue(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let bools = booleans(list)?;
    Ok(Value::Bool(bools.iter().all(|b| *b)))
}

pub(super) fn anytrue(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let bools = booleans(list)?;
    Ok(Value::Bool(bools.iter().any(|b| *b)))
}

fn booleans(list: Value) -> std::result::Result<Vec<bool>, CallError> {
    args::items(list, "list")?
        .iter()
        .map(|v| args::boolean(v, "list"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|s| Value::from(*s)).collect())
    }

    fn failed(r: Result) -> String {
        match r {
            Err(CallError::Failed(m)) => m,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn length_counts_collections_and_characters() {
        assert_eq!(
            call("length", vec![strings(&["a", "b"])]),
            Ok(Value::from(2))
        );
        let obj = Value::object([("a", Value::from(1))]);
        assert_eq!(call("length", vec![obj]), Ok(Value::from(1)));
        assert_eq!(
            call("length", vec![Value::from("héllo")]),
            Ok(Value::from(5))
        );
        assert!(failed(call("length", vec![Value::from(true)])).contains("\"value\""));
        let msg = failed(call("length", vec![]));
        assert_eq!(msg, "expects exactly 1 argument, but got 0.");
    }

    #[test]
    fn element_wraps_around() {
        let list = strings(&["a", "b", "c"]);
        assert_eq!(
            call("element", vec![list.clone(), Value::from(1)]),
            Ok(Value::from("b"))
        );
        assert_eq!(
            call("element", vec![list.clone(), Value::from(4)]),
            Ok(Value::from("b"))
        );
        assert!(failed(call("element", vec![list, Value::from(-1)])).contains("negative"));
        assert!(failed(call("element", vec![strings(&[]), Value::from(0)])).contains("empty"));
    }

    #[test]
    fn element_keeps_unknown_elements() {
        let list = Value::List(vec![Value::from("a"), Value::Unknown]);
        assert_eq!(
            call("element", vec![list.clone(), Value::from(0)]),
            Ok(Value::from("a"))
        );
        assert_eq!(
            call("element", vec![list, Value::from(1)]),
            Ok(Value::Unknown)
        );
    }

    #[test]
    fn index_and_contains_compare_values() {
        let list = strings(&["a", "b"]);
        assert_eq!(
            call("index", vec![list.clone(), Value::from("b")]),
            Ok(Value::from(1))
        );
        assert_eq!(
            failed(call("index", vec![list.clone(), Value::from("z")])),
            "item not found."
        );
        assert_eq!(
            call("contains", vec![list.clone(), Value::from("a")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call("contains", vec![list, Value::from("z")]),
            Ok(Value::Bool(false))
        );
    }

    #[test]
    fn slice_checks_bounds() {
        let list = strings(&["a", "b", "c", "d"]);
        let out = call("slice", vec![list.clone(), Value::from(1), Value::from(3)]);
        assert_eq!(out, Ok(strings(&["b", "c"])));
        assert!(call("slice", vec![list.clone(), Value::from(-1), Value::from(2)]).is_err());
        assert!(call("slice", vec![list.clone(), Value::from(1), Value::from(9)]).is_err());
        assert!(call("slice", vec![list, Value::from(3), Value::from(2)]).is_err());
    }

    #[test]
    fn reverse_distinct_compact_sort() {
        assert_eq!(
            call("reverse", vec![strings(&["a", "b"])]),
            Ok(strings(&["b", "a"]))
        );
        let dup = strings(&["b", "a", "b", "c", "a"]);
        assert_eq!(call("distinct", vec![dup]), Ok(strings(&["b", "a", "c"])));
        let gaps = Value::List(vec![
            Value::from("a"),
            Value::from(""),
            Value::Null,
            Value::from("b"),
        ]);
        assert_eq!(call("compact", vec![gaps]), Ok(strings(&["a", "b"])));
        let mixed = Value::List(vec![Value::from("b"), Value::from(10), Value::from("a")]);
        assert_eq!(call("sort", vec![mixed]), Ok(strings(&["10", "a", "b"])));
    }

    #[test]
    fn flatten_goes_deep_and_stops_at_unknowns() {
        let nested = Value::List(vec![
            strings(&["a"]),
            Value::List(vec![strings(&["b", "c"]), Value::from("d")]),
        ]);
        assert_eq!(
            call("flatten", vec![nested]),
            Ok(strings(&["a", "b", "c", "d"]))
        );
        let unknown = Value::List(vec![strings(&["a"]), Value::Unknown]);
        assert_eq!(call("flatten", vec![unknown]), Ok(Value::Unknown));
    }

    #[test]
    fn one_and_coalescelist() {
        assert_eq!(call("one", vec![strings(&[])]), Ok(Value::Null));
        assert_eq!(call("one", vec![strings(&["x"])]), Ok(Value::from("x")));
        assert!(failed(call("one", vec![strings(&["x", "y"])])).contains("zero or one"));
        let out = call(
            "coalescelist",
            vec![strings(&[]), strings(&["a"]), strings(&["b"])],
        );
        assert_eq!(out, Ok(strings(&["a"])));
        assert_eq!(
            failed(call("coalescelist", vec![strings(&[])])),
            "no non-null arguments."
        );
    }

    #[test]
    fn alltrue_and_anytrue() {
        let bools = Value::List(vec![Value::Bool(true), Value::from("false")]);
        assert_eq!(call("alltrue", vec![bools.clone()]), Ok(Value::Bool(false)));
        assert_eq!(call("anytrue", vec![bools]), Ok(Value::Bool(true)));
        assert_eq!(call("alltrue", vec![strings(&[])]), Ok(Value::Bool(true)));
        assert!(call("anytrue", vec![strings(&["yes"])]).is_err());
    }
}
