//! Clean-up always works. For every example: each instance's create is failed in turn (the
//! first create of its type, then the second, …), in each way the clouds fail (a 4xx answer, a 5xx that outlasts the retries, a long-running
//! operation that ends Failed); `destroy` must then succeed and leave the emulators as they
//! were, and a second apply without the fault must converge and re-plan empty. After a full
//! apply, each cloud object is deleted outside clusterform: the plan must show it, and
//! `destroy` must succeed. The number of cases is printed. Each example is two tests (refused
//! creates; other failures and deletions outside), so that they run side by side.

mod common;

use std::collections::BTreeSet;

use common::aws::AwsEmulator;
use common::azure::AzureEmulator;
use common::{attributes, state_addresses, Project, Run};

struct Clouds {
    aws: AwsEmulator,
    azure: AzureEmulator,
}

impl Clouds {
    fn start() -> Clouds {
        let aws = AwsEmulator::start();
        common::s3::create_bucket_named(&aws, "clusterform-example-state");
        Clouds {
            aws,
            azure: AzureEmulator::start(),
        }
    }

    fn env(&self) -> Vec<(String, String)> {
        self.aws.env().into_iter().chain(self.azure.env()).collect()
    }

    fn inventory(&self) -> BTreeSet<String> {
        let mut all = self.aws.inventory();
        all.extend(self.azure.inventory());
        all
    }

    fn clear_faults(&self) {
        self.aws.clear_faults();
        self.azure.clear_faults();
    }

    fn run(&self, p: &Project, args: &[&str]) -> Run {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        p.run_env(args, &env)
    }
}

/// How a create fails.
#[derive(Clone, Copy, Debug)]
enum Failure {
    /// The cloud refuses the request (HTTP 400).
    Refused,
    /// The cloud fails with 5xx on every attempt, so the retries run out.
    ServerErrors,
    /// The request is accepted and the long-running operation ends Failed.
    OperationFailed,
}

/// The create operation of a resource type, and the failures it can meet; nothing for types
/// that make no remote object (`terraform_data`, `time_sleep`, `aws_iam_policy_document`).
fn create_operation(type_name: &str) -> Option<(&'static str, &'static [Failure])> {
    const CALL: &[Failure] = &[Failure::Refused, Failure::ServerErrors];
    const LONG: &[Failure] = &[
        Failure::Refused,
        Failure::ServerErrors,
        Failure::OperationFailed,
    ];
    Some(match type_name {
        "aws_vpc" => ("CreateVpc", CALL),
        "aws_subnet" => ("CreateSubnet", CALL),
        "aws_security_group" => ("CreateSecurityGroup", CALL),
        "aws_vpc_security_group_ingress_rule" => ("AuthorizeSecurityGroupIngress", CALL),
        "aws_vpc_security_group_egress_rule" => ("AuthorizeSecurityGroupEgress", CALL),
        "aws_eks_cluster" => ("CreateCluster", LONG),
        "aws_eip" => ("AllocateAddress", CALL),
        "aws_iam_instance_profile" => ("CreateInstanceProfile", CALL),
        "aws_iam_role" => ("CreateRole", CALL),
        "aws_iam_role_policy" => ("PutRolePolicy", CALL),
        "aws_internet_gateway" => ("CreateInternetGateway", CALL),
        "aws_nat_gateway" => ("CreateNatGateway", CALL),
        "aws_route_table" => ("CreateRouteTable", CALL),
        "aws_route_table_association" => ("AssociateRouteTable", CALL),
        "aws_eks_node_group" => ("CreateNodegroup", LONG),
        "aws_eks_addon" => ("CreateAddon", LONG),
        "aws_eks_access_entry" => ("CreateAccessEntry", CALL),
        "aws_eks_access_policy_association" => ("AssociateAccessPolicy", CALL),
        "aws_vpc_endpoint" => ("CreateVpcEndpoint", CALL),
        "aws_iam_role_policy_attachment" => ("AttachRolePolicy", CALL),
        "azurerm_kubernetes_cluster" => ("ManagedClusters_CreateOrUpdate", LONG),
        _ => return None,
    })
}

