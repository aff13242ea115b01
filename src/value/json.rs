//! The bridge between [`Value`] and JSON, used by state files, plan files and `jsonencode`.

use super::{Number, Value};

pub(super) fn to_json_lossy(value: &Value) -> serde_json::Value {
    match value {
        Value::Null | Value::Unknown => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => n.to_json(),
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::List(items) | Value::Set(items) => {
            serde_json::Value::Array(items.iter().map(to_json_lossy).collect())
        }
        Value::Object(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), to_json_lossy(v)))
                .collect(),
        ),
        Value::Sensitive(inner) => to_json_lossy(inner),
    }
}

pub(super) fn from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => Value::Number(Number::from(n.as_f64().unwrap_or(0.0))),
        serde_json::Value::String(s) => Value::String(s.clone()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(from_json).collect()),
        serde_json::Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect())
        }
    }
}
