//! `data "aws_iam_policy_document"`: an IAM policy written as HCL blocks, rendered to JSON
//! exactly as the AWS provider renders it, so configurations that feed it to `aws_iam_role`
//! or `aws_iam_policy` plan no diff when they move to clusterform. No API call.
//!
//! The AWS provider's rules (internal/service/iam/policy_document_data_source.go and
//! policy_model.go): keys in the order Version, Id, Statement and Sid, Effect, Action,
//! NotAction, Resource, NotResource, Principal, NotPrincipal, Condition, empty ones left out;
//! a list of one renders as a bare string, longer lists sorted and reversed; principals keyed
//! by type, condition values in the order given; `&{var}` becomes `${var}`; two-space indent
//! and Go's escaping of `<`, `>` and `&`.

use std::collections::BTreeMap;

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::kit::DataSource;
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::{Type, Value};

pub struct IamPolicyDocument;

#[async_trait]
impl DataSource<Clients> for IamPolicyDocument {
    fn name(&self) -> &'static str {
        "aws_iam_policy_document"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(&self, _c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        render(config)
    }
}

fn strings() -> Type {
    Type::set(Type::String)
}

fn principals() -> NestedBlock {
    NestedBlock::set(
        Schema::new()
            .attr(
                "type",
                Attribute::required(Type::String).describe("AWS, Service, Federated or *."),
            )
            .attr(
                "identifiers",
                Attribute::required(strings()).describe("ARNs, service names or *."),
            ),
    )
}

pub fn schema() -> Schema {
    let statement = Schema::new()
        .attr(
            "sid",
            Attribute::optional(Type::String)
                .describe("The statement's ID; letters and digits only."),
        )
        .attr(
            "effect",
            Attribute::optional(Type::String).describe("Allow (the default) or Deny."),
        )
        .attr(
            "actions",
            Attribute::optional(strings())
                .describe("Actions the statement covers, such as sts:AssumeRole."),
        )
        .attr(
            "not_actions",
            Attribute::optional(strings()).describe("Actions the statement does not cover."),
        )
        .attr(
            "resources",
            Attribute::optional(strings()).describe("ARNs the statement covers."),
        )
        .attr(
            "not_resources",
            Attribute::optional(strings()).describe("ARNs the statement does not cover."),
        )
        .block(
            "principals",
            principals().describe("Who the statement applies to."),
        )
        .block(
            "not_principals",
            principals().describe("Who the statement does not apply to."),
        )
        .block(
            "condition",
            NestedBlock::set(
                Schema::new()
                    .attr(
                        "test",
                        Attribute::required(Type::String)
                            .describe("The condition operator, such as StringEquals."),
                    )
                    .attr(
                        "variable",
                        Attribute::required(Type::String)
                            .describe("The context key, such as aws:SourceAccount."),
                    )
                    .attr(
                        "values",
                        Attribute::required(Type::list(Type::String))
                            .describe("Values to compare with, in order."),
                    ),
            )
            .describe("When the statement applies."),
        );
    Schema::new()
        .describe("An IAM policy document, rendered to JSON as the AWS provider renders it.")
        .attr(
            "id",
            Attribute::computed(Type::String).describe("A hash of the JSON."),
        )
        .attr(
            "version",
            Attribute::optional(Type::String).describe("2012-10-17 (the default) or 2008-10-17."),
        )
        .attr(
            "policy_id",
            Attribute::optional(Type::String).describe("The policy's Id."),
        )
        .attr(
            "source_policy_documents",
            Attribute::optional(Type::list(Type::String))
                .describe("JSON documents whose statements come first; their Sids must differ."),
        )
        .attr(
            "override_policy_documents",
            Attribute::optional(Type::list(Type::String)).describe(
                "JSON documents whose statements replace those with the same Sid, or are added.",
            ),
        )
        .attr(
            "json",
            Attribute::computed(Type::String).describe("The policy, indented with two spaces."),
        )
        .attr(
            "minified_json",
            Attribute::computed(Type::String).describe("The policy without whitespace."),
        )
        .block(
            "statement",
            NestedBlock::list(statement).describe("One statement of the policy, in order."),
        )
}