/// Fails the create that comes after `skip` others of the same operation.
fn arm(clouds: &Clouds, operation: &str, failure: Failure, skip: u32) {
    let azure = operation.starts_with("ManagedClusters_");
    assert!(
        !azure || skip == 0,
        "the ARM emulator's faults cannot let calls through first; an example with two AKS clusters needs that"
    );
    let aws = |error, times| clouds.aws.fault_after(operation, error, times, skip);
    match (failure, azure) {
        (Failure::Refused, false) => aws("InvalidParameterValue", 1),
        (Failure::ServerErrors, false) => aws("ServerError", 20),
        (Failure::OperationFailed, false) => aws("CreateFailed", 1),
        (Failure::Refused, true) => clouds.azure.fault(operation, 400, 1, 0),
        (Failure::ServerErrors, true) => clouds.azure.fault(operation, 500, 50, 0),
        (Failure::OperationFailed, true) => clouds.azure.fail_next(
            operation,
            "QuotaExceeded",
            "Provisioning of resource(s) for container service failed: the regional vCPU quota is exhausted.",
        ),
    }
}

/// A fresh copy of an example, initialised.
fn example(clouds: &Clouds, name: &str) -> Project {
    let p = Project::example(name);
    clouds.run(&p, &["init"]).success();
    p
}

/// The instance addresses a first plan creates, with their types.
fn planned_creates(clouds: &Clouds, p: &Project) -> Vec<(String, String)> {
    let plan = clouds.run(p, &["plan", "--no-color"]);
    plan.success();
    plan.stdout
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("# ")?
                .strip_suffix(" will be created")
        })
        .map(|addr| {
            let type_name = addr
                .split('.')
                .find(|part| part.contains('_'))
                .unwrap_or(addr);
            (addr.to_string(), type_name.to_string())
        })
        .collect()
}

/// The stored state, wherever the example keeps it (one keeps it in S3).
fn state_of(clouds: &Clouds, p: &Project) -> serde_json::Value {
    let pulled = clouds.run(p, &["state", "pull"]);
    pulled.success();
    if pulled.stdout.trim().is_empty() {
        return serde_json::json!({"resources": []});
    }
    serde_json::from_str(&pulled.stdout).expect("state pull prints JSON")
}

#[track_caller]
fn destroy_leaves_nothing(
    clouds: &Clouds,
    p: &Project,
    before: &BTreeSet<String>,
    case: &str,
) -> Run {
    let run = clouds.run(p, &["destroy", "--auto-approve"]);
    assert_eq!(
        run.code,
        Some(0),
        "{case}: destroy failed\n--- stdout\n{}\n--- stderr\n{}",
        run.stdout,
        run.stderr
    );
    let state = state_of(clouds, p);
    assert!(
        state_addresses(&state).is_empty() && state["pending_creates"].is_null(),
        "{case}: destroy left {state}"
    );
    assert_eq!(&clouds.inventory(), before, "{case}: destroy left objects");
    run
}

#[track_caller]
fn converges(clouds: &Clouds, p: &Project, case: &str) {
    let apply = clouds.run(p, &["apply", "--auto-approve"]);
    assert_eq!(
        apply.code,
        Some(0),
        "{case}: the apply without the fault failed\n--- stderr\n{}",
        apply.stderr
    );
    let plan = clouds.run(p, &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code,
        Some(0),
        "{case}: the plan after it is not empty\n{}",
        plan.stdout
    );
}

/// Which half of an example's clean-up cases a test runs: the refused creates, or the creates
/// that fail with server errors or as failed operations and then the deletions outside.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Half {
    Refused,
    FailedAndDeletedOutside,
}

