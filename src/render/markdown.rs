//! A plan as a pull-request comment in GitHub-flavoured Markdown: a title naming the directory
//! and workspace, a summary table, who gains or loses access to which API server, findings and
//! warnings, then one collapsible `diff` section per resource.
//!
//! The diffs are the human renderer's ([`super::human`]) with each line's marker moved to
//! column 0, so GitHub colours them and the two cannot disagree. Replacements and destroys come
//! first, are marked and open; everything else is closed. Values are marked sensitive by their
//! own marks and by the provider schema before rendering, so secrets show only as
//! `(sensitive value)`. User data is escaped for the context it lands in (`markdown_escape`),
//! and a comment over GitHub's size limit is shortened by `markdown_fit`.
//!
//! Pure: no I/O, no clock.

#[path = "markdown_escape.rs"]
mod escape;
#[path = "markdown_fit.rs"]
mod fit;

use std::fmt::Write;

use self::escape::{code_html, code_md, fenced, html, text_md};
use self::fit::{Draft, DraftDir, Entry, EntryKind};
use super::human::{self, Schemas};
use crate::addr::Mode;
use crate::plan::model::{Action, Plan, PlanMode, ResourceChange};
use crate::providers::Registry;

/// The first line of every comment, hidden when rendered, so CI can find and update the
/// comment it posted before instead of adding another.
pub const MARKER: &str = "<!-- clusterform-plan -->";

/// GitHub's limit on the body of an issue or pull-request comment.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// One directory's plan, as a comment shows it.
pub struct DirPlan<'p> {
    /// The configuration directory as people know it (`envs/dev`, or `.`).
    pub dir: String,
    /// The plan; `None` when planning failed (its errors are in the run's log).
    pub plan: Option<&'p Plan>,
    /// Where the plan was saved, for "run `clusterform show FILE`".
    pub plan_file: Option<String>,
}

/// What every comment needs besides the plans.
pub struct CommentSettings<'a> {
    /// The workspace the plans were made in.
    pub workspace: &'a str,
    /// The longest comment allowed, in bytes: [`GITHUB_COMMENT_LIMIT`] for GitHub.
    pub limit: usize,
}

/// The comment for one directory's plan.
pub fn comment(dir: &DirPlan<'_>, registry: &Registry, settings: &CommentSettings<'_>) -> String {
    let mut head = format!("{MARKER}\n");
    let _ = writeln!(
        head,
        "## clusterform plan{} for {} (workspace {})\n",
        dir.plan.map(mode_suffix).unwrap_or_default(),
        code_md(&dir.dir),
        code_md(settings.workspace)
    );
    if let Some(plan) = dir.plan {
        head.push_str(&plan_line(plan));
        head.push_str(&summary_table(plan));
    }
    let draft = Draft {
        head,
        dirs: vec![dir_draft(dir, registry, 3, false)],
    };
    fit::fit(&draft, settings.limit)
}

/// One comment for several directories: one summary table over all of them, then one section
/// per directory. A directory whose planning failed is reported as such.
pub fn combined_comment(
    dirs: &[DirPlan<'_>],
    registry: &Registry,
    settings: &CommentSettings<'_>,
) -> String {
    let mut head = format!("{MARKER}\n");
    let _ = writeln!(
        head,
        "## clusterform plan for {} director{} (workspace {})\n",
        dirs.len(),
        if dirs.len() == 1 { "y" } else { "ies" },
        code_md(settings.workspace)
    );
    head.push_str(&directory_table(dirs));
    let draft = Draft {
        head,
        dirs: dirs
            .iter()
            .map(|d| dir_draft(d, registry, 4, true))
            .collect(),
    };
    fit::fit(&draft, settings.limit)
}

fn mode_suffix(plan: &Plan) -> &'static str {
    match plan.mode {
        PlanMode::Normal => "",
        PlanMode::Destroy => " (destroy)",
        PlanMode::RefreshOnly => " (refresh only)",
    }
}

