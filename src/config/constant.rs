//! Evaluation of expressions that may not reference anything: variable defaults, type
//! defaults, `.tfvars` files and meta-argument flags.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Span};
use crate::lang::{Evaluator, Expr, Scope};
use crate::value::Value;

struct ConstScope {
    dir: PathBuf,
    what: &'static str,
}

impl Scope for ConstScope {
    fn resolve(
        &self,
        root: &str,
        _attrs: &[&str],
        span: Span,
    ) -> Result<(Value, usize), Diagnostic> {
        Err(Diagnostic::error("Variables not allowed")
            .at(span)
            .detail(format!("{} cannot refer to \"{root}\": only literal values and functions of them are allowed here.", self.what)))
    }

    fn base_dir(&self) -> &Path {
        &self.dir
    }
}

/// Evaluates `expr` without any scope. `what` names the place for the error message.
pub fn eval_constant(expr: &Expr, dir: &Path, what: &'static str) -> Result<Value, Diagnostic> {
    let scope = ConstScope {
        dir: dir.to_path_buf(),
        what,
    };
    Evaluator::new(&scope).eval(expr)
}

/// A literal `true`/`false` argument such as `sensitive` or `prevent_destroy`.
pub fn eval_bool(expr: &Expr, dir: &Path, what: &'static str) -> Result<bool, Diagnostic> {
    match eval_constant(expr, dir, what)?.unmarked() {
        Value::Bool(b) => Ok(*b),
        other => Err(Diagnostic::error("Incorrect value type")
            .at(expr.span)
            .detail(format!(
                "{what} must be true or false, not a {}.",
                other.type_name()
            ))),
    }
}

/// A literal string argument such as `description` or `source`.
pub fn eval_string(expr: &Expr, dir: &Path, what: &'static str) -> Result<String, Diagnostic> {
    match eval_constant(expr, dir, what)?.into_unmarked() {
        Value::String(s) => Ok(s),
        other => Err(Diagnostic::error("Incorrect value type")
            .at(expr.span)
            .detail(format!(
                "{what} must be a string, not a {}.",
                other.type_name()
            ))),
    }
}
