//! The `azurerm` provider: private AKS clusters and the network access to their API servers.
//!
//! The client half (`settings`, `auth`, `transport`, `lro`, `client`, `errors`) talks to Azure
//! Resource Manager through azure_mgmt_containerservice's models and request builders, with
//! the api-version pinned by our own transport. The planning half knows Microsoft's
//! private-cluster rules and needs no network.

pub mod access;
pub mod arm;
pub mod auth;
pub mod client;
pub mod errors;
pub mod lro;
pub mod plan;
pub mod provider;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod transport;

pub use provider::AzurermProvider;
