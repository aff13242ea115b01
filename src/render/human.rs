//! The plan as people read it in a terminal, in Terraform's familiar shape.
//!
//! The same blocks, with each marker moved to column 0, are the diffs of Markdown comments
//! (`resource_change_diff`, `output_changes_diff`; see `markdown.rs`).

use std::collections::BTreeMap;
use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::values::{change, inline, object_fields, whole, Line, Mark, Out};
use crate::addr::Mode;
use crate::plan::model::{Action, ActionReason, OutputChange, Plan, PlanMode, ResourceChange};
use crate::providers::schema::Schema;
use crate::providers::Registry;
use crate::value::{object_key, Value};

/// Finds a resource type's schema, for telling blocks from attributes.
pub struct Schemas<'r>(pub &'r Registry);

impl Schemas<'_> {
    fn get(&self, mode: Mode, type_name: &str) -> Option<&Schema> {
        let p = self
            .0
            .schema(crate::config::model::provider_for_type(type_name))?;
        match mode {
            Mode::Managed => p.resources.get(type_name),
            Mode::Data => p.data_sources.get(type_name),
        }
    }
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if color && !text.is_empty() {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

fn mark_style(m: Mark) -> Style {
    match m {
        Mark::Add => AnsiColor::Green.on_default(),
        Mark::Remove => AnsiColor::Red.on_default(),
        Mark::Change => AnsiColor::Yellow.on_default(),
        Mark::Same | Mark::Note => Style::new().dimmed(),
    }
}

/// Where each line's change marker goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Terraform's terminal layout: the marker just before the text, coloured or not.
    Terminal { color: bool },
    /// For Markdown ```` ```diff ```` fences: no colour, every marker moved to column 0 and `~`
    /// written `!`, because GitHub colours a diff line by its first character only. Text stays
    /// in the same column as in the terminal layout.
    DiffFence,
}

impl Layout {
    fn color(self) -> bool {
        matches!(self, Layout::Terminal { color: true })
    }
}

fn write_lines(buf: &mut String, lines: &[Line], layout: Layout) {
    let color = layout.color();
    for l in lines {
        let marker = match (l.mark, layout) {
            (Mark::Add, _) => "+",
            (Mark::Remove, _) => "-",
            (Mark::Change, Layout::Terminal { .. }) => "~",
            (Mark::Change, Layout::DiffFence) => "!",
            (Mark::Same | Mark::Note, _) => " ",
        };
        let text = if l.mark == Mark::Note {
            paint(&l.text, Style::new().dimmed(), color)
        } else {
            l.text.clone()
        };
        let line = match layout {
            Layout::Terminal { .. } => format!(
                "{}{} {text}",
                " ".repeat(l.indent),
                paint(marker, mark_style(l.mark), color)
            ),
            Layout::DiffFence => format!("{marker}{} {text}", " ".repeat(l.indent)),
        };
        let _ = writeln!(buf, "{}", line.trim_end());
    }
}

fn header(c: &ResourceChange, drift: bool) -> String {
    let a = &c.addr;
    if drift {
        return match c.action {
            Action::Delete => format!("# {a} has been deleted"),
            _ => format!("# {a} has changed"),
        };
    }
    let why = match c.reason {
        Some(ActionReason::ReplaceByRequest) => ", as requested".to_string(),
        Some(ActionReason::ReplaceByTriggers) => {
            " (replace triggered by a change to a referenced resource)".to_string()
        }
        _ => String::new(),
    };
    if c.reason == Some(ActionReason::ReplaceBecauseTainted) {
        return format!("# {a} is tainted, so must be replaced");
    }
    match c.action {
        Action::Create => format!("# {a} will be created"),
        Action::Update => format!("# {a} will be updated in-place"),
        Action::DeleteThenCreate | Action::CreateThenDelete => {
            if why.starts_with(',') {
                format!("# {a} will be replaced{why}")
            } else {
                format!("# {a} must be replaced{why}")
            }
        }
        Action::Delete => match c.reason {
            Some(ActionReason::DeleteBecauseNoResourceConfig) => format!(
                "# {a} will be destroyed\n  # (because {} is not in configuration)",
                a.resource
            ),
            Some(ActionReason::DeleteBecauseCountIndex) => format!(
                "# {a} will be destroyed\n  # (because index {} is out of range for count)",
                a.key
            ),
            Some(ActionReason::DeleteBecauseEachKey) => format!(
                "# {a} will be destroyed\n  # (because key {} is not in for_each map)",
                a.key
            ),
            _ => format!("# {a} will be destroyed"),
        },
        Action::Read => match c.reason {
            Some(ActionReason::ReadBecauseDependencyPending) => format!(
                "# {a} will be read during apply\n  # (depends on a resource or a module with changes pending)"
            ),
            _ => format!(
                "# {a} will be read during apply\n  # (config refers to values not yet known)"
            ),
        },
        Action::NoOp => format!("# {a} is unchanged"),
    }
}

