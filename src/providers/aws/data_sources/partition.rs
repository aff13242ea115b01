//! `data "aws_partition"` and `data "aws_region"`: where the provider works, from its region
//! alone (no API call), for building ARNs and service names that hold in every partition.

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::kit::DataSource;
use crate::providers::schema::{Attribute, Schema};
use crate::value::{Type, Value};

pub struct Partition;
pub struct Region;

/// A region's partition and its DNS suffix (the AWS SDKs' partition table).
fn partition_of(region: &str) -> (&'static str, &'static str) {
    if region.starts_with("cn-") {
        ("aws-cn", "amazonaws.com.cn")
    } else if region.starts_with("us-gov-") {
        ("aws-us-gov", "amazonaws.com")
    } else if region.starts_with("us-isob-") {
        ("aws-iso-b", "sc2s.sgov.gov")
    } else if region.starts_with("us-iso-") {
        ("aws-iso", "c2s.ic.gov")
    } else if region.starts_with("eusc-") {
        ("aws-eusc", "amazonaws.eu")
    } else {
        ("aws", "amazonaws.com")
    }
}

#[async_trait]
impl DataSource<Clients> for Partition {
    fn name(&self) -> &'static str {
        "aws_partition"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("The partition of the provider's region (aws, aws-cn, aws-us-gov, ...).")
            .attr("id", Attribute::computed(Type::String).describe("The partition; kept for compatibility."))
            .attr("partition", Attribute::computed(Type::String).describe("The partition, as in arn:<partition>:..."))
            .attr("dns_suffix", Attribute::computed(Type::String).describe("The DNS suffix of service endpoints, such as amazonaws.com."))
            .attr("reverse_dns_prefix", Attribute::computed(Type::String).describe("The DNS suffix reversed, such as com.amazonaws (for VPC endpoint service names)."))
    }

    async fn read(&self, c: &Clients, _config: &Value) -> Result<Value, Diagnostic> {
        let (partition, suffix) = partition_of(&c.region);
        let reverse: Vec<&str> = suffix.split('.').rev().collect();
        Ok(Value::object([
            ("id", Value::from(partition)),
            ("partition", Value::from(partition)),
            ("dns_suffix", Value::from(suffix)),
            ("reverse_dns_prefix", Value::from(reverse.join("."))),
        ]))
    }
}

#[async_trait]
impl DataSource<Clients> for Region {
    fn name(&self) -> &'static str {
        "aws_region"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("The provider's region, or another one by name, with its EC2 endpoint.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The region."),
            )
            .attr(
                "region",
                Attribute::optional_computed(Type::String)
                    .describe("The region to describe; the provider's when unset."),
            )
            .attr(
                "name",
                Attribute::optional_computed(Type::String).describe(
                    "Deprecated alias of region, kept for configurations written for provider v5.",
                ),
            )
            .attr(
                "endpoint",
                Attribute::optional_computed(Type::String).describe(
                    "The region's EC2 endpoint host, such as ec2.eu-west-1.amazonaws.com.",
                ),
            )
            .attr(
                "description",
                Attribute::computed(Type::String)
                    .describe("The region's name in words where known, such as Europe (Ireland)."),
            )
    }

    async fn read(&self, c: &Clients, config: &Value) -> Result<Value, Diagnostic> {
        let text = |k: &str| config.get(k).and_then(Value::as_str).map(str::to_string);
        let region = text("region")
            .or_else(|| text("name"))
            .unwrap_or_else(|| c.region.clone());
        let endpoint = format!("ec2.{region}.{}", partition_of(&region).1);
        if let Some(asked) = text("endpoint").filter(|e| e != &endpoint) {
            return Err(Diagnostic::error("No region with that endpoint")
                .detail(format!(
                    "The EC2 endpoint of {region} is {endpoint}, not {asked}."
                ))
                .hint("leave endpoint out, or set region to the region you mean"));
        }
        Ok(Value::object([
            ("id", Value::from(region.as_str())),
            ("region", Value::from(region.as_str())),
            ("name", Value::from(region.as_str())),
            ("endpoint", Value::from(endpoint)),
            ("description", Value::from(description(&region))),
        ]))
    }
}

/// The names AWS gives its commercial regions in words; others are described by their code.
fn description(region: &str) -> String {
    let known = [
        ("us-east-1", "US East (N. Virginia)"),
        ("us-east-2", "US East (Ohio)"),
        ("us-west-1", "US West (N. California)"),
        ("us-west-2", "US West (Oregon)"),
        ("ca-central-1", "Canada (Central)"),
        ("eu-west-1", "Europe (Ireland)"),
        ("eu-west-2", "Europe (London)"),
        ("eu-west-3", "Europe (Paris)"),
        ("eu-central-1", "Europe (Frankfurt)"),
        ("eu-central-2", "Europe (Zurich)"),
        ("eu-north-1", "Europe (Stockholm)"),
        ("eu-south-1", "Europe (Milan)"),
        ("eu-south-2", "Europe (Spain)"),
        ("ap-northeast-1", "Asia Pacific (Tokyo)"),
        ("ap-northeast-2", "Asia Pacific (Seoul)"),
        ("ap-northeast-3", "Asia Pacific (Osaka)"),
        ("ap-southeast-1", "Asia Pacific (Singapore)"),
        ("ap-southeast-2", "Asia Pacific (Sydney)"),
        ("ap-south-1", "Asia Pacific (Mumbai)"),
        ("sa-east-1", "South America (Sao Paulo)"),
    ];
    known
        .iter()
        .find(|(code, _)| *code == region)
        .map_or_else(|| region.to_string(), |(_, name)| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::partition_of;

    #[test]
    fn regions_map_to_their_partitions() {
        assert_eq!(partition_of("eu-west-1"), ("aws", "amazonaws.com"));
        assert_eq!(partition_of("cn-north-1"), ("aws-cn", "amazonaws.com.cn"));
        assert_eq!(
            partition_of("us-gov-west-1"),
            ("aws-us-gov", "amazonaws.com")
        );
    }
}