/// One example, on emulators of its own: each create failed in turn (the ways `half` takes),
/// then, in the second half, each cloud object deleted outside clusterform.
fn cleans_up(name: &str, half: Half) {
    let clouds = Clouds::start();
    let before = clouds.inventory();
    let (mut failed_creates, mut deleted_outside) = (0, 0);
    let mut instances = 0;
    let mut local_only = BTreeSet::new();
    let mut local_made = 0;
    {
        let p = example(&clouds, name);
        let creates = planned_creates(&clouds, &p);
        assert!(!creates.is_empty(), "examples/{name} creates nothing");
        instances += creates.len();
        // Faults target an operation, not an object: instances of one type are covered by
        // failing the first create of that type, then the second, and so on.
        let mut cases: Vec<(&str, u32)> = Vec::new();
        for (_, type_name) in &creates {
            let nth = cases.iter().filter(|(t, _)| t == type_name).count() as u32;
            cases.push((type_name.as_str(), nth));
        }
        for (type_name, nth) in cases {
            let Some((operation, failures)) = create_operation(type_name) else {
                local_only.insert(type_name.to_string());
                local_made += 1;
                continue;
            };
            let ours = |f: &&Failure| matches!(f, Failure::Refused) == (half == Half::Refused);
            for &failure in failures.iter().filter(ours) {
                let case = format!(
                    "examples/{name}, create {} of {type_name} {failure:?}",
                    nth + 1
                );
                arm(&clouds, operation, failure, nth);
                let apply = clouds.run(&p, &["apply", "--auto-approve"]);
                clouds.clear_faults();
                assert_eq!(apply.code, Some(1), "{case}: the apply did not fail");
                let destroy = destroy_leaves_nothing(&clouds, &p, &before, &case);
                // A refused create made nothing: the destroy says it forgets the attempt. A
                // failed operation made an object, which is tainted and destroyed instead.
                let forgets = destroy.stdout.contains("Interrupted creates to forget");
                assert_eq!(
                    forgets,
                    !matches!(failure, Failure::OperationFailed),
                    "{case}: the destroy plan\n{}",
                    destroy.stdout
                );
                converges(&clouds, &p, &case);
                destroy_leaves_nothing(&clouds, &p, &before, &case);
                failed_creates += 1;
            }
        }

        // Each cloud object deleted behind clusterform's back, one at a time.
        clouds.run(&p, &["apply", "--auto-approve"]).success();
        let state = state_of(&clouds, &p);
        let remote: Vec<(String, String)> = creates
            .iter()
            .filter(|_| half == Half::FailedAndDeletedOutside)
            .filter(|(_, t)| matches!(t.as_str(), "aws_eks_cluster" | "azurerm_kubernetes_cluster"))
            .cloned()
            .collect();
        for (addr, type_name) in remote {
            let case = format!("examples/{name}, {addr} deleted outside");
            delete_outside(&clouds, type_name.as_str(), attributes(&state, &addr));
            let plan = clouds.run(&p, &["plan", "--no-color"]);
            assert_eq!(plan.code, Some(0), "{case}: plan failed\n{}", plan.stderr);
            assert!(
                plan.stdout.contains(&format!("# {addr} has been deleted"))
                    && plan.stdout.contains(&format!("# {addr} will be created")),
                "{case}: the plan does not show it\n{}",
                plan.stdout
            );
            destroy_leaves_nothing(&clouds, &p, &before, &case);
            clouds.run(&p, &["apply", "--auto-approve"]).success();
            deleted_outside += 1;
        }
        destroy_leaves_nothing(&clouds, &p, &before, &format!("examples/{name}"));
    }
    eprintln!(
        "clean-up of examples/{name} ({}): {failed_creates} failed-create cases and {deleted_outside} deletions outside clusterform ({instances} instances); no remote object to fail for {local_only:?}",
        if half == Half::Refused { "refused creates" } else { "other failures" }
    );
    assert!(
        failed_creates > 0 || instances == local_made,
        "examples/{name}: no create failed, yet it makes remote objects"
    );
}

/// Two tests per example, one per half of its cases, so that they run side by side (each on
/// its own emulators) instead of one after another.
macro_rules! clean_up_tests {
    ($($test:ident => $name:literal,)*) => {
        $(
            mod $test {
                #[test]
                fn refused_creates() {
                    super::cleans_up($name, super::Half::Refused);
                }

                #[test]
                fn failed_creates_and_deletions_outside() {
                    super::cleans_up($name, super::Half::FailedAndDeletedOutside);
                }
            }
        )*
        const TESTED: &[&str] = &[$($name),*];
    };
}

clean_up_tests! {
    aks_private_byo_dns => "aks-private-byo-dns",
    aks_private_public_fqdn => "aks-private-public-fqdn",
    aks_private_system_dns => "aks-private-system-dns",
    aks_public_authorized_ips => "aks-public-authorized-ips",
    aks_vnet_integration => "aks-vnet-integration",
    eks_fully_private => "eks-fully-private",
    eks_private => "eks-private",
    eks_public => "eks-public",
    eks_public_private => "eks-public-private",
    eks_public_restricted => "eks-public-restricted",
    endpoint_mode_module => "endpoint-mode-module",
    getting_started => "getting-started",
    multi_cloud => "multi-cloud",
    shared_state_s3 => "shared-state-s3",
}

#[test]
fn every_example_has_a_clean_up_test() {
    assert_eq!(
        TESTED.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        common::example_names(),
        "add the example to clean_up_tests!"
    );
}