/// The three-column marker before `resource "type" "name" {`; in [`Layout::DiffFence`] the
/// first column carries the sign GitHub colours by.
fn action_marker(a: Action, layout: Layout) -> String {
    if layout == Layout::DiffFence {
        return match a {
            Action::Create => "+  ",
            Action::Update => "!  ",
            Action::Delete => "-  ",
            Action::DeleteThenCreate => "-/+",
            Action::CreateThenDelete => "+/-",
            Action::Read => " <=",
            Action::NoOp => "   ",
        }
        .to_string();
    }
    let color = layout.color();
    let (text, style) = match a {
        Action::Create => ("  +", AnsiColor::Green.on_default()),
        Action::Update => ("  ~", AnsiColor::Yellow.on_default()),
        Action::Delete => ("  -", AnsiColor::Red.on_default()),
        Action::DeleteThenCreate => ("-/+", AnsiColor::Red.on_default()),
        Action::CreateThenDelete => ("+/-", AnsiColor::Green.on_default()),
        Action::Read => (" <=", AnsiColor::Cyan.on_default()),
        Action::NoOp => ("   ", Style::new()),
    };
    paint(text, style, color)
}

/// Attributes shown even when unchanged, so people can tell which object this is.
const IDENTIFYING: &[&str] = &["id", "name"];

/// One resource change, as a block of lines.
pub fn resource_change(
    c: &ResourceChange,
    schemas: &Schemas<'_>,
    color: bool,
    drift: bool,
) -> String {
    resource_block(c, schemas, drift, Layout::Terminal { color })
}

/// One resource change as [`resource_change`] writes it, laid out for a Markdown `diff` fence.
pub fn resource_change_diff(c: &ResourceChange, schemas: &Schemas<'_>, drift: bool) -> String {
    resource_block(c, schemas, drift, Layout::DiffFence)
}

