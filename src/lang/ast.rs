//! The expression tree the evaluator works on.
//!
//! It is lowered from hcl-edit's lossless syntax tree (see `lower.rs`) so that evaluation does
//! not deal with whitespace, comments or decor, and every node keeps the span diagnostics need.

use crate::diag::Span;
use crate::value::Value;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Value),
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    /// Object constructor; keys are expressions (a bare identifier key lowers to a literal).
    Object(Vec<(Expr, Expr)>),
    /// A root name: `var`, `local`, `count`, a resource type, a `for` variable, …
    Variable(String),
    GetAttr(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    /// `source[*]…`: `each` is evaluated once per element with [`SPLAT_ITEM`] bound to it.
    Splat {
        source: Box<Expr>,
        each: Box<Expr>,
    },
    Call {
        name: String,
        args: Vec<Expr>,
        /// `f(list...)`: the last argument is expanded into several.
        expand_final: bool,
    },
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
}

/// The name a splat's per-element expression uses for the element.
pub const SPLAT_ITEM: &str = "@splat";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Less,
    LessEq,
    Greater,
    GreaterEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForExpr {
    pub key_var: Option<String>,
    pub value_var: String,
    pub collection: Expr,
    /// Present for `{ for … : k => v }`.
    pub key_expr: Option<Expr>,
    pub value_expr: Expr,
    pub cond: Option<Expr>,
    /// `v...` in an object `for`: values with the same key are grouped into lists.
    pub grouping: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Literal(String),
    Interp(Expr),
    If {
        cond: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    For {
        key_var: Option<String>,
        value_var: String,
        collection: Expr,
        body: Vec<TemplatePart>,
    },
}

impl Expr {
    pub fn literal(value: Value, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Literal(value),
            span,
        }
    }

    /// The literal value, when the expression is a constant.
    pub fn as_literal(&self) -> Option<&Value> {
        match &self.kind {
            ExprKind::Literal(v) => Some(v),
            ExprKind::Template(parts) if parts.is_empty() => None,
            _ => None,
        }
    }

    /// A bare keyword such as `string` in a type expression or `create` in `ignore_changes`.
    pub fn as_keyword(&self) -> Option<&str> {
        match &self.kind {
            ExprKind::Variable(name) => Some(name),
            _ => None,
        }
    }

    /// A static traversal like `aws_vpc.main.id` as its parts, for `depends_on` and friends.
    pub fn as_traversal(&self) -> Option<Vec<String>> {
        match &self.kind {
            ExprKind::Variable(name) => Some(vec![name.clone()]),
            ExprKind::GetAttr(base, name) => {
                let mut parts = base.as_traversal()?;
                parts.push(name.clone());
                Some(parts)
            }
            ExprKind::Index(base, key) => {
                let mut parts = base.as_traversal()?;
                let key = key.as_literal()?;
                parts.push(match key {
                    Value::String(s) => format!("[{}]", crate::value::quote(s)),
                    other => format!("[{other}]"),
                });
                Some(parts)
            }
            _ => None,
        }
    }
}
