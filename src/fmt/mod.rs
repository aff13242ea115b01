//! `fmt`: rewrites `.tf` source into the canonical layout `terraform fmt` produces.
//!
//! The pipeline is parse-guarded and token based, the way `terraform fmt` itself works:
//!
//! ```text
//! source ──parse check──▶ refuse invalid HCL (line, column)
//!        ──lexer────────▶ tokens; quoted strings and heredocs stay opaque
//!        ──blocks───────▶ bare labels quoted, empty `{ }` collapsed
//!        ──layout───────▶ blank lines, indentation, spacing, `=` and comment alignment
//!        ──verify───────▶ re-parse: same configuration as the input, or an error
//! ```
//!
//! Only whitespace, line breaks and label quoting change; expressions, templates and comments
//! keep their text. This module does no I/O: the CLI reads and writes files and prints
//! [`unified_diff`] for `fmt --diff`.

mod blocks;
mod diff;
mod layout;
mod lexer;
mod spacing;
mod verify;

#[cfg(test)]
mod tests;

pub use diff::unified_diff;

/// Why a file could not be formatted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The input is not valid HCL, so nothing was formatted.
    #[error("line {line}, column {column}: {message}")]
    Parse {
        /// What the parser expected, e.g. "expected `{`".
        message: String,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column (in characters) of the error.
        column: usize,
        /// 0-based byte offset of the error, for building a diagnostic span.
        offset: usize,
    },
    /// The formatted text would parse to a different configuration than the input. This is a
    /// formatter bug; the input is left as it was.
    #[error(
        "formatting would change the meaning of {what} ({detail}); please report this as a clusterform bug"
    )]
    WouldChangeMeaning {
        /// The first top-level block or attribute that differs, e.g. `resource "aws_vpc" "main"`.
        what: String,
        /// How the difference showed up.
        detail: String,
    },
}

impl FormatError {
    /// A parse error of text that started `skipped` bytes into the file (after a byte order mark).
    fn parse(err: &hcl_edit::parser::Error, skipped: usize) -> FormatError {
        FormatError::Parse {
            message: err.message().to_owned(),
            line: err.location().line(),
            column: err.location().column(),
            offset: err.location().offset() + skipped,
        }
    }
}

/// Formats one file's source the way `terraform fmt` does: two-space indentation, one space
/// around `=` with runs of attributes aligned, quoted block labels, `\n` line endings, single
/// blank lines, and exactly one newline at the end.
///
/// Invalid HCL is refused with [`FormatError::Parse`]. The result is checked to mean exactly
/// what the input means; if it would not, [`FormatError::WouldChangeMeaning`] is returned
/// instead of the text.
pub fn format_source(src: &str) -> Result<String, FormatError> {
    // A UTF-8 byte order mark is dropped, as `terraform fmt` does; hcl-edit would reject it.
    let without_bom = src.strip_prefix('\u{feff}').unwrap_or(src);
    if let Err(err) = hcl_edit::parser::parse_body(without_bom) {
        return Err(FormatError::parse(&err, src.len() - without_bom.len()));
    }
    let src = without_bom.replace("\r\n", "\n");
    let mut tokens = lexer::lex(&src);
    blocks::normalize(&mut tokens);
    let formatted = layout::render(tokens);
    verify::same_meaning(&src, &formatted)?;
    Ok(formatted)
}