fn resource_block(
    c: &ResourceChange,
    schemas: &Schemas<'_>,
    drift: bool,
    layout: Layout,
) -> String {
    let color = layout.color();
    let schema = schemas.get(c.addr.resource.mode, &c.addr.resource.type_name);
    let mut out = Out::new();
    let empty = Value::Object(BTreeMap::new());
    let before = c.before.as_ref().unwrap_or(&empty);
    let after = c.after.as_ref().unwrap_or(&empty);
    let (b, a) = (
        before.as_object().cloned().unwrap_or_default(),
        after.as_object().cloned().unwrap_or_default(),
    );
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    let is_block = |k: &str| schema.is_some_and(|s| s.blocks.contains_key(k));
    let (attrs, blocks): (Vec<&String>, Vec<&String>) =
        keys.into_iter().partition(|k| !is_block(k));
    let forces = |k: &str| {
        c.replace_paths
            .iter()
            .any(|p| p.first().map(String::as_str) == Some(k))
    };
    let action = if drift {
        if c.action == Action::Delete {
            Action::Delete
        } else {
            Action::Update
        }
    } else {
        c.action
    };
    let null = Value::Null;
    // Redacted secrets in saved plans are sensitive nulls: present, just not shown.
    let absent = |v: &Value| matches!(v, Value::Null);
    let changed = |k: &str, bv: &Value, av: &Value| {
        !bv.same_as(av) || av.contains_unknown() || c.sensitive_changes.iter().any(|s| s == k)
    };
    // Align `=` over every attribute with a value, shown or hidden, as Terraform does.
    let width = attrs
        .iter()
        .filter(|k| match action {
            Action::Create | Action::Read => !absent(a.get(k.as_str()).unwrap_or(&null)),
            Action::Delete => !absent(b.get(k.as_str()).unwrap_or(&null)),
            _ => {
                !absent(a.get(k.as_str()).unwrap_or(&null))
                    || !absent(b.get(k.as_str()).unwrap_or(&null))
            }
        })
        .map(|k| object_key(k).len())
        .max()
        .unwrap_or(0);
    let mut hidden = 0;
    for k in attrs {
        let key = format!("{:width$}", object_key(k));
        let bv = b.get(k).unwrap_or(&null);
        let av = a.get(k).unwrap_or(&null);
        match action {
            Action::Create | Action::Read => {
                if !absent(av) {
                    whole(&mut out, 6, Mark::Add, &key, av, false);
                }
            }
            Action::Delete => {
                if !absent(bv) {
                    removed(&mut out, &key, bv, "");
                }
            }
            _ => {
                let suffix = if forces(k) {
                    " # forces replacement"
                } else {
                    ""
                };
                if !changed(k, bv, av) {
                    if IDENTIFYING.contains(&k.as_str()) && !absent(av) {
                        if let Some(s) = inline(av) {
                            out.push(6, Mark::Same, format!("{key} = {s}"));
                            continue;
                        }
                    }
                    if !absent(av) {
                        hidden += 1;
                    }
                } else if absent(bv) {
                    whole(&mut out, 6, Mark::Add, &key, av, false);
                    if let Some(l) = out.lines.last_mut() {
                        l.text.push_str(suffix);
                    }
                } else if absent(av) {
                    removed(&mut out, &key, bv, suffix);
                } else {
                    let is_map = schema
                        .and_then(|s| s.attributes.get(k.as_str()))
                        .is_some_and(|a| matches!(a.ty, crate::value::Type::Map(_)));
                    change(&mut out, 6, &key, bv, av, forces(k), is_map);
                }
            }
        }
    }
    let mut hidden_blocks = 0;
    for k in blocks {
        let bv = b.get(k).unwrap_or(&null);
        let av = a.get(k).unwrap_or(&null);
        let items = |v: &Value| -> Vec<Value> {
            match v.unmarked() {
                Value::Null => Vec::new(),
                Value::List(i) | Value::Set(i) => i.clone(),
                Value::Unknown => vec![Value::Unknown],
                other => vec![other.clone()],
            }
        };
        let (bi, ai) = (items(bv), items(av));
        match action {
            Action::Create | Action::Read => ai
                .iter()
                .for_each(|v| block(&mut out, Mark::Add, k, None, Some(v), false)),
            Action::Delete => bi
                .iter()
                .for_each(|v| block(&mut out, Mark::Remove, k, Some(v), None, false)),
            _ if bv.same_as(av) && !av.contains_unknown() => hidden_blocks += bi.len(),
            _ => {
                let n = bi.len().max(ai.len());
                for i in 0..n {
                    match (bi.get(i), ai.get(i)) {
                        (Some(x), Some(y)) if x.same_as(y) && !y.contains_unknown() => {
                            hidden_blocks += 1
                        }
                        (Some(x), Some(y)) => {
                            // Forced as a whole ([block]), or by fields of this item:
                            // [block, attr] for a single block, [block, i, attr] for a list.
                            let here: Vec<&[String]> = c
                                .replace_paths
                                .iter()
                                .filter(|p| p.first() == Some(k))
                                .map(|p| &p[1..])
                                .collect();
                            let index = i.to_string();
                            let fields: Vec<&str> = here
                                .iter()
                                .filter_map(|p| match p {
                                    [attr] => Some(attr.as_str()),
                                    [at, attr, ..] if *at == index => Some(attr.as_str()),
                                    _ => None,
                                })
                                .collect();
                            let whole_block = here.iter().any(|p| p.is_empty());
                            changed_block(&mut out, k, x, y, whole_block, &fields)
                        }
                        (None, Some(y)) => block(&mut out, Mark::Add, k, None, Some(y), forces(k)),
                        (Some(x), None) => {
                            block(&mut out, Mark::Remove, k, Some(x), None, forces(k))
                        }
                        (None, None) => {}
                    }
                }
            }
        }
    }
    if hidden > 0 {
        out.push(
            6,
            Mark::Note,
            format!(
                "# ({hidden} unchanged attribute{} hidden)",
                if hidden == 1 { "" } else { "s" }
            ),
        );
    }
    if hidden_blocks > 0 {
        out.push(
            6,
            Mark::Note,
            format!(
                "# ({hidden_blocks} unchanged block{} hidden)",
                if hidden_blocks == 1 { "" } else { "s" }
            ),
        );
    }
    let r = &c.addr.resource;
    let kind = if r.mode == Mode::Data {
        "data"
    } else {
        "resource"
    };
    let mut buf = String::new();
    let _ = writeln!(
        buf,
        "  {}",
        paint(&header(c, drift), Style::new().bold(), color)
    );
    let _ = writeln!(
        buf,
        "{} {kind} \"{}\" \"{}\" {{",
        action_marker(action, layout),
        r.type_name,
        r.name
    );
    write_lines(&mut buf, &out.lines, layout);
    let _ = writeln!(buf, "    }}");
    buf
}

