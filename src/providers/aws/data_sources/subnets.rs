//! `data "aws_subnets"`: the IDs of the subnets that match EC2 filters and tags, such as a
//! VPC's private subnets for a cluster built on an existing network.

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::describe;
use crate::providers::aws::resources::{ec2, strings};
use crate::providers::aws::tags::tag_filters;
use crate::providers::kit::DataSource;
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::{Type, Value};

pub struct Subnets;

#[async_trait]
impl DataSource<Clients> for Subnets {
    fn name(&self) -> &'static str {
        "aws_subnets"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("The IDs of the subnets that match the filters and tags (none is no error).")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The region."),
            )
            .attr(
                "tags",
                Attribute::optional(Type::map(Type::String))
                    .describe("Tags the subnets must have."),
            )
            .attr(
                "ids",
                Attribute::computed(Type::list(Type::String))
                    .describe("The subnet IDs, in the order EC2 lists them."),
            )
            .block(
                "filter",
                NestedBlock::set(
                    Schema::new()
                        .attr(
                            "name",
                            Attribute::required(Type::String)
                                .describe("A DescribeSubnets filter, such as vpc-id."),
                        )
                        .attr(
                            "values",
                            Attribute::required(Type::set(Type::String))
                                .describe("The values to match."),
                        ),
                )
                .describe("EC2 filters."),
            )
    }

    async fn read(&self, c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        let mut filters: Vec<Filter> = config
            .get("filter")
            .and_then(Value::as_items)
            .unwrap_or(&[])
            .iter()
            .filter_map(|f| {
                let name = f.get("name").and_then(Value::as_str)?;
                Some(
                    Filter::builder()
                        .name(name)
                        .set_values(Some(strings(f.get("values"))))
                        .build(),
                )
            })
            .collect();
        filters.extend(tag_filters(config.get("tags")));
        let mut ids = Vec::new();
        let mut token = None;
        loop {
            let page = c
                .ec2
                .describe_subnets()
                .set_filters((!filters.is_empty()).then(|| filters.clone()))
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| describe(ec2("DescribeSubnets", "the filters given"), &e))?;
            ids.extend(
                page.subnets()
                    .iter()
                    .filter_map(|s| s.subnet_id().map(Value::from)),
            );
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let mut out = config.clone();
        if let Value::Object(m) = &mut out {
            m.insert("id".into(), Value::from(c.region.as_str()));
            m.insert("ids".into(), Value::List(ids));
        }
        Ok(out)
    }
}
