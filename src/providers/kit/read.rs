//! Reads for APIs without a batch call: one request per instance, all at once.

use std::future::Future;

use crate::diag::{Diagnostic, Diagnostics};
use crate::value::Value;

/// Runs `read` for every state concurrently and keeps the order; every failure is reported,
/// not only the first.
pub async fn each<'s, F, Fut>(
    states: &'s [Value],
    read: F,
) -> Result<Vec<Option<Value>>, Diagnostics>
where
    F: Fn(&'s Value) -> Fut,
    Fut: Future<Output = Result<Option<Value>, Diagnostic>>,
{
    let mut out = Vec::with_capacity(states.len());
    let mut errors = Diagnostics::new();
    for r in futures::future::join_all(states.iter().map(read)).await {
        match r {
            Ok(v) => out.push(v),
            Err(d) => errors.push(d),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok(out)
}
