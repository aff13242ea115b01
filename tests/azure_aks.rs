//! End-to-end AKS scenarios: HCL through the real binary against the local ARM emulator
//! (`emulators/azure`), which follows Microsoft's published managedClusters spec.

mod common;

use common::azure::AzureEmulator;
use common::{Project, Run};
use serde_json::json;

const SUB: &str = "00000000-0000-0000-0000-0000000000a1";
const ZONE: &str = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-hub-dns/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io";
const IDENTITY: &str = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-dev";
const NODES: &str = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/nodes";
const API_SUBNET: &str = "/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/apiserver";

/// A cluster configuration; `access` holds the lines that pick the endpoint mode.
fn cluster(access: &str) -> String {
    cluster_with(access, "", "")
}

fn cluster_with(access: &str, pool_extra: &str, lifecycle: &str) -> String {
    let identity = if access.contains("privateDnsZones") {
        format!("  identity {{\n    type         = \"UserAssigned\"\n    identity_ids = [\"{IDENTITY}\"]\n  }}\n")
    } else {
        "  identity {\n    type = \"SystemAssigned\"\n  }\n".to_string()
    };
    let prefix = if access.contains("dns_prefix_private_cluster") {
        ""
    } else {
        "  dns_prefix          = \"aks-dev\"\n"
    };
    format!(
        r#"provider "azurerm" {{
  features {{}}
}}

resource "azurerm_kubernetes_cluster" "dev" {{
  name                = "aks-dev"
  location            = "westeurope"
  resource_group_name = "rg-dev"
{prefix}{access}
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D2s_v5"
    node_count = 2
{pool_extra}  }}

{identity}{lifecycle}}}
"#
    )
}

fn run(p: &Project, emu: &AzureEmulator, args: &[&str]) -> Run {
    let env = emu.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    p.run_env(args, &env)
}

fn cluster_state(p: &Project) -> serde_json::Value {
    common::attributes(&p.state(), "azurerm_kubernetes_cluster.dev").clone()
}

fn puts(emu: &AzureEmulator) -> u64 {
    emu.calls()
        .get("ManagedClusters_CreateOrUpdate")
        .copied()
        .unwrap_or(0)
}

const RANGES: &str =
    "  api_server_access_profile {\n    authorized_ip_ranges = [\"203.0.113.0/24\"]\n  }\n";
const PRIVATE: &str = "  private_cluster_enabled = true\n";
const PRIVATE_NO_RUN: &str =
    "  private_cluster_enabled = true\n  run_command_enabled     = false\n";

fn byo_zone() -> String {
    format!("  dns_prefix_private_cluster = \"aks-dev\"\n  private_cluster_enabled    = true\n  private_dns_zone_id        = \"{ZONE}\"\n")
}

const NONE_ZONE: &str = "  private_cluster_enabled             = true\n  private_dns_zone_id                 = \"None\"\n  private_cluster_public_fqdn_enabled = true\n";
const PUBLIC_FQDN: &str =
    "  private_cluster_enabled             = true\n  private_cluster_public_fqdn_enabled = true\n";

fn vnet(private: bool) -> String {
    format!("  private_cluster_enabled = {private}\n  api_server_access_profile {{\n    virtual_network_integration_enabled = true\n    subnet_id                           = \"{API_SUBNET}\"\n  }}\n")
}

fn node_subnet() -> String {
    format!("    vnet_subnet_id = \"{NODES}\"\n")
}