/// How many of each kind of change a plan makes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Tally {
    create: usize,
    update: usize,
    replace: usize,
    destroy: usize,
    read: usize,
    outputs: usize,
    drift: usize,
}

impl Tally {
    fn of(plan: &Plan) -> Tally {
        let mut t = Tally {
            drift: plan.relevant_drift().len(),
            outputs: plan
                .outputs
                .iter()
                .filter(|o| o.action != Action::NoOp)
                .count(),
            ..Tally::default()
        };
        for c in plan.effective_changes() {
            match c.action {
                Action::Create => t.create += 1,
                Action::Update => t.update += 1,
                Action::DeleteThenCreate | Action::CreateThenDelete => t.replace += 1,
                Action::Delete => t.destroy += 1,
                Action::Read => t.read += 1,
                Action::NoOp => {}
            }
        }
        t
    }

    fn add(&mut self, o: Tally) {
        self.create += o.create;
        self.update += o.update;
        self.replace += o.replace;
        self.destroy += o.destroy;
        self.read += o.read;
        self.outputs += o.outputs;
        self.drift += o.drift;
    }
}

/// `**Plan: 1 to add, 0 to change, 1 to destroy.**`, or why there is nothing to do.
fn plan_line(plan: &Plan) -> String {
    if plan.mode == PlanMode::RefreshOnly {
        return if plan.drift.is_empty() {
            "**No changes.** The real objects match the state.\n\n".to_string()
        } else {
            "**Refresh only:** applying updates the state to match the changes made outside clusterform, and changes no infrastructure.\n\n".to_string()
        };
    }
    if !plan.has_changes() {
        return "**No changes.** The infrastructure matches the configuration.\n\n".to_string();
    }
    let (add, change, destroy) = plan.counts();
    let t = Tally::of(plan);
    let risk = if t.replace + t.destroy > 0 {
        " ⚠️ This plan replaces or destroys resources."
    } else {
        ""
    };
    format!("**Plan: {add} to add, {change} to change, {destroy} to destroy.**{risk}\n\n")
}

/// One row per kind of change; replacements and destroys first, marked and bold when present.
fn summary_table(plan: &Plan) -> String {
    let t = Tally::of(plan);
    if plan.mode == PlanMode::RefreshOnly {
        if t.drift == 0 {
            return String::new();
        }
        return format!(
            "| Change | Count |\n| --- | ---: |\n| Changed outside clusterform | {} |\n\n",
            t.drift
        );
    }
    if !plan.has_changes() {
        return String::new();
    }
    let mut out = String::from("| Action | Resources |\n| --- | ---: |\n");
    for (label, marker, n) in [("Destroy", "🔴", t.destroy), ("Replace", "⚠️", t.replace)] {
        if n > 0 {
            let _ = writeln!(out, "| {marker} **{label}** | **{n}** |");
        } else {
            let _ = writeln!(out, "| {label} | 0 |");
        }
    }
    let _ = writeln!(out, "| Create | {} |", t.create);
    let _ = writeln!(out, "| Update in place | {} |", t.update);
    if t.read > 0 {
        let _ = writeln!(out, "| Read during apply | {} |", t.read);
    }
    if t.outputs > 0 {
        let _ = writeln!(out, "| Outputs changed | {} |", t.outputs);
    }
    if t.drift > 0 {
        let _ = writeln!(out, "| Changed outside clusterform | {} |", t.drift);
    }
    out.push('\n');
    out
}

