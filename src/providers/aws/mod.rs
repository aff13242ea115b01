//! The `aws` provider: EKS clusters and the network around them.
//!
//! This module starts with the EKS endpoint-access rules, which need no SDK; the client code
//! and resource types follow.

pub mod checks;
pub mod client;
pub mod data;
pub mod ec2_network;
pub mod ec2_security;
pub mod eks_cluster;
pub mod eks_plan;
pub mod eks_updates;
pub mod endpoint;
pub mod errors;
pub mod provider;
pub mod resume;
pub mod schema;

pub use provider::AwsProvider;