/// Deletes a cluster (its node groups first) the way someone in the console would, and waits
/// until it is gone.
fn delete_outside(clouds: &Clouds, type_name: &str, attrs: &serde_json::Value) {
    match type_name {
        "aws_eks_cluster" => {
            let name = attrs["name"].as_str().expect("cluster name").to_string();
            let rt = tokio::runtime::Runtime::new().expect("a runtime");
            rt.block_on(async {
                let eks = clouds.aws.eks_client().await;
                // EKS refuses to delete a cluster with node groups: the console deletes them first.
                let groups = eks
                    .list_nodegroups()
                    .cluster_name(&name)
                    .send()
                    .await
                    .expect("ListNodegroups");
                for g in groups.nodegroups() {
                    eks.delete_nodegroup()
                        .cluster_name(&name)
                        .nodegroup_name(g)
                        .send()
                        .await
                        .expect("DeleteNodegroup");
                }
                for _ in 0..200 {
                    let left = eks
                        .list_nodegroups()
                        .cluster_name(&name)
                        .send()
                        .await
                        .expect("ListNodegroups");
                    if left.nodegroups().is_empty() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                eks.delete_cluster()
                    .name(&name)
                    .send()
                    .await
                    .expect("DeleteCluster");
                for _ in 0..200 {
                    let left = eks.list_clusters().send().await.expect("ListClusters");
                    if !left.clusters().iter().any(|c| c == &name) {
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
                panic!("{name} was not deleted");
            });
        }
        _ => {
            let id = attrs["id"].as_str().expect("cluster id");
            let (status, body) = clouds.azure.arm("DELETE", id, None);
            assert!(
                matches!(status, 200 | 202 | 204),
                "DELETE {id}: {status} {body}"
            );
            let gone = clouds
                .azure
                .wait_settled(id, std::time::Duration::from_secs(30));
            assert!(gone.is_null(), "{id} was not deleted: {gone}");
        }
    }
}

#[test]
fn a_failed_create_leaves_a_tainted_object_that_plan_replaces_and_destroy_removes() {
    let clouds = Clouds::start();
    let before = clouds.inventory();
    let p = example(&clouds, "multi-cloud");
    arm(&clouds, "CreateCluster", Failure::OperationFailed, 0);
    arm(
        &clouds,
        "ManagedClusters_CreateOrUpdate",
        Failure::OperationFailed,
        0,
    );
    let apply = clouds.run(&p, &["apply", "--auto-approve"]);
    apply
        .failure()
        .stderr_has(&["Cluster creation failed", "QuotaExceeded"]);
    let state = state_of(&clouds, &p);
    for addr in ["aws_eks_cluster.main", "azurerm_kubernetes_cluster.main"] {
        let status = state["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                format!(
                    "{}.{}",
                    r["type"].as_str().unwrap(),
                    r["name"].as_str().unwrap()
                ) == addr
            })
            .map(|r| r["instances"][0]["status"].clone());
        assert_eq!(
            status,
            Some(serde_json::json!("tainted")),
            "{addr} should be recorded tainted: {state}"
        );
    }
    // The outputs over them are unknown until they are replaced, never an error.
    clouds
        .run(&p, &["plan", "--no-color"])
        .success()
        .stdout_has(&[
            "# aws_eks_cluster.main is tainted, so must be replaced",
            "# azurerm_kubernetes_cluster.main is tainted, so must be replaced",
            "api_servers = {",
            "eks = (known after apply)",
        ]);
    clouds
        .run(&p, &["plan", "--destroy", "--no-color"])
        .success()
        .stdout_has(&["Plan: 0 to add, 0 to change, 5 to destroy."]);
    destroy_leaves_nothing(&clouds, &p, &before, "multi-cloud after failed creates");
    converges(&clouds, &p, "multi-cloud after failed creates");
    destroy_leaves_nothing(&clouds, &p, &before, "multi-cloud at the end");
}

#[test]
fn after_state_rm_the_objects_are_refused_not_taken_and_import_brings_them_back() {
    let clouds = Clouds::start();
    let before = clouds.inventory();
    let p = example(&clouds, "multi-cloud");
    clouds.run(&p, &["apply", "--auto-approve"]).success();
    let state = state_of(&clouds, &p);
    let clusters = ["aws_eks_cluster.main", "azurerm_kubernetes_cluster.main"];
    let ids: Vec<String> = clusters
        .iter()
        .map(|a| {
            attributes(&state, a)["id"]
                .as_str()
                .expect("id")
                .to_string()
        })
        .collect();
    for addr in clusters {
        clouds.run(&p, &["state", "rm", addr]).success();
    }
    clouds
        .run(&p, &["plan", "--no-color"])
        .success()
        .stdout_has(&[
            "# aws_eks_cluster.main will be created",
            "# azurerm_kubernetes_cluster.main will be created",
        ]);
    // The objects are still there, but this state no longer owns them: refused, with the fix.
    clouds
        .run(&p, &["apply", "--auto-approve"])
        .failure()
        .stderr_has(&[
            "EKS cluster shop-eks already exists",
            "AKS cluster",
            "already exists",
            "clusterform import <address>",
        ]);
    assert!(
        state_addresses(&state_of(&clouds, &p))
            .iter()
            .all(|a| !clusters.contains(&a.as_str())),
        "a refused create must not record the object"
    );
    for (addr, id) in clusters.iter().zip(&ids) {
        clouds.run(&p, &["import", addr, id]).success();
    }
    // The failed apply could not record the outputs over the clusters; nothing else changes.
    clouds
        .run(&p, &["apply", "--auto-approve"])
        .success()
        .stdout_has(&["Resources: 0 added, 0 changed, 0 destroyed."]);
    let plan = clouds.run(&p, &["plan", "--detailed-exitcode"]);
    assert_eq!(plan.code, Some(0), "{}", plan.stdout);
    destroy_leaves_nothing(&clouds, &p, &before, "multi-cloud after import");
}

const VPC_AND_SUBNETS: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.2.0/24"
}
"#;

