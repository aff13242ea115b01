//! Renders one attribute's before → after change in Terraform's diff notation.
//!
//! Lines are produced without colour; the caller colours the markers. Each line is
//! `(marker, text)` where marker is one of `+ - ~` or a space, and text is already indented.

use crate::value::{object_key, quote, Value};

/// What kind of line a diff line is, for colouring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Add,
    Remove,
    Change,
    Same,
    /// A `# (2 unchanged attributes hidden)` comment.
    Note,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub indent: usize,
    pub mark: Mark,
    pub text: String,
}

pub struct Out {
    pub lines: Vec<Line>,
}

impl Out {
    pub fn new() -> Out {
        Out { lines: Vec::new() }
    }

    pub fn push(&mut self, indent: usize, mark: Mark, text: impl Into<String>) {
        self.lines.push(Line {
            indent,
            mark,
            text: text.into(),
        });
    }
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

/// A value on one line, or `None` when it needs several (collections, multi-line strings).
pub fn inline(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some("null".into()),
        Value::Unknown => Some("(known after apply)".into()),
        Value::Sensitive(_) => Some("(sensitive value)".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim_end_matches('\n').contains('\n') => Some(quote(s)),
        Value::String(_) => None,
        Value::List(items) | Value::Set(items) if items.is_empty() => Some("[]".into()),
        Value::Object(map) if map.is_empty() => Some("{}".into()),
        _ => None,
    }
}

/// Renders a whole value being added or removed, under `name = `.
pub fn whole(out: &mut Out, indent: usize, mark: Mark, name: &str, v: &Value, is_block: bool) {
    let label = if is_block {
        name.to_string()
    } else {
        format!("{name} = ")
    };
    if let Some(s) = inline(v) {
        if is_block {
            out.push(indent, mark, format!("{name} {{}}"));
        } else {
            out.push(indent, mark, format!("{label}{s}"));
        }
        return;
    }
    match v {
        Value::String(s) => {
            out.push(indent, mark, format!("{label}<<-EOT"));
            for l in s.trim_end_matches('\n').lines() {
                out.push(indent + 4, Mark::Same, l.to_string());
            }
            out.push(indent, Mark::Same, "EOT");
        }
        Value::List(items) | Value::Set(items) => {
            out.push(indent, mark, format!("{label}["));
            for item in items {
                element(out, indent + 4, mark, item);
            }
            out.push(indent, Mark::Same, "]");
        }
        Value::Object(map) => {
            out.push(
                indent,
                mark,
                if is_block {
                    format!("{name} {{")
                } else {
                    format!("{label}{{")
                },
            );
            let width = map.keys().map(|k| object_key(k).len()).max().unwrap_or(0);
            for (k, item) in map {
                if matches!(mark, Mark::Add) && item.is_null() {
                    continue;
                }
                let key = format!("{:width$}", object_key(k));
                whole(out, indent + 4, mark, &key, item, false);
            }
            out.push(indent, Mark::Same, "}");
        }
        _ => {}
    }
}

fn element(out: &mut Out, indent: usize, mark: Mark, v: &Value) {
    match inline(v) {
        Some(s) => out.push(indent, mark, format!("{s},")),
        None => {
            let mut inner = Out::new();
            whole(&mut inner, indent, mark, "", v, false);
            // Drop the "= " label of anonymous elements and add the trailing comma.
            for (i, mut line) in inner.lines.into_iter().enumerate() {
                if i == 0 {
                    line.text = line
                        .text
                        .trim_start_matches(" = ")
                        .trim_start_matches("= ")
                        .to_string();
                }
                out.lines.push(line);
            }
            if let Some(last) = out.lines.last_mut() {
                last.text.push(',');
            }
        }
    }
}

/// Renders an attribute that changed from `before` to `after`.
pub fn change(
    out: &mut Out,
    indent: usize,
    name: &str,
    before: &Value,
    after: &Value,
    forces: bool,
    is_map: bool,
) {
    let suffix = if forces { " # forces replacement" } else { "" };
    if matches!(before, Value::Sensitive(_)) || matches!(after, Value::Sensitive(_)) {
        // Whether or how a secret changed is itself not shown.
        out.push(
            indent,
            Mark::Change,
            format!("{name} = (sensitive value){suffix}"),
        );
        return;
    }
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            out.push(indent, Mark::Change, format!("{name} = {{"));
            object_fields(out, indent + 4, b, a, !is_map, &[]);
            out.push(indent, Mark::Same, format!("}}{suffix}"));
        }
        (Value::List(b), Value::List(a)) | (Value::Set(b), Value::Set(a))
            if inline(before).is_none() || inline(after).is_none() =>
        {
            out.push(
                indent,
                Mark::Change,
                format!(
                    "{name} = [{}",
                    if forces { " # forces replacement" } else { "" }
                ),
            );
            list_diff(out, indent + 4, b, a);
            out.push(indent, Mark::Same, "]");
        }
        (Value::String(b), Value::String(a))
            if inline(before).is_none() || inline(after).is_none() =>
        {
            out.push(indent, Mark::Change, format!("{name} = <<-EOT{suffix}"));
            let diff = similar::TextDiff::from_lines(b.as_str(), a.as_str());
            for c in diff.iter_all_changes() {
                let mark = match c.tag() {
                    similar::ChangeTag::Delete => Mark::Remove,
                    similar::ChangeTag::Insert => Mark::Add,
                    similar::ChangeTag::Equal => Mark::Same,
                };
                out.push(
                    indent + 4,
                    mark,
                    c.value().trim_end_matches('\n').to_string(),
                );
            }
            out.push(indent, Mark::Same, "EOT");
        }
        _ => match (inline(before), inline(after)) {
            (Some(b), Some(a)) => {
                out.push(indent, Mark::Change, format!("{name} = {b} -> {a}{suffix}"))
            }
            _ => {
                whole(out, indent, Mark::Remove, name, before, false);
                whole(out, indent, Mark::Add, name, after, false);
            }
        },
    }
}

