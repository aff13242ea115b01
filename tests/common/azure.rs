//! The local Azure for end-to-end tests: the project's ARM emulator for AKS managedClusters and
//! its token endpoint (`emulators/azure/launcher.py`), started on a free loopback port for one
//! test.
//!
//! Besides starting and stopping it, this gives tests the environment a clusterform run needs,
//! the emulator's call counts and fault injection (`/_emulator/...`), and `arm()`, which calls
//! the ARM API directly with a token of its own, to change a cluster behind clusterform's back.
//!
//! A missing Python environment is a test failure that says how to install it, never a skip.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

/// The subscription every test uses (any GUID works; the emulator keeps subscriptions apart).
pub const SUBSCRIPTION_ID: &str = "00000000-0000-0000-0000-0000000000a1";
/// The tenant the token requests name; clusters report it as their identity's tenantId.
pub const TENANT_ID: &str = "00000000-0000-0000-0000-0000000000b2";
/// The service principal's client id (any value is accepted).
pub const CLIENT_ID: &str = "00000000-0000-0000-0000-0000000000c3";
/// The only secret the emulator's token endpoint accepts unless started with `--client-secret`.
pub const CLIENT_SECRET: &str = "emulator-secret";
/// The api-version `arm()` adds to a path that has none: the swagger's, as clusterform pins.
pub const API_VERSION: &str = "2026-10-01";

pub struct AzureEmulator {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

/// The ARM path of a managed cluster in the test subscription.
pub fn cluster_path(resource_group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{resource_group}/providers/Microsoft.ContainerService/managedClusters/{name}"
    )
}

impl AzureEmulator {
    /// Starts the emulator with short timings: create 0.6 s, update 0.6 s, delete 0.3 s, and
    /// `Retry-After: 0` on async responses so pollers do not sleep.
    pub fn start() -> AzureEmulator {
        Self::start_with(&[])
    }

