//! The `aws` provider's data sources, one module each: lookups of networks and clusters that
//! exist already, to build on them.

mod availability_zones;
mod caller_identity;
mod eks_cluster;
mod iam_policy_document;
mod iam_role;
mod partition;
mod security_group;
mod subnet;
mod subnets;
mod vpc;

use super::client::Clients;
use crate::diag::Diagnostic;
use crate::providers::kit::DataSource;
use crate::value::Value;

/// Every data source of the provider.
pub const ALL: &[&dyn DataSource<Clients>] = &[
    &availability_zones::AvailabilityZones,
    &caller_identity::CallerIdentity,
    &eks_cluster::EksCluster,
    &iam_policy_document::IamPolicyDocument,
    &iam_role::IamRole,
    &partition::Partition,
    &partition::Region,
    &security_group::SecurityGroup,
    &subnet::Subnet,
    &subnets::Subnets,
    &vpc::Vpc,
];

/// The one object a lookup found; none or several is an error that says what was asked.
fn one<T>(kind: &str, mut found: Vec<T>, asked: &str) -> Result<T, Diagnostic> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Diagnostic::error(format!("No matching {kind}"))
            .detail(format!("No {kind} matches {asked}."))
            .hint("check the ID, name or tags, and the provider's region")),
        n => Err(Diagnostic::error(format!("Several matching {kind}s"))
            .detail(format!(
                "{n} {kind}s match {asked}; a data source must find exactly one."
            ))
            .hint("narrow the lookup with an ID or more tags")),
    }
}

/// The lookup keys that were given, as `id = "vpc-1", tags = {…}`.
fn asked(config: &Value, keys: &[&str]) -> String {
    let parts: Vec<String> = keys
        .iter()
        .filter_map(|k| {
            config
                .get(k)
                .filter(|v| !v.is_null())
                .map(|v| format!("{k} = {v}"))
        })
        .collect();
    if parts.is_empty() {
        "the lookup (no id, name or tags given)".to_string()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use crate::providers::kit::DataSource;

    #[test]
    fn data_sources_only_take_their_lookup_keys() {
        let d = super::eks_cluster::EksCluster.schema();
        assert!(d.attributes["name"].optional);
        assert!(!d.attributes["role_arn"].optional && d.attributes["role_arn"].computed);
    }
}
