//! End-to-end EKS scenarios: HCL through the real binary against the local AWS emulator.

mod common;

use common::aws::AwsEmulator;
use common::{Project, Run};

const NETWORK: &str = r#"
provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = DNS_HOSTNAMES
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.2.0/24"
  availability_zone = "us-east-1b"
}
"#;

fn cluster(endpoint: &str) -> String {
    format!(
        r#"
resource "aws_eks_cluster" "dev" {{
  name     = "dev"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {{
    subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
{endpoint}
  }}
}}
"#
    )
}

fn project(endpoint: &str, dns_hostnames: bool) -> Project {
    let network = NETWORK.replace(
        "DNS_HOSTNAMES",
        if dns_hostnames { "true" } else { "false" },
    );
    Project::with_files(&[("network.tf", &network), ("cluster.tf", &cluster(endpoint))])
}

fn run(p: &Project, emu: &AwsEmulator, args: &[&str]) -> Run {
    let env = emu.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    p.run_env(args, &env)
}

fn set_endpoint(p: &Project, endpoint: &str) {
    p.write("cluster.tf", &cluster(endpoint));
}

fn cluster_state(p: &Project) -> serde_json::Value {
    let state = p.state();
    state["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "aws_eks_cluster"))
        .map(|r| r["instances"][0]["attributes"].clone())
        .unwrap_or(serde_json::Value::Null)
}

const PUBLIC_PRIVATE: &str = "    endpoint_private_access = true\n    public_access_cidrs     = [\"203.0.113.0/24\", \"198.51.100.0/24\"]";
const PRIVATE_ONLY: &str =
    "    endpoint_private_access = true\n    endpoint_public_access  = false";

#[test]
fn a_public_cluster_is_created_and_then_plans_clean() {
    let emu = AwsEmulator::start();
    let p = project("", false);
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stdout_has(&[
            "API server endpoint: public (0.0.0.0/0) (new cluster)",
            "Apply complete! Resources: 4 added",
        ])
        .stderr_has(&[
            "Finding: public API server endpoint open to the internet",
            "aws_eks_cluster.dev: Creation complete",
        ]);
    let c = cluster_state(&p);
    assert_eq!(c["status"], "ACTIVE");
    assert_eq!(
        c["vpc_config"][0]["public_access_cidrs"],
        serde_json::json!(["0.0.0.0/0"])
    );
    assert!(
        c["endpoint"]
            .as_str()
            .is_some_and(|e| e.starts_with("https://")),
        "{c}"
    );
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);

    // The refresh's calls, one line each and counted, as the azurerm provider shows them.
    let env = emu.env();
    let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    env.push(("CLUSTERFORM_LOG", "debug"));
    let logged = p.run_env(&["plan"], &env);
    logged.success().stderr_has(&[
        "aws: EKS DescribeCluster http://127.0.0.1:",
        "/clusters/dev -> 200",
        "[debug] provider aws: ",
        "API calls while planning: ",
        "DescribeCluster=1",
    ]);
    assert!(!logged.stderr.contains("testing"), "{}", logged.stderr);
}

#[test]
fn endpoint_transitions_send_one_update_each_and_replan_clean() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let steps = [
        (PUBLIC_PRIVATE, "API server endpoint: public (0.0.0.0/0) → public (198.51.100.0/24, 203.0.113.0/24) and private"),
        (PRIVATE_ONLY, "→ private only — kubectl, helm and CI from outside the VPC will stop working"),
        ("", "API server endpoint: private only → public (0.0.0.0/0) — the API server becomes reachable from the whole internet"),
    ];
    for (endpoint, line) in steps {
        set_endpoint(&p, endpoint);
        run(&p, &emu, &["plan", "--detailed-exitcode"])
            .code(2)
            .stdout_has(&[line, "Plan: 0 to add, 1 to change, 0 to destroy."]);
        emu.reset_calls();
        run(&p, &emu, &["apply", "--auto-approve"]).success();
        assert_eq!(
            emu.calls().get("UpdateClusterConfig").copied(),
            Some(1),
            "exactly one update per transition"
        );
        run(&p, &emu, &["plan", "--detailed-exitcode"])
            .success()
            .stdout_has(&["No changes."]);
    }
    let vpc = &cluster_state(&p)["vpc_config"][0];
    assert_eq!(vpc["endpoint_private_access"], false);
    assert_eq!(vpc["public_access_cidrs"], serde_json::json!(["0.0.0.0/0"]));
}

