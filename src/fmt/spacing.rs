//! The rule for the space between two tokens on one line, ported from `hclwrite`'s
//! `spaceAfterToken` (github.com/hashicorp/hcl, `hclwrite/format.go`) so that `a=b`, `f( x )` and
//! `[ 1,2 ]` come out exactly as `terraform fmt` writes them.
//!
//! Quoted strings and heredocs are single tokens here, so `hclwrite`'s rules for the inside of
//! templates do not appear: a [`Kind::Str`] behaves like `hclwrite`'s opening quote when it
//! follows a token and like its closing quote when a token follows it.

use super::lexer::{Kind, Token};

/// Whether `subject` is followed by one space (`true`) or none (`false`), given its neighbours
/// on the same line (`None` at the start or end of the cell).
pub(super) fn space_after(subject: &Token, before: Option<&Token>, after: Option<&Token>) -> bool {
    let Some(after) = after else {
        return false;
    };
    let (s, a) = (subject.kind, after.kind);
    let before = before.map(|t| t.kind);
    match (s, a) {
        (_, Kind::Newline) => false,
        // Function calls: `f(`, and provider functions `provider::aws::arn_parse(`.
        (Kind::Ident, Kind::OParen) => false,
        (Kind::Ident, Kind::DoubleColon) | (Kind::DoubleColon, Kind::Ident) => false,
        (Kind::Dot, _) | (_, Kind::Dot) => false,
        (_, Kind::Comma | Kind::Ellipsis) => false,
        (Kind::Comma, _) => true,
        // `for x in [a, b] : x` keeps the space between `in` and the tuple.
        (Kind::Ident, _) if subject.text == "in" && before == Some(Kind::Ident) => true,
        (Kind::Ident | Kind::Number, Kind::OBrack) => false,
        (_, Kind::OBrack) if s.bracket_change() < 0 => false,
        (Kind::Bang, _) => false,
        (Kind::Minus, _) => !minus_is_negation(before),
        (Kind::OBrace, Kind::CBrace) => false,
        (Kind::OBrace, _) | (_, Kind::CBrace) => true,
        _ if s.bracket_change() > 0 => false,
        _ if a.bracket_change() < 0 => false,
        _ => true,
    }
}

/// `hclwrite` guesses that a minus is a negation (written `-x`) when the token before it cannot
/// end an expression.
fn minus_is_negation(before: Option<Kind>) -> bool {
    match before {
        None => true,
        Some(kind) => matches!(
            kind,
            Kind::OParen
                | Kind::OBrace
                | Kind::OBrack
                | Kind::Equal
                | Kind::Colon
                | Kind::Comma
                | Kind::Question
                | Kind::Plus
                | Kind::Star
                | Kind::Slash
                | Kind::Percent
                | Kind::Minus
                | Kind::EqualOp
                | Kind::NotEqual
                | Kind::Gt
                | Kind::Ge
                | Kind::Lt
                | Kind::Le
                | Kind::And
                | Kind::Or
                | Kind::Bang
        ),
    }
}
