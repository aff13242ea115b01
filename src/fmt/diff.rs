//! The unified diff `fmt --diff` prints: what formatting would change in one file.

use similar::TextDiff;

/// A unified diff from `before` to `after` with `--- old/<path>` and `+++ new/<path>` headers,
/// as `terraform fmt -diff` labels it; empty when the texts are equal.
pub fn unified_diff(path: &str, before: &str, after: &str) -> String {
    TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("old/{path}"), &format!("new/{path}"))
        .to_string()
}
