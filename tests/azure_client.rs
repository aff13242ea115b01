//! The azurerm client half against the project's ARM emulator: create, read, update, tags,
//! delete, the pinned api-version, retries of throttling and server errors, busy retries,
//! long-running-operation failures, cancellation, and credential errors in words.
//!
//! Each test starts its own emulator (short timings, `Retry-After: 0`) and connects with the
//! emulator's environment only, never the developer's.

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use azure_mgmt_containerservice::package_preview_2023_01::models;
use clusterform::diag::Diagnostic;
use clusterform::providers::azurerm::client::AksClient;
use clusterform::providers::azurerm::settings::{AzureSettings, Environment, DEFAULT_API_VERSION};
use clusterform::providers::OperationContext;
use common::azure::{cluster_path, AzureEmulator, CLIENT_SECRET, SUBSCRIPTION_ID};
use tokio_util::sync::CancellationToken;

const RG: &str = "rg-dev";

fn ctx() -> OperationContext {
    OperationContext {
        cancel: CancellationToken::new(),
        progress: Arc::new(|_| {}),
        poll_interval: Duration::from_millis(100),
    }
}

/// A context that keeps its progress lines.
fn recording_ctx() -> (OperationContext, Arc<Mutex<Vec<String>>>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let ctx = OperationContext {
        progress: Arc::new(move |m: &str| sink.lock().unwrap().push(m.to_string())),
        ..ctx()
    };
    (ctx, lines)
}

fn env_of(emu: &AzureEmulator) -> Environment {
    Environment::from_pairs(emu.env())
}

async fn connect(emu: &AzureEmulator) -> AksClient {
    AksClient::connect_in(&AzureSettings::default(), &env_of(emu))
        .await
        .unwrap_or_else(|d| panic!("connect: {}", words(&d)))
}

fn words(d: &Diagnostic) -> String {
    format!(
        "{} | {} | {}",
        d.summary,
        d.detail.as_deref().unwrap_or(""),
        d.hint.as_deref().unwrap_or("")
    )
}

