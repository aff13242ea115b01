//! Numeric functions: `abs`, `ceil`, `floor`, `min`, `max`, `sum`.

use super::args::{self, exactly, fail};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

fn map_number(args: Vec<Value>, f: fn(f64) -> f64) -> Result {
    let [n] = exactly(args)?;
    Ok(Value::from(f(args::number(&n, "num")?)))
}

pub(super) fn abs(args: Vec<Value>) -> Result {
    map_number(args, f64::abs)
}

pub(super) fn ceil(args: Vec<Value>) -> Result {
    map_number(args, f64::ceil)
}

pub(super) fn floor(args: Vec<Value>) -> Result {
    map_number(args, f64::floor)
}

/// Reads every argument as a number; at least one is required.
fn numbers(args: &[Value]) -> std::result::Result<Vec<f64>, CallError> {
    if args.is_empty() {
        return Err(fail("must pass at least one number."));
    }
    args.iter().map(|v| args::number(v, "numbers")).collect()
}

pub(super) fn min(args: Vec<Value>) -> Result {
    let nums = numbers(&args)?;
    Ok(Value::from(nums.into_iter().fold(f64::INFINITY, f64::min)))
}

pub(super) fn max(args: Vec<Value>) -> Result {
    let nums = numbers(&args)?;
    Ok(Value::from(
        nums.into_iter().fold(f64::NEG_INFINITY, f64::max),
    ))
}

pub(super) fn sum(args: Vec<Value>) -> Result {
    let [list] = exactly(args)?;
    let items = args::items(list, "list")?;
    if items.is_empty() {
        return Err(fail("cannot sum an empty list."));
    }
    let mut total = 0.0;
    for item in &items {
        total += args::number(item, "list")?;
    }
    Ok(Value::from(total))
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    #[test]
    fn rounding_and_abs() {
        assert_eq!(call("abs", vec![Value::from(-3.5)]), Ok(Value::from(3.5)));
        assert_eq!(call("ceil", vec![Value::from(4.1)]), Ok(Value::from(5)));
        assert_eq!(call("floor", vec![Value::from(-4.1)]), Ok(Value::from(-5)));
        assert_eq!(call("floor", vec![Value::from("4.9")]), Ok(Value::from(4)));
        assert!(call("abs", vec![Value::from("x")]).is_err());
    }

    #[test]
    fn min_and_max() {
        let nums = vec![Value::from(12), Value::from(54), Value::from(3)];
        assert_eq!(call("min", nums.clone()), Ok(Value::from(3)));
        assert_eq!(call("max", nums), Ok(Value::from(54)));
        assert_eq!(
            call("max", vec![]),
            Err(fail("must pass at least one number."))
        );
    }

    #[test]
    fn sum_adds_a_list() {
        let list = Value::List(vec![Value::from(1), Value::from(2.5), Value::from("3")]);
        assert_eq!(call("sum", vec![list]), Ok(Value::from(6.5)));
        let empty = Value::List(vec![]);
        assert_eq!(
            call("sum", vec![empty]),
            Err(fail("cannot sum an empty list."))
        );
    }
}