#[test]
fn every_endpoint_mode_is_created_from_scratch_and_then_plans_clean() {
    let emu = AzureEmulator::start();
    // (access lines, node-pool lines, the plan's line, private?)
    let modes: Vec<(String, String, &str, bool)> = vec![
        (
            String::new(),
            String::new(),
            "API server: public (any address) (new cluster)",
            false,
        ),
        (
            RANGES.into(),
            String::new(),
            "API server: public (203.0.113.0/24) (new cluster)",
            false,
        ),
        (
            PRIVATE.into(),
            String::new(),
            "API server: private (System DNS zone) (new cluster)",
            true,
        ),
        (
            byo_zone(),
            String::new(),
            "API server: private (own DNS zone privatelink.westeurope.azmk8s.io) (new cluster)",
            true,
        ),
        (
            NONE_ZONE.into(),
            String::new(),
            "API server: private (no private DNS zone, public FQDN) (new cluster)",
            true,
        ),
        (
            PUBLIC_FQDN.into(),
            String::new(),
            "API server: private (System DNS zone, public FQDN) (new cluster)",
            true,
        ),
        (
            vnet(false),
            node_subnet(),
            "API server: public (any address) with VNet integration (new cluster)",
            false,
        ),
        (
            vnet(true),
            node_subnet(),
            "API server: private (System DNS zone) with VNet integration (new cluster)",
            true,
        ),
    ];
    for (access, pool, line, private) in modes {
        let p = Project::with_files(&[("main.tf", &cluster_with(&access, &pool, ""))]);
        run(&p, &emu, &["apply", "--auto-approve"])
            .success()
            .stdout_has(&[line, "Apply complete! Resources: 1 added"]);
        let c = cluster_state(&p);
        assert_eq!(
            c["id"],
            format!("/subscriptions/{SUB}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev"),
        );
        assert_eq!(c["private_cluster_enabled"], json!(private), "{c}");
        if private {
            assert!(
                c["private_fqdn"]
                    .as_str()
                    .is_some_and(|f| f.contains("azmk8s.io")),
                "{c}"
            );
        } else {
            assert!(
                c["fqdn"]
                    .as_str()
                    .is_some_and(|f| f.ends_with(".hcp.westeurope.azmk8s.io")),
                "{c}"
            );
        }
        emu.reset_calls();
        run(&p, &emu, &["plan", "--detailed-exitcode"])
            .success()
            .stdout_has(&["No changes."]);
        assert_eq!(puts(&emu), 0, "a clean plan sends nothing");
        run(&p, &emu, &["destroy", "--auto-approve"]).success();
    }
}

#[test]
fn in_place_transitions_send_one_update_each_and_replan_clean() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(""))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let steps: Vec<(String, &str)> = vec![
        (RANGES.into(), "API server: public (any address) → public (203.0.113.0/24) — clients outside the listed ranges will be refused"),
        (String::new(), "API server: public (203.0.113.0/24) → public (any address) — the API server becomes reachable from the whole internet"),
    ];
    for (access, line) in steps {
        p.write("main.tf", &cluster(&access));
        emu.reset_calls();
        run(&p, &emu, &["apply", "--auto-approve"])
            .success()
            .stdout_has(&[line, "1 changed"]);
        assert_eq!(puts(&emu), 1, "one PUT per change");
        run(&p, &emu, &["plan", "--detailed-exitcode"])
            .success()
            .stdout_has(&["No changes."]);
    }

    run(&p, &emu, &["destroy", "--auto-approve"]).success();
    let q = Project::with_files(&[("main.tf", &cluster(PRIVATE))]);
    run(&q, &emu, &["apply", "--auto-approve"]).success();
    let steps: Vec<(String, &str)> = vec![
        (PUBLIC_FQDN.into(), "API server: private (System DNS zone) → private (System DNS zone, public FQDN) — the API server's name resolves from anywhere (to its private address)"),
        (format!("{PUBLIC_FQDN}  run_command_enabled = false\n"), "Run command: enabled → disabled — `az aks command invoke` will stop working"),
    ];
    for (access, line) in steps {
        q.write("main.tf", &cluster(&access));
        emu.reset_calls();
        run(&q, &emu, &["apply", "--auto-approve"])
            .success()
            .stdout_has(&[line]);
        assert_eq!(puts(&emu), 1);
        run(&q, &emu, &["plan", "--detailed-exitcode"])
            .success()
            .stdout_has(&["No changes."]);
    }
    let c = cluster_state(&q);
    assert!(
        c["fqdn"].as_str().is_some(),
        "the public FQDN appeared: {c}"
    );
    assert_eq!(c["run_command_enabled"], json!(false));
}

