//! The working directory's `.terraform/` (or `TF_DATA_DIR`), where `init` remembers things
//! between commands, in Terraform's file names:
//!
//! - `terraform.tfstate`: the backend `init` set up — its type, its settings (the block merged
//!   with `--backend-config`, secrets left out) and a hash of the block as written, so a later
//!   command notices that the configuration changed.
//! - `environment`: the selected workspace (`TF_WORKSPACE` overrides it).
//!
//! Secrets never reach these files: [`RecordedBackend::new`] drops every argument
//! `config::backend::is_secret` names.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::workspace::Workspace;
use crate::config::backend::{self, BackendSettings};
use crate::diag::Diagnostic;
use crate::state::DEFAULT_WORKSPACE;

/// The environment variable that selects a workspace for one run, as in Terraform.
pub const WORKSPACE_ENV: &str = "TF_WORKSPACE";

/// The backend `init` set up, as recorded in `.terraform/terraform.tfstate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedBackend {
    #[serde(rename = "type")]
    pub kind: String,
    /// Settings without secrets. Terraform writes typed values; any JSON scalar is read.
    pub config: BTreeMap<String, serde_json::Value>,
    /// [`block_hash`] of the backend block as written in the configuration.
    pub hash: u64,
}

/// The whole file; Terraform's layout, so either tool can read the other's.
#[derive(Debug, Serialize, Deserialize)]
struct BackendStateFile {
    version: u32,
    #[serde(default)]
    serial: u64,
    #[serde(default)]
    lineage: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    backend: Option<RecordedBackend>,
}

impl RecordedBackend {
    /// A record of `settings` (secrets dropped) for a block whose own settings are `block`.
    pub fn new(kind: &str, settings: &BackendSettings, block: &BackendSettings) -> RecordedBackend {
        RecordedBackend {
            kind: kind.to_string(),
            config: settings
                .iter()
                .filter(|(k, _)| !backend::is_secret(k))
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
            hash: block_hash(kind, block),
        }
    }

    /// The recorded settings as flat strings (nulls dropped, objects flattened).
    pub fn settings(&self) -> BackendSettings {
        let mut out = BackendSettings::new();
        for (k, v) in &self.config {
            flatten_json(k, v, &mut out);
        }
        out
    }
}

fn flatten_json(key: &str, value: &serde_json::Value, out: &mut BackendSettings) {
    use serde_json::Value as J;
    match value {
        J::Null => {}
        J::String(s) => {
            out.insert(key.to_string(), s.clone());
        }
        J::Object(members) => {
            for (name, v) in members {
                flatten_json(&format!("{key}.{name}"), v, out);
            }
        }
        other => {
            out.insert(key.to_string(), other.to_string());
        }
    }
}

/// A hash of a backend block's non-secret settings, so that editing the block is noticed.
pub fn block_hash(kind: &str, block: &BackendSettings) -> u64 {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    for (k, v) in block.iter().filter(|(k, _)| !backend::is_secret(k)) {
        h.update([0]);
        h.update(k.as_bytes());
        h.update([0]);
        h.update(v.as_bytes());
    }
    let digest = h.finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    // Terraform's hash is a 32-bit number; keep ours in the same range so either reads it.
    u64::from_be_bytes(first) >> 32
}

/// `.terraform`, or `TF_DATA_DIR` (relative to the configuration directory).
pub fn path(ws: &Workspace) -> PathBuf {
    match std::env::var_os("TF_DATA_DIR").filter(|v| !v.is_empty()) {
        Some(dir) => ws.dir.join(dir),
        None => ws.dir.join(".terraform"),
    }
}

fn record_path(ws: &Workspace) -> PathBuf {
    path(ws).join("terraform.tfstate")
}

fn environment_path(ws: &Workspace) -> PathBuf {
    path(ws).join("environment")
}

/// The backend `init` recorded, if any.
pub fn read_record(ws: &Workspace) -> Result<Option<RecordedBackend>, Diagnostic> {
    let file = record_path(ws);
    let text = match fs_err::read_to_string(&file) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(Diagnostic::error("Cannot read the backend settings").detail(e.to_string()))
        }
    };
    let parsed: BackendStateFile = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error("Cannot read the backend settings")
            .detail(format!("{}: {e}", ws.relative(&file)))
            .hint("run clusterform init -reconfigure to set the backend up again")
    })?;
    Ok(parsed.backend)
}

