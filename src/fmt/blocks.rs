//! Token rewrites that need to know where blocks are: bare block labels become quoted strings
//! (`resource aws_vpc main {` → `resource "aws_vpc" "main" {`, as `terraform fmt` does) and
//! empty braces spread over lines become `{}`.
//!
//! This walks the flat token list with just enough grammar to tell a block header from an
//! attribute; it never reorders or drops anything but line breaks inside empty braces.

use super::lexer::{Kind, Token};

/// Applies both rewrites in place.
pub(super) fn normalize(tokens: &mut Vec<Token>) {
    quote_labels(tokens);
    collapse_empty_braces(tokens);
}

/// Quotes every bare identifier label of every block header.
fn quote_labels(tokens: &mut [Token]) {
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].kind {
            Kind::Newline | Kind::LineComment | Kind::BlockComment | Kind::CBrace => i += 1,
            Kind::Ident => {
                let next = next_code(tokens, i + 1);
                if kind_at(tokens, next) == Some(Kind::Equal) {
                    i = expression_end(tokens, next + 1);
                } else {
                    i = block_header_end(tokens, next).max(i + 1);
                }
            }
            _ => i = expression_end(tokens, i + 1),
        }
    }
}

/// Quotes the labels starting at `i` and returns the index just past the header's `{` (or of
/// whatever unexpected token ended the header).
fn block_header_end(tokens: &mut [Token], mut i: usize) -> usize {
    while let Some(token) = tokens.get_mut(i) {
        match token.kind {
            Kind::Ident => {
                token.text = format!("\"{}\"", token.text);
                token.kind = Kind::Str;
            }
            Kind::Str => {}
            Kind::OBrace => return i + 1,
            _ => return i,
        }
        i = next_code(tokens, i + 1);
    }
    i
}

/// The index of the newline (or unmatched closing brace) that ends the expression starting at
/// `i`; brackets opened inside the expression may span lines.
fn expression_end(tokens: &[Token], mut i: usize) -> usize {
    let mut depth = 0usize;
    while let Some(token) = tokens.get(i) {
        match token.kind {
            Kind::Newline if depth == 0 => return i,
            Kind::OBrace | Kind::OBrack | Kind::OParen => depth += 1,
            Kind::CBrace | Kind::CBrack | Kind::CParen if depth == 0 => return i,
            Kind::CBrace | Kind::CBrack | Kind::CParen => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The first index at or after `i` that is not an inline `/* */` comment.
fn next_code(tokens: &[Token], mut i: usize) -> usize {
    while kind_at(tokens, i) == Some(Kind::BlockComment) {
        i += 1;
    }
    i
}

fn kind_at(tokens: &[Token], i: usize) -> Option<Kind> {
    tokens.get(i).map(|t| t.kind)
}

/// Drops the line breaks between a `{` and a `}` that have nothing else between them.
fn collapse_empty_braces(tokens: &mut Vec<Token>) {
    let mut keep = vec![true; tokens.len()];
    for (open, token) in tokens.iter().enumerate() {
        if token.kind != Kind::OBrace {
            continue;
        }
        let newlines = tokens[open + 1..]
            .iter()
            .take_while(|t| t.kind == Kind::Newline)
            .count();
        let close = open + 1 + newlines;
        if newlines > 0 && kind_at(tokens, close) == Some(Kind::CBrace) {
            keep[open + 1..close].iter_mut().for_each(|k| *k = false);
        }
    }
    let mut flags = keep.into_iter();
    tokens.retain(|_| flags.next().unwrap_or(true));
}