/// A value that goes away: `- key = "x" -> null`.
fn removed(out: &mut Out, key: &str, v: &Value, suffix: &str) {
    match inline(v) {
        Some(s) => out.push(6, Mark::Remove, format!("{key} = {s} -> null{suffix}")),
        None => {
            whole(out, 6, Mark::Remove, key, v, false);
            if let Some(l) = out.lines.last_mut() {
                l.text.push_str(" -> null");
                l.text.push_str(suffix);
            }
        }
    }
}

/// A block item that changes in place; `fields` are the ones that force replacement.
fn changed_block(out: &mut Out, name: &str, b: &Value, a: &Value, forces: bool, fields: &[&str]) {
    let suffix = if forces { " # forces replacement" } else { "" };
    let empty = BTreeMap::new();
    out.push(6, Mark::Change, format!("{name} {{{suffix}"));
    object_fields(
        out,
        10,
        b.as_object().unwrap_or(&empty),
        a.as_object().unwrap_or(&empty),
        true,
        fields,
    );
    out.push(6, Mark::Same, "}");
}

fn block(
    out: &mut Out,
    mark: Mark,
    name: &str,
    before: Option<&Value>,
    after: Option<&Value>,
    forces: bool,
) {
    let suffix = if forces { " # forces replacement" } else { "" };
    match (before, after) {
        (Some(b), Some(a)) => changed_block(out, name, b, a, forces, &[]),
        (None, Some(v)) | (Some(v), None) => {
            if v.is_unknown() {
                out.push(6, mark, format!("{name} {{{suffix}"));
                out.push(10, Mark::Note, "# (known after apply)");
                out.push(6, Mark::Same, "}");
                return;
            }
            out.push(6, mark, format!("{name} {{{suffix}"));
            let map = v.as_object().cloned().unwrap_or_default();
            let width = map.keys().map(|k| object_key(k).len()).max().unwrap_or(0);
            for (k, item) in &map {
                if !item.is_null() {
                    whole(
                        out,
                        10,
                        mark,
                        &format!("{:width$}", object_key(k)),
                        item,
                        false,
                    );
                }
            }
            out.push(6, Mark::Same, "}");
        }
        (None, None) => {}
    }
}

fn outputs_section(outputs: &[OutputChange], color: bool) -> String {
    let lines = output_lines(outputs, Layout::Terminal { color });
    if lines.is_empty() {
        return String::new();
    }
    format!("\nChanges to Outputs:\n{lines}")
}

/// The changed root outputs as `outputs_section` lists them, laid out for a Markdown `diff`
/// fence; empty when no output changes.
pub fn output_changes_diff(outputs: &[OutputChange]) -> String {
    output_lines(outputs, Layout::DiffFence)
}

fn output_lines(outputs: &[OutputChange], layout: Layout) -> String {
    let changed: Vec<&OutputChange> = outputs
        .iter()
        .filter(|o| o.action != Action::NoOp)
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = Out::new();
    let width = changed.iter().map(|o| o.name.len()).max().unwrap_or(0);
    for o in changed {
        let name = format!("{:width$}", o.name);
        let hide = |v: &Value| {
            if o.sensitive {
                Value::Null.sensitive()
            } else {
                v.clone()
            }
        };
        match (&o.before, &o.after) {
            (None, Some(a)) => whole(&mut out, 2, Mark::Add, &name, &hide(a), false),
            (Some(b), None) => match inline(&hide(b)) {
                Some(v) => out.push(2, Mark::Remove, format!("{name} = {v} -> null")),
                None => {
                    whole(&mut out, 2, Mark::Remove, &name, &hide(b), false);
                    if let Some(l) = out.lines.last_mut() {
                        l.text.push_str(" -> null");
                    }
                }
            },
            (Some(b), Some(a)) => change(&mut out, 2, &name, &hide(b), &hide(a), false, false),
            (None, None) => {}
        }
    }
    let mut buf = String::new();
    write_lines(&mut buf, &out.lines, layout);
    buf
}

