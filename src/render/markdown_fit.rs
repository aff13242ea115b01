//! Fits a comment under a size limit (GitHub's 65,536 characters) by leaving out the least
//! important text first, and says exactly what was left out.
//!
//! What is never left out while anything else can be: the title, the summary tables, the access
//! notes and the findings of each directory. Diff sections give way in this order:
//!
//! 1. the diff bodies of sections without risk (creates, updates, reads, drift, outputs),
//!    largest first; the section stays listed by name;
//! 2. the names of those sections, from the last;
//! 3. the same two steps for replacements and destroys.
//!
//! Only if the fixed text alone is too long is the text cut, at a line end.

use super::escape::code_md;

/// A comment before it is fitted.
pub struct Draft {
    /// The marker, title and overall summary.
    pub head: String,
    pub dirs: Vec<DraftDir>,
}

/// One directory's part of a comment.
pub struct DraftDir {
    /// The directory, for the note (`envs/dev`).
    pub label: String,
    /// Heading, plan line, access notes, findings, and the "Changes" heading when there are
    /// entries.
    pub head: String,
    pub entries: Vec<Entry>,
    /// A command that shows the whole plan, such as `clusterform show plans/dev.tfplan`.
    pub see_all: String,
}

/// One collapsible diff section.
pub struct Entry {
    pub kind: EntryKind,
    /// A replacement or a destroy: kept longest.
    pub risky: bool,
    /// The `<summary>` line's HTML, also used when only the name is kept.
    pub summary: String,
    /// The whole `<details>` block, ending with a blank line.
    pub block: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    Change,
    Drift,
    Outputs,
}

/// How much of an entry is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Full,
    NameOnly,
    Hidden,
}

/// The comment, at most `limit` bytes long (bytes, so it also fits a limit counted in
/// characters or UTF-16 units).
pub fn fit(draft: &Draft, limit: usize) -> String {
    let mut shown: Vec<Vec<Shown>> = draft
        .dirs
        .iter()
        .map(|d| vec![Shown::Full; d.entries.len()])
        .collect();
    loop {
        let text = render(draft, &shown, limit);
        if text.len() <= limit {
            return text;
        }
        if !shrink(draft, &mut shown, text.len() - limit) {
            return cut(&text, draft, limit);
        }
    }
}

/// Takes the next steps of the order in the module header until they save at least `over`
/// bytes (estimated; the caller checks). False when nothing is left to take.
fn shrink(draft: &Draft, shown: &mut [Vec<Shown>], over: usize) -> bool {
    let mut saved = 0;
    let mut took = false;
    for risky in [false, true] {
        // Step 1 or 3: bodies, largest first.
        let mut bodies: Vec<(usize, usize, usize)> = Vec::new();
        for (d, dir) in draft.dirs.iter().enumerate() {
            for (e, entry) in dir.entries.iter().enumerate() {
                if entry.risky == risky && shown[d][e] == Shown::Full {
                    let saving = entry.block.len().saturating_sub(listed(entry).len());
                    bodies.push((saving, d, e));
                }
            }
        }
        // Largest first; among equals, the last first, so the top of the list keeps its diffs.
        bodies.sort_by(|a, b| b.0.cmp(&a.0).then((b.1, b.2).cmp(&(a.1, a.2))));
        for (saving, d, e) in bodies {
            shown[d][e] = Shown::NameOnly;
            saved += saving;
            took = true;
            if saved >= over {
                return true;
            }
        }
        // Step 2 or 4: names, from the last.
        for d in (0..draft.dirs.len()).rev() {
            for e in (0..draft.dirs[d].entries.len()).rev() {
                let entry = &draft.dirs[d].entries[e];
                if entry.risky == risky && shown[d][e] == Shown::NameOnly {
                    shown[d][e] = Shown::Hidden;
                    saved += listed(entry).len();
                    took = true;
                    if saved >= over {
                        return true;
                    }
                }
            }
        }
    }
    took
}

fn listed(entry: &Entry) -> String {
    format!("- {}\n", entry.summary)
}

fn render(draft: &Draft, shown: &[Vec<Shown>], limit: usize) -> String {
    let mut out = draft.head.clone();
    let shortened = shown.iter().flatten().any(|s| *s != Shown::Full);
    if shortened {
        out.push_str("> [!NOTE]\n> This comment was shortened to fit GitHub's size limit: the note at the end says what was left out.\n\n");
    }
    let mut note_lines = Vec::new();
    for (dir, shown) in draft.dirs.iter().zip(shown) {
        out.push_str(&dir.head);
        let mut names = String::new();
        for (entry, s) in dir.entries.iter().zip(shown) {
            match s {
                Shown::Full => out.push_str(&entry.block),
                Shown::NameOnly => names.push_str(&listed(entry)),
                Shown::Hidden => {}
            }
        }
        if !names.is_empty() {
            out.push_str("Diffs left out to fit the comment (see the note at the end):\n\n");
            out.push_str(&names);
            out.push('\n');
        }
        let hidden = shown.iter().filter(|s| **s == Shown::Hidden).count();
        if hidden > 0 {
            out.push_str(&format!(
                "… and {hidden} more section{}, names left out too.\n\n",
                plural(hidden)
            ));
        }
        if let Some(line) = note_line(dir, shown, draft.dirs.len() > 1) {
            note_lines.push(line);
        }
    }
    if shortened {
        out.push_str(&format!(
            "---\n\n> [!NOTE]\n> **This comment was shortened** to stay within GitHub's limit of {} characters. Left out:\n",
            thousands(limit)
        ));
        for line in note_lines {
            out.push_str(&format!("> - {line}\n"));
        }
    }
    out
}