#[test]
fn vnet_integration_is_enabled_in_place_and_then_allows_going_private_in_place() {
    let emu = AzureEmulator::start();
    let nodes = node_subnet();
    let p = Project::with_files(&[("main.tf", &cluster_with("", &nodes, ""))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    // Turning it on for an existing cluster needs a subnet of yours: refused at plan time.
    let without_subnet =
        "  api_server_access_profile {\n    virtual_network_integration_enabled = true\n  }\n";
    p.write("main.tf", &cluster_with(without_subnet, &nodes, ""));
    emu.reset_calls();
    run(&p, &emu, &["plan", "--no-color"])
        .code(1)
        .stderr_has(&["VNet integration on your own virtual network needs subnet_id"]);
    assert_eq!(puts(&emu), 0);
    p.write("main.tf", &cluster_with(&vnet(false), &nodes, ""));
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stdout_has(&[
            "API server: public (any address) → public (any address) with VNet integration",
            "1 changed",
        ]);
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    p.write("main.tf", &cluster_with(&vnet(true), &nodes, ""));
    run(&p, &emu, &["plan", "--no-color"])
        .success()
        .stdout_has(&["Plan: 0 to add, 1 to change, 0 to destroy."]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    assert_eq!(cluster_state(&p)["private_cluster_enabled"], json!(true));
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
}

#[test]
fn public_to_private_is_a_replacement_applied_only_from_the_accepted_plan() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(""))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let before = cluster_state(&p)["fqdn"].clone();
    p.write("main.tf", &cluster(PRIVATE_NO_RUN));
    run(&p, &emu, &["plan", "--no-color", "--out", "tfplan"])
        .success()
        .stdout_has(&[
            "-/+ resource \"azurerm_kubernetes_cluster\" \"dev\"",
            "# forces replacement",
            "Plan: 1 to add, 0 to change, 1 to destroy.",
        ])
        .stderr_has(&["The AKS cluster aks-dev will be destroyed and created again"]);
    emu.reset_calls();
    run(&p, &emu, &["apply", "--no-color", "tfplan"]).success();
    let calls = emu.calls();
    assert_eq!(calls.get("ManagedClusters_Delete"), Some(&1), "{calls:?}");
    assert_eq!(puts(&emu), 1, "{calls:?}");
    let after = cluster_state(&p);
    assert_eq!(after["private_cluster_enabled"], json!(true));
    assert_ne!(after["fqdn"], before);
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
}

#[test]
fn prevent_destroy_stops_a_replacing_plan() {
    let emu = AzureEmulator::start();
    let keep = "  lifecycle {\n    prevent_destroy = true\n  }\n";
    let p = Project::with_files(&[("main.tf", &cluster_with("", "", keep))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    p.write("main.tf", &cluster_with(PRIVATE, "", keep));
    emu.reset_calls();
    run(&p, &emu, &["apply", "--auto-approve", "--no-color"])
        .failure()
        .stderr_has(&["prevent_destroy"]);
    assert_eq!(puts(&emu), 0);
    assert_eq!(emu.calls().get("ManagedClusters_Delete"), None);
}

#[test]
fn invalid_configurations_are_refused_before_any_api_call() {
    let emu = AzureEmulator::start();
    let cases: Vec<(String, String, &str)> = vec![
        (
            "  private_cluster_enabled = true\n  private_dns_zone_id     = \"None\"\n".into(),
            String::new(),
            "Private cluster without any way to resolve its API server",
        ),
        (
            format!(
                "  private_cluster_enabled = true\n  private_dns_zone_id     = \"{}\"\n",
                ZONE.replace("westeurope", "eastus")
            ),
            String::new(),
            "Invalid private DNS zone",
        ),
        (
            format!("{PRIVATE}{RANGES}"),
            String::new(),
            "Authorized IP ranges on a private cluster",
        ),
        (
            "  api_server_access_profile {\n    virtual_network_integration_enabled = true\n  }\n"
                .into(),
            node_subnet(),
            "VNet integration on your own virtual network needs subnet_id",
        ),
    ];
    for (access, pool, summary) in cases {
        let p = Project::with_files(&[("main.tf", &cluster_with(&access, &pool, ""))]);
        emu.reset_calls();
        run(&p, &emu, &["plan", "--no-color"])
            .code(1)
            .stderr_has(&[summary, "main.tf:"]);
        assert!(emu.calls().is_empty(), "{summary}: {:?}", emu.calls());
    }
    // A custom zone with a system-assigned identity, written out by hand.
    let text = cluster(&byo_zone()).replace(
        &format!("    type         = \"UserAssigned\"\n    identity_ids = [\"{IDENTITY}\"]\n"),
        "    type = \"SystemAssigned\"\n",
    );
    let p = Project::with_files(&[("main.tf", &text)]);
    emu.reset_calls();
    run(&p, &emu, &["plan", "--no-color"])
        .code(1)
        .stderr_has(&["A custom private DNS zone needs a user-assigned identity"]);
    assert!(emu.calls().is_empty());
}

#[test]
fn drift_is_reported_and_corrected() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(RANGES))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    let path = format!("/subscriptions/{SUB}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev?api-version=2026-10-01");
    let (status, mut live) = emu.arm("GET", &path, None);
    assert_eq!(status, 200);
    live["properties"]["apiServerAccessProfile"]["authorizedIPRanges"] = json!(["0.0.0.0/0"]);
    let (status, body) = emu.arm("PUT", &path, Some(&live));
    assert!(status == 200 || status == 201, "{status} {body}");
    common::wait_until(
        std::time::Duration::from_secs(20),
        "the change behind our back",
        || emu.arm("GET", &path, None).1["properties"]["provisioningState"] == "Succeeded",
    );
    run(&p, &emu, &["plan", "--no-color", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "changed outside of clusterform",
            "API server: public (0.0.0.0/0) → public (203.0.113.0/24)",
        ]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
}

#[test]
fn throttling_and_transient_failures_are_survived() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(PRIVATE_NO_RUN))]);
    emu.fault("ManagedClusters_CreateOrUpdate", 429, 2, 0);
    emu.fault("ManagedClusters_Get", 500, 1, 0);
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stdout_has(&["Apply complete! Resources: 1 added"]);
    assert!(puts(&emu) >= 3, "{:?}", emu.calls());
}