/// A JSON value whose object keys keep the order they were put in.
#[derive(Clone, Debug, PartialEq)]
enum J {
    Str(String),
    Raw(serde_json::Value),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

fn render(config: &Value) -> Result<Value, Diagnostic> {
    let version = text(config, "version").unwrap_or_else(|| "2012-10-17".to_string());
    if version != "2012-10-17" && version != "2008-10-17" {
        return Err(invalid(format!(
            "version must be 2012-10-17 or 2008-10-17, not {version}."
        )));
    }
    let mut statements: Vec<(Option<String>, J)> = Vec::new();
    for doc in list_of(config.get("source_policy_documents")) {
        for st in parsed_statements(&doc, "source_policy_documents")? {
            if st.0.is_some() && statements.iter().any(|s| s.0 == st.0) {
                return Err(invalid(format!(
                    "the Sid {} appears in more than one of source_policy_documents.",
                    st.0.unwrap_or_default()
                )));
            }
            statements.push(st);
        }
    }
    let mut own_sids = Vec::new();
    for st in config
        .get("statement")
        .and_then(Value::as_items)
        .unwrap_or(&[])
    {
        let sid = text(st, "sid").filter(|s| !s.is_empty());
        if let Some(s) = &sid {
            if !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(invalid(format!(
                    "the Sid {s:?} may hold only letters and digits."
                )));
            }
            if own_sids.contains(s) {
                return Err(invalid(format!("two statements have the Sid {s}.")));
            }
            own_sids.push(s.clone());
        }
        merge(&mut statements, (sid, statement(st, &version)?));
    }
    for doc in list_of(config.get("override_policy_documents")) {
        for st in parsed_statements(&doc, "override_policy_documents")? {
            merge(&mut statements, st);
        }
    }
    let mut doc = vec![("Version".to_string(), J::Str(version))];
    if let Some(id) = text(config, "policy_id") {
        doc.push(("Id".to_string(), J::Str(id)));
    }
    if !statements.is_empty() {
        doc.push((
            "Statement".to_string(),
            J::Arr(statements.into_iter().map(|s| s.1).collect()),
        ));
    }
    let doc = J::Obj(doc);
    let mut json = String::new();
    write_indented(&doc, 0, &mut json);
    let mut minified = String::new();
    write_minified(&doc, &mut minified);
    let id = crc32fast::hash(json.as_bytes()).to_string();
    let mut out = config.clone();
    if let Value::Object(m) = &mut out {
        m.insert("id".into(), Value::from(id));
        m.insert("json".into(), Value::from(json));
        m.insert("minified_json".into(), Value::from(minified));
    }
    Ok(out)
}

/// A statement with a Sid replaces the one with the same Sid where it stands; others are added.
fn merge(statements: &mut Vec<(Option<String>, J)>, st: (Option<String>, J)) {
    match statements.iter_mut().find(|s| s.0.is_some() && s.0 == st.0) {
        Some(existing) => *existing = st,
        None => statements.push(st),
    }
}

fn statement(st: &Value, version: &str) -> Result<J, Diagnostic> {
    let mut out = Vec::new();
    if let Some(sid) = text(st, "sid").filter(|s| !s.is_empty()) {
        out.push(("Sid".to_string(), J::Str(sid)));
    }
    let effect = text(st, "effect").unwrap_or_else(|| "Allow".to_string());
    if effect != "Allow" && effect != "Deny" {
        return Err(invalid(format!(
            "effect must be Allow or Deny, not {effect}."
        )));
    }
    out.push(("Effect".to_string(), J::Str(effect)));
    for (key, name, vars) in [
        ("actions", "Action", false),
        ("not_actions", "NotAction", false),
        ("resources", "Resource", true),
        ("not_resources", "NotResource", true),
    ] {
        let items = list_of(st.get(key));
        if !items.is_empty() {
            out.push((
                name.to_string(),
                one_or_many(interpolated(items, vars, version)?),
            ));
        }
    }
    for (key, name) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(p) = principal(st.get(key), version)? {
            out.push((name.to_string(), p));
        }
    }
    let conditions = st.get("condition").and_then(Value::as_items).unwrap_or(&[]);
    if !conditions.is_empty() {
        let mut by_test: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
        for c in conditions {
            let values = interpolated(list_of(c.get("values")), true, version)?;
            by_test
                .entry(text(c, "test").unwrap_or_default())
                .or_default()
                .entry(text(c, "variable").unwrap_or_default())
                .or_default()
                .extend(values);
        }
        let obj = by_test
            .into_iter()
            .map(|(test, vars)| {
                let vars = vars
                    .into_iter()
                    .map(|(var, values)| {
                        let v = if values.len() == 1 {
                            J::Str(values[0].clone())
                        } else {
                            J::Arr(values.into_iter().map(J::Str).collect())
                        };
                        (var, v)
                    })
                    .collect();
                (test, J::Obj(vars))
            })
            .collect();
        out.push(("Condition".to_string(), J::Obj(obj)));
    }
    Ok(J::Obj(out))
}

fn principal(blocks: Option<&Value>, version: &str) -> Result<Option<J>, Diagnostic> {
    let blocks = blocks.and_then(Value::as_items).unwrap_or(&[]);
    if blocks.is_empty() {
        return Ok(None);
    }
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for b in blocks {
        let ids = interpolated(list_of(b.get("identifiers")), true, version)?;
        by_type
            .entry(text(b, "type").unwrap_or_default())
            .or_default()
            .extend(ids);
    }
    // Everyone, written as type "*": IAM's bare "*" (an AWS "*" stays an object, which is
    // what trust policies need).
    if by_type.len() == 1 && by_type.get("*").is_some_and(|ids| ids == &["*"]) {
        return Ok(Some(J::Str("*".to_string())));
    }
    Ok(Some(J::Obj(
        by_type
            .into_iter()
            .map(|(t, ids)| (t, one_or_many(ids)))
            .collect(),
    )))
}