/// Diffs two lists element by element, keeping unchanged ones as context.
fn list_diff(out: &mut Out, indent: usize, before: &[Value], after: &[Value]) {
    let b: Vec<String> = before
        .iter()
        .map(|v| inline(v).unwrap_or_else(|| v.to_string()))
        .collect();
    let a: Vec<String> = after
        .iter()
        .map(|v| inline(v).unwrap_or_else(|| v.to_string()))
        .collect();
    let diff = similar::capture_diff_slices(similar::Algorithm::Myers, &b, &a);
    for op in diff {
        for (tag, old, new) in op
            .iter_changes(&b, &a)
            .map(|c| (c.tag(), c.old_index(), c.new_index()))
        {
            match tag {
                similar::ChangeTag::Equal => {
                    out.push(indent, Mark::Same, format!("{},", b[old.unwrap_or(0)]))
                }
                similar::ChangeTag::Delete => {
                    element(out, indent, Mark::Remove, &before[old.unwrap_or(0)])
                }
                similar::ChangeTag::Insert => {
                    element(out, indent, Mark::Add, &after[new.unwrap_or(0)])
                }
            }
        }
    }
}

/// Fields of two objects: changed ones shown, unchanged ones counted.
pub fn object_fields(
    out: &mut Out,
    indent: usize,
    before: &std::collections::BTreeMap<String, Value>,
    after: &std::collections::BTreeMap<String, Value>,
    attributes: bool,
    forced: &[&str],
) {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let width = keys.iter().map(|k| object_key(k).len()).max().unwrap_or(0);
    let mut hidden = 0;
    for k in keys {
        let key = format!("{:width$}", object_key(k));
        let forces = forced.contains(&k.as_str());
        let lines = out.lines.len();
        match (before.get(k), after.get(k)) {
            (Some(b), Some(a)) if b.same_as(a) && !a.contains_unknown() => hidden += 1,
            (Some(b), Some(a)) if b.is_null() => whole(out, indent, Mark::Add, &key, a, false),
            (Some(b), Some(a)) if a.is_null() => {
                if let Some(s) = inline(b) {
                    out.push(indent, Mark::Remove, format!("{key} = {s} -> null"));
                } else {
                    whole(out, indent, Mark::Remove, &key, b, false);
                }
            }
            (Some(b), Some(a)) => change(out, indent, &key, b, a, forces, false),
            (None, Some(a)) => whole(out, indent, Mark::Add, &key, a, false),
            (Some(b), None) => whole(out, indent, Mark::Remove, &key, b, false),
            (None, None) => {}
        }
        // `change` marks its own line; added and removed values get the mark on their first.
        let changed_here = !matches!((before.get(k), after.get(k)), (Some(b), Some(a)) if !b.is_null() && !a.is_null());
        if forces && changed_here && out.lines.len() > lines {
            out.lines[lines].text.push_str(" # forces replacement");
        }
    }
    if hidden > 0 {
        let noun = match (attributes, hidden) {
            (true, 1) => "attribute",
            (true, _) => "attributes",
            (false, 1) => "element",
            (false, _) => "elements",
        };
        out.push(
            indent,
            Mark::Note,
            format!("# ({hidden} unchanged {noun} hidden)"),
        );
    }
}