#[test]
fn both_endpoints_disabled_is_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = project(
        "    endpoint_public_access  = false\n    endpoint_private_access = false",
        true,
    );
    emu.reset_calls();
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Cluster would have no API server endpoint",
        "private access must be enabled to disable public access",
        "cluster.tf:",
    ]);
    let mutating: u64 = emu
        .calls()
        .iter()
        .filter(|(k, _)| !k.starts_with("Describe"))
        .map(|(_, n)| n)
        .sum();
    assert_eq!(mutating, 0, "no change may be sent: {:?}", emu.calls());
    assert_eq!(
        emu.calls().values().sum::<u64>(),
        0,
        "not even a read: {:?}",
        emu.calls()
    );
}

#[test]
fn a_cluster_role_that_does_not_trust_eks_is_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    let role = r#"
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "dev-cluster"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
"#;
    p.write("iam.tf", role);
    p.edit(
        "cluster.tf",
        "\"arn:aws:iam::123456789012:role/eks-cluster\"",
        "aws_iam_role.cluster.arn",
    );
    emu.reset_calls();
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: The cluster's role does not trust EKS",
        "cluster.tf:",
        "aws_eks_cluster.dev runs as aws_iam_role.cluster",
        "identifiers = [\"eks.amazonaws.com\"]",
    ]);
    assert_eq!(
        emu.calls().values().sum::<u64>(),
        0,
        "not even a read: {:?}",
        emu.calls()
    );
    // The same configuration with a role EKS may assume plans.
    p.edit("iam.tf", "ec2.amazonaws.com", "eks.amazonaws.com");
    run(&p, &emu, &["plan"]).success();
}

#[test]
fn a_private_endpoint_on_a_vpc_without_dns_hostnames_is_refused_at_plan_time() {
    let emu = AwsEmulator::start();
    let p = project(PRIVATE_ONLY, false);
    emu.reset_calls();
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Private EKS endpoint needs VPC DNS",
        "network.tf:",
        "enable_dns_hostnames = true",
    ]);
    assert!(
        emu.calls().keys().all(|k| k.starts_with("Describe")),
        "{:?}",
        emu.calls()
    );
}

#[test]
fn an_update_that_arrives_during_another_waits_and_succeeds() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    emu.fault("UpdateClusterConfig", "ResourceInUseException", 2);
    set_endpoint(&p, PUBLIC_PRIVATE);
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stderr_has(&["another update is in progress"]);
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
}

#[test]
fn refresh_reads_are_batched_per_type() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    emu.reset_calls();
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    let calls = emu.calls();
    assert_eq!(calls.get("DescribeSubnets").copied(), Some(1), "{calls:?}");
    assert_eq!(calls.get("DescribeVpcs").copied(), Some(1), "{calls:?}");
    assert_eq!(calls.get("DescribeCluster").copied(), Some(1), "{calls:?}");
}

#[test]
fn destroy_removes_everything() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    run(&p, &emu, &["destroy", "--auto-approve"])
        .success()
        .stdout_has(&["Destroy complete! Resources: 4 destroyed."]);
    assert_eq!(run(&p, &emu, &["state", "list"]).stdout, "");
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&["Plan: 4 to add"]);
}

