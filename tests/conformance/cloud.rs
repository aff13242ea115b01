//! The emulator a conformance case runs against, behind one face: the environment for the
//! binary, the call log, what exists, and deleting an object behind clusterform's back.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::table::Cloud;
use crate::common::aws::AwsEmulator;
use crate::common::azure::AzureEmulator;

pub enum Emulator {
    Aws(AwsEmulator),
    Azure(AzureEmulator),
}

impl Emulator {
    pub fn start(cloud: Cloud) -> Emulator {
        match cloud {
            Cloud::Aws => Emulator::Aws(AwsEmulator::start()),
            Cloud::Azure => Emulator::Azure(AzureEmulator::start()),
        }
    }

    pub fn env(&self) -> Vec<(String, String)> {
        match self {
            Emulator::Aws(e) => e.env(),
            Emulator::Azure(e) => e.env(),
        }
    }

    pub fn calls(&self) -> BTreeMap<String, u64> {
        match self {
            Emulator::Aws(e) => e.calls(),
            Emulator::Azure(e) => e.calls(),
        }
    }

    pub fn reset_calls(&self) {
        match self {
            Emulator::Aws(e) => e.reset_calls(),
            Emulator::Azure(e) => e.reset_calls(),
        }
    }

    /// The calls since the last reset that change something, by operation.
    pub fn mutating_calls(&self) -> BTreeMap<String, u64> {
        self.calls()
            .into_iter()
            .filter(|(op, n)| *n > 0 && mutates(op))
            .collect()
    }

    pub fn inventory(&self) -> BTreeSet<String> {
        match self {
            Emulator::Aws(e) => e.inventory(),
            Emulator::Azure(e) => e.inventory(),
        }
    }

