//! `data "aws_availability_zones"`: the zones of the provider's region, for spreading subnets
//! over them, with one DescribeAvailabilityZones call.

use async_trait::async_trait;
use aws_sdk_ec2::types::Filter;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::describe;
use crate::providers::aws::resources::{ec2, strings};
use crate::providers::kit::DataSource;
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::value::{Type, Value};

pub struct AvailabilityZones;

#[async_trait]
impl DataSource<Clients> for AvailabilityZones {
    fn name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> Schema {
        let names = || Type::set(Type::String);
        Schema::new()
            .describe("The Availability Zones of the provider's region, sorted by name.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The region."),
            )
            .attr(
                "all_availability_zones",
                Attribute::optional(Type::Bool).describe(
                    "Whether Local and Wavelength Zones are included whatever their opt-in status.",
                ),
            )
            .attr(
                "state",
                Attribute::optional(Type::String).describe(
                    "Only zones in this state: available, information, impaired or unavailable.",
                ),
            )
            .attr(
                "exclude_names",
                Attribute::optional(names()).describe("Zone names to leave out."),
            )
            .attr(
                "exclude_zone_ids",
                Attribute::optional(names()).describe("Zone IDs to leave out."),
            )
            .attr(
                "names",
                Attribute::computed(Type::list(Type::String))
                    .describe("The zone names, such as eu-west-1a."),
            )
            .attr(
                "zone_ids",
                Attribute::computed(Type::list(Type::String))
                    .describe("The zone IDs, such as euw1-az1, in the order of names."),
            )
            .attr(
                "group_names",
                Attribute::computed(names()).describe("The zone groups."),
            )
            .block(
                "filter",
                NestedBlock::set(
                    Schema::new()
                        .attr(
                            "name",
                            Attribute::required(Type::String).describe(
                                "A DescribeAvailabilityZones filter, such as opt-in-status.",
                            ),
                        )
                        .attr(
                            "values",
                            Attribute::required(names()).describe("The values to match."),
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
        if let Some(state) = config.get("state").and_then(Value::as_str) {
            filters.push(Filter::builder().name("state").values(state).build());
        }
        let out = c
            .ec2
            .describe_availability_zones()
            .set_all_availability_zones(
                config
                    .get("all_availability_zones")
                    .and_then(Value::as_bool),
            )
            // An empty filter list is not sent: EC2 would refuse it.
            .set_filters((!filters.is_empty()).then_some(filters))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeAvailabilityZones", &c.region), &e))?;
        let (skip_names, skip_ids) = (
            strings(config.get("exclude_names")),
            strings(config.get("exclude_zone_ids")),
        );
        let mut zones: Vec<_> = out
            .availability_zones()
            .iter()
            .filter(|z| {
                !z.zone_name()
                    .is_some_and(|n| skip_names.iter().any(|s| s == n))
            })
            .filter(|z| !z.zone_id().is_some_and(|n| skip_ids.iter().any(|s| s == n)))
            .collect();
        zones.sort_by_key(|z| z.zone_name().unwrap_or_default().to_string());
        let list = |f: fn(&aws_sdk_ec2::types::AvailabilityZone) -> Option<&str>| {
            zones
                .iter()
                .filter_map(|z| f(z).map(Value::from))
                .collect::<Vec<_>>()
        };
        let mut out = config.clone();
        if let Value::Object(m) = &mut out {
            m.insert("id".into(), Value::from(c.region.as_str()));
            m.insert("names".into(), Value::List(list(|z| z.zone_name())));
            m.insert("zone_ids".into(), Value::List(list(|z| z.zone_id())));
            m.insert("group_names".into(), Value::set(list(|z| z.group_name())));
        }
        Ok(out)
    }
}
