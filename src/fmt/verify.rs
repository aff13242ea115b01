//! The formatter's safety net: the formatted text must parse to the same configuration as the
//! input, or it is not returned.
//!
//! Both texts are parsed with hcl-rs, whose `Body` holds meaning without layout or comments, and
//! compared. The one difference formatting may introduce on purpose is a bare block label becoming
//! a quoted one, so labels are compared by their text.

use hcl::{Block, BlockLabel, Body, Structure};

use super::FormatError;

/// Checks that `formatted` means what `original` means.
pub(super) fn same_meaning(original: &str, formatted: &str) -> Result<(), FormatError> {
    let before = parse_normalized(original).map_err(|detail| FormatError::WouldChangeMeaning {
        what: "the file".to_owned(),
        detail: format!("the input did not parse: {detail}"),
    })?;
    let after = parse_normalized(formatted).map_err(|detail| FormatError::WouldChangeMeaning {
        what: "the file".to_owned(),
        detail: format!("the formatted text does not parse: {detail}"),
    })?;
    if before == after {
        return Ok(());
    }
    let what = first_difference(&before, &after);
    Err(FormatError::WouldChangeMeaning {
        what,
        detail: "the formatted text parses to a different configuration".to_owned(),
    })
}

fn parse_normalized(src: &str) -> Result<Body, String> {
    let mut body = hcl::parse(src).map_err(|err| err.to_string())?;
    unquote_labels(&mut body);
    Ok(body)
}

/// Makes `foo` and `"foo"` labels compare equal.
fn unquote_labels(body: &mut Body) {
    for structure in body.iter_mut() {
        if let Structure::Block(block) = structure {
            for label in &mut block.labels {
                if let BlockLabel::Identifier(ident) = label {
                    *label = BlockLabel::String(ident.to_string());
                }
            }
            unquote_labels(&mut block.body);
        }
    }
}

/// Names the first top-level attribute or block that differs, for the error message.
fn first_difference(before: &Body, after: &Body) -> String {
    let differing = before
        .iter()
        .zip(after.iter())
        .find(|(b, a)| b != a)
        .map(|(b, _)| b);
    match differing {
        Some(Structure::Attribute(attr)) => format!("attribute `{}`", attr.key),
        Some(Structure::Block(block)) => describe_block(block),
        None => "the file".to_owned(),
    }
}

fn describe_block(block: &Block) -> String {
    let mut text = block.identifier.to_string();
    for label in &block.labels {
        text.push_str(&format!(" \"{}\"", label.as_str()));
    }
    text
}