/// A private cluster with one system pool: only properties the 2026-10-01 swagger has.
fn private_cluster(dns_prefix: &str) -> models::ManagedCluster {
    let mut pool = models::ManagedClusterAgentPoolProfile::new("system".to_string());
    let p = &mut pool.managed_cluster_agent_pool_profile_properties;
    p.count = Some(1);
    p.vm_size = Some("Standard_D2s_v5".to_string());
    p.mode = Some(models::AgentPoolMode::System);
    let properties = models::ManagedClusterProperties {
        dns_prefix: Some(dns_prefix.to_string()),
        agent_pool_profiles: vec![pool],
        api_server_access_profile: Some(models::ManagedClusterApiServerAccessProfile {
            enable_private_cluster: Some(true),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut cluster =
        models::ManagedCluster::new(models::TrackedResource::new("westeurope".to_string()));
    cluster.identity = Some(models::ManagedClusterIdentity {
        type_: Some(models::managed_cluster_identity::Type::SystemAssigned),
        ..Default::default()
    });
    cluster.properties = Some(properties);
    cluster
}

fn access(c: &models::ManagedCluster) -> models::ManagedClusterApiServerAccessProfile {
    c.properties
        .as_ref()
        .and_then(|p| p.api_server_access_profile.clone())
        .unwrap_or_default()
}

fn state(c: &models::ManagedCluster) -> Option<String> {
    c.properties
        .as_ref()
        .and_then(|p| p.provisioning_state.clone())
}

fn count(calls: &BTreeMap<String, usize>, op: &str) -> usize {
    calls.get(op).copied().unwrap_or(0)
}

async fn created(client: &AksClient, name: &str) -> models::ManagedCluster {
    client
        .create_or_update(RG, name, &private_cluster(name), true, &ctx())
        .await
        .unwrap_or_else(|d| panic!("create {name}: {}", words(&d)))
}

#[tokio::test]
async fn creates_a_private_cluster_and_waits_for_it() {
    let emu = AzureEmulator::start();
    let client = connect(&emu).await;
    assert_eq!(client.api_version(), DEFAULT_API_VERSION);
    assert_eq!(client.subscription_id(), SUBSCRIPTION_ID);
    assert!(
        client.calls().is_empty() && emu.calls().is_empty(),
        "connecting must make no call: {:?}",
        emu.calls()
    );

    let c = created(&client, "aks-dev").await;
    assert_eq!(state(&c).as_deref(), Some("Succeeded"));
    assert_eq!(access(&c).enable_private_cluster, Some(true));
    assert_eq!(c.tracked_resource.resource.name.as_deref(), Some("aks-dev"));
    assert!(c.properties.as_ref().unwrap().private_fqdn.is_some());

    // The emulator refuses 2023-01-02-preview: that it answered proves the pin.
    let calls = client.calls();
    assert_eq!(
        count(&calls, "ManagedClusters_CreateOrUpdate"),
        1,
        "{calls:?}"
    );
    assert!(count(&calls, "OperationStatus") >= 1, "{calls:?}");
    assert!(count(&calls, "ManagedClusters_Get") >= 1, "{calls:?}");
    assert_eq!(count(&calls, "Token"), 1, "one token, cached: {calls:?}");
    let seen: BTreeMap<String, usize> = emu
        .calls()
        .into_iter()
        .map(|(k, v)| (k, v as usize))
        .collect();
    assert_eq!(seen, calls, "our counts agree with the emulator's");

    let (status, body) = emu.arm("GET", &cluster_path(RG, "aks-dev"), None);
    assert_eq!(status, 200);
    assert_eq!(body["properties"]["provisioningState"], "Succeeded");
}

#[tokio::test]
async fn a_missing_cluster_is_none_and_lists_are_read() {
    let emu = AzureEmulator::start();
    let client = connect(&emu).await;
    assert!(client.get(RG, "nothing-here").await.unwrap().is_none());
    assert!(client.list_by_resource_group(RG).await.unwrap().is_empty());
    created(&client, "aks-a").await;
    created(&client, "aks-b").await;
    let names: Vec<String> = client
        .list_by_resource_group(RG)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|c| c.tracked_resource.resource.name)
        .collect();
    assert_eq!(names, ["aks-a", "aks-b"]);
    assert!(client
        .list_by_resource_group("rg-other")
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn updates_in_place_and_replaces_tags() {
    let emu = AzureEmulator::start();
    let client = connect(&emu).await;
    created(&client, "aks-dev").await;

    let mut changed = private_cluster("aks-dev");
    let props = changed.properties.as_mut().unwrap();
    let profile = props.api_server_access_profile.as_mut().unwrap();
    profile.disable_run_command = Some(true);
    profile.enable_private_cluster_public_fqdn = Some(false);
    let (ctx, _) = recording_ctx();
    let c = client
        .create_or_update(RG, "aks-dev", &changed, false, &ctx)
        .await
        .unwrap_or_else(|d| panic!("update: {}", words(&d)));
    assert_eq!(access(&c).disable_run_command, Some(true));
    assert_eq!(access(&c).enable_private_cluster_public_fqdn, Some(false));
    assert_eq!(state(&c).as_deref(), Some("Succeeded"));

    let tags = BTreeMap::from([("env".to_string(), "dev".to_string())]);
    let c = client
        .update_tags(RG, "aks-dev", &tags, &ctx)
        .await
        .unwrap_or_else(|d| panic!("tags: {}", words(&d)));
    assert_eq!(
        c.tracked_resource.tags,
        Some(serde_json::json!({"env": "dev"}))
    );
    assert_eq!(count(&client.calls(), "ManagedClusters_UpdateTags"), 1);
    let c = client
        .update_tags(RG, "aks-dev", &BTreeMap::new(), &ctx)
        .await
        .unwrap();
    let tags = c.tracked_resource.tags.unwrap_or_default();
    assert!(tags.as_object().is_none_or(|m| m.is_empty()), "{tags}");
}

#[tokio::test]
async fn delete_waits_until_the_cluster_is_gone() {
    let emu = AzureEmulator::start_with(&["--delete-seconds", "0.8"]);
    let client = connect(&emu).await;
    created(&client, "aks-dev").await;
    let before = client.calls();
    client
        .delete(RG, "aks-dev", &ctx())
        .await
        .unwrap_or_else(|d| panic!("delete: {}", words(&d)));
    let (status, _) = emu.arm("GET", &cluster_path(RG, "aks-dev"), None);
    assert_eq!(status, 404, "gone when delete returns");
    assert!(client.get(RG, "aks-dev").await.unwrap().is_none());
    let after = client.calls();
    assert_eq!(
        count(&after, "ManagedClusters_Delete") - count(&before, "ManagedClusters_Delete"),
        1
    );
    assert!(count(&after, "OperationStatus") > count(&before, "OperationStatus"));
    // Deleting what is not there succeeds.
    client.delete(RG, "aks-dev", &ctx()).await.unwrap();
}

#[tokio::test]
async fn survives_throttling_and_server_errors_and_counts_every_try() {
    let emu = AzureEmulator::start();
    let client = connect(&emu).await;
    created(&client, "aks-dev").await;
    let before = count(&client.calls(), "ManagedClusters_Get");

    emu.fault("ManagedClusters_Get", 429, 2, 1);
    let started = Instant::now();
    assert!(client.get(RG, "aks-dev").await.unwrap().is_some());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "Retry-After is scaled down with the poll interval"
    );
    assert_eq!(count(&client.calls(), "ManagedClusters_Get"), before + 3);

    emu.fault("ManagedClusters_Get", 500, 2, 0);
    assert!(client.get(RG, "aks-dev").await.unwrap().is_some());
    assert_eq!(count(&client.calls(), "ManagedClusters_Get"), before + 6);
    assert_eq!(
        emu.calls().get("ManagedClusters_Get").copied().unwrap_or(0) as usize,
        before + 6
    );

    emu.fault("ManagedClusters_CreateOrUpdate", 503, 1, 2);
    let c = client
        .create_or_update(RG, "aks-dev", &private_cluster("aks-dev"), false, &ctx())
        .await
        .unwrap_or_else(|d| panic!("update after a 503: {}", words(&d)));
    assert_eq!(state(&c).as_deref(), Some("Succeeded"));

    // A fault that outlasts the retries is reported with ARM's words.
    emu.fault("ManagedClusters_Get", 500, 10, 0);
    let d = client.get(RG, "aks-dev").await.unwrap_err();
    assert_eq!(d.summary, "Azure ManagedClusters_Get failed");
    assert!(
        d.detail
            .as_deref()
            .unwrap()
            .starts_with("GET managedCluster rg-dev/aks-dev: InternalServerError: "),
        "{}",
        words(&d)
    );
}

#[tokio::test]
async fn retries_while_another_operation_is_in_progress() {
    let emu = AzureEmulator::start();
    let client = connect(&emu).await;
    created(&client, "aks-dev").await;

    // Someone else starts a slow update; ours must wait for it rather than fail.
    emu.slow("ManagedClusters_CreateOrUpdate", 1.0);
    let body = serde_json::to_value(private_cluster("aks-dev")).unwrap();
    let (status, answer) = emu.arm("PUT", &cluster_path(RG, "aks-dev"), Some(&body));
    assert_eq!(status, 200, "{answer}");
    emu.reset_calls();

    let (ctx, lines) = recording_ctx();
    let tags = BTreeMap::from([("team".to_string(), "platform".to_string())]);
    let c = client
        .update_tags(RG, "aks-dev", &tags, &ctx)
        .await
        .unwrap_or_else(|d| panic!("tags while busy: {}", words(&d)));
    assert_eq!(
        c.tracked_resource.tags,
        Some(serde_json::json!({"team": "platform"}))
    );
    let tried = emu
        .calls()
        .get("ManagedClusters_UpdateTags")
        .copied()
        .unwrap_or(0);
    assert!(tried >= 2, "the busy PATCH was retried: {tried}");
    let lines = lines.lock().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l
                .starts_with("another operation is in progress on managedCluster rg-dev/aks-dev")),
        "{lines:?}"
    );
}

#[tokio::test]
async fn a_failed_operation_reports_azure_words() {
    let emu = AzureEmulator::start();
    let client = connect(&emu).await;
    emu.fail_next(
        "ManagedClusters_CreateOrUpdate",
        "VMExtensionProvisioningError",
        "Unable to establish outbound connection from agents.",
    );
    let d = client
        .create_or_update(RG, "aks-dev", &private_cluster("aks-dev"), true, &ctx())
        .await
        .unwrap_err();
    assert_eq!(d.summary, "Azure ManagedClusters_CreateOrUpdate failed");
    assert_eq!(
        d.detail.as_deref(),
        Some("PUT managedCluster rg-dev/aks-dev: the operation ended Failed: VMExtensionProvisioningError: Unable to establish outbound connection from agents.")
    );
}

#[tokio::test]
async fn progress_lines_and_cancellation() {
    let emu = AzureEmulator::start();
    let mut client = connect(&emu).await;
    client.set_progress_interval(Some(Duration::from_millis(300)));

    emu.slow("ManagedClusters_CreateOrUpdate", 1.0);
    let (ctx, lines) = recording_ctx();
    client
        .create_or_update(RG, "aks-dev", &private_cluster("aks-dev"), true, &ctx)
        .await
        .unwrap();
    let lines = lines.lock().unwrap().clone();
    assert!(
        lines.iter().any(|l| l == "Still creating... [0s elapsed]"),
        "{lines:?}"
    );

    emu.slow("ManagedClusters_Delete", 30.0);
    let ctx = ctx.clone();
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(400)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let d = client.delete(RG, "aks-dev", &ctx).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(d.summary, "Interrupted");
    assert_eq!(
        d.detail.as_deref(),
        Some("The wait for DELETE managedCluster rg-dev/aks-dev was interrupted; the operation may still be running in Azure.")
    );
}

#[tokio::test]
async fn a_retired_api_version_names_the_setting() {
    let emu = AzureEmulator::start();
    let settings = AzureSettings {
        api_version: Some("2023-01-02-preview".to_string()),
        ..Default::default()
    };
    let client = AksClient::connect_in(&settings, &env_of(&emu))
        .await
        .unwrap();
    let d = client.get(RG, "aks-dev").await.unwrap_err();
    assert!(
        d.detail
            .as_deref()
            .unwrap()
            .contains("NoRegisteredProviderFound"),
        "{}",
        words(&d)
    );
    let hint = d.hint.unwrap();
    assert!(hint.contains("api_version"), "{hint}");
    assert!(hint.contains("2023-01-02-preview"), "{hint}");
}

#[tokio::test]
async fn a_wrong_secret_names_the_source_and_hides_the_secret() {
    let emu = AzureEmulator::start();
    let secret = "not-the-emulator-secret-42";
    assert_ne!(secret, CLIENT_SECRET);
    let env = Environment::from_pairs(emu.env().into_iter().map(|(k, v)| {
        if k == "ARM_CLIENT_SECRET" {
            (k, secret.to_string())
        } else {
            (k, v)
        }
    }));
    let client = AksClient::connect_in(&AzureSettings::default(), &env)
        .await
        .unwrap();
    assert!(!format!("{client:?}").contains(secret));
    let d = client.get(RG, "aks-dev").await.unwrap_err();
    let text = format!("{} {d:?}", words(&d));
    assert!(!text.contains(secret), "the secret leaked: {text}");
    assert_eq!(d.summary, "Azure authentication failed");
    let detail = d.detail.as_deref().unwrap();
    assert!(
        detail.contains("ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID"),
        "{detail}"
    );
    assert!(detail.contains("AADSTS7000215"), "{detail}");
    assert!(d.hint.unwrap().contains("az login"));
    let calls = client.calls();
    assert_eq!(
        count(&calls, "Token"),
        1,
        "a refused secret is not retried: {calls:?}"
    );
    assert_eq!(
        count(&calls, "ManagedClusters_Get"),
        0,
        "no ARM call without a token"
    );
}

#[tokio::test]
async fn without_credentials_every_source_is_listed() {
    let emu = AzureEmulator::start();
    let env = Environment::from_pairs(
        emu.env()
            .into_iter()
            .filter(|(k, _)| !k.starts_with("ARM_CLIENT") && k != "ARM_TENANT_ID")
            .chain([("PATH".to_string(), String::new())]),
    );
    let started = Instant::now();
    let d = AksClient::connect_in(&AzureSettings::default(), &env)
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the managed identity probe gives up quickly"
    );
    assert_eq!(d.summary, "No Azure credentials");
    let detail = d.detail.as_deref().unwrap();
    for source in [
        "the provider block",
        "ARM_CLIENT_ID, ARM_CLIENT_SECRET and ARM_TENANT_ID",
        "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_TENANT_ID",
        "the Azure CLI",
        "managed identity",
    ] {
        assert!(detail.contains(source), "{source} missing from: {detail}");
    }
    assert!(d.hint.unwrap().contains("ARM_CLIENT_SECRET"));
    assert!(emu.calls().is_empty());
}
