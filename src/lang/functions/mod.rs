//! Built-in functions: `length`, `merge`, `cidrsubnet`, `templatefile`, …
//!
//! [`call`] takes the evaluated arguments (with their marks) and owns the rules for unknown and
//! sensitive values, so the evaluator stays free of per-function knowledge.

use std::path::Path;

use crate::value::Value;

/// What a function may need from its surroundings.
pub struct CallContext<'a> {
    /// The directory relative paths in `file()` and `templatefile()` resolve against.
    pub base_dir: &'a Path,
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CallError {
    /// No function has that name.
    Unknown,
    /// The function refused its arguments; the message says why, in words.
    Failed(String),
}

/// Calls the built-in function `name`.
pub fn call(_ctx: &CallContext<'_>, name: &str, args: Vec<Value>) -> Result<Value, CallError> {
    match name {
        "length" => match args.as_slice() {
            [v] => Ok(Value::from(v.as_items().map_or(0, |i| i.len()) as i64)),
            _ => Err(CallError::Failed("expects one argument".into())),
        },
        _ => Err(CallError::Unknown),
    }
}

/// The name of the built-in function closest to a misspelt one.
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::suggest::closest(name, NAMES.iter().copied())
}

/// Every built-in function's name.
pub const NAMES: &[&str] = &["length"];
