//! Line layout: blank lines, indentation, spaces between tokens, and the vertical alignment of
//! `=` and trailing comments. The indentation and alignment passes are ported from `hclwrite`'s
//! `format` (github.com/hashicorp/hcl, `hclwrite/format.go`), the code behind `terraform fmt`;
//! the blank-line rules are this project's own and only ever remove blank lines.
//!
//! Only whitespace between tokens changes here; token text is never touched.

use super::lexer::{Kind, Token};
use super::spacing::space_after;

/// One source line split into `hclwrite`'s three cells: `tokens[..assign]` is the lead,
/// `tokens[assign..comment]` the assignment (from `=` on), `tokens[comment..]` a trailing comment.
struct Line {
    tokens: Vec<Token>,
    assign: Option<usize>,
    comment: Option<usize>,
}

impl Line {
    fn new(tokens: Vec<Token>) -> Line {
        let comment = (tokens.len() > 1
            && tokens.last().is_some_and(|t| t.kind == Kind::LineComment))
        .then(|| tokens.len() - 1);
        let lead_end = comment.unwrap_or(tokens.len());
        // The `=` of an attribute starts the assign cell, unless the value opens a bracket it
        // does not close on this line (a multi-line object, list or call).
        let assign = (1..lead_end)
            .find(|&i| tokens[i].kind == Kind::Equal)
            .filter(|&i| net_brackets(&tokens[i..lead_end]) == 0);
        Line {
            tokens,
            assign,
            comment,
        }
    }

    fn is_blank(&self) -> bool {
        self.tokens.is_empty()
    }

    fn lead(&self) -> &[Token] {
        &self.tokens[..self.assign.or(self.comment).unwrap_or(self.tokens.len())]
    }

    fn assign_cell(&self) -> &[Token] {
        match self.assign {
            Some(start) => &self.tokens[start..self.comment.unwrap_or(self.tokens.len())],
            None => &[],
        }
    }

    /// Whether the last token before any trailing comment is `{`, `[` or `(`.
    fn ends_with_opener(&self) -> bool {
        let code_end = self.comment.unwrap_or(self.tokens.len());
        code_end > 0 && self.tokens[code_end - 1].kind.bracket_change() > 0
    }

    /// Whether the line starts with `}`, `]` or `)`.
    fn starts_with_closer(&self) -> bool {
        self.tokens
            .first()
            .is_some_and(|t| t.kind.bracket_change() < 0)
    }
}

/// Lays out the tokens and renders them, one `\n` after every line.
pub(super) fn render(tokens: Vec<Token>) -> String {
    let mut lines = drop_extra_blank_lines(split_lines(tokens));
    indent(&mut lines);
    space_cells(&mut lines);
    align(&mut lines, |line| line.assign, |line| columns(line.lead()));
    align(
        &mut lines,
        |line| line.comment,
        |line| columns(line.lead()) + columns(line.assign_cell()),
    );
    let mut out = String::new();
    for line in &lines {
        for token in &line.tokens {
            out.extend(std::iter::repeat_n(' ', token.spaces_before));
            out.push_str(&token.text);
        }
        out.push('\n');
    }
    out
}

fn split_lines(tokens: Vec<Token>) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut current = Vec::new();
    for token in tokens {
        if token.kind == Kind::Newline {
            lines.push(Line::new(std::mem::take(&mut current)));
        } else {
            current.push(token);
        }
    }
    if !current.is_empty() {
        lines.push(Line::new(current));
    }
    lines
}

/// Keeps at most one blank line in a row, and none at the start or end of the file, just inside
/// brackets (after a line ending in `{`, `[` or `(`), or just before the closing bracket.
fn drop_extra_blank_lines(lines: Vec<Line>) -> Vec<Line> {
    let mut kept: Vec<Line> = Vec::with_capacity(lines.len());
    for line in lines {
        if line.is_blank()
            && kept
                .last()
                .is_none_or(|prev| prev.is_blank() || prev.ends_with_opener())
        {
            continue;
        }
        if line.starts_with_closer() && kept.last().is_some_and(Line::is_blank) {
            kept.pop();
        }
        kept.push(line);
    }
    if kept.last().is_some_and(Line::is_blank) {
        kept.pop();
    }
    kept
}

/// Sets each line's indentation from the brackets opened and closed on the lines above it.
///
/// `hclwrite` keeps a stack of how many brackets each indenting line opened, so that lines which
/// open or close several brackets at once (`})`) indent by one level, not several.
fn indent(lines: &mut [Line]) {
    let mut levels: Vec<i32> = Vec::new();
    for line in lines.iter_mut() {
        let net = net_brackets(&line.tokens);
        let Some(first) = line.tokens.first_mut() else {
            continue;
        };
        if net < 0 {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = levels.last_mut() else {
                    break;
                };
                if closed < *top {
                    *top -= closed;
                    closed = 0;
                } else {
                    closed -= *top;
                    levels.pop();
                }
            }
        }
        first.spaces_before = 2 * levels.len();
        if net > 0 {
            levels.push(net);
        }
    }
}

/// Sets the spaces between neighbouring tokens within the lead and the assign cell; the first
/// token of the assign cell gets one space (alignment may widen it later).
fn space_cells(lines: &mut [Line]) {
    for line in lines.iter_mut() {
        let lead_end = line.assign.or(line.comment).unwrap_or(line.tokens.len());
        space_range(&mut line.tokens[..lead_end]);
        if let Some(start) = line.assign {
            let end = line.comment.unwrap_or(line.tokens.len());
            line.tokens[start].spaces_before = 1;
            space_range(&mut line.tokens[start..end]);
        }
    }
}

fn space_range(tokens: &mut [Token]) {
    for i in 0..tokens.len().saturating_sub(1) {
        let before = i.checked_sub(1).map(|b| &tokens[b]);
        let space = space_after(&tokens[i], before, tokens.get(i + 1));
        tokens[i + 1].spaces_before = usize::from(space);
    }
}

/// Aligns the cell that `cell_start` finds across each run of consecutive lines that have it:
/// the cell starts one space after the widest `width` in the run.
fn align(
    lines: &mut [Line],
    cell_start: impl Fn(&Line) -> Option<usize>,
    width: impl Fn(&Line) -> usize,
) {
    let mut start = 0;
    while start < lines.len() {
        let run = lines[start..]
            .iter()
            .take_while(|line| cell_start(line).is_some())
            .count();
        if run == 0 {
            start += 1;
            continue;
        }
        let chain = &mut lines[start..start + run];
        let widest = chain.iter().map(&width).max().unwrap_or(0);
        for line in chain.iter_mut() {
            let pad = widest - width(line) + 1;
            if let Some(cell) = cell_start(line) {
                line.tokens[cell].spaces_before = pad;
            }
        }
        start += run;
    }
}

/// Display width of a cell as `hclwrite` counts it: spaces before each token plus its characters.
fn columns(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .map(|t| t.spaces_before + t.text.chars().count())
        .sum()
}

fn net_brackets(tokens: &[Token]) -> i32 {
    tokens.iter().map(|t| t.kind.bracket_change()).sum()
}