/// The overall table of a combined comment: one row per directory and a total.
fn directory_table(dirs: &[DirPlan<'_>]) -> String {
    let mut out = String::from(
        "| Directory | Destroy | Replace | Create | Update | Result |\n| --- | ---: | ---: | ---: | ---: | --- |\n",
    );
    let mut total = Tally::default();
    let (mut changed, mut failed) = (0, 0);
    let risky = |marker: &str, n: usize| {
        if n > 0 {
            format!("{marker} **{n}**")
        } else {
            "0".to_string()
        }
    };
    for d in dirs {
        let Some(plan) = d.plan else {
            failed += 1;
            let _ = writeln!(out, "| {} | | | | | ❌ planning failed |", code_md(&d.dir));
            continue;
        };
        let t = Tally::of(plan);
        total.add(t);
        let result = if plan.has_changes() {
            changed += 1;
            "changes"
        } else {
            "no changes"
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {result} |",
            code_md(&d.dir),
            risky("🔴", t.destroy),
            risky("⚠️", t.replace),
            t.create,
            t.update
        );
    }
    let mut result = format!("{changed} with changes");
    if failed > 0 {
        let _ = write!(result, ", ❌ {failed} failed");
    }
    let _ = writeln!(
        out,
        "| **All** | {} | {} | {} | {} | {result} |\n",
        risky("🔴", total.destroy),
        risky("⚠️", total.replace),
        total.create,
        total.update
    );
    out
}

/// One directory's part: heading (when combined), access notes, findings, then its sections.
fn dir_draft(d: &DirPlan<'_>, registry: &Registry, level: usize, combined: bool) -> DraftDir {
    let h = "#".repeat(level);
    let mut head = String::new();
    if combined {
        let _ = writeln!(head, "{} {}\n", "#".repeat(level - 1), code_md(&d.dir));
    }
    let see_all = match &d.plan_file {
        Some(f) => code_md(&format!("clusterform show {}", shell_word(f))),
        None if d.dir == "." => code_md("clusterform plan"),
        None => code_md(&format!("clusterform --chdir {} plan", shell_word(&d.dir))),
    };
    let Some(plan) = d.plan else {
        head.push_str("❌ **Planning failed**: nothing was planned for this directory. The errors are in the log of the run that made this comment.\n\n");
        return DraftDir {
            label: d.dir.clone(),
            head,
            entries: Vec::new(),
            see_all,
        };
    };
    if combined {
        head.push_str(&plan_line(plan));
    }
    head.push_str(&access_notes(plan, &h));
    head.push_str(&findings(plan, &h));
    let entries = entries(plan, registry);
    if !entries.is_empty() {
        let _ = writeln!(head, "{h} Changes\n");
    }
    DraftDir {
        label: d.dir.clone(),
        head,
        entries,
        see_all,
    }
}

/// The providers' plain-language notes: who gains or loses access to which API server.
fn access_notes(plan: &Plan, h: &str) -> String {
    let mut out = String::new();
    for c in plan.effective_changes() {
        for n in &c.notes {
            let _ = writeln!(out, "- {}: {}", code_md(&c.addr.to_string()), text_md(n));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("{h} Who can reach what, after this plan\n\n{out}\n")
}

/// Warnings saved with the plan; security findings (summaries starting `Finding:`) first.
fn findings(plan: &Plan, h: &str) -> String {
    let (found, warned): (Vec<_>, Vec<_>) = plan
        .messages
        .iter()
        .partition(|m| m.summary.starts_with("Finding:"));
    if found.is_empty() && warned.is_empty() {
        return String::new();
    }
    let mut out = format!("{h} Findings and warnings\n\n");
    for (m, marker) in found
        .iter()
        .map(|m| (m, "🛡️"))
        .chain(warned.iter().map(|m| (m, "⚠️")))
    {
        let _ = write!(out, "- {marker} **{}**", text_md(&m.summary));
        if let Some(at) = &m.location {
            let _ = write!(out, " at {}", code_md(at));
        }
        if let Some(detail) = &m.detail {
            let _ = write!(out, "<br>{}", text_md(detail));
        }
        if let Some(hint) = &m.hint {
            let _ = write!(out, "<br>hint: {}", text_md(hint));
        }
        out.push('\n');
    }
    out.push('\n');
    out
}

/// The `<details>` sections: destroys, then replacements, then the other changes in address
/// order, then drift, then outputs.
fn entries(plan: &Plan, registry: &Registry) -> Vec<Entry> {
    let schemas = Schemas(registry);
    let rank = |a: Action| match a {
        Action::Delete => 0,
        Action::DeleteThenCreate | Action::CreateThenDelete => 1,
        _ => 2,
    };
    let mut changes: Vec<&ResourceChange> = plan.effective_changes().collect();
    // Stable: within a rank, the plan's address order stays.
    changes.sort_by_key(|c| rank(c.action));
    let mut out: Vec<Entry> = changes
        .into_iter()
        .map(|c| resource_entry(c, &schemas, registry, false))
        .collect();
    out.extend(
        plan.relevant_drift()
            .into_iter()
            .map(|c| resource_entry(c, &schemas, registry, true)),
    );
    let outputs = human::output_changes_diff(&plan.outputs);
    if !outputs.is_empty() {
        let summary = "📤 Changes to outputs".to_string();
        out.push(Entry {
            kind: EntryKind::Outputs,
            risky: false,
            block: details(false, &summary, &outputs),
            summary,
        });
    }
    out
}

fn resource_entry(
    c: &ResourceChange,
    schemas: &Schemas<'_>,
    registry: &Registry,
    drift: bool,
) -> Entry {
    let c = &marked_by_schema(c, registry);
    let text = human::resource_change_diff(c, schemas, drift);
    // The human block starts with `  # ADDR will be …` lines; they become the summary.
    let mut header = Vec::new();
    let mut body = String::new();
    for line in text.lines() {
        match line.strip_prefix("  # ") {
            Some(h) if body.is_empty() => header.push(h),
            _ => {
                body.push_str(line);
                body.push('\n');
            }
        }
    }
    let header = header.join(" ");
    let addr = c.addr.to_string();
    let words = match header.strip_prefix(addr.as_str()) {
        Some(rest) => format!("{}{}", code_html(&addr), html(rest)),
        None => html(&header),
    };
    let risky = !drift && c.action.destroys();
    let marker = match (drift, c.action) {
        (true, _) => "🔎",
        (false, Action::Delete) => "🔴",
        (false, Action::DeleteThenCreate | Action::CreateThenDelete) => "⚠️",
        (false, Action::Create) => "➕",
        (false, Action::Update) => "🔄",
        (false, Action::Read | Action::NoOp) => "📖",
    };
    let summary = if risky {
        format!("{marker} <b>{words}</b>")
    } else {
        format!("{marker} {words}")
    };
    Entry {
        kind: if drift {
            EntryKind::Drift
        } else {
            EntryKind::Change
        },
        risky,
        block: details(risky, &summary, &body),
        summary,
    }
}

/// A collapsible section holding a `diff` fence; open when `open`.
fn details(open: bool, summary: &str, diff: &str) -> String {
    format!(
        "<details{}><summary>{summary}</summary>\n\n{}\n</details>\n\n",
        if open { " open" } else { "" },
        fenced("diff", diff)
    )
}

/// The change with the schema's sensitive attributes marked, so a secret the values forgot to
/// mark is still shown as `(sensitive value)`.
fn marked_by_schema(c: &ResourceChange, registry: &Registry) -> ResourceChange {
    let r = &c.addr.resource;
    let schema = registry
        .schema(crate::config::model::provider_for_type(&r.type_name))
        .and_then(|p| match r.mode {
            Mode::Managed => p.resources.get(&r.type_name),
            Mode::Data => p.data_sources.get(&r.type_name),
        });
    let mut c = c.clone();
    if let Some(schema) = schema {
        c.before = c.before.map(|v| schema.mark_sensitive(v));
        c.after = c.after.map(|v| schema.mark_sensitive(v));
    }
    c
}

/// A path as one shell word, quoted only when it needs to be.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:,=@".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