    /// Starts the emulator with the short timings of `start()` and `extra` flags after them
    /// (a flag given again wins), e.g. `&["--create-seconds", "5"]` or `&["--verbose"]`.
    pub fn start_with(extra: &[&str]) -> AzureEmulator {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("azure-config")).expect("create AZURE_CONFIG_DIR");
        let mut args = vec!["--create-seconds", "0.6", "--update-seconds", "0.6"];
        args.extend(["--delete-seconds", "0.3", "--retry-after", "0"]);
        args.extend(extra);
        let (child, port) = super::launch::launch(
            "Azure emulator",
            "emulators/azure/launcher.py",
            &args,
            dir.path(),
            Duration::from_secs(30),
        );
        AzureEmulator { child, port, dir }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment a clusterform run needs to use this emulator, and nothing else.
    /// `AZURE_CONFIG_DIR` is an empty directory, so no Azure CLI login of the developer is used.
    pub fn env(&self) -> Vec<(String, String)> {
        let config_dir = self.dir.path().join("azure-config");
        [
            ("ARM_SUBSCRIPTION_ID", SUBSCRIPTION_ID.to_string()),
            ("ARM_TENANT_ID", TENANT_ID.to_string()),
            ("ARM_CLIENT_ID", CLIENT_ID.to_string()),
            ("ARM_CLIENT_SECRET", CLIENT_SECRET.to_string()),
            ("ARM_RESOURCE_MANAGER_ENDPOINT", self.url()),
            ("ARM_AUTHORITY_HOST", self.url()),
            ("CLUSTERFORM_POLL_INTERVAL_MS", "100".to_string()),
            ("AZURE_CONFIG_DIR", config_dir.display().to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    /// One HTTP/1.1 request on a fresh connection; returns the status and the body.
    fn http(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port))
            .expect("connect to the Azure emulator");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("set a read timeout");
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n",
            self.port,
            body.len()
        );
        for (name, value) in headers {
            req.push_str(&format!("{name}: {value}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(body);
        stream
            .write_all(req.as_bytes())
            .expect("send to the Azure emulator");
        let mut resp = String::new();
        stream
            .read_to_string(&mut resp)
            .expect("read from the Azure emulator");
        let (head, body) = resp.split_once("\r\n\r\n").unwrap_or((resp.as_str(), ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("not an HTTP response from the Azure emulator: {head:?}"));
        (status, body.to_string())
    }

    fn control(&self, method: &str, route: &str, body: Option<&Json>) -> Json {
        let body = body.map(Json::to_string).unwrap_or_default();
        let (status, text) = self.http(
            method,
            &format!("/_emulator/{route}"),
            &[("Content-Type", "application/json")],
            &body,
        );
        let json = serde_json::from_str(&text).unwrap_or(Json::Null);
        assert_eq!(status, 200, "{method} /_emulator/{route} failed: {json}");
        json
    }

    /// API calls made so far, by operation: the swagger's operationIds (`ManagedClusters_Get`,
    /// `ManagedClusters_CreateOrUpdate`, ...), `Token`, `OperationStatus` and `OperationResult`.
    pub fn calls(&self) -> BTreeMap<String, u64> {
        let v = self.control("GET", "calls", None);
        v.get("operations")
            .and_then(Json::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn reset_calls(&self) {
        self.control("POST", "calls/reset", None);
    }

    /// The managed clusters of the test subscription, as `aks:ID` (lower case).
    pub fn inventory(&self) -> std::collections::BTreeSet<String> {
        let list = format!(
            "/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.ContainerService/managedClusters"
        );
        let (status, body) = self.arm("GET", &list, None);
        assert_eq!(status, 200, "list clusters: {body}");
        body["value"]
            .as_array()
            .expect("a list")
            .iter()
            .map(|c| {
                format!(
                    "aks:{}",
                    c["id"].as_str().unwrap_or_default().to_lowercase()
                )
            })
            .collect()
    }

    /// Disarms every fault not yet used up.
    pub fn clear_faults(&self) {
        self.control("DELETE", "faults", None);
    }

    /// Forgets every cluster, operation, call count and armed fault.
    pub fn reset(&self) {
        self.control("POST", "reset", None);
    }

    /// Makes the next `times` calls of `operation` (an operationId, or `Token`) fail with HTTP
    /// `status` and ARM's error for it (429 `TooManyRequests`, 500 `InternalServerError`, ...),
    /// carrying `Retry-After: retry_after` (0 asks the client to retry at once).
    pub fn fault(&self, operation: &str, status: u16, times: u32, retry_after: u32) {
        let body = serde_json::json!({
            "operation": operation,
            "status": status,
            "times": times,
            "retry_after": retry_after,
        });
        self.control("POST", "faults", Some(&body));
    }

    /// Makes the next long-running operation of `operation` take `seconds`.
    pub fn slow(&self, operation: &str, seconds: f64) {
        let body = serde_json::json!({"operation": operation, "slow": seconds});
        self.control("POST", "faults", Some(&body));
    }

    /// Makes the next long-running operation of `operation` end `Failed` with this error.
    pub fn fail_next(&self, operation: &str, code: &str, message: &str) {
        let body =
            serde_json::json!({"operation": operation, "fail": {"code": code, "message": message}});
        self.control("POST", "faults", Some(&body));
    }

    /// A bearer token from the emulator's token endpoint, as clusterform gets one.
    pub fn token(&self) -> String {
        let form = format!(
            "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&scope=https%3A%2F%2Fmanagement.azure.com%2F.default"
        );
        let (status, text) = self.http(
            "POST",
            &format!("/{TENANT_ID}/oauth2/v2.0/token"),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            &form,
        );
        assert_eq!(status, 200, "token request failed: {text}");
        let json: Json = serde_json::from_str(&text).expect("the token response is JSON");
        json["access_token"]
            .as_str()
            .expect("the token response has access_token")
            .to_string()
    }

    /// Calls the ARM API directly (with a token of its own) and returns the status and the JSON
    /// body (`Null` when there is none). `?api-version=2026-10-01` is added when `path` has no
    /// api-version. These calls are counted like clusterform's; `reset_calls()` afterwards if
    /// that matters.
    pub fn arm(&self, method: &str, path: &str, body: Option<&Json>) -> (u16, Json) {
        let path = if path.contains("api-version=") {
            path.to_string()
        } else {
            let sep = if path.contains('?') { '&' } else { '?' };
            format!("{path}{sep}api-version={API_VERSION}")
        };
        let auth = format!("Bearer {}", self.token());
        let body = body.map(Json::to_string).unwrap_or_default();
        let (status, text) = self.http(
            method,
            &path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            &body,
        );
        let json = if text.trim().is_empty() {
            Json::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Json::String(text))
        };
        (status, json)
    }

    /// Polls a cluster until no operation runs on it; returns its last GET body, or `Null` once
    /// it is gone. Panics after `limit`.
    #[track_caller]
    pub fn wait_settled(&self, path: &str, limit: Duration) -> Json {
        let started = Instant::now();
        loop {
            let (status, body) = self.arm("GET", path, None);
            if status == 404 {
                return Json::Null;
            }
            let state = body["properties"]["provisioningState"]
                .as_str()
                .unwrap_or("");
            if !matches!(state, "Creating" | "Updating" | "Deleting") {
                return body;
            }
            assert!(
                started.elapsed() < limit,
                "{path} still {state} after {limit:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for AzureEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