/// Records `backend` (or, with `None`, that the implicit local backend is in use).
pub fn write_record(ws: &Workspace, backend: Option<&RecordedBackend>) -> Result<(), Diagnostic> {
    let file = record_path(ws);
    let Some(backend) = backend else {
        return match fs_err::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Diagnostic::error("Cannot save the backend settings").detail(e.to_string()))
            }
            _ => Ok(()),
        };
    };
    let contents = BackendStateFile {
        version: 3,
        serial: 1,
        lineage: uuid::Uuid::new_v4().to_string(),
        backend: Some(backend.clone()),
    };
    let text = serde_json::to_string_pretty(&contents).expect("backend settings serialise");
    write_file(&file, &format!("{text}\n"))
}

/// The workspace this run uses: `TF_WORKSPACE`, else the one `workspace select` saved, else
/// `default`.
pub fn selected_workspace(ws: &Workspace) -> Result<String, Diagnostic> {
    if let Some(name) = std::env::var(WORKSPACE_ENV).ok().filter(|v| !v.is_empty()) {
        return Ok(name);
    }
    match fs_err::read_to_string(environment_path(ws)) {
        Ok(text) if !text.trim().is_empty() => Ok(text.trim().to_string()),
        Ok(_) => Ok(DEFAULT_WORKSPACE.to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DEFAULT_WORKSPACE.to_string()),
        Err(e) => {
            Err(Diagnostic::error("Cannot read the selected workspace").detail(e.to_string()))
        }
    }
}

/// True when `TF_WORKSPACE` decides the workspace, so `workspace select` cannot.
pub fn workspace_overridden() -> bool {
    std::env::var(WORKSPACE_ENV).is_ok_and(|v| !v.is_empty())
}

/// Saves the selected workspace (`default` removes the file, as Terraform does).
pub fn select_workspace(ws: &Workspace, name: &str) -> Result<(), Diagnostic> {
    let file = environment_path(ws);
    if name == DEFAULT_WORKSPACE {
        return match fs_err::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(Diagnostic::error("Cannot save the selected workspace").detail(e.to_string()))
            }
            _ => Ok(()),
        };
    }
    write_file(&file, name)
}

fn write_file(file: &std::path::Path, text: &str) -> Result<(), Diagnostic> {
    let failed =
        |e: std::io::Error| Diagnostic::error("Cannot write to .terraform").detail(e.to_string());
    if let Some(parent) = file.parent() {
        fs_err::create_dir_all(parent).map_err(failed)?;
    }
    fs_err::write(file, text).map_err(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> BackendSettings {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn records_leave_secrets_out_and_hash_only_the_block() {
        let block = settings(&[("bucket", "b"), ("secret_key", "in-the-block")]);
        let merged = settings(&[
            ("bucket", "b"),
            ("key", "k"),
            ("secret_key", "in-the-block"),
            ("access_key", "AKIA"),
        ]);
        let rec = RecordedBackend::new("s3", &merged, &block);
        assert_eq!(rec.settings(), settings(&[("bucket", "b"), ("key", "k")]));
        let text = serde_json::to_string(&rec).unwrap();
        assert!(
            !text.contains("in-the-block") && !text.contains("AKIA"),
            "{text}"
        );
        // Secrets do not count: changing one is not a configuration change.
        let other = settings(&[("bucket", "b"), ("secret_key", "rotated")]);
        assert_eq!(rec.hash, block_hash("s3", &other));
        assert_ne!(rec.hash, block_hash("s3", &settings(&[("bucket", "c")])));
        assert_ne!(rec.hash, block_hash("azurerm", &block));
    }

    #[test]
    fn terraform_written_records_read_as_flat_settings() {
        let text = r#"{"version":3,"serial":1,"lineage":"x","backend":{"type":"s3",
            "config":{"bucket":"b","encrypt":true,"endpoints":{"s3":"http://h"},"profile":null},
            "hash":3911243612}}"#;
        let parsed: BackendStateFile = serde_json::from_str(text).unwrap();
        let rec = parsed.backend.unwrap();
        assert_eq!(
            rec.settings(),
            settings(&[
                ("bucket", "b"),
                ("encrypt", "true"),
                ("endpoints.s3", "http://h")
            ])
        );
    }
}
