//! The configuration reference of a provider, generated from its schemas so the docs cannot
//! drift from the code (a test compares `docs/providers/*.md` with this output).

use std::fmt::Write;

use crate::providers::schema::{Attribute, Nesting, Schema};
use crate::providers::ProviderSchema;

fn kind(a: &Attribute) -> &'static str {
    match (a.required, a.optional, a.computed) {
        (true, _, _) => "required",
        (false, true, true) => "optional, computed",
        (false, true, false) => "optional",
        _ => "read-only",
    }
}

fn table(out: &mut String, s: &Schema, prefix: &str) {
    let _ = writeln!(out, "| argument | type | | description |");
    let _ = writeln!(out, "| --- | --- | --- | --- |");
    for (name, a) in &s.attributes {
        let mut notes = vec![kind(a).to_string()];
        if let Some(d) = &a.default {
            notes.push(format!("default `{d}`"));
        }
        if a.force_new {
            notes.push("forces replacement".into());
        }
        if a.sensitive {
            notes.push("sensitive".into());
        }
        let _ = writeln!(
            out,
            "| `{prefix}{name}` | `{}` | {} | {} |",
            a.ty,
            notes.join(", "),
            a.description
        );
    }
    for (name, b) in &s.blocks {
        let shape = match (b.nesting, b.max_items) {
            (Nesting::Single, _) | (Nesting::List, 1) => "block, at most one".to_string(),
            (Nesting::List, _) => "blocks, repeatable".to_string(),
            (Nesting::Set, _) => "blocks, repeatable, unordered".to_string(),
        };
        let req = if b.min_items > 0 { "required " } else { "" };
        let _ = writeln!(
            out,
            "| `{prefix}{name} {{ … }}` | {req}{shape} | | {} |",
            b.description
        );
    }
    for (name, b) in &s.blocks {
        if b.schema.attributes.is_empty() && b.schema.blocks.is_empty() {
            let _ = writeln!(out, "\n`{prefix}{name}` block: takes no arguments.");
            continue;
        }
        let _ = writeln!(out, "\n`{prefix}{name}` block:\n");
        table(out, &b.schema, &format!("{prefix}{name}."));
    }
}

/// Markdown for one provider: its configuration, every resource type and data source. A
/// resource type in `supported` passes the conformance suite and is marked so; the others are
/// marked as not yet supported.
pub fn provider_reference(name: &str, p: &ProviderSchema, supported: &[&str]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# The `{name}` provider\n");
    let _ = writeln!(out, "<!-- Generated from the provider's schemas by `src/render/reference.rs`; run `UPDATE_DOCS=1 cargo test --test docs_reference` after changing a schema. -->\n");
    if !p.provider.description.is_empty() {
        let _ = writeln!(out, "{}\n", p.provider.description);
    }
    let _ = writeln!(
        out,
        "## Provider configuration\n\n```hcl\nprovider \"{name}\" {{\n  # …\n}}\n```\n"
    );
    table(&mut out, &p.provider, "");
    for (kind, items) in [("Resource", &p.resources), ("Data source", &p.data_sources)] {
        for (type_name, s) in items {
            let _ = writeln!(out, "\n## {kind} `{type_name}`\n");
            if kind == "Resource" {
                let status = if supported.contains(&type_name.as_str()) {
                    "**Supported**: passes the conformance suite (create, no diff after apply, in-place updates, replacement, import, drift, destroy)."
                } else {
                    "**Not yet supported**: not yet through the conformance suite."
                };
                let _ = writeln!(out, "{status}\n");
            }
            if !s.description.is_empty() {
                let _ = writeln!(out, "{}\n", s.description);
            }
            table(&mut out, s, "");
        }
    }
    out
}
