//! Everything users read about a plan, rendered from the one structured [`crate::plan::Plan`]:
//! human text for terminals, Markdown for pull-request comments, and Terraform JSON.

pub mod human;
pub mod json;
pub mod markdown;
pub mod reference;
#[cfg(test)]
mod schema_only;
pub mod values;
