//! The `azurerm` provider's data sources, one module each.

mod kubernetes_cluster;

use super::client::AksClient;
use crate::providers::kit::DataSource;

/// Every data source of the provider.
pub const ALL: &[&dyn DataSource<AksClient>] = &[&kubernetes_cluster::KubernetesCluster];