/// One item as a bare string, more sorted and then reversed, as the AWS provider does.
fn one_or_many(mut items: Vec<String>) -> J {
    items.sort();
    items.dedup();
    if items.len() == 1 {
        return J::Str(items.remove(0));
    }
    items.reverse();
    J::Arr(items.into_iter().map(J::Str).collect())
}

/// `&{aws:username}` is how HCL writes IAM's `${aws:username}`; the 2008 version has none.
fn interpolated(items: Vec<String>, vars: bool, version: &str) -> Result<Vec<String>, Diagnostic> {
    items
        .into_iter()
        .map(|s| {
            if !vars || !s.contains("&{") {
                Ok(s)
            } else if version == "2008-10-17" {
                Err(invalid(format!(
                    "{s:?} uses a policy variable, which version 2008-10-17 does not have; use version 2012-10-17."
                )))
            } else {
                Ok(s.replace("&{", "${"))
            }
        })
        .collect()
}

/// The statements of a JSON policy, keys in the rendering order, values as written.
fn parsed_statements(doc: &str, arg: &str) -> Result<Vec<(Option<String>, J)>, Diagnostic> {
    let parsed: serde_json::Value = serde_json::from_str(doc)
        .map_err(|e| invalid(format!("an entry of {arg} is not JSON: {e}.")))?;
    let statements = match parsed.get("Statement") {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(one @ serde_json::Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    };
    let order = [
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    ];
    Ok(statements
        .iter()
        .map(|st| {
            let sid = st
                .get("Sid")
                .and_then(serde_json::Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            let fields = order
                .iter()
                .filter_map(|k| {
                    let v = st.get(*k)?;
                    let empty = v.is_null() || v.as_str() == Some("");
                    (!empty).then(|| (k.to_string(), J::Raw(v.clone())))
                })
                .collect();
            (sid, J::Obj(fields))
        })
        .collect())
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn list_of(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_items)
        .map(|i| {
            i.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn invalid(detail: String) -> Diagnostic {
    Diagnostic::error("Invalid IAM policy document")
        .detail(detail)
        .hint(
            "see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html",
        )
}

/// A JSON string as Go's encoder writes it: `<`, `>` and `&` escaped too.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Strings, arrays and objects, which are written through [`J`] for Go's escaping and order.
fn structured(v: &serde_json::Value) -> bool {
    v.is_string() || v.is_array() || v.is_object()
}

fn from_raw(v: &serde_json::Value) -> J {
    match v {
        serde_json::Value::String(s) => J::Str(s.clone()),
        serde_json::Value::Array(a) => J::Arr(a.iter().map(from_raw).collect()),
        // Go decodes objects into maps, which it writes with their keys sorted.
        serde_json::Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            J::Obj(
                keys.into_iter()
                    .map(|k| (k.clone(), from_raw(&m[k])))
                    .collect(),
            )
        }
        other => J::Raw(other.clone()),
    }
}

fn write_indented(v: &J, depth: usize, out: &mut String) {
    let pad = |d: usize| "  ".repeat(d);
    match v {
        J::Str(s) => quote(s, out),
        J::Raw(raw) if structured(raw) => write_indented(&from_raw(raw), depth, out),
        J::Raw(other) => out.push_str(&other.to_string()),
        J::Arr(items) if items.is_empty() => out.push_str("[]"),
        J::Obj(fields) if fields.is_empty() => out.push_str("{}"),
        J::Arr(items) => {
            out.push_str("[\n");
            for (i, item) in items.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                write_indented(item, depth + 1, out);
                out.push_str(if i + 1 < items.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push(']');
        }
        J::Obj(fields) => {
            out.push_str("{\n");
            for (i, (k, item)) in fields.iter().enumerate() {
                out.push_str(&pad(depth + 1));
                quote(k, out);
                out.push_str(": ");
                write_indented(item, depth + 1, out);
                out.push_str(if i + 1 < fields.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(depth));
            out.push('}');
        }
    }
}

fn write_minified(v: &J, out: &mut String) {
    match v {
        J::Str(s) => quote(s, out),
        J::Raw(raw) if structured(raw) => write_minified(&from_raw(raw), out),
        J::Raw(other) => out.push_str(&other.to_string()),
        J::Arr(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_minified(item, out);
            }
            out.push(']');
        }
        J::Obj(fields) => {
            out.push('{');
            for (i, (k, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                quote(k, out);
                out.push(':');
                write_minified(item, out);
            }
            out.push('}');
        }
    }
}

#[cfg(test)]
#[path = "iam_policy_document_tests.rs"]
mod tests;