#[test]
fn import_adopts_an_existing_cluster_with_no_diff() {
    let emu = AwsEmulator::start();
    let first = project(PUBLIC_PRIVATE, true);
    run(&first, &emu, &["apply", "--auto-approve"]).success();
    let state = first.state();
    let id_of = |ty: &str, name: &str| -> String {
        state["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["type"] == ty && r["name"] == name))
            .and_then(|r| r["instances"][0]["attributes"]["id"].as_str())
            .unwrap_or_default()
            .to_string()
    };
    let second = project(PUBLIC_PRIVATE, true);
    for (addr, ty, name) in [
        ("aws_vpc.main", "aws_vpc", "main"),
        ("aws_subnet.a", "aws_subnet", "a"),
        ("aws_subnet.b", "aws_subnet", "b"),
        ("aws_eks_cluster.dev", "aws_eks_cluster", "dev"),
    ] {
        run(&second, &emu, &["import", addr, &id_of(ty, name)])
            .success()
            .stdout_has(&["Import successful!"]);
    }
    run(&second, &emu, &["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);
}

#[test]
fn plain_moto_without_update_objects_is_handled() {
    let emu = AwsEmulator::start_plain();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    set_endpoint(&p, PUBLIC_PRIVATE);
    // Plain moto answers UpdateClusterConfig without an update object: clusterform must fall
    // back to watching the cluster's status instead of waiting for an update forever.
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stderr_has(&["aws_eks_cluster.dev: Modifications complete"]);
}

#[test]
fn drift_made_behind_clusterforms_back_is_reported_and_corrected() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let eks = emu.eks_client().await;
        let vpc = aws_sdk_eks::types::VpcConfigRequest::builder()
            .endpoint_private_access(true)
            .build();
        eks.update_cluster_config()
            .name("dev")
            .resources_vpc_config(vpc)
            .send()
            .await
            .expect("update behind clusterform's back");
        for _ in 0..100 {
            let c = eks
                .describe_cluster()
                .name("dev")
                .send()
                .await
                .expect("describe");
            if c.cluster().and_then(|c| c.status()).map(|s| s.as_str()) == Some("ACTIVE") {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    });
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "Note: Objects have changed outside of clusterform",
            "# aws_eks_cluster.dev has changed",
            "~ endpoint_private_access = false -> true",
            "API server endpoint: public (0.0.0.0/0) and private → public (0.0.0.0/0)",
        ]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    assert_eq!(
        cluster_state(&p)["vpc_config"][0]["endpoint_private_access"],
        false
    );
}

/// Starts an apply against an emulator whose clusters take 4 s to create, and kills it
/// (SIGKILL) while the cluster is being created, after everything else was.
fn killed_while_the_cluster_is_created(emu: &AwsEmulator) -> Project {
    let p = project("", true);
    let env = emu.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut bg = p.spawn_env(&["apply", "--auto-approve"], &env);
    common::wait_until(
        std::time::Duration::from_secs(30),
        "the cluster creation to start",
        || {
            bg.stderr_so_far()
                .contains("aws_eks_cluster.dev: Creating...")
        },
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    bg.kill();
    let state = p.state();
    let types: Vec<&str> = state["resources"]
        .as_array()
        .map(|rs| rs.iter().filter_map(|r| r["type"].as_str()).collect())
        .unwrap_or_default();
    assert!(
        types.contains(&"aws_subnet") && !types.contains(&"aws_eks_cluster"),
        "{types:?}"
    );
    assert_eq!(
        state["pending_creates"][0]["address"], "aws_eks_cluster.dev",
        "{state}"
    );
    p
}

#[test]
fn an_apply_killed_while_the_cluster_is_created_resumes_on_the_next_apply() {
    let emu = AwsEmulator::start_slow("4");
    let p = killed_while_the_cluster_is_created(&emu);
    // The killed run's lock died with it: the next apply needs no force-unlock.
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stderr_has(&["took it over", "finishing it"]);
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    assert!(p.state()["pending_creates"].is_null(), "{}", p.state());
}

#[test]
fn a_destroy_after_a_killed_create_deletes_what_the_create_made() {
    let emu = AwsEmulator::start_slow("4");
    let p = killed_while_the_cluster_is_created(&emu);
    // The cluster exists in EKS but not in the state: the destroy finds it by its mark.
    run(&p, &emu, &["destroy", "--auto-approve"])
        .success()
        .stdout_has(&[
            "aws_eks_cluster.dev will be destroyed",
            "found it by its creation id",
            "Destroy complete! Resources: 4 destroyed.",
        ]);
    let state = p.state();
    assert!(state["pending_creates"].is_null(), "{state}");
    assert!(common::state_addresses(&state).is_empty(), "{state}");
    let clusters = tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async { emu.eks_client().await.list_clusters().send().await })
        .expect("ListClusters");
    assert!(clusters.clusters().is_empty(), "{:?}", clusters.clusters());
}

#[test]
fn a_second_state_never_takes_over_a_cluster_it_did_not_create() {
    let emu = AwsEmulator::start();
    let first = project("", true);
    run(&first, &emu, &["apply", "--auto-approve"]).success();
    // A colleague's copy of the same configuration, with a state of its own.
    let second = project("", true);
    let refused = run(&second, &emu, &["apply", "--auto-approve"]);
    refused.failure().stderr_has(&[
        "EKS cluster dev already exists",
        "ResourceInUseException",
        "clusterform import <address> dev",
    ]);
    assert!(
        !refused.stderr.contains("finishing it"),
        "{}",
        refused.stderr
    );
    let types: Vec<String> = common::state_addresses(&second.state());
    assert!(
        !types.iter().any(|a| a.starts_with("aws_eks_cluster")),
        "{types:?}"
    );
    // Destroying the copy deletes only what the copy made; the first keeps its cluster.
    run(&second, &emu, &["destroy", "--auto-approve"]).success();
    run(&first, &emu, &["plan", "--detailed-exitcode"]).success();
    assert_eq!(cluster_state(&first)["name"], "dev");
}

#[test]
fn data_sources_build_on_existing_networks() {
    let emu = AwsEmulator::start();
    let net = project("", true);
    run(&net, &emu, &["apply", "--auto-approve"]).success();
    let vpc_id = net.state()["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "aws_vpc"))
        .and_then(|r| {
            r["instances"][0]["attributes"]["id"]
                .as_str()
                .map(str::to_string)
        })
        .expect("vpc id");
    let lookup = Project::with_files(&[(
        "main.tf",
        &format!(
            "provider \"aws\" {{\n  region = \"us-east-1\"\n}}\n\ndata \"aws_vpc\" \"shared\" {{\n  id = \"{vpc_id}\"\n}}\n\ndata \"aws_eks_cluster\" \"dev\" {{\n  name = \"dev\"\n}}\n\noutput \"cidr\" {{\n  value = data.aws_vpc.shared.cidr_block\n}}\n\noutput \"private\" {{\n  value = data.aws_eks_cluster.dev.vpc_config[0].endpoint_private_access\n}}\n"
        ),
    )]);
    run(&lookup, &emu, &["apply", "--auto-approve"]).success();
    run(&lookup, &emu, &["output", "cidr"])
        .success()
        .stdout_has(&["\"10.0.0.0/16\""]);
    run(&lookup, &emu, &["output", "private"])
        .success()
        .stdout_has(&["false"]);
}

#[test]
fn missing_credentials_say_what_was_tried() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    let mut env = emu.env();
    env.retain(|(k, _)| {
        !k.starts_with("AWS_ACCESS_KEY_ID") && !k.starts_with("AWS_SECRET_ACCESS_KEY")
    });
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = p.run_env(&["plan"], &env);
    r.failure().stderr_has(&[
        "error: No AWS credentials",
        "environment variables (AWS_ACCESS_KEY_ID",
        "instance metadata",
    ]);
}

#[test]
fn throttling_is_retried() {
    let emu = AwsEmulator::start();
    let p = project("", true);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    emu.fault("DescribeCluster", "ThrottlingException", 2);
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);
    assert!(
        emu.calls().get("DescribeCluster").copied().unwrap_or(0) >= 3,
        "{:?}",
        emu.calls()
    );
}