#[test]
fn destroy_removes_everything() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(PRIVATE_NO_RUN))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    run(&p, &emu, &["destroy", "--auto-approve", "--no-color"])
        .success()
        .stdout_has(&["Destroy complete! Resources: 1 destroyed."]);
    let path = format!("/subscriptions/{SUB}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters?api-version=2026-10-01");
    let (status, list) = emu.arm("GET", &path, None);
    assert_eq!(status, 200);
    assert_eq!(list["value"], json!([]));
}

#[test]
fn import_adopts_an_existing_cluster_with_no_diff() {
    let emu = AzureEmulator::start();
    let made = Project::with_files(&[("main.tf", &cluster(&byo_zone()))]);
    run(&made, &emu, &["apply", "--auto-approve"]).success();
    let id = cluster_state(&made)["id"].as_str().unwrap().to_string();
    let p = Project::with_files(&[("main.tf", &cluster(&byo_zone()))]);
    run(&p, &emu, &["import", "azurerm_kubernetes_cluster.dev", &id])
        .success()
        .stdout_has(&["Import successful"]);
    run(&p, &emu, &["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);
}

#[test]
fn a_data_source_reads_an_existing_cluster() {
    let emu = AzureEmulator::start();
    let made = Project::with_files(&[("main.tf", &cluster(NONE_ZONE))]);
    run(&made, &emu, &["apply", "--auto-approve"]).success();
    let p = Project::with_files(&[(
        "main.tf",
        r#"provider "azurerm" {
  features {}
}

data "azurerm_kubernetes_cluster" "existing" {
  name                = "aks-dev"
  resource_group_name = "rg-dev"
}

output "fqdn" {
  value = data.azurerm_kubernetes_cluster.existing.fqdn
}

output "zone" {
  value = data.azurerm_kubernetes_cluster.existing.private_dns_zone_id
}
"#,
    )]);
    run(&p, &emu, &["apply", "--auto-approve", "--no-color"])
        .success()
        .stdout_has(&["zone = \"None\"", ".hcp.westeurope.azmk8s.io"]);
}

#[test]
fn missing_credentials_say_what_was_tried_and_never_print_secrets() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(PRIVATE_NO_RUN))]);
    let env: Vec<(String, String)> = emu
        .env()
        .into_iter()
        .filter(|(k, _)| k != "ARM_CLIENT_SECRET" && k != "ARM_CLIENT_ID")
        .chain([("PATH".to_string(), "/nonexistent".to_string())])
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let out = p.run_env(&["apply", "--auto-approve", "--no-color"], &env);
    out.code(1).stderr_has(&["ARM_CLIENT_ID", "Azure CLI"]);

    let wrong: Vec<(String, String)> = emu
        .env()
        .into_iter()
        .map(|(k, v)| {
            if k == "ARM_CLIENT_SECRET" {
                (k, "not-the-secret-x9".to_string())
            } else {
                (k, v)
            }
        })
        .collect();
    let wrong: Vec<(&str, &str)> = wrong
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let out = p.run_env(&["apply", "--auto-approve", "--no-color"], &wrong);
    out.code(1);
    assert!(!out.stderr.contains("not-the-secret-x9") && !out.stdout.contains("not-the-secret-x9"));
}

