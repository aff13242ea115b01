//! The `aws` provider: EKS clusters and the network around them.
//!
//! This module starts with the EKS endpoint-access rules, which need no SDK; the client code
//! and resource types follow.

pub mod eks_plan;
pub mod eks_updates;
pub mod endpoint;
pub mod schema;