#[test]
fn account_region_partition_zones_subnets_and_roles_are_read_as_terraform_names_them() {
    let emu = AwsEmulator::start();
    let p = Project::with_files(&[(
        "main.tf",
        r#"
provider "aws" {
  region = "us-east-1"
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

data "aws_availability_zones" "available" {
  state         = "available"
  exclude_names = ["us-east-1f"]
}

output "role_arn_prefix" {
  value = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:role/"
}

output "region" {
  value = "${data.aws_region.current.region} ${data.aws_region.current.endpoint}"
}

output "zones" {
  value = data.aws_availability_zones.available.names
}

resource "aws_iam_role" "made_here" {
  name = "made-here"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "eks.amazonaws.com" } }]
  })
}

data "aws_iam_role" "found" {
  name       = "made-here"
  depends_on = [aws_iam_role.made_here]
}

output "role_found" {
  value = data.aws_iam_role.found.arn == aws_iam_role.made_here.arn && jsondecode(data.aws_iam_role.found.assume_role_policy).Statement[0].Principal.Service == "eks.amazonaws.com"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count      = 2
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.${count.index}.0/24"
  tags = {
    tier = "private"
  }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [aws_vpc.main.id]
  }
  tags = {
    tier = "private"
  }
  depends_on = [aws_subnet.private]
}