#[test]
fn an_unserved_api_version_is_explained() {
    let emu = AzureEmulator::start();
    let text = cluster(PRIVATE_NO_RUN).replace(
        "  features {}\n",
        "  features {}\n  api_version = \"2023-01-02-preview\"\n",
    );
    let p = Project::with_files(&[("main.tf", &text)]);
    run(&p, &emu, &["apply", "--auto-approve", "--no-color"])
        .code(1)
        .stderr_has(&["NoRegisteredProviderFound", "api_version"]);
}

#[test]
fn an_update_keeps_settings_the_api_models_do_not_know() {
    let emu = AzureEmulator::start();
    let p = Project::with_files(&[("main.tf", &cluster(RANGES))]);
    run(&p, &emu, &["apply", "--auto-approve"]).success();
    // A GA-only setting (newer than the crate's 2023 models), made outside clusterform.
    let path = format!("/subscriptions/{SUB}/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev?api-version=2026-10-01");
    let (_, mut live) = emu.arm("GET", &path, None);
    live["properties"]["supportPlan"] = json!("KubernetesOfficial");
    let (status, body) = emu.arm("PUT", &path, Some(&live));
    assert!(status == 200 || status == 201, "{status} {body}");
    common::wait_until(std::time::Duration::from_secs(20), "the change", || {
        emu.arm("GET", &path, None).1["properties"]["provisioningState"] == "Succeeded"
    });
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();

    // Removing the ranges is an update through the models; the setting must survive it.
    p.write("main.tf", &cluster(""));
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stdout_has(&["1 changed"]);
    let after = emu.arm("GET", &path, None).1;
    assert_eq!(
        after["properties"]["supportPlan"], "KubernetesOfficial",
        "{after}"
    );
    let ranges = &after["properties"]["apiServerAccessProfile"]["authorizedIPRanges"];
    assert!(
        ranges.is_null() || ranges == &json!([]),
        "the ranges are gone: {ranges}"
    );
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
}

#[test]
fn a_second_state_never_takes_over_a_cluster_it_did_not_create() {
    let emu = AzureEmulator::start();
    let first = Project::with_files(&[("main.tf", &cluster(PRIVATE))]);
    run(&first, &emu, &["apply", "--auto-approve"]).success();
    emu.reset_calls();
    // A colleague's copy of the same configuration, with a state of its own.
    let second = Project::with_files(&[("main.tf", &cluster(PRIVATE))]);
    let refused = run(&second, &emu, &["apply", "--auto-approve"]);
    refused.failure().stderr_has(&[
        "AKS cluster aks-dev already exists",
        "clusterform import <address> /subscriptions/",
    ]);
    // It looked, and sent nothing that could rewrite the first state's cluster.
    assert_eq!(puts(&emu), 0, "{:?}", emu.calls());
    run(&second, &emu, &["destroy", "--auto-approve"]).success();
    run(&first, &emu, &["plan", "--detailed-exitcode"])
        .success()
        .stdout_has(&["No changes."]);
}

