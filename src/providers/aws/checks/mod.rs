//! Checks across the planned instances of the `aws` provider, before any change. Each check
//! is a function named for what it checks; [`check`] runs them all, and [`check_offline`]
//! the ones that need no cloud (when the provider could not be configured).
//!
//! Related objects are found through the plan's dependencies (cluster → subnets → VPC) when
//! they are managed here, or looked up live when they exist already.

mod cluster_admin_access;
mod cluster_role_trust;
mod isolated_nodes;
mod node_role;
mod nodes_reach_api;
mod private_api_reachable;
mod private_endpoint_dns;
mod reach_notes;

pub use reach_notes::who_can_reach_what;

use super::client::Clients;
use super::resources::eks_cluster::endpoint::{vpc_config, EndpointAccess};
use crate::diag::Diagnostics;
use crate::providers::PlannedInstance;
use crate::value::Value;

pub use super::resources::strings;

/// The checks that need no cloud.
pub fn check_offline(planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = private_endpoint_dns::managed_vpc_has_dns(planned);
    diags.extend(private_api_reachable::private_only_cluster_has_a_way_in(
        planned,
    ));
    diags.extend(cluster_role_trust::cluster_role_trusts_eks(planned));
    diags.extend(node_role::node_role_trusts_ec2_and_has_node_policies(
        planned,
    ));
    diags.extend(nodes_reach_api::nodes_can_reach_the_api_server(planned));
    diags.extend(isolated_nodes::isolated_nodes_have_their_endpoints(planned));
    diags.extend(cluster_admin_access::someone_can_administer_the_cluster(
        planned,
    ));
    diags
}

/// Every check, looking up objects that exist already.
pub async fn check(c: &Clients, planned: &[PlannedInstance<'_>]) -> Diagnostics {
    let mut diags = check_offline(planned);
    diags.extend(private_endpoint_dns::existing_vpc_has_dns(c, planned).await);
    diags
}

fn resource_of(addr: &str) -> &str {
    addr.split('[').next().unwrap_or(addr)
}

/// Planned instances of `type_name` that `inst` depends on.
pub(super) fn deps_of_type<'p>(
    all: &'p [PlannedInstance<'p>],
    inst: &PlannedInstance<'_>,
    type_name: &str,
) -> Vec<&'p PlannedInstance<'p>> {
    all.iter()
        .filter(|p| {
            p.type_name == type_name
                && inst.dependencies.iter().any(|d| {
                    d == &p.addr.resource.to_string() || resource_of(&p.addr.to_string()) == d
                })
        })
        .collect()
}

/// The planned cluster a node group (or another per-cluster object) belongs to: through its
/// dependencies, or by the cluster name it gives.
pub(super) fn cluster_of<'p>(
    planned: &'p [PlannedInstance<'p>],
    inst: &PlannedInstance<'_>,
) -> Option<(&'p PlannedInstance<'p>, EndpointAccess)> {
    let named = inst.planned.get("cluster_name").and_then(Value::as_str);
    clusters(planned).find(|(c, _)| {
        inst.dependencies
            .iter()
            .any(|d| d == &c.addr.resource.to_string())
            || (named.is_some() && c.planned.get("name").and_then(Value::as_str) == named)
    })
}

/// The planned EKS clusters, with their endpoint access.
pub(super) fn clusters<'p>(
    planned: &'p [PlannedInstance<'p>],
) -> impl Iterator<Item = (&'p PlannedInstance<'p>, EndpointAccess)> + 'p {
    planned
        .iter()
        .filter(|p| p.type_name == "aws_eks_cluster")
        .filter_map(|p| {
            Some((
                p,
                vpc_config(p.planned).and_then(EndpointAccess::from_vpc_config)?,
            ))
        })
}
