//! A generic, span-carrying view of an HCL body: attributes and nested blocks.
//!
//! Top-level blocks are decoded from this into typed configuration; resource bodies stay in
//! this form until their provider's schema says what they may contain.

use hcl_edit::structure::{self as hs, Structure};
use hcl_edit::Span as _;

use crate::diag::{Diagnostic, Diagnostics, FileId, Span};
use crate::lang::lower::lower_expr;
use crate::lang::Expr;

#[derive(Clone, Debug, PartialEq)]
pub struct Attribute {
    pub name: String,
    pub name_span: Span,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: String,
    pub kind_span: Span,
    pub labels: Vec<(String, Span)>,
    pub body: Body,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Body {
    /// Attributes in source order.
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
    /// The whole body, or the block header when the body is empty.
    pub span: Span,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// Reports attributes and blocks that are not in the allowed lists.
    pub fn check_allowed(
        &self,
        attributes: &[&str],
        blocks: &[&str],
        context: &str,
        diags: &mut Diagnostics,
    ) {
        for attr in &self.attributes {
            if !attributes.contains(&attr.name.as_str()) {
                let mut d = Diagnostic::error("Unsupported argument")
                    .at(attr.name_span)
                    .detail(format!(
                        "An argument named \"{}\" is not expected in {context}.",
                        attr.name
                    ));
                if let Some(s) = crate::suggest::closest(&attr.name, attributes.iter().copied()) {
                    d = d.hint(format!("did you mean \"{s}\"?"));
                } else if blocks.contains(&attr.name.as_str()) {
                    d = d.hint(format!(
                        "\"{}\" is a block: write `{} {{ … }}` without the equals sign",
                        attr.name, attr.name
                    ));
                }
                diags.push(d);
            }
        }
        for block in &self.blocks {
            if !blocks.contains(&block.kind.as_str()) {
                let mut d = Diagnostic::error("Unsupported block type")
                    .at(block.kind_span)
                    .detail(format!(
                        "Blocks of type \"{}\" are not expected in {context}.",
                        block.kind
                    ));
                if let Some(s) = crate::suggest::closest(&block.kind, blocks.iter().copied()) {
                    d = d.hint(format!("did you mean \"{s}\"?"));
                } else if attributes.contains(&block.kind.as_str()) {
                    d = d.hint(format!(
                        "\"{}\" is an argument: write `{} = …`",
                        block.kind, block.kind
                    ));
                }
                diags.push(d);
            }
        }
    }
}

/// Converts a parsed hcl-edit body, keeping spans relative to `file`.
pub fn from_hcl(body: &hs::Body, file: FileId, fallback: Span) -> Body {
    let span = body.span().map_or(fallback, |r| Span::new(file, r));
    let mut attributes = Vec::new();
    let mut blocks = Vec::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let span = attr.span().map_or(span, |r| Span::new(file, r));
                let name_span = attr.key.span().map_or(span, |r| Span::new(file, r));
                attributes.push(Attribute {
                    name: attr.key.as_str().to_string(),
                    name_span,
                    expr: lower_expr(&attr.value, file, span),
                    span,
                });
            }
            Structure::Block(block) => {
                let bspan = block.span().map_or(span, |r| Span::new(file, r));
                let kind_span = block.ident.span().map_or(bspan, |r| Span::new(file, r));
                let labels = block
                    .labels
                    .iter()
                    .map(|l| {
                        let s = l.span().map_or(kind_span, |r| Span::new(file, r));
                        (l.as_str().to_string(), s)
                    })
                    .collect();
                blocks.push(Block {
                    kind: block.ident.as_str().to_string(),
                    kind_span,
                    labels,
                    body: from_hcl(&block.body, file, kind_span),
                    span: bspan,
                });
            }
        }
    }
    Body {
        attributes,
        blocks,
        span,
    }
}
