//! The `aws` provider's resource types, one module each, and the table that lists them.
//! Adding a type: write its module (see `vpc.rs` for the shape) and add it to [`ALL`].

pub mod eip;
pub mod eks_access_entry;
pub mod eks_access_policy_association;
pub mod eks_addon;
pub mod eks_cluster;
pub mod eks_node_group;
pub mod iam_instance_profile;
pub mod iam_openid_connect_provider;
pub mod iam_policy;
pub mod iam_role;
pub mod iam_role_policy;
pub mod iam_role_policy_attachment;
pub mod internet_gateway;
pub mod nat_gateway;
pub mod route;
pub mod route_table;
pub mod route_table_association;
pub mod security_group;
pub mod security_group_rule;
pub mod subnet;
pub mod vpc;
pub mod vpc_endpoint;
pub mod vpc_security_group_rule;

use super::client::Clients;
use super::errors::Request;
use crate::providers::kit::ResourceType;
use crate::value::Value;

/// Every resource type of the provider.
pub const ALL: &[&dyn ResourceType<Clients>] = &[
    &eip::Eip,
    &eks_access_entry::AccessEntry,
    &eks_access_policy_association::AccessPolicyAssociation,
    &eks_addon::EksAddon,
    &eks_cluster::EksCluster,
    &eks_node_group::NodeGroup,
    &iam_instance_profile::InstanceProfile,
    &iam_openid_connect_provider::OpenIdConnectProvider,
    &iam_policy::IamPolicy,
    &iam_role::IamRole,
    &iam_role_policy::RolePolicy,
    &iam_role_policy_attachment::RolePolicyAttachment,
    &internet_gateway::InternetGateway,
    &nat_gateway::NatGateway,
    &route::Route,
    &route_table::RouteTable,
    &route_table_association::RouteTableAssociation,
    &security_group::SecurityGroup,
    &security_group_rule::SecurityGroupRule,
    &subnet::Subnet,
    &vpc::Vpc,
    &vpc_endpoint::VpcEndpoint,
    &vpc_security_group_rule::INGRESS,
    &vpc_security_group_rule::EGRESS,
];

/// An EC2 request, for errors.
pub fn ec2<'a>(operation: &'a str, target: &'a str) -> Request<'a> {
    Request {
        service: "EC2",
        operation,
        target,
    }
}

/// An EKS request, for errors.
pub fn eks<'a>(operation: &'a str, target: &'a str) -> Request<'a> {
    Request {
        service: "EKS",
        operation,
        target,
    }
}

/// An IAM request, for errors.
pub fn iam<'a>(operation: &'a str, target: &'a str) -> Request<'a> {
    Request {
        service: "IAM",
        operation,
        target,
    }
}

/// An optional string from the SDK as a value.
pub fn s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, Value::from)
}

pub fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An owned string attribute.
pub fn string_of(v: &Value, key: &str) -> Option<String> {
    str_of(v, key).map(str::to_string)
}

/// The `id` attribute of a state.
pub fn id_of(v: &Value) -> String {
    str_of(v, "id").unwrap_or_default().to_string()
}

/// The IDs of many states, for batched reads.
pub fn ids_of(states: &[Value]) -> Vec<String> {
    states.iter().map(id_of).collect()
}

/// The string items of a list or set.
pub fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_items)
        .map(|i| {
            i.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// The one object a read right after a create or update found: EC2 reads are eventually
/// consistent, but an object gone that soon is an error worth reporting.
pub fn just_changed(
    found: Vec<Option<Value>>,
    kind: &str,
    id: &str,
) -> Result<Value, crate::diag::Diagnostic> {
    found.into_iter().next().flatten().ok_or_else(|| {
        let mut title = kind.to_string();
        if let Some(first) = title.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        crate::diag::Diagnostic::error(format!("{title} disappeared")).detail(format!(
            "EC2 reports no {kind} {id} right after changing it."
        ))
    })
}

/// CRC-32 (IEEE), the hash Terraform's route and security group rule IDs carry; too small a
/// need for a crate.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
