//! Keeps sensitive argument values out of function error messages.
//!
//! Functions see arguments with their marks stripped (see `call` in `mod.rs`), so a message
//! like `lookup failed to find key "db-password"` could print a secret. Before such a message
//! leaves `call`, every sensitive leaf's quoted text is replaced with `(sensitive value)`; if a
//! sensitive value still shows up unquoted, the whole message is replaced, because a vaguer
//! error is better than a leaked secret.

use crate::value::{quote, Value};

const HIDDEN: &str = "(sensitive value)";

/// The text forms of every primitive value under a sensitive mark in `args`.
pub(super) fn sensitive_texts(args: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for arg in args {
        collect(arg, false, &mut out);
    }
    // Longest first, so a secret that contains another is replaced whole.
    out.sort_by_key(|s| std::cmp::Reverse(s.len()));
    out.dedup();
    out
}

fn collect(v: &Value, marked: bool, out: &mut Vec<String>) {
    match v {
        Value::Sensitive(inner) => collect(inner, true, out),
        Value::List(items) | Value::Set(items) => {
            items.iter().for_each(|item| collect(item, marked, out))
        }
        Value::Object(map) => map.values().for_each(|item| collect(item, marked, out)),
        Value::String(s) if marked && !s.is_empty() => out.push(s.clone()),
        Value::Number(n) if marked => out.push(n.to_string()),
        Value::Bool(b) if marked => out.push(b.to_string()),
        _ => {}
    }
}

/// `message` with the given sensitive texts hidden.
pub(super) fn redact(message: String, secrets: &[String]) -> String {
    let mut message = message;
    for secret in secrets {
        message = message.replace(&quote(secret), HIDDEN);
    }
    if secrets.iter().any(|s| message.contains(s.as_str())) {
        return "an argument is sensitive, and the reason this call failed would reveal it; check the values passed to this function.".to_string();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::super::{call_plain as call, CallError};
    use super::*;

    #[test]
    fn quoted_secrets_are_replaced() {
        let map = Value::object([("a", Value::from(1))]);
        let err = call("lookup", vec![map, Value::from("db-password").sensitive()]);
        assert_eq!(
            err,
            Err(CallError::Failed(
                "lookup failed to find key (sensitive value).".into()
            ))
        );
    }

    #[test]
    fn unquoted_secrets_hide_the_whole_message() {
        let err = call(
            "cidrhost",
            vec![Value::from("10.0.0.0/24"), Value::from(4242).sensitive()],
        );
        match err {
            Err(CallError::Failed(m)) => {
                assert!(!m.contains("4242"), "{m}");
                assert!(m.contains("sensitive"), "{m}");
            }
            other => panic!("expected failure, got {other:?}"),
        }
    }

    #[test]
    fn texts_are_collected_only_under_marks() {
        let args = vec![
            Value::from("public"),
            Value::List(vec![Value::from("x").sensitive(), Value::from("y")]),
            Value::object([("k", Value::from("longer-secret"))]).sensitive(),
        ];
        assert_eq!(
            sensitive_texts(&args),
            vec!["longer-secret".to_string(), "x".to_string()]
        );
    }
}