/// Starts an apply whose cluster takes 4 s to create and kills it (SIGKILL) once the PUT
/// was sent.
fn killed_while_the_cluster_is_created(emu: &AzureEmulator) -> Project {
    emu.slow("ManagedClusters_CreateOrUpdate", 4.0);
    let p = Project::with_files(&[("main.tf", &cluster(PRIVATE))]);
    let env = emu.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let mut bg = p.spawn_env(&["apply", "--auto-approve"], &env);
    common::wait_until(
        std::time::Duration::from_secs(30),
        "the cluster creation to start",
        || puts(emu) > 0,
    );
    bg.kill();
    let pending = &p.state()["pending_creates"];
    assert_eq!(
        pending[0]["address"], "azurerm_kubernetes_cluster.dev",
        "{pending}"
    );
    p
}

#[test]
fn a_destroy_after_a_killed_create_deletes_what_the_create_made() {
    let emu = AzureEmulator::start();
    let p = killed_while_the_cluster_is_created(&emu);
    run(&p, &emu, &["destroy", "--auto-approve"])
        .success()
        .stdout_has(&[
            "azurerm_kubernetes_cluster.dev will be destroyed",
            "found it by its creation id",
            "Destroy complete! Resources: 1 destroyed.",
        ]);
    let state = p.state();
    assert!(state["pending_creates"].is_null(), "{state}");
    assert!(common::state_addresses(&state).is_empty(), "{state}");
    let gone = emu.wait_settled(
        &common::azure::cluster_path("rg-dev", "aks-dev"),
        std::time::Duration::from_secs(30),
    );
    assert!(gone.is_null(), "{gone}");
}

#[test]
fn a_pending_create_forgotten_with_state_rm_no_longer_owns_its_cluster() {
    let emu = AzureEmulator::start();
    let p = killed_while_the_cluster_is_created(&emu);
    run(&p, &emu, &["state", "rm", "azurerm_kubernetes_cluster.dev"])
        .success()
        .stdout_has(&["Removed azurerm_kubernetes_cluster.dev (pending create)"]);
    assert!(p.state()["pending_creates"].is_null(), "{}", p.state());
    // The cluster carries the forgotten attempt's mark: a new attempt must not take it.
    let before = puts(&emu);
    run(&p, &emu, &["apply", "--auto-approve"])
        .failure()
        .stderr_has(&["AKS cluster aks-dev already exists", "clusterform import"]);
    assert_eq!(puts(&emu), before, "a refused create sends no PUT");
}

#[test]
fn an_apply_killed_while_the_cluster_is_created_resumes_on_the_next_apply() {
    let emu = AzureEmulator::start();
    let p = killed_while_the_cluster_is_created(&emu);
    run(&p, &emu, &["state", "list"])
        .stdout_has(&["azurerm_kubernetes_cluster.dev (pending create)"]);
    run(
        &p,
        &emu,
        &["state", "show", "azurerm_kubernetes_cluster.dev"],
    )
    .success()
    .stdout_has(&[
        "# azurerm_kubernetes_cluster.dev: create pending (interrupted)",
        "creation_id = \"",
        &format!(
            "id = \"{}\"",
            common::azure::cluster_path("rg-dev", "aks-dev")
        ),
    ]);
    run(&p, &emu, &["plan", "--no-color"])
        .stdout_has(&["will resume creating, interrupted earlier"]);
    run(&p, &emu, &["apply", "--auto-approve"])
        .success()
        .stderr_has(&["finishing it"]);
    run(&p, &emu, &["plan", "--detailed-exitcode"]).success();
    assert!(p.state()["pending_creates"].is_null(), "{}", p.state());
}
