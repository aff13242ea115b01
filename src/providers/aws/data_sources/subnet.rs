//! `data "aws_subnet"`: an existing subnet, by ID or tags.

use async_trait::async_trait;

use super::{asked, one};
use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::describe;
use crate::providers::aws::resources::{ec2, subnet};
use crate::providers::aws::tags::tag_filters;
use crate::providers::kit::DataSource;
use crate::providers::schema::{lookup, Schema};
use crate::value::Value;

pub struct Subnet;

const KEYS: &[&str] = &["id", "tags"];

#[async_trait]
impl DataSource<Clients> for Subnet {
    fn name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> Schema {
        lookup(
            subnet::schema(),
            KEYS,
            "Looks up an existing subnet by ID or tags.",
        )
    }

    async fn read(&self, c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        let id = config.get("id").and_then(Value::as_str).map(str::to_string);
        let filters = tag_filters(config.get("tags"));
        let out = c
            .ec2
            .describe_subnets()
            .set_subnet_ids(id.map(|i| vec![i]))
            .set_filters((!filters.is_empty()).then_some(filters))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeSubnets", &asked(config, KEYS)), &e))?;
        let found = one("subnet", out.subnets().to_vec(), &asked(config, KEYS))?;
        Ok(subnet::subnet_value(c, &found, &c.default_tags))
    }
}
