//! Everything users read about a plan, rendered from the one structured [`crate::plan::Plan`]:
//! human text for terminals, and (in later modules) Markdown and Terraform JSON.

pub mod human;
pub mod json;
pub mod reference;
pub mod values;
