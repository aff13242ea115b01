//! Providers that need no cloud: `terraform_data` (Terraform's own) and `time_sleep`.
//!
//! They exercise the engine end to end without credentials, and `time_sleep` has a real use in
//! cluster configurations: waiting for IAM or DNS to propagate before the next step.

mod duration;
mod terraform_data;
mod time_sleep;

use std::sync::Arc;

use super::Provider;

pub fn terraform_provider() -> Arc<dyn Provider> {
    Arc::new(terraform_data::TerraformProvider::new())
}

pub fn time_provider() -> Arc<dyn Provider> {
    Arc::new(time_sleep::TimeProvider::new())
}
