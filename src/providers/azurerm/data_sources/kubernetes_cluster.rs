//! `data "azurerm_kubernetes_cluster"`: an existing AKS cluster, by name and resource group.

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::azurerm::client::AksClient;
use crate::providers::azurerm::resources::kubernetes_cluster::arm::from_arm;
use crate::providers::azurerm::resources::kubernetes_cluster::schema as cluster_schema;
use crate::providers::kit::DataSource;
use crate::providers::schema::{lookup, Schema};
use crate::value::Value;

pub struct KubernetesCluster;

const KEYS: [&str; 2] = ["name", "resource_group_name"];

#[async_trait]
impl DataSource<AksClient> for KubernetesCluster {
    fn name(&self) -> &'static str {
        "azurerm_kubernetes_cluster"
    }

    /// Both keys are required, as in the azurerm provider.
    fn schema(&self) -> Schema {
        let mut data = lookup(
            cluster_schema(),
            &KEYS,
            "Looks up an existing AKS cluster by name and resource group.",
        );
        for key in KEYS {
            if let Some(a) = data.attributes.get_mut(key) {
                a.required = true;
                a.optional = false;
                a.computed = false;
            }
        }
        data
    }

    async fn read(&self, c: &AksClient, config: &Value) -> Result<Value, Diagnostic> {
        let s = |k: &str| config.get(k).and_then(Value::as_str).unwrap_or_default();
        let (rg, name) = (s("resource_group_name"), s("name"));
        match c.get(rg, name).await? {
            Some(m) => Ok(from_arm(&serde_json::to_value(&m).unwrap_or_default())),
            None => Err(Diagnostic::error("No matching AKS cluster")
                .detail(format!("No managed cluster named {name} exists in resource group {rg} of subscription {}.", c.subscription_id()))
                .hint("check the name, the resource group and the provider's subscription")),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::providers::kit::DataSource;

    #[test]
    fn data_source_takes_name_and_resource_group() {
        let d = super::KubernetesCluster.schema();
        assert!(d.attributes["name"].required && d.attributes["resource_group_name"].required);
        assert!(d.attributes["private_fqdn"].computed && !d.attributes["location"].optional);
    }
}