output "subnets_found" {
  value = length(data.aws_subnets.private.ids) == 2 && alltrue([for id in aws_subnet.private[*].id : contains(data.aws_subnets.private.ids, id)])
}
"#,
    )]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let out = |name: &str| {
        let r = run(&p, &emu, &["output", "--json", name]);
        r.success();
        serde_json::from_str::<serde_json::Value>(&r.stdout).expect("JSON output")
    };
    assert_eq!(out("role_arn_prefix"), "arn:aws:iam::123456789012:role/");
    assert_eq!(out("region"), "us-east-1 ec2.us-east-1.amazonaws.com");
    let zones: Vec<String> = serde_json::from_value(out("zones")).expect("a list of names");
    assert!(zones.len() >= 2, "{zones:?}");
    assert!(zones.windows(2).all(|w| w[0] < w[1]), "sorted: {zones:?}");
    assert!(!zones.iter().any(|z| z == "us-east-1f"), "{zones:?}");
    assert!(
        zones.iter().all(|z| z.starts_with("us-east-1")),
        "{zones:?}"
    );
    emu.reset_calls();
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    assert_eq!(
        emu.calls().get("GetCallerIdentity"),
        Some(&1),
        "{:?}",
        emu.calls()
    );
    assert_eq!(
        emu.calls().get("DescribeAvailabilityZones"),
        Some(&1),
        "{:?}",
        emu.calls()
    );
    // As in Terraform, a destroyed configuration leaves no data source behind in the state.
    run(&p, &emu, &["destroy", "--auto-approve"]).success();
    assert_eq!(p.state()["resources"], serde_json::json!([]));
}

/// The restricted example, initialised, with the emulator's calls counted from here.
fn restricted(emu: &AwsEmulator) -> Project {
    let p = Project::example("eks-public-restricted");
    run(&p, emu, &["init"]).success();
    emu.reset_calls();
    p
}

fn no_calls(emu: &AwsEmulator) {
    assert_eq!(
        emu.calls().values().sum::<u64>(),
        0,
        "not even a read: {:?}",
        emu.calls()
    );
}