/// What was left out of one directory, and how to see it; `None` when nothing was.
fn note_line(dir: &DraftDir, shown: &[Shown], several: bool) -> Option<String> {
    let count = |kind: EntryKind, risky: bool, which: Shown| {
        dir.entries
            .iter()
            .zip(shown)
            .filter(|(e, s)| e.kind == kind && e.risky == risky && **s == which)
            .count()
    };
    let mut parts = Vec::new();
    for (which, what) in [
        (Shown::NameOnly, "the diffs of"),
        (Shown::Hidden, "the names and diffs of"),
    ] {
        let mut items = Vec::new();
        let risky = count(EntryKind::Change, true, which);
        if risky > 0 {
            items.push(format!(
                "{risky} replacement{} or destroy{}",
                plural(risky),
                plural(risky)
            ));
        }
        let changes = count(EntryKind::Change, false, which);
        if changes > 0 {
            let other = if dir.entries.iter().any(|e| e.risky) {
                "other "
            } else {
                ""
            };
            items.push(format!(
                "{changes} {other}resource change{}",
                plural(changes)
            ));
        }
        let drift = count(EntryKind::Drift, false, which);
        if drift > 0 {
            items.push(format!(
                "{drift} change{} made outside clusterform",
                plural(drift)
            ));
        }
        if count(EntryKind::Outputs, false, which) > 0 {
            items.push("the output changes".to_string());
        }
        if !items.is_empty() {
            parts.push(format!("{what} {}", join_and(&items)));
        }
    }
    if parts.is_empty() {
        return None;
    }
    let kept = if dir
        .entries
        .iter()
        .zip(shown)
        .any(|(e, s)| e.risky && *s != Shown::Full)
    {
        ""
    } else if dir.entries.iter().any(|e| e.risky) {
        " Every replacement and destroy is shown in full."
    } else {
        ""
    };
    let place = if several {
        format!("in {}: ", code_md(&dir.label))
    } else {
        String::new()
    };
    Some(format!(
        "{place}{}.{kept} To see the whole plan, run {}.",
        join_and(&parts),
        dir.see_all
    ))
}

/// The last resort: the text up to the last line end that leaves room for a note.
fn cut(text: &str, draft: &Draft, limit: usize) -> String {
    let see: Vec<&str> = draft.dirs.iter().map(|d| d.see_all.as_str()).collect();
    let note = format!(
        "\n---\n\n> [!NOTE]\n> **This comment was cut short** at GitHub's limit of {} characters: even without any diffs it was too long. To see the whole plan, run {}.\n",
        thousands(limit),
        join_and(&see.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    );
    let room = limit.saturating_sub(note.len());
    let mut end = room.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let end = text[..end].rfind('\n').map_or(0, |i| i + 1);
    let mut out = text[..end].to_string();
    out.push_str(&note);
    if out.len() > limit {
        // Only a note longer than the limit gets here (thousands of directories).
        let mut end = limit;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// 65536 → `65,536`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, risky: bool, body: usize) -> Entry {
        let summary = format!("<code>{name}</code>");
        Entry {
            kind: EntryKind::Change,
            risky,
            block: format!(
                "<details><summary>{summary}</summary>\n\n```diff\n{}\n```\n\n</details>\n\n",
                "x".repeat(body)
            ),
            summary,
        }
    }

    fn draft(entries: Vec<Entry>) -> Draft {
        Draft {
            head: "# title\n\n".into(),
            dirs: vec![DraftDir {
                label: "envs/dev".into(),
                head: "summary\n\n".into(),
                entries,
                see_all: "`clusterform show tfplan`".into(),
            }],
        }
    }

    #[test]
    fn nothing_changes_under_the_limit() {
        let d = draft(vec![entry("a", false, 10)]);
        let text = fit(&d, 10_000);
        assert!(!text.contains("shortened"));
        assert!(text.contains("xxxxxxxxxx"));
    }

    #[test]
    fn largest_safe_bodies_go_first_and_risky_ones_stay() {
        let d = draft(vec![
            entry("destroyed", true, 3000),
            entry("small", false, 100),
            entry("large", false, 3000),
        ]);
        let text = fit(&d, 6000);
        assert!(text.len() <= 6000, "{}", text.len());
        assert!(
            text.contains(&"x".repeat(3000)),
            "the destroy keeps its diff"
        );
        assert!(text.contains(&"x".repeat(100)), "the small body stays");
        assert!(text.contains("- <code>large</code>"), "{text}");
        assert!(text.contains(
            "the diffs of 1 other resource change. Every replacement and destroy is shown in full. To see the whole plan, run `clusterform show tfplan`."
        ), "{text}");
    }

    #[test]
    fn names_go_after_bodies_then_risky_sections() {
        let entries = (0..50)
            .map(|i| entry(&format!("n{i:02}"), false, 50))
            .chain([entry("r", true, 2000)])
            .collect();
        let d = draft(entries);
        let text = fit(&d, 1500);
        assert!(text.len() <= 1500, "{}", text.len());
        assert!(text.contains("more section"), "{text}");
        assert!(text.contains("1 replacement or destroy"), "{text}");
    }

    #[test]
    fn fixed_text_too_long_is_cut_at_a_line_end() {
        let mut d = draft(vec![entry("a", false, 10)]);
        d.head = "line\n".repeat(1000);
        let text = fit(&d, 2000);
        assert!(text.len() <= 2000);
        assert!(text.contains("cut short"), "{text}");
        assert!(text.starts_with("line\nline\n"));
    }

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }
}
