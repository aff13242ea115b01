//! Values in files and Terraform's JSON: a JSON value plus parallel "unknown" and "sensitive"
//! trees, as Terraform's `after_unknown` and `after_sensitive` do.
//!
//! With `redact`, sensitive leaves are written as null: saved plans never hold secrets, and
//! apply re-evaluates them from the configuration.

use serde_json::{Map, Value as Json};

use super::Value;

/// A value as three JSON trees.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Wire {
    pub value: Json,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unknown: Json,
    #[serde(default, skip_serializing_if = "is_false")]
    pub sensitive: Json,
}

fn is_false(j: &Json) -> bool {
    matches!(j, Json::Bool(false) | Json::Null)
}

impl Wire {
    pub fn encode(v: &Value, redact: bool) -> Wire {
        let (value, unknown, sensitive) = encode(v, redact);
        Wire {
            value,
            unknown,
            sensitive,
        }
    }

    pub fn decode(&self) -> Value {
        decode(&self.value, &self.unknown, &self.sensitive)
    }
}

/// Encodes (value, unknown tree, sensitive tree).
pub fn encode(v: &Value, redact: bool) -> (Json, Json, Json) {
    match v {
        Value::Unknown => (Json::Null, Json::Bool(true), Json::Bool(false)),
        Value::Sensitive(inner) => {
            let (value, unknown, _) = encode(inner, redact);
            let value = if redact { Json::Null } else { value };
            (value, unknown, Json::Bool(true))
        }
        Value::List(items) | Value::Set(items) => {
            let parts: Vec<_> = items.iter().map(|i| encode(i, redact)).collect();
            let any_u = parts.iter().any(|p| !is_false(&p.1));
            let any_s = parts.iter().any(|p| !is_false(&p.2));
            let value = Json::Array(parts.iter().map(|p| p.0.clone()).collect());
            let unknown = if any_u {
                Json::Array(parts.iter().map(|p| p.1.clone()).collect())
            } else {
                Json::Bool(false)
            };
            let sensitive = if any_s {
                Json::Array(parts.iter().map(|p| p.2.clone()).collect())
            } else {
                Json::Bool(false)
            };
            (value, unknown, sensitive)
        }
        Value::Object(map) => {
            let mut value = Map::new();
            let mut unknown = Map::new();
            let mut sensitive = Map::new();
            for (k, item) in map {
                let (v, u, s) = encode(item, redact);
                value.insert(k.clone(), v);
                if !is_false(&u) {
                    unknown.insert(k.clone(), u);
                }
                if !is_false(&s) {
                    sensitive.insert(k.clone(), s);
                }
            }
            let u = if unknown.is_empty() {
                Json::Bool(false)
            } else {
                Json::Object(unknown)
            };
            let s = if sensitive.is_empty() {
                Json::Bool(false)
            } else {
                Json::Object(sensitive)
            };
            (Json::Object(value), u, s)
        }
        other => (other.to_json_lossy(), Json::Bool(false), Json::Bool(false)),
    }
}

fn decode(value: &Json, unknown: &Json, sensitive: &Json) -> Value {
    if unknown == &Json::Bool(true) {
        return Value::Unknown.mark_if(sensitive == &Json::Bool(true));
    }
    if sensitive == &Json::Bool(true) {
        return decode(value, unknown, &Json::Bool(false)).sensitive();
    }
    let child = |tree: &Json, key: &str| tree.get(key).cloned().unwrap_or(Json::Bool(false));
    let at = |tree: &Json, i: usize| tree.get(i).cloned().unwrap_or(Json::Bool(false));
    match value {
        Json::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        decode(v, &child(unknown, k), &child(sensitive, k)),
                    )
                })
                .collect(),
        ),
        Json::Array(items) => Value::List(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| decode(v, &at(unknown, i), &at(sensitive, i)))
                .collect(),
        ),
        other => Value::from_json(other),
    }
}

/// Terraform's `*_sensitive` tree for a value (what `show --json` prints).
pub fn sensitive_tree(v: &Value) -> Json {
    match encode(v, false).2 {
        Json::Bool(false) => Json::Object(Map::new()),
        other => other,
    }
}

/// Terraform's `after_unknown` tree for a value.
pub fn unknown_tree(v: &Value) -> Json {
    match encode(v, false).1 {
        Json::Bool(false) => Json::Object(Map::new()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_marks() {
        let v = Value::object([
            ("id", Value::Unknown),
            ("password", Value::from("hunter2").sensitive()),
            ("tags", Value::object([("a", Value::from("b"))])),
        ]);
        let w = Wire::encode(&v, false);
        assert_eq!(w.decode(), v);
    }

    #[test]
    fn redaction_drops_secrets() {
        let v = Value::object([("password", Value::from("hunter2").sensitive())]);
        let w = Wire::encode(&v, true);
        assert!(!serde_json::to_string(&w).unwrap().contains("hunter2"));
        assert_eq!(w.decode().get("password"), Some(&Value::Null.sensitive()));
    }
}