#[test]
fn nodes_behind_a_nat_the_public_endpoint_refuses_are_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = restricted(&emu);
    p.edit(
        "main.tf",
        "[var.office_cidr, \"${aws_eip.nat.public_ip}/32\"]",
        "[var.office_cidr]",
    );
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Nodes cannot reach the API server",
        "main.tf:",
        "aws_eks_node_group.default runs in aws_subnet.private",
        "leaves through aws_nat_gateway.main from the address aws_eip.nat gets at apply",
        "accepts only 203.0.113.0/24 and its private endpoint is off",
        "set endpoint_private_access = true",
        "\"${aws_eip.nat.public_ip}/32\"",
    ]);
    no_calls(&emu);
    // Either fix plans: the private endpoint for the nodes ...
    p.edit(
        "main.tf",
        "endpoint_private_access = false",
        "endpoint_private_access = true",
    );
    run(&p, &emu, &["plan"]).success();
    // ... or the NAT gateway's address in the CIDRs (the example as written).
    p.edit(
        "main.tf",
        "endpoint_private_access = true",
        "endpoint_private_access = false",
    );
    p.edit(
        "main.tf",
        "[var.office_cidr]",
        "[var.office_cidr, \"${aws_eip.nat.public_ip}/32\"]",
    );
    run(&p, &emu, &["plan"]).success();
}

#[test]
fn nodes_in_public_subnets_with_a_restricted_public_endpoint_are_refused() {
    let emu = AwsEmulator::start();
    let p = restricted(&emu);
    p.edit(
        "main.tf",
        "  subnet_ids      = aws_subnet.private[*].id",
        "  subnet_ids      = aws_subnet.public[*].id",
    );
    p.edit(
        "main.tf",
        "[var.office_cidr, \"${aws_eip.nat.public_ip}/32\"]",
        "[var.office_cidr]",
    );
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Nodes cannot reach the API server",
        "aws_eks_node_group.default runs in aws_subnet.public, which routes straight to an internet gateway",
    ]);
    no_calls(&emu);
}

#[test]
fn a_node_role_that_cannot_work_is_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = restricted(&emu);
    p.edit(
        "iam.tf",
        "identifiers = [\"ec2.amazonaws.com\"]",
        "identifiers = [\"lambda.amazonaws.com\"]",
    );
    p.edit(
        "iam.tf",
        "    \"arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy\",\n",
        "",
    );
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: The node role does not trust EC2",
        "aws_eks_node_group.default's nodes run as aws_iam_role.nodes",
        "error: The node role lacks the node policies",
        "not AmazonEKSWorkerNodePolicy: its nodes could not register with the cluster",
    ]);
    no_calls(&emu);
    // Without any attachment here, the policies are said to be unchecked, and the plan goes on.
    p.edit(
        "iam.tf",
        "identifiers = [\"lambda.amazonaws.com\"]",
        "identifiers = [\"ec2.amazonaws.com\"]",
    );
    let iam = p.read("iam.tf");
    let cut = iam
        .find("resource \"aws_iam_role_policy_attachment\" \"nodes\"")
        .expect("the node attachments");
    p.write("iam.tf", &iam[..cut]);
    p.edit("main.tf", "    aws_iam_role_policy_attachment.nodes,\n", "");
    run(&p, &emu, &["plan"]).success().stderr_has(&[
        "warning: The node role's policies cannot be checked",
        "No aws_iam_role_policy_attachment in this configuration attaches a policy to aws_iam_role.nodes",
    ]);
}

#[test]
fn a_cluster_nobody_could_administer_is_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = restricted(&emu);
    p.edit(
        "main.tf",
        "  role_arn = aws_iam_role.cluster.arn\n",
        "  role_arn = aws_iam_role.cluster.arn\n\n  access_config {\n    authentication_mode                         = \"API\"\n    bootstrap_cluster_creator_admin_permissions = false\n  }\n",
    );
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Nobody could run kubectl on this cluster",
        "main.tf:",
        "authentication_mode = \"API\"",
        "Nobody could run kubectl, or add an administrator later",
        "AmazonEKSClusterAdminPolicy",
    ]);
    no_calls(&emu);
    // An access entry with the cluster-admin policy is the way in.
    p.write(
        "admins.tf",
        r#"resource "aws_eks_access_entry" "admins" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = "arn:aws:iam::123456789012:role/platform-admins"
}

