//! `data "aws_eks_cluster"`: an existing cluster, by name.

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::resources::eks_cluster::{self, describe_cluster, to_value};
use crate::providers::kit::DataSource;
use crate::providers::schema::{lookup, Schema};
use crate::value::Value;

pub struct EksCluster;

#[async_trait]
impl DataSource<Clients> for EksCluster {
    fn name(&self) -> &'static str {
        "aws_eks_cluster"
    }

    fn schema(&self) -> Schema {
        let mut s = lookup(
            eks_cluster::schema(),
            &["name"],
            "Looks up an existing EKS cluster by name.",
        );
        // Settings of one request, which EKS does not report, are not the data source's.
        for k in eks_cluster::REQUEST_ONLY {
            s.attributes.remove(k);
        }
        s
    }

    async fn read(&self, c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        let name = config
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let cluster = describe_cluster(c, name).await?.ok_or_else(|| {
            Diagnostic::error("No matching EKS cluster")
                .detail(format!("EKS has no cluster named {name} in {}.", c.region))
        })?;
        let mut v = to_value(&cluster, &c.default_tags);
        if let Value::Object(m) = &mut v {
            for k in eks_cluster::REQUEST_ONLY {
                m.remove(k);
            }
        }
        Ok(v)
    }
}
