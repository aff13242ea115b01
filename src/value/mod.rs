//! Dynamic values of the configuration language.
//!
//! A [`Value`] is what an expression evaluates to. Besides the JSON-like shapes it carries two
//! marks that must survive every operation: [`Value::Unknown`] ("known after apply") and
//! [`Value::Sensitive`] (never printed). This module owns the representation and the JSON
//! bridge; type constraints and conversion live in [`types`].

mod json;
mod number;
pub mod paths;
pub mod types;
pub mod wire;

use std::collections::BTreeMap;
use std::fmt;

pub use number::Number;
pub use types::Type;

/// A configuration-language value.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    /// A value that will only be known once the plan is applied.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    /// A list or a tuple.
    List(Vec<Value>),
    /// A set: kept sorted and without duplicates, so equal sets compare equal.
    Set(Vec<Value>),
    /// A map or an object.
    Object(BTreeMap<String, Value>),
    /// A value marked sensitive. The mark travels with everything derived from it.
    Sensitive(Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn number(n: impl Into<Number>) -> Value {
        Value::Number(n.into())
    }

    /// Builds a set, sorting and removing duplicates.
    pub fn set(mut items: Vec<Value>) -> Value {
        items.sort_by_key(|a| a.sort_key());
        // Unknown elements may turn out different, so they are not merged.
        items.dedup_by(|a, b| a == b && !a.contains_unknown());
        Value::Set(items)
    }

    pub fn object<K: Into<String>>(entries: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Object(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Wraps the value in a sensitive mark unless it already has one at the top.
    pub fn sensitive(self) -> Value {
        match self {
            Value::Sensitive(_) => self,
            other => Value::Sensitive(Box::new(other)),
        }
    }

    /// Marks `self` sensitive when `sensitive` is true.
    pub fn mark_if(self, sensitive: bool) -> Value {
        if sensitive {
            self.sensitive()
        } else {
            self
        }
    }

    /// The value without a sensitive mark at the top level.
    pub fn unmarked(&self) -> &Value {
        match self {
            Value::Sensitive(inner) => inner.unmarked(),
            other => other,
        }
    }

    pub fn into_unmarked(self) -> Value {
        match self {
            Value::Sensitive(inner) => inner.into_unmarked(),
            other => other,
        }
    }

    /// Removes every sensitive mark, at any depth, and says whether there was one.
    pub fn strip_marks(self) -> (Value, bool) {
        let mut marked = false;
        let value = self.strip_into(&mut marked);
        (value, marked)
    }

    fn strip_into(self, marked: &mut bool) -> Value {
        match self {
            Value::Sensitive(inner) => {
                *marked = true;
                inner.strip_into(marked)
            }
            Value::List(items) => {
                Value::List(items.into_iter().map(|v| v.strip_into(marked)).collect())
            }
            Value::Set(items) => {
                Value::Set(items.into_iter().map(|v| v.strip_into(marked)).collect())
            }
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| (k, v.strip_into(marked)))
                    .collect(),
            ),
            other => other,
        }
    }

    /// True when the value or anything inside it is sensitive.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) | Value::Set(items) => items.iter().any(Value::contains_sensitive),
            Value::Object(map) => map.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// True when the value itself is unknown (looking through a sensitive mark).
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmarked(), Value::Unknown)
    }

    /// True when the value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Sensitive(inner) => inner.contains_unknown(),
            Value::List(items) | Value::Set(items) => items.iter().any(Value::contains_unknown),
            Value::Object(map) => map.values().any(Value::contains_unknown),
            _ => false,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.unmarked(), Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.unmarked() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.unmarked() {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self.unmarked() {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unmarked() {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// Elements of a list, tuple or set.
    pub fn as_items(&self) -> Option<&[Value]> {
        match self.unmarked() {
            Value::List(items) | Value::Set(items) => Some(items),
            _ => None,
        }
    }

    /// Looks up an object attribute (through a sensitive mark).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|map| map.get(key))
    }

    /// The name of the value's kind, as the language's error messages call it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown value",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Object(_) => "object",
            Value::Sensitive(inner) => inner.type_name(),
        }
    }

    /// A total order used to sort sets deterministically.
    fn sort_key(&self) -> String {
        match self.unmarked() {
            Value::String(s) => format!("s{s}"),
            Value::Number(n) => format!("n{:020.6}", n.as_f64()),
            other => format!("o{}", other.to_json_lossy()),
        }
    }

    /// The value as JSON, with unknowns as null and marks dropped. For display and hashing
    /// only: state and plan files use [`Value::to_json`], which refuses unknowns.
    pub fn to_json_lossy(&self) -> serde_json::Value {
        json::to_json_lossy(self)
    }

    /// The value as JSON. `None` when any part is still unknown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        if self.contains_unknown() {
            None
        } else {
            Some(json::to_json_lossy(self))
        }
    }

    pub fn from_json(json: &serde_json::Value) -> Value {
        json::from_json(json)
    }

    /// A hash of the value with marks ignored: equal for values that are [`Value::same_as`].
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        fn feed(v: &Value, h: &mut std::collections::hash_map::DefaultHasher) {
            match v.unmarked() {
                Value::Null => 0u8.hash(h),
                Value::Unknown => 1u8.hash(h),
                Value::Bool(b) => (2u8, b).hash(h),
                Value::Number(n) => (3u8, n.as_f64().to_bits()).hash(h),
                Value::String(s) => (4u8, s).hash(h),
                Value::List(items) | Value::Set(items) => {
                    (
                        if matches!(v.unmarked(), Value::Set(_)) {
                            6u8
                        } else {
                            5u8
                        },
                        items.len(),
                    )
                        .hash(h);
                    items.iter().for_each(|i| feed(i, h));
                }
                Value::Object(map) => {
                    (7u8, map.len()).hash(h);
                    for (k, v) in map {
                        k.hash(h);
                        feed(v, h);
                    }
                }
                Value::Sensitive(_) => unreachable!("unmarked() removes the mark"),
            }
        }
        let mut h = std::collections::hash_map::DefaultHasher::new();
        feed(self, &mut h);
        h.finish()
    }

    /// True when `self` is equal to `other` once marks are ignored.
    pub fn same_as(&self, other: &Value) -> bool {
        match (self.unmarked(), other.unmarked()) {
            (Value::List(a), Value::List(b)) | (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same_as(y))
            }
            (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.same_as(vb))
            }
            (a, b) => a == b,
        }
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(Number::from(n))
    }
}

