//! The `azurerm` provider: private AKS clusters and the network access to their API servers.
//!
//! The client half (`settings`, `auth`, `transport`, `lro`, `client`, `errors`) talks to Azure
//! Resource Manager through azure_mgmt_containerservice's models and request builders, with
//! the api-version pinned by our own transport. `provider` only routes: each resource type
//! and data source is a module of `resources/` or `data_sources/`, listed in the kit's table;
//! `resources/kubernetes_cluster/` holds Microsoft's private-cluster rules, which need no
//! network.

pub mod auth;
pub mod client;
pub mod data_sources;
pub mod errors;
pub mod lro;
pub mod provider;
pub mod resources;
pub mod schema;
pub mod settings;
pub mod transport;

pub use provider::AzurermProvider;
