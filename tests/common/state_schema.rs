//! The state file's JSON Schema (`state/schema.json`) and a minimal validator for the subset
//! of draft 2020-12 it uses: `type`, `required`, `properties`, `additionalProperties`,
//! `items`, `enum`, `const`, `minimum` and local `$ref`s into `$defs`. `tests/state_schema.rs`
//! fails if the schema starts using any other keyword, so no keyword is silently ignored.

use serde_json::Value as Json;

pub const SCHEMA: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/state/schema.json"));

pub fn schema() -> Json {
    serde_json::from_str(SCHEMA).expect("state/schema.json is JSON")
}

pub const KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "minimum",
];
pub const ANNOTATIONS: &[&str] = &["$schema", "$id", "$defs", "title", "description", "format"];

fn resolve<'a>(root: &'a Json, schema: &'a Json) -> &'a Json {
    match schema.get("$ref").and_then(Json::as_str) {
        Some(r) => {
            let pointer = r.strip_prefix('#').expect("only local $refs are supported");
            resolve(
                root,
                root.pointer(pointer)
                    .unwrap_or_else(|| panic!("dangling $ref {r}")),
            )
        }
        None => schema,
    }
}

fn has_type(value: &Json, ty: &str) -> bool {
    match ty {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "number" => value.is_number(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        other => panic!("unknown type {other} in schema"),
    }
}

fn validate(root: &Json, schema: &Json, value: &Json, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(root, schema);
    if let Some(ty) = schema.get("type") {
        let types: Vec<&str> = match ty {
            Json::String(s) => vec![s.as_str()],
            Json::Array(a) => a.iter().filter_map(Json::as_str).collect(),
            _ => panic!("bad type keyword at {at}"),
        };
        if !types.iter().any(|t| has_type(value, t)) {
            errors.push(format!(
                "{at}: expected {}, found {value}",
                types.join(" or ")
            ));
            return;
        }
    }
    if let Some(c) = schema.get("const") {
        if c != value {
            errors.push(format!("{at}: must be {c}, found {value}"));
        }
    }
    if let Some(options) = schema.get("enum").and_then(Json::as_array) {
        if !options.contains(value) {
            errors.push(format!(
                "{at}: {value} is not one of {}",
                Json::Array(options.clone())
            ));
        }
    }
    if let (Some(min), Some(n)) = (schema.get("minimum").and_then(Json::as_f64), value.as_f64()) {
        if n < min {
            errors.push(format!("{at}: {n} is below the minimum {min}"));
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            validate(root, items, item, &format!("{at}[{i}]"), errors);
        }
    }
    let Some(object) = value.as_object() else {
        return;
    };
    for name in schema
        .get("required")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let name = name.as_str().unwrap();
        if !object.contains_key(name) {
            errors.push(format!("{at}: missing required field \"{name}\""));
        }
    }
    let properties = schema.get("properties").and_then(Json::as_object);
    for (key, v) in object {
        let here = format!("{at}.{key}");
        match (
            properties.and_then(|p| p.get(key)),
            schema.get("additionalProperties"),
        ) {
            (Some(sub), _) => validate(root, sub, v, &here, errors),
            (None, Some(Json::Bool(false))) => {
                errors.push(format!("{at}: unexpected field \"{key}\""))
            }
            (None, Some(sub)) if sub.is_object() => validate(root, sub, v, &here, errors),
            (None, _) => {}
        }
    }
}

pub fn errors_for(doc: &Json) -> Vec<String> {
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root, doc, "$", &mut errors);
    errors
}