    /// Deletes the object `attrs` describes with the cloud's own API, and waits until it is
    /// gone, as an operator with the console would.
    pub fn delete_outside(&self, type_name: &str, attrs: &Json) {
        let text = |k: &str| -> String {
            attrs[k]
                .as_str()
                .unwrap_or_else(|| panic!("{type_name} has no {k} in the state: {attrs}"))
                .to_string()
        };
        match self {
            Emulator::Aws(e) => {
                let rt = tokio::runtime::Runtime::new().expect("a runtime");
                rt.block_on(async {
                    let ec2 = e.ec2_client().await;
                    match type_name {
                        "aws_vpc" => drop(
                            ec2.delete_vpc()
                                .vpc_id(text("id"))
                                .send()
                                .await
                                .expect("DeleteVpc"),
                        ),
                        "aws_subnet" => drop(
                            ec2.delete_subnet()
                                .subnet_id(text("id"))
                                .send()
                                .await
                                .expect("DeleteSubnet"),
                        ),
                        "aws_security_group" => drop(
                            ec2.delete_security_group()
                                .group_id(text("id"))
                                .send()
                                .await
                                .expect("DeleteSecurityGroup"),
                        ),
                        "aws_vpc_security_group_ingress_rule" => drop(
                            ec2.revoke_security_group_ingress()
                                .group_id(text("security_group_id"))
                                .security_group_rule_ids(text("security_group_rule_id"))
                                .send()
                                .await
                                .expect("RevokeSecurityGroupIngress"),
                        ),
                        // The group's rules of the resource's direction: the only ones the
                        // conformance groups have.
                        "aws_security_group_rule" => {
                            let group = text("security_group_id");
                            let egress = text("type") == "egress";
                            let rules = ec2
                                .describe_security_group_rules()
                                .filters(
                                    aws_sdk_ec2::types::Filter::builder()
                                        .name("group-id")
                                        .values(&group)
                                        .build(),
                                )
                                .send()
                                .await
                                .expect("DescribeSecurityGroupRules");
                            let ids: Vec<String> = rules
                                .security_group_rules()
                                .iter()
                                .filter(|r| r.is_egress() == Some(egress))
                                .filter_map(|r| r.security_group_rule_id().map(str::to_string))
                                .collect();
                            if egress {
                                drop(
                                    ec2.revoke_security_group_egress()
                                        .group_id(&group)
                                        .set_security_group_rule_ids(Some(ids))
                                        .send()
                                        .await
                                        .expect("RevokeSecurityGroupEgress"),
                                )
                            } else {
                                drop(
                                    ec2.revoke_security_group_ingress()
                                        .group_id(&group)
                                        .set_security_group_rule_ids(Some(ids))
                                        .send()
                                        .await
                                        .expect("RevokeSecurityGroupIngress"),
                                )
                            }
                        }
                        "aws_vpc_endpoint" => drop(
                            ec2.delete_vpc_endpoints()
                                .vpc_endpoint_ids(text("id"))
                                .send()
                                .await
                                .expect("DeleteVpcEndpoints"),
                        ),
                        "aws_vpc_security_group_egress_rule" => drop(
                            ec2.revoke_security_group_egress()
                                .group_id(text("security_group_id"))
                                .security_group_rule_ids(text("security_group_rule_id"))
                                .send()
                                .await
                                .expect("RevokeSecurityGroupEgress"),
                        ),
                        "aws_eip" => drop(
                            ec2.release_address()
                                .allocation_id(text("id"))
                                .send()
                                .await
                                .expect("ReleaseAddress"),
                        ),
                        "aws_internet_gateway" => {
                            let id = text("id");
                            if let Some(vpc) = attrs["vpc_id"].as_str().filter(|v| !v.is_empty()) {
                                ec2.detach_internet_gateway()
                                    .internet_gateway_id(&id)
                                    .vpc_id(vpc)
                                    .send()
                                    .await
                                    .expect("DetachInternetGateway");
                            }
                            ec2.delete_internet_gateway()
                                .internet_gateway_id(&id)
                                .send()
                                .await
                                .expect("DeleteInternetGateway");
                        }
                        "aws_nat_gateway" => drop(
                            ec2.delete_nat_gateway()
                                .nat_gateway_id(text("id"))
                                .send()
                                .await
                                .expect("DeleteNatGateway"),
                        ),
                        "aws_route_table" => drop(
                            ec2.delete_route_table()
                                .route_table_id(text("id"))
                                .send()
                                .await
                                .expect("DeleteRouteTable"),
                        ),
                        "aws_route" => drop(
                            ec2.delete_route()
                                .route_table_id(text("route_table_id"))
                                .destination_cidr_block(text("destination_cidr_block"))
                                .send()
                                .await
                                .expect("DeleteRoute"),
                        ),
                        "aws_route_table_association" => drop(
                            ec2.disassociate_route_table()
                                .association_id(text("id"))
                                .send()
                                .await
                                .expect("DisassociateRouteTable"),
                        ),
                        "aws_iam_policy" => {
                            let iam = e.iam_client().await;
                            let arn = text("arn");
                            let versions = iam
                                .list_policy_versions()
                                .policy_arn(&arn)
                                .send()
                                .await
                                .expect("ListPolicyVersions");
                            for v in versions
                                .versions()
                                .iter()
                                .filter(|v| !v.is_default_version())
                            {
                                iam.delete_policy_version()
                                    .policy_arn(&arn)
                                    .version_id(v.version_id().unwrap_or_default())
                                    .send()
                                    .await
                                    .expect("DeletePolicyVersion");
                            }
                            iam.delete_policy()
                                .policy_arn(&arn)
                                .send()
                                .await
                                .expect("DeletePolicy");
                        }
                        "aws_iam_openid_connect_provider" => {
                            let iam = e.iam_client().await;
                            iam.delete_open_id_connect_provider()
                                .open_id_connect_provider_arn(text("arn"))
                                .send()
                                .await
                                .expect("DeleteOpenIDConnectProvider");
                        }
                        "aws_iam_role" => {
                            let iam = e.iam_client().await;
                            iam.delete_role()
                                .role_name(text("name"))
                                .send()
                                .await
                                .expect("DeleteRole");
                        }
                        "aws_iam_instance_profile" => {
                            let iam = e.iam_client().await;
                            if let Some(role) = attrs["role"].as_str() {
                                iam.remove_role_from_instance_profile()
                                    .instance_profile_name(text("name"))
                                    .role_name(role)
                                    .send()
                                    .await
                                    .expect("RemoveRoleFromInstanceProfile");
                            }
                            iam.delete_instance_profile()
                                .instance_profile_name(text("name"))
                                .send()
                                .await
                                .expect("DeleteInstanceProfile");
                        }
                        "aws_iam_role_policy" => {
                            let iam = e.iam_client().await;
                            iam.delete_role_policy()
                                .role_name(text("role"))
                                .policy_name(text("name"))
                                .send()
                                .await
                                .expect("DeleteRolePolicy");
                        }
                        "aws_iam_role_policy_attachment" => {
                            let iam = e.iam_client().await;
                            iam.detach_role_policy()
                                .role_name(text("role"))
                                .policy_arn(text("policy_arn"))
                                .send()
                                .await
                                .expect("DetachRolePolicy");
                        }
                        "aws_eks_node_group" => {
                            let eks = e.eks_client().await;
                            let (cluster, name) = (text("cluster_name"), text("node_group_name"));
                            eks.delete_nodegroup()
                                .cluster_name(&cluster)
                                .nodegroup_name(&name)
                                .send()
                                .await
                                .expect("DeleteNodegroup");
                            let started = Instant::now();
                            while eks
                                .describe_nodegroup()
                                .cluster_name(&cluster)
                                .nodegroup_name(&name)
                                .send()
                                .await
                                .is_ok()
                            {
                                assert!(
                                    started.elapsed() < Duration::from_secs(30),
                                    "{name} is still there"
                                );
                                tokio::time::sleep(Duration::from_millis(100)).await;
                            }
                        }
                        "aws_eks_access_entry" => {
                            let eks = e.eks_client().await;
                            eks.delete_access_entry()
                                .cluster_name(text("cluster_name"))
                                .principal_arn(text("principal_arn"))
                                .send()
                                .await
                                .expect("DeleteAccessEntry");
                        }
                        "aws_eks_access_policy_association" => {
                            let eks = e.eks_client().await;
                            eks.disassociate_access_policy()
                                .cluster_name(text("cluster_name"))
                                .principal_arn(text("principal_arn"))
                                .policy_arn(text("policy_arn"))
                                .send()
                                .await
                                .expect("DisassociateAccessPolicy");
                        }
                        "aws_eks_addon" => {
                            let eks = e.eks_client().await;
                            let (cluster, name) = (text("cluster_name"), text("addon_name"));
                            eks.delete_addon()
                                .cluster_name(&cluster)
                                .addon_name(&name)
                                .send()
                                .await
                                .expect("DeleteAddon");
                            let started = Instant::now();
                            while eks
                                .describe_addon()
                                .cluster_name(&cluster)
                                .addon_name(&name)
                                .send()
                                .await
                                .is_ok()
                            {
                                assert!(
                                    started.elapsed() < Duration::from_secs(30),
                                    "{name} is still there"
                                );
                                tokio::time::sleep(Duration::from_millis(100)).await;
                            }
                        }
                        "aws_eks_cluster" => {
                            let eks = e.eks_client().await;
                            let name = text("name");
                            eks.delete_cluster()
                                .name(&name)
                                .send()
                                .await
                                .expect("DeleteCluster");
                            let started = Instant::now();
                            while eks.describe_cluster().name(&name).send().await.is_ok() {
                                assert!(
                                    started.elapsed() < Duration::from_secs(30),
                                    "{name} is still there"
                                );
                                tokio::time::sleep(Duration::from_millis(100)).await;
                            }
                        }
                        other => {
                            panic!("the conformance harness cannot delete {other} yet: add it here")
                        }
                    }
                });
            }
            Emulator::Azure(e) => {
                let id = text("id");
                let (status, body) = e.arm("DELETE", &id, None);
                assert!(
                    matches!(status, 200 | 202 | 204),
                    "DELETE {id}: {status} {body}"
                );
                let gone = e.wait_settled(&id, Duration::from_secs(30));
                assert!(gone.is_null(), "{id} is still there: {gone}");
            }
        }
        self.reset_calls();
    }
}

/// Whether an operation of the call log changes something: reads, token requests and the
/// polling of long-running operations do not.
fn mutates(op: &str) -> bool {
    let verb = op.rsplit('_').next().unwrap_or(op);
    let reads = ["Describe", "Get", "List"];
    !reads.iter().any(|r| verb.starts_with(r))
        && !matches!(op, "Token" | "OperationStatus" | "OperationResult")
}

#[test]
fn reads_and_polling_do_not_count_as_changes() {
    assert!(!mutates("DescribeVpcs"));
    assert!(!mutates("ManagedClusters_Get"));
    assert!(!mutates("ManagedClusters_ListByResourceGroup"));
    assert!(!mutates("GetCallerIdentity"));
    assert!(!mutates("OperationStatus"));
    assert!(mutates("CreateTags"));
    assert!(mutates("ManagedClusters_CreateOrUpdate"));
    assert!(mutates("ManagedClusters_UpdateTags"));
}