resource "aws_eks_access_policy_association" "admins" {
  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.admins.principal_arn
  policy_arn    = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}
"#,
    );
    run(&p, &emu, &["plan"]).success();
}

/// The fully private example, initialised, with the emulator's calls counted from here.
fn fully_private(emu: &AwsEmulator) -> Project {
    let p = Project::example("eks-fully-private");
    run(&p, emu, &["init"]).success();
    emu.reset_calls();
    p
}

/// The plan read `data "aws_caller_identity"` (the admins role trusts the account) and made
/// no other call: the checks refuse it before any refresh or change.
fn only_its_data_source_read(emu: &AwsEmulator) {
    let calls = emu.calls();
    assert_eq!(
        calls.keys().collect::<Vec<_>>(),
        ["GetCallerIdentity"],
        "{calls:?}"
    );
}

#[test]
fn isolated_nodes_without_the_ecr_and_s3_endpoints_are_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = fully_private(&emu);
    p.edit(
        "network.tf",
        "toset([\"ec2\", \"ecr.api\", \"ecr.dkr\", \"sts\", \"logs\", \"eks\"])",
        "toset([\"ec2\", \"ecr.api\", \"sts\", \"logs\", \"eks\"])",
    );
    let network = p.read("network.tf");
    let cut = network
        .find("# Image layers come from S3")
        .expect("the S3 endpoint");
    p.write("network.tf", &network[..cut]);
    p.edit("main.tf", "    aws_vpc_endpoint.s3,\n", "");
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Nodes cannot pull their images",
        "main.tf:",
        "aws_eks_node_group.default runs in aws_subnet.private, which have no route out of the VPC",
        "aws_vpc.main has no endpoint for: ecr.dkr (images come from ECR); s3 (a Gateway endpoint",
        "add an aws_vpc_endpoint for each",
    ]);
    only_its_data_source_read(&emu);
}

#[test]
fn isolated_nodes_behind_endpoints_they_cannot_use_are_refused_before_any_api_call() {
    let emu = AwsEmulator::start();
    let p = fully_private(&emu);
    p.edit(
        "network.tf",
        "private_dns_enabled = true",
        "private_dns_enabled = false",
    );
    p.edit(
        "network.tf",
        "  cidr_ipv4         = aws_vpc.main.cidr_block",
        "  cidr_ipv4         = \"192.168.0.0/16\"",
    );
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Endpoint without private DNS",
        "network.tf:",
        "aws_vpc_endpoint.interface (ec2) has private DNS off",
        "set private_dns_enabled = true",
        "error: Endpoint does not let the nodes in",
        "is in aws_security_group.endpoints, which lets HTTPS (443) in from none of the node subnets of aws_eks_node_group.default (10.40.0.0/20, 10.40.16.0/20, 10.40.32.0/20)",
        "add an aws_vpc_security_group_ingress_rule to aws_security_group.endpoints",
    ]);
    only_its_data_source_read(&emu);
}

#[test]
fn isolated_nodes_of_a_cluster_without_its_private_endpoint_are_refused() {
    let emu = AwsEmulator::start();
    let p = fully_private(&emu);
    p.edit(
        "main.tf",
        "    endpoint_public_access  = false\n    endpoint_private_access = true",
        "    endpoint_public_access  = true\n    endpoint_private_access = false",
    );
    run(&p, &emu, &["plan"]).failure().stderr_has(&[
        "error: Nodes cannot reach the API server",
        "aws_eks_node_group.default runs in aws_subnet.private, which have no route out of the VPC, and aws_eks_cluster.this's private endpoint is off",
        "set endpoint_private_access = true",
    ]);
    only_its_data_source_read(&emu);
}