/// An apply killed right after CreateSubnet leaves the subnets as pending creates and the VPC
/// recorded. The destroy finds the subnets by their creation marks, and must delete them
/// before their VPC, which EC2 refuses to delete while it has subnets (DependencyViolation).
/// Found in a chaos round (seed 1796238337078282969): found objects had no dependencies.
#[test]
fn destroy_deletes_found_interrupted_creates_before_what_they_were_made_from() {
    let clouds = Clouds::start();
    let before = clouds.inventory();
    let p = Project::with_files(&[("main.tf", VPC_AND_SUBNETS)]);
    clouds.run(&p, &["apply", "--auto-approve"]).success();

    // The creation mark each subnet carries, as EC2 reports it.
    let marks: Vec<(String, String)> =
        tokio::runtime::Runtime::new()
            .expect("a runtime")
            .block_on(async {
                let ec2 = clouds.aws.ec2_client().await;
                let out = ec2
                    .describe_subnets()
                    .send()
                    .await
                    .expect("DescribeSubnets");
                out.subnets()
                    .iter()
                    .filter_map(|s| {
                        let mark = s
                            .tags()
                            .iter()
                            .find(|t| t.key() == Some("clusterform:creation-id"))?;
                        Some((s.cidr_block()?.to_string(), mark.value()?.to_string()))
                    })
                    .collect()
            });
    assert_eq!(
        marks.len(),
        2,
        "both subnets carry a creation mark: {marks:?}"
    );

    // Rewrite the state as the killed apply would have left it.
    let mut state = p.state();
    let provider = state["resources"][0]["provider"].clone();
    let resources = state["resources"].as_array_mut().expect("resources");
    resources.retain(|r| r["type"] != "aws_subnet");
    let pending: Vec<serde_json::Value> = marks
        .iter()
        .map(|(cidr, mark)| {
            let name = if cidr == "10.0.1.0/24" { "a" } else { "b" };
            serde_json::json!({
                "address": format!("aws_subnet.{name}"),
                "provider": provider,
                "creation_id": mark,
                "started": "2026-12-02T10:00:00Z",
            })
        })
        .collect();
    state["pending_creates"] = serde_json::Value::Array(pending);
    p.write(
        common::STATE,
        &serde_json::to_string_pretty(&state).expect("state JSON"),
    );

    let destroyed = clouds.run(&p, &["destroy", "--auto-approve"]);
    destroyed
        .success()
        .stderr_has(&["aws_vpc.main: Destruction complete"]);
    let at = |line: &str| {
        destroyed
            .stderr
            .find(line)
            .unwrap_or_else(|| panic!("no {line:?} in:\n{}", destroyed.stderr))
    };
    let vpc_starts = at("aws_vpc.main: Destroying");
    for subnet in ["aws_subnet.a", "aws_subnet.b"] {
        assert!(
            at(&format!("{subnet}: Destruction complete")) < vpc_starts,
            "the VPC's delete started before {subnet} was gone:\n{}",
            destroyed.stderr
        );
    }
    assert_eq!(clouds.inventory(), before, "the destroy left objects");
    assert!(state_addresses(&p.state()).is_empty(), "{}", p.state());
}
