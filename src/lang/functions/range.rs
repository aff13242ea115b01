//! `range(limit)`, `range(start, limit)`, `range(start, limit, step)`: a list of numbers.
//!
//! The result size is checked before anything is built, so `range(1e12)` is an error rather
//! than an out-of-memory crash.

use super::args::{self, fail, invalid};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

/// The most elements `range` builds, so a typo in a bound cannot exhaust memory.
const RANGE_LIMIT: usize = 1024 * 1024;

pub(super) fn range(args: Vec<Value>) -> Result {
    args::between(&args, 1, 3)?;
    let nums = args
        .iter()
        .zip(["start", "limit", "step"])
        .map(|(v, p)| args::number(v, p))
        .collect::<std::result::Result<Vec<f64>, _>>()?;
    let (start, limit, step) = match nums.as_slice() {
        [limit] => (0.0, *limit, 1.0),
        [start, limit] => (*start, *limit, if start <= limit { 1.0 } else { -1.0 }),
        [start, limit, step] => (*start, *limit, *step),
        _ => return Err(fail("expects 1 to 3 arguments.")),
    };
    if step == 0.0 {
        return Err(invalid("step", "must not be zero"));
    }
    if start < limit && step < 0.0 {
        return Err(invalid(
            "step",
            "must be positive when start is less than limit",
        ));
    }
    if start > limit && step > 0.0 {
        return Err(invalid(
            "step",
            "must be negative when start is greater than limit",
        ));
    }
    let count = ((limit - start) / step).ceil();
    if !count.is_finite() || count > RANGE_LIMIT as f64 {
        return Err(fail(format!(
            "more than {RANGE_LIMIT} values would be generated; either decrease the difference between start and limit or use a larger step."
        )));
    }
    let count = count.max(0.0) as usize;
    Ok(Value::List(
        (0..count)
            .map(|i| Value::from(start + step * i as f64))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn numbers(items: &[f64]) -> Value {
        Value::List(items.iter().map(|n| Value::from(*n)).collect())
    }

    fn failed(r: Result) -> String {
        match r {
            Err(CallError::Failed(m)) => m,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn range_follows_terraform() {
        assert_eq!(
            call("range", vec![Value::from(3)]),
            Ok(numbers(&[0.0, 1.0, 2.0]))
        );
        assert_eq!(
            call("range", vec![Value::from(3), Value::from(0)]),
            Ok(numbers(&[3.0, 2.0, 1.0]))
        );
        let out = call(
            "range",
            vec![Value::from(0), Value::from(1), Value::from(0.25)],
        );
        assert_eq!(out, Ok(numbers(&[0.0, 0.25, 0.5, 0.75])));
        assert_eq!(call("range", vec![Value::from(0)]), Ok(numbers(&[])));
        assert!(failed(call(
            "range",
            vec![Value::from(0), Value::from(5), Value::from(0)]
        ))
        .contains("zero"));
        assert!(call(
            "range",
            vec![Value::from(0), Value::from(5), Value::from(-1)]
        )
        .is_err());
    }

    #[test]
    fn range_refuses_huge_results() {
        let msg = failed(call("range", vec![Value::from(1e12)]));
        assert!(msg.contains("more than 1048576 values"), "{msg}");
        assert!(call(
            "range",
            vec![Value::from(0), Value::from(1), Value::from(1e-300)]
        )
        .is_err());
    }
}
