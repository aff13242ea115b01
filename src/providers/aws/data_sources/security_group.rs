//! `data "aws_security_group"`: an existing security group, by ID, name, VPC or tags.

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;

use super::{asked, one};
use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::describe;
use crate::providers::aws::resources::{ec2, security_group};
use crate::providers::aws::tags::tag_filters;
use crate::providers::kit::DataSource;
use crate::providers::schema::{lookup, Schema};
use crate::value::Value;

pub struct SecurityGroup;

const KEYS: &[&str] = &["id", "name", "vpc_id", "tags"];

#[async_trait]
impl DataSource<Clients> for SecurityGroup {
    fn name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        lookup(
            security_group::schema(),
            KEYS,
            "Looks up an existing security group.",
        )
    }

    async fn read(&self, c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        let id = config.get("id").and_then(Value::as_str).map(str::to_string);
        let mut filters = tag_filters(config.get("tags"));
        if let Some(n) = config.get("name").and_then(Value::as_str) {
            filters.push(Filter::builder().name("group-name").values(n).build());
        }
        if let Some(v) = config.get("vpc_id").and_then(Value::as_str) {
            filters.push(Filter::builder().name("vpc-id").values(v).build());
        }
        let out = c
            .ec2
            .describe_security_groups()
            .set_group_ids(id.map(|i| vec![i]))
            .set_filters((!filters.is_empty()).then_some(filters))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeSecurityGroups", &asked(config, KEYS)), &e))?;
        let found = one(
            "security group",
            out.security_groups().to_vec(),
            &asked(config, KEYS),
        )?;
        Ok(security_group::group_value(c, &found, &c.default_tags))
    }
}
