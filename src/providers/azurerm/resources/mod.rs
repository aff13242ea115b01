//! The `azurerm` provider's resource types, one module each, and the table that lists them.
//! Adding a type: write its module and add it to [`ALL`].

pub mod kubernetes_cluster;

use super::client::AksClient;
use crate::providers::kit::ResourceType;

/// Every resource type of the provider.
pub const ALL: &[&dyn ResourceType<AksClient>] = &[&kubernetes_cluster::KubernetesCluster];
