//! Keeps user data (addresses, directory names, values, messages) from changing the structure of
//! a Markdown comment: no stray HTML, no broken tables, no code fence closed early.
//!
//! Each helper is for one context; using the wrong one is the bug to look for.

/// Text for an HTML context (`<summary>`, `<code>`): `& < > " '` as entities.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // A table splits cells on `|` before it reads any HTML.
            '|' => out.push_str("&#124;"),
            c if c.is_control() => out.push_str(&visible_control(c)),
            c => out.push(c),
        }
    }
    out
}

/// Code inside HTML (`<summary>`), where Markdown backticks are not read.
pub fn code_html(text: &str) -> String {
    format!("<code>{}</code>", html(text))
}

/// Code in Markdown text, table cells included: a backtick span when that is safe, otherwise
/// `<code>` with the text escaped.
pub fn code_md(text: &str) -> String {
    let plain = !text.is_empty()
        && !text.contains(['`', '|'])
        && !text.chars().any(char::is_control)
        && !text.starts_with(' ')
        && !text.ends_with(' ');
    if plain {
        format!("`{text}`")
    } else {
        code_html(text)
    }
}

/// Plain Markdown text on one line: punctuation that Markdown or HTML would read is
/// backslash-escaped, and line breaks become `<br>` so a list item or table cell stays whole.
pub fn text_md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.trim_end().chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&visible_control(c)),
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block: the fence is longer than any run of backticks in `body`, so nothing in
/// it can close the block early. Control characters other than tab and newline (a lone `\r`
/// would start a new line in GitHub's renderer) are written as escapes.
pub fn fenced(info: &str, body: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    let mut clean = String::with_capacity(body.len());
    for c in body.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            clean.push_str(&visible_control(c));
        } else {
            clean.push(c);
        }
    }
    if !clean.ends_with('\n') {
        clean.push('\n');
    }
    format!("{fence}{info}\n{clean}{fence}\n")
}

/// A control character as the escape a reader recognises (`\r`, `\u{1b}`).
fn visible_control(c: char) -> String {
    c.escape_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_markup_and_table_pipes() {
        assert_eq!(
            html(r#"a<b>&"c"|'d'"#),
            "a&lt;b&gt;&amp;&quot;c&quot;&#124;&#39;d&#39;"
        );
    }

    #[test]
    fn code_md_falls_back_to_html_for_backticks_and_pipes() {
        assert_eq!(code_md("envs/dev"), "`envs/dev`");
        assert_eq!(code_md("a`b"), "<code>a`b</code>");
        assert_eq!(code_md("a|b"), "<code>a&#124;b</code>");
        assert_eq!(code_md(""), "<code></code>");
    }

    #[test]
    fn text_md_keeps_one_line_and_escapes_markup() {
        assert_eq!(
            text_md("*bold* <b> a|b\nnext"),
            r"\*bold\* \<b\> a\|b<br>next"
        );
    }

    #[test]
    fn fences_outgrow_backtick_runs() {
        assert_eq!(fenced("diff", "+ a\n"), "```diff\n+ a\n```\n");
        assert_eq!(
            fenced("diff", "+ x = \"````\"\n"),
            "`````diff\n+ x = \"````\"\n`````\n"
        );
    }

    #[test]
    fn fences_make_carriage_returns_visible() {
        assert_eq!(fenced("diff", "  a\r+ b\n"), "```diff\n  a\\r+ b\n```\n");
    }
}
