//! Tests of the Azure emulator harness itself (`tests/common/azure.rs`): that it starts the
//! emulator, that `arm()` gets a token and round-trips a cluster, and that faults and call
//! counts reach the emulator. The emulator's behaviour is tested in `emulators/azure/`.

mod common;

use std::time::Duration;

use common::azure::{cluster_path, AzureEmulator};
use serde_json::json;

fn public_cluster() -> serde_json::Value {
    json!({
        "location": "westeurope",
        "identity": {"type": "SystemAssigned"},
        "properties": {
            "dnsPrefix": "harness",
            "agentPoolProfiles": [{"name": "system", "count": 1, "vmSize": "Standard_D2s_v5", "mode": "System"}]
        }
    })
}

#[test]
fn starts_and_describes_its_environment() {
    let emu = AzureEmulator::start();
    let env: std::collections::BTreeMap<String, String> = emu.env().into_iter().collect();
    let keys: Vec<&str> = env.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "ARM_AUTHORITY_HOST",
            "ARM_CLIENT_ID",
            "ARM_CLIENT_SECRET",
            "ARM_RESOURCE_MANAGER_ENDPOINT",
            "ARM_SUBSCRIPTION_ID",
            "ARM_TENANT_ID",
            "AZURE_CONFIG_DIR",
            "CLUSTERFORM_POLL_INTERVAL_MS",
        ]
    );
    assert_eq!(env["ARM_RESOURCE_MANAGER_ENDPOINT"], emu.url());
    assert_eq!(env["ARM_AUTHORITY_HOST"], emu.url());
    assert_eq!(env["ARM_CLIENT_SECRET"], "emulator-secret");
    let config_dir = std::path::Path::new(&env["AZURE_CONFIG_DIR"]);
    assert!(config_dir.is_dir(), "{config_dir:?} exists");
    assert_eq!(
        std::fs::read_dir(config_dir).unwrap().count(),
        0,
        "and is empty"
    );
    assert!(emu.calls().is_empty());
}

#[test]
fn arm_round_trips_a_cluster() {
    let emu = AzureEmulator::start();
    let path = cluster_path("rg1", "harness");
    let (status, created) = emu.arm("PUT", &path, Some(&public_cluster()));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["properties"]["provisioningState"], "Creating");
    let settled = emu.wait_settled(&path, Duration::from_secs(10));
    assert_eq!(settled["properties"]["provisioningState"], "Succeeded");
    assert_eq!(settled["id"], path);
    let fqdn = settled["properties"]["fqdn"]
        .as_str()
        .expect("a public FQDN");
    assert!(
        fqdn.starts_with("harness-") && fqdn.ends_with(".hcp.westeurope.azmk8s.io"),
        "{fqdn}"
    );

    let (status, body) = emu.arm("DELETE", &path, None);
    assert_eq!(status, 202, "{body}");
    assert!(emu.wait_settled(&path, Duration::from_secs(10)).is_null());
    let (status, body) = emu.arm("GET", &path, None);
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "ResourceNotFound");
}

#[test]
fn faults_and_calls_reach_the_emulator() {
    let emu = AzureEmulator::start();
    let path = cluster_path("rg1", "flaky");
    emu.fault("ManagedClusters_Get", 429, 2, 3);
    for _ in 0..2 {
        let (status, body) = emu.arm("GET", &path, None);
        assert_eq!(status, 429);
        assert_eq!(body["error"]["code"], "TooManyRequests");
    }
    emu.fault("ManagedClusters_Get", 500, 1, 0);
    assert_eq!(emu.arm("GET", &path, None).0, 500);
    assert_eq!(emu.arm("GET", &path, None).0, 404);
    let calls = emu.calls();
    assert_eq!(calls["ManagedClusters_Get"], 4);
    assert_eq!(calls["Token"], 4, "arm() gets a token per call");
    emu.reset_calls();
    assert!(emu.calls().is_empty());
}

#[test]
fn start_with_passes_flags_and_slow_operations_stay_in_progress() {
    let emu = AzureEmulator::start_with(&["--create-seconds", "30"]);
    let path = cluster_path("rg1", "slow");
    assert_eq!(emu.arm("PUT", &path, Some(&public_cluster())).0, 201);
    std::thread::sleep(Duration::from_millis(700));
    let (_, body) = emu.arm("GET", &path, None);
    assert_eq!(body["properties"]["provisioningState"], "Creating");
    let (status, body) = emu.arm("PUT", &path, Some(&public_cluster()));
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "OperationNotAllowed");
}
