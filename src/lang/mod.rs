//! The configuration language: expression tree, lowering from HCL, evaluation, references
//! and built-in functions.

pub mod ast;
pub mod eval;
pub mod functions;
pub mod lower;

pub use ast::{Expr, ExprKind};
pub use eval::{Evaluator, Scope};

#[cfg(test)]
mod tests;