/// The whole plan. Warnings are printed separately, as diagnostics.
pub fn render_plan(plan: &Plan, registry: &Registry, color: bool) -> String {
    let schemas = Schemas(registry);
    let mut buf = String::new();
    let drift = plan.relevant_drift();
    if !drift.is_empty() {
        let _ = writeln!(
            buf,
            "\n{}\n",
            paint(
                "Note: Objects have changed outside of clusterform",
                Style::new().bold(),
                color
            )
        );
        let _ = writeln!(buf, "clusterform detected the following changes made outside of clusterform since the last \"clusterform apply\":\n");
        for d in drift {
            buf.push_str(&resource_change(d, &schemas, color, true));
            buf.push('\n');
        }
        if plan.mode != PlanMode::RefreshOnly {
            let _ = writeln!(buf, "Unless you have made equivalent changes to your configuration, clusterform will undo these changes below.\n");
        }
    }
    if !plan.forget_creates.is_empty() {
        let _ = writeln!(
            buf,
            "\n{}\n\nAn earlier apply recorded these creates and stopped before they made anything, and nothing here resumes them; applying this plan removes them from the state:\n",
            paint("Note: Interrupted creates to forget", Style::new().bold(), color)
        );
        for address in &plan.forget_creates {
            let _ = writeln!(buf, "  - {address}");
        }
    }
    if plan.mode == PlanMode::RefreshOnly {
        if plan.drift.is_empty() {
            let _ = writeln!(buf, "\n{}\n\nclusterform has checked that the real remote objects still match the result of your most recent changes, and found no differences.", paint("No changes.", Style::new().bold(), color));
        } else {
            let _ = writeln!(buf, "This is a refresh-only plan, so clusterform will not take any actions to undo these. Applying it will update the state to match.");
        }
        return buf;
    }
    let changes: Vec<&ResourceChange> = plan.effective_changes().collect();
    if !plan.has_changes() {
        let _ = writeln!(
            buf,
            "\n{} Your infrastructure matches the configuration.\n\nclusterform has compared your real infrastructure against your configuration and found no differences, so no changes are needed.",
            paint("No changes.", Style::new().bold(), color)
        );
        return buf;
    }
    let notes: Vec<(&ResourceChange, &String)> = changes
        .iter()
        .flat_map(|c| c.notes.iter().map(move |n| (*c, n)))
        .collect();
    if !notes.is_empty() {
        let _ = writeln!(
            buf,
            "\n{}",
            paint(
                "Who can reach what, after this plan:",
                Style::new().bold(),
                color
            )
        );
        for (c, n) in notes {
            let _ = writeln!(buf, "  {}: {n}", c.addr);
        }
    }
    if !changes.is_empty() {
        let _ = writeln!(buf, "\nclusterform will perform the following actions:\n");
        for c in &changes {
            buf.push_str(&resource_change(c, &schemas, color, false));
            buf.push('\n');
        }
        let (add, change, destroy) = plan.counts();
        let _ = writeln!(
            buf,
            "{} {add} to add, {change} to change, {destroy} to destroy.",
            paint("Plan:", Style::new().bold(), color)
        );
    }
    buf.push_str(&outputs_section(&plan.outputs, color));
    if changes.is_empty() {
        let _ = writeln!(buf, "\nYou can apply this plan to save these new output values to the state, without changing any real infrastructure.");
    }
    buf
}

/// The legend Terraform prints before the actions.
pub fn legend(plan: &Plan, color: bool) -> String {
    let mut used: Vec<Action> = plan.effective_changes().map(|c| c.action).collect();
    used.sort();
    used.dedup();
    if used.is_empty() {
        return String::new();
    }
    let mut buf = String::from("\nclusterform used the selected providers to generate the following execution plan.\nResource actions are indicated with the following symbols:\n");
    for a in used {
        let text = match a {
            Action::Create => "create",
            Action::Update => "update in-place",
            Action::Delete => "destroy",
            Action::DeleteThenCreate => "destroy and then create replacement",
            Action::CreateThenDelete => "create replacement and then destroy",
            Action::Read => "read (data resources)",
            Action::NoOp => continue,
        };
        let _ = writeln!(
            buf,
            "{} {text}",
            action_marker(a, Layout::Terminal { color })
        );
    }
    buf
}