/// Renders a value the way the language writes literals, for messages and plans.
/// Sensitive values print as `(sensitive value)` and unknowns as `(known after apply)`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Unknown => f.write_str("(known after apply)"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{}", quote(s)),
            Value::List(items) | Value::Set(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Value::Object(map) => {
                f.write_str("{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{} = {v}", object_key(k))?;
                }
                f.write_str("}")
            }
            Value::Sensitive(_) => f.write_str("(sensitive value)"),
        }
    }
}

/// Quotes a string as an HCL string literal.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' => out.push('$'),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An object key as written in HCL: bare when it is an identifier, quoted otherwise.
pub fn object_key(key: &str) -> String {
    let is_ident = key
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    if is_ident {
        key.to_string()
    } else {
        quote(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_and_unique() {
        let set = Value::set(vec!["b".into(), "a".into(), "b".into()]);
        assert_eq!(set, Value::Set(vec!["a".into(), "b".into()]));
    }

    #[test]
    fn strip_marks_reports_nested_sensitivity() {
        let v = Value::object([("a", Value::from("x").sensitive())]);
        assert!(v.contains_sensitive());
        let (plain, marked) = v.strip_marks();
        assert!(marked);
        assert!(!plain.contains_sensitive());
    }

    #[test]
    fn display_hides_sensitive_and_unknown() {
        let v = Value::List(vec![Value::from("secret").sensitive(), Value::Unknown]);
        assert_eq!(v.to_string(), "[(sensitive value), (known after apply)]");
    }

    #[test]
    fn to_json_refuses_unknowns() {
        assert!(Value::List(vec![Value::Unknown]).to_json().is_none());
        assert_eq!(Value::from(3).to_json(), Some(serde_json::json!(3)));
    }
}
