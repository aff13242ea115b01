//! `count` and `for_each`: how many instances a resource block has, and their keys.

use std::collections::BTreeMap;

use crate::addr::InstanceKey;
use crate::config::model::Resource;
use crate::diag::Diagnostic;
use crate::lang::Evaluator;
use crate::value::Value;

use super::scope::{ModuleScope, Repetition};

/// The instances of one resource block.
#[derive(Clone, Debug, PartialEq)]
pub enum Expansion {
    Single,
    Count(usize),
    ForEach(BTreeMap<String, Value>),
    /// Only in `validate`: count or for_each is not known, so one instance of unknown key
    /// stands for all of them.
    Unknown,
}

impl Expansion {
    /// Each instance's key and the `count`/`each` binding to evaluate it with.
    pub fn instances(&self) -> Vec<(InstanceKey, Repetition)> {
        match self {
            Expansion::Single => vec![(InstanceKey::None, Repetition::None)],
            Expansion::Unknown => vec![(InstanceKey::None, Repetition::Unknown)],
            Expansion::Count(n) => (0..*n as i64)
                .map(|i| (InstanceKey::Int(i), Repetition::Count(i)))
                .collect(),
            Expansion::ForEach(map) => map
                .iter()
                .map(|(k, v)| {
                    (
                        InstanceKey::Str(k.clone()),
                        Repetition::Each {
                            key: k.clone(),
                            value: v.clone(),
                        },
                    )
                })
                .collect(),
        }
    }

    /// The value references to the whole resource see, from per-instance values in key order.
    pub fn collect(&self, mut values: Vec<Value>) -> Value {
        match self {
            Expansion::Single => values.pop().unwrap_or(Value::Null),
            Expansion::Unknown => Value::Unknown,
            Expansion::Count(_) => Value::List(values),
            Expansion::ForEach(map) => Value::Object(map.keys().cloned().zip(values).collect()),
        }
    }
}

const UNKNOWN_HINT: &str = "apply the resources it depends on first with --target, or compute it from input variables instead";

/// Like [`expand`], but an unknown count or for_each gives [`Expansion::Unknown`].
pub fn expand_for_validate(
    resource: &Resource,
    scope: &ModuleScope<'_>,
) -> Result<Expansion, Diagnostic> {
    for expr in resource.count.iter().chain(resource.for_each.iter()) {
        if Evaluator::new(scope).eval(expr)?.contains_unknown() {
            return Ok(Expansion::Unknown);
        }
    }
    expand(resource, scope)
}

pub fn expand(resource: &Resource, scope: &ModuleScope<'_>) -> Result<Expansion, Diagnostic> {
    if let Some(expr) = &resource.count {
        let v = Evaluator::new(scope).eval(expr)?;
        if v.contains_sensitive() {
            return Err(Diagnostic::error("Invalid count argument")
                .at(expr.span)
                .detail("Sensitive values, or values derived from sensitive values, cannot be used as count arguments.")
                .hint("wrap it in nonsensitive() if the number itself is not secret"));
        }
        return match v {
            Value::Unknown => Err(Diagnostic::error("Invalid count argument")
                .at(expr.span)
                .detail("The \"count\" value depends on resource attributes that cannot be determined until apply, so clusterform cannot predict how many instances will be created.")
                .hint(UNKNOWN_HINT)),
            Value::Number(n) => match n.as_i64() {
                Some(i) if i >= 0 => Ok(Expansion::Count(i as usize)),
                Some(_) => Err(Diagnostic::error("Invalid count argument").at(expr.span).detail("The given \"count\" argument value is unsuitable: must be greater than or equal to zero.")),
                None => Err(Diagnostic::error("Invalid count argument").at(expr.span).detail(format!("The given \"count\" argument value is unsuitable: {n} is not a whole number."))),
            },
            Value::Null => Err(Diagnostic::error("Invalid count argument").at(expr.span).detail("The given \"count\" argument value is null. An integer is required.")),
            Value::String(s) => match crate::value::Number::parse(&s).and_then(|n| n.as_i64()) {
                Some(i) if i >= 0 => Ok(Expansion::Count(i as usize)),
                _ => Err(Diagnostic::error("Invalid count argument").at(expr.span).detail(format!("The given \"count\" argument value \"{s}\" is not a whole number."))),
            },
            other => Err(Diagnostic::error("Invalid count argument")
                .at(expr.span)
                .detail(format!("The given \"count\" argument value is unsuitable: a number is required, not a {}.", other.type_name()))),
        };
    }
    let Some(expr) = &resource.for_each else {
        return Ok(Expansion::Single);
    };
    let v = Evaluator::new(scope).eval(expr)?;
    let bad = |detail: String| {
        Diagnostic::error("Invalid for_each argument")
            .at(expr.span)
            .detail(detail)
    };
    if v.contains_sensitive() {
        return Err(bad("Sensitive values, or values derived from sensitive values, cannot be used as for_each arguments: the keys would be shown in plans.".into())
            .hint("wrap the keys in nonsensitive() if they are not secret"));
    }
    match v {
        Value::Unknown => Err(bad("The \"for_each\" value depends on resource attributes that cannot be determined until apply, so clusterform cannot predict how many instances will be created.".into()).hint(UNKNOWN_HINT)),
        Value::Null => Err(bad("The given \"for_each\" argument value is null. A map, or set of strings, is allowed.".into())),
        Value::Object(map) => {
            if map.values().any(Value::is_unknown) {
                // Keys are known, which is all expansion needs.
            }
            Ok(Expansion::ForEach(map))
        }
        Value::Set(items) => {
            let mut map = BTreeMap::new();
            for item in items {
                match item {
                    Value::String(s) => {
                        map.insert(s.clone(), Value::String(s));
                    }
                    Value::Unknown => return Err(bad("The \"for_each\" set includes values that cannot be determined until apply.".into()).hint(UNKNOWN_HINT)),
                    other => return Err(bad(format!("The \"for_each\" set must contain only strings, but it contains a {}.", other.type_name()))),
                }
            }
            Ok(Expansion::ForEach(map))
        }
        Value::List(_) => Err(bad("The given \"for_each\" argument value is unsuitable: the \"for_each\" argument must be a map, or set of strings, and you have provided a value of type list.".into())
            .hint("convert it with toset(…), or build a map keyed by a stable name with a for expression")),
        other => Err(bad(format!("The given \"for_each\" argument value is unsuitable: a map or set of strings is required, not a {}.", other.type_name()))),
    }
}
