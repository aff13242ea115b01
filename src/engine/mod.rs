//! Shared machinery of the plan and apply walks: the values known so far, the scope that
//! answers references, instance expansion and schema-driven evaluation of resource bodies.

pub mod expand;
pub mod resource_config;
pub mod run;
pub mod scope;
pub mod values;
pub mod visit;
