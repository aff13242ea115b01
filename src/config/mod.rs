//! Configuration: `*.tf` files → typed modules with spans, plus input variable values.
//!
//! This module reads and decodes; it does not evaluate anything that depends on other objects
//! (that is the graph walk's job) and never talks to providers.

pub mod backend;
pub mod body;
pub mod constant;
pub mod decode;
pub mod inputs;
pub mod loader;
pub mod model;
pub mod refs;
pub mod type_expr;
mod unterminated;

pub use loader::{load, Config};
pub use model::*;