#[test]
fn secrets_encryption_is_added_in_place_and_removing_it_replaces_the_cluster() {
    let emu = AwsEmulator::start();
    let p = project("", false);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    p.edit(
        "cluster.tf",
        "  vpc_config {",
        &format!("  encryption_config {{\n    resources = [\"secrets\"]\n    provider {{\n      key_arn = \"{key}\"\n    }}\n  }}\n\n  vpc_config {{"),
    );
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&["Plan: 0 to add, 1 to change, 0 to destroy."]);
    emu.reset_calls();
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    assert_eq!(
        emu.calls().get("AssociateEncryptionConfig").copied(),
        Some(1),
        "{:?}",
        emu.calls()
    );
    assert_eq!(
        cluster_state(&p)["encryption_config"][0]["provider"][0]["key_arn"],
        key
    );
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);
    // EKS cannot turn encryption off: without the block the cluster is replaced.
    set_endpoint(&p, "");
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "must be replaced",
            "# forces replacement",
            "Plan: 1 to add, 0 to change, 1 to destroy.",
        ]);
}

#[test]
fn deletion_protection_is_switched_in_place_and_a_protected_cluster_is_not_destroyed() {
    let emu = AwsEmulator::start();
    let p = project("", false);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    assert_eq!(cluster_state(&p)["deletion_protection"], false);
    p.edit(
        "cluster.tf",
        "  vpc_config {",
        "  deletion_protection = true\n\n  vpc_config {",
    );
    emu.reset_calls();
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    assert_eq!(emu.calls().get("UpdateClusterConfig").copied(), Some(1));
    assert_eq!(cluster_state(&p)["deletion_protection"], true);
    run(&p, &emu, &["destroy", "--auto-approve"])
        .failure()
        .stderr_has(&["DeleteCluster", "set deletion_protection = false and apply"]);
    assert_eq!(
        cluster_state(&p)["name"],
        "dev",
        "the state keeps the cluster"
    );
    p.edit(
        "cluster.tf",
        "deletion_protection = true",
        "deletion_protection = false",
    );
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    run(&p, &emu, &["destroy", "--auto-approve"]).success();
}

#[test]
fn the_plan_says_how_nodes_reach_the_api_server_and_who_the_access_entries_let_in() {
    let emu = AwsEmulator::start();
    let p = fully_private(&emu);
    run(&p, &emu, &["plan"]).success().stdout_has(&[
        "Who can reach what, after this plan:",
        "aws_eks_node_group.default: nodes reach the API server through the private endpoint, inside the VPC",
        "aws_eks_access_entry.admins: aws_iam_role.admins can authenticate to aws_eks_cluster.this (access entry, STANDARD)",
        "aws_eks_access_policy_association.admins: aws_iam_role.admins gets AmazonEKSClusterAdminPolicy on all of aws_eks_cluster.this",
    ]);

    // Behind a NAT gateway, once its address is known: a change of the cluster's endpoints
    // says where its nodes now come from.
    let p = restricted(&emu);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let state = p.state();
    let eip = state["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["type"] == "aws_eip"))
        .and_then(|r| r["instances"][0]["attributes"]["public_ip"].as_str())
        .expect("the NAT gateway's address")
        .to_string();
    p.edit(
        "main.tf",
        "[var.office_cidr, \"${aws_eip.nat.public_ip}/32\"]",
        "[var.office_cidr, \"198.51.100.0/24\", \"${aws_eip.nat.public_ip}/32\"]",
    );
    run(&p, &emu, &["plan"]).success().stdout_has(&[
        "aws_eks_cluster.this: API server endpoint: public (",
        &format!("aws_eks_cluster.this: nodes of aws_eks_node_group.default reach the public endpoint through aws_nat_gateway.main from {eip}, which public_access_cidrs must allow"),
    ]);
}
