//! Attribute paths inside values: reading and replacing what `ignore_changes` names, and the
//! sensitive paths state files record (`[{"type":"get_attr","value":"password"}]`).

use serde_json::{json, Value as Json};

use super::Value;

/// The value at a path of attribute names, if present.
pub fn get<'a>(v: &'a Value, path: &[String]) -> Option<&'a Value> {
    match path.split_first() {
        None => Some(v),
        Some((head, rest)) => get(v.get(head)?, rest),
    }
}

/// Replaces the value at a path of attribute names; does nothing when the path is absent.
pub fn set(v: &mut Value, path: &[String], new: Value) {
    let Some((head, rest)) = path.split_first() else {
        *v = new;
        return;
    };
    match v {
        Value::Object(map) => {
            if let Some(child) = map.get_mut(head) {
                set(child, rest, new);
            }
        }
        Value::Sensitive(inner) => set(inner, path, new),
        _ => {}
    }
}

/// Terraform's JSON paths of every sensitive part of a value.
pub fn sensitive_paths(v: &Value) -> Vec<Json> {
    let mut out = Vec::new();
    collect(v, &mut Vec::new(), &mut out);
    out
}

fn collect(v: &Value, prefix: &mut Vec<Json>, out: &mut Vec<Json>) {
    match v {
        Value::Sensitive(_) => out.push(Json::Array(prefix.clone())),
        Value::Object(map) => {
            for (k, item) in map {
                prefix.push(json!({"type": "get_attr", "value": k}));
                collect(item, prefix, out);
                prefix.pop();
            }
        }
        Value::List(items) | Value::Set(items) => {
            for (i, item) in items.iter().enumerate() {
                prefix.push(json!({"type": "index", "value": {"value": i, "type": "number"}}));
                collect(item, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// Marks the parts of `v` named by Terraform JSON paths as sensitive.
pub fn mark_sensitive_paths(mut v: Value, paths: &[Json]) -> Value {
    for p in paths {
        if let Some(steps) = p.as_array() {
            mark(&mut v, steps);
        }
    }
    v
}

fn mark(v: &mut Value, steps: &[Json]) {
    let Some((step, rest)) = steps.split_first() else {
        if !matches!(v, Value::Sensitive(_) | Value::Null) {
            *v = std::mem::take(v).sensitive();
        }
        return;
    };
    match (v, step.get("type").and_then(Json::as_str)) {
        (Value::Object(map), Some("get_attr")) => {
            if let Some(child) = step
                .get("value")
                .and_then(Json::as_str)
                .and_then(|k| map.get_mut(k))
            {
                mark(child, rest);
            }
        }
        (Value::List(items) | Value::Set(items), Some("index")) => {
            let i = step
                .get("value")
                .and_then(|v| v.get("value"))
                .and_then(Json::as_u64);
            if let Some(child) = i.and_then(|i| items.get_mut(i as usize)) {
                mark(child, rest);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_paths_round_trip() {
        let v = Value::object([
            ("password", Value::from("x").sensitive()),
            ("name", Value::from("db")),
        ]);
        let paths = sensitive_paths(&v);
        assert_eq!(paths.len(), 1);
        let plain = v.clone().strip_marks().0;
        assert_eq!(mark_sensitive_paths(plain, &paths), v);
    }

    #[test]
    fn set_replaces_nested_values() {
        let mut v = Value::object([("tags", Value::object([("a", Value::from("1"))]))]);
        set(&mut v, &["tags".to_string()], Value::Null);
        assert_eq!(v.get("tags"), Some(&Value::Null));
    }
}
