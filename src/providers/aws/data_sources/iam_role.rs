//! `data "aws_iam_role"`: an existing role, by name, such as a cluster role made by another
//! team. The trust policy is IAM's document, decoded.

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::resources::iam_role::{self, get_role, role_value};
use crate::providers::kit::DataSource;
use crate::providers::schema::{lookup, Schema};
use crate::value::Value;

pub struct IamRole;

#[async_trait]
impl DataSource<Clients> for IamRole {
    fn name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        let mut s = lookup(
            iam_role::schema(),
            &["name"],
            "Looks up an existing IAM role by name.",
        );
        // Settings of the resource that a lookup has no use for.
        for local in ["name_prefix", "force_detach_policies"] {
            s.attributes.remove(local);
        }
        if let Some(name) = s.attributes.get_mut("name") {
            name.required = true;
            name.optional = false;
            name.computed = false;
        }
        s
    }

    async fn read(&self, c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        let name = config
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let role = get_role(c, name).await?.ok_or_else(|| {
            Diagnostic::error("No matching IAM role")
                .detail(format!("IAM has no role named {name} in this account."))
                .hint("check the name (not the ARN) and the account of the provider's credentials")
        })?;
        let mut v = role_value(&role, None, &c.default_tags);
        if let Value::Object(m) = &mut v {
            m.remove("name_prefix");
            m.remove("force_detach_policies");
        }
        Ok(v)
    }
}
