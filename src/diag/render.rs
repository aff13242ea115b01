//! Renders diagnostics as rustc-style text.
//!
//! ```text
//! error: Unsupported argument
//!   --> main.tf:12:5
//!    |
//! 12 |     endpoint_privat_access = true
//!    |     ^^^^^^^^^^^^^^^^^^^^^^
//!    |
//!    = An argument named "endpoint_privat_access" is not expected here.
//!    = hint: did you mean "endpoint_private_access"?
//! ```

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{Diagnostic, Diagnostics, Severity, SourceMap};

/// Renders every diagnostic, separated by blank lines.
pub fn render(diags: &Diagnostics, sources: &SourceMap, color: bool) -> String {
    let mut out = String::new();
    for (i, d) in diags.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&render_one(d, sources, color));
    }
    out
}

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

pub fn render_one(d: &Diagnostic, sources: &SourceMap, color: bool) -> String {
    let (label, style) = match d.severity {
        Severity::Error => ("error", AnsiColor::Red.on_default().bold()),
        Severity::Warning => ("warning", AnsiColor::Yellow.on_default().bold()),
    };
    let gutter_style = AnsiColor::Blue.on_default().bold();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}{} {}",
        paint(label, style, color),
        paint(":", Style::new().bold(), color),
        paint(&d.summary, Style::new().bold(), color)
    );

    let mut width = 1;
    if let Some(span) = d.span {
        let (line, col) = sources.line_col(span.file, span.start as usize);
        let (end_line, end_col) = sources.line_col(span.file, span.end as usize);
        width = line.to_string().len();
        let pad = " ".repeat(width);
        let bar = paint("|", gutter_style, color);
        let _ = writeln!(
            out,
            "{pad}{} {}:{line}:{col}",
            paint("-->", gutter_style, color),
            sources.name(span.file)
        );
        let _ = writeln!(out, "{pad} {bar}");
        let text = sources.line_text(span.file, line).replace('\t', " ");
        let _ = writeln!(
            out,
            "{} {bar} {text}",
            paint(&line.to_string(), gutter_style, color)
        );
        let line_len = text.chars().count();
        let carets = if end_line == line {
            end_col.saturating_sub(col).max(1)
        } else {
            line_len.saturating_sub(col - 1).max(1)
        };
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(col - 1),
            paint(&"^".repeat(carets), style, color)
        );
    }
    let pad = " ".repeat(width);
    if let Some(detail) = &d.detail {
        for line in detail.lines() {
            let _ = writeln!(out, "{}", format!("{pad} = {line}").trim_end());
        }
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(
            out,
            "{pad} = {} {hint}",
            paint("hint:", AnsiColor::Cyan.on_default().bold(), color)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Span;

    #[test]
    fn renders_location_excerpt_and_hint() {
        let mut map = SourceMap::new();
        let id = map.add("main.tf", "resource \"x\" \"y\" {\n  foo = 1\n}\n");
        let d = Diagnostic::error("Unsupported argument")
            .at(Span::new(id, 21..24))
            .detail("An argument named \"foo\" is not expected here.")
            .hint("remove it");
        let text = render_one(&d, &map, false);
        assert_eq!(
            text,
            "error: Unsupported argument\n --> main.tf:2:3\n  |\n2 |   foo = 1\n  |   ^^^\n  = An argument named \"foo\" is not expected here.\n  = hint: remove it\n"
        );
    }
}
