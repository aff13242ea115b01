//! Saved plans: `plan --out FILE` writes one, `apply FILE` and `show FILE` read it.
//!
//! A saved plan records the state's lineage and serial and a digest of the configuration, and
//! apply refuses it when either changed. Secrets are never written: sensitive values are
//! redacted and sensitive variables are kept only as a SHA-256 digest.
//!
//! Beside the plan, the file records the workspace it was made in (`"workspace"`, as
//! Terraform's plan file records its backend's workspace), so apply refuses it in another.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};

use super::model::{Plan, PlanVariable};
use crate::value::Value;

#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("cannot read the plan file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write the plan file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a clusterform plan file ({message})")]
    Invalid { path: String, message: String },
    #[error("{path} was made by a clusterform plan format {found}; this version reads format {expected}")]
    Version {
        path: String,
        found: String,
        expected: String,
    },
}

/// The key of the workspace a plan was made in, beside the plan's own fields.
const WORKSPACE_KEY: &str = "workspace";

/// Saves a plan made in the `default` workspace.
pub fn write(path: &Path, plan: &Plan) -> Result<(), PlanFileError> {
    write_in_workspace(path, plan, crate::state::DEFAULT_WORKSPACE)
}

/// Saves a plan made in `workspace`.
pub fn write_in_workspace(path: &Path, plan: &Plan, workspace: &str) -> Result<(), PlanFileError> {
    let err = |source| PlanFileError::Write {
        path: path.display().to_string(),
        source,
    };
    let mut value = serde_json::to_value(plan).map_err(|e| err(std::io::Error::other(e)))?;
    if let Some(fields) = value.as_object_mut() {
        fields.insert(WORKSPACE_KEY.to_string(), workspace.into());
    }
    let json = serde_json::to_string_pretty(&value).map_err(|e| err(std::io::Error::other(e)))?;
    let tmp = path.with_extension("tmp-plan");
    let mut f = std::fs::File::create(&tmp).map_err(err)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(err)?;
    }
    f.write_all(json.as_bytes()).map_err(err)?;
    f.write_all(b"\n").map_err(err)?;
    f.sync_all().map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}

pub fn read(path: &Path) -> Result<Plan, PlanFileError> {
    read_with_workspace(path).map(|(plan, _)| plan)
}

/// A saved plan and the workspace it was made in (`default` for plans saved before
/// workspaces were recorded).
pub fn read_with_workspace(path: &Path) -> Result<(Plan, String), PlanFileError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| PlanFileError::Read {
        path: shown.clone(),
        source,
    })?;
    let probe: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| PlanFileError::Invalid {
            path: shown.clone(),
            message: e.to_string(),
        })?;
    match probe.get("format_version").and_then(|v| v.as_str()) {
        Some(Plan::FORMAT_VERSION) => {}
        Some(other) => {
            return Err(PlanFileError::Version {
                path: shown,
                found: other.to_string(),
                expected: Plan::FORMAT_VERSION.to_string(),
            })
        }
        None => {
            return Err(PlanFileError::Invalid {
                path: shown,
                message: "it has no format_version".into(),
            })
        }
    }
    let mut probe = probe;
    let workspace = probe
        .as_object_mut()
        .and_then(|fields| fields.remove(WORKSPACE_KEY))
        .and_then(|w| w.as_str().map(str::to_string))
        .unwrap_or_else(|| crate::state::DEFAULT_WORKSPACE.to_string());
    let plan = serde_json::from_value(probe).map_err(|e| PlanFileError::Invalid {
        path: shown,
        message: e.to_string(),
    })?;
    Ok((plan, workspace))
}

/// Rounds of SHA-256 in a sensitive variable's digest: enough to make guessing a short secret
/// from a leaked plan file slow, while checking one value stays a few milliseconds.
const ROUNDS: u32 = 100_000;

fn stretch(salt: &str, v: &Value, rounds: u32) -> String {
    let json = v.clone().strip_marks().0.to_json_lossy().to_string();
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(json.as_bytes());
    let mut out = h.finalize();
    for _ in 1..rounds {
        let mut h = Sha256::new();
        h.update(out);
        h.update(salt.as_bytes());
        out = h.finalize();
    }
    out.iter().map(|b| format!("{b:02x}")).collect()
}

/// A salted, stretched digest of a sensitive value: `sha256x<rounds>$<salt>$<hex>`.
pub fn digest(v: &Value) -> String {
    let salt = uuid::Uuid::new_v4().simple().to_string();
    format!("sha256x{ROUNDS}${salt}${}", stretch(&salt, v, ROUNDS))
}

/// True when `v` is the value `recorded` was made from.
pub fn digest_matches(v: &Value, recorded: &str) -> bool {
    let mut parts = recorded.splitn(3, '$');
    let (Some(kind), Some(salt), Some(hex)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Some(rounds) = kind
        .strip_prefix("sha256x")
        .and_then(|r| r.parse::<u32>().ok())
    else {
        return false;
    };
    rounds > 0 && rounds <= 10 * ROUNDS && stretch(salt, v, rounds) == hex
}

/// How root variables are recorded: plain values, or a digest for sensitive ones.
pub fn record_variables(values: &BTreeMap<String, Value>) -> BTreeMap<String, PlanVariable> {
    values
        .iter()
        .map(|(k, v)| {
            let rec = if v.contains_sensitive() {
                PlanVariable {
                    value: None,
                    sha256: Some(digest(v)),
                }
            } else {
                PlanVariable {
                    value: Some(v.to_json_lossy()),
                    sha256: None,
                }
            };
            (k.clone(), rec)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_salted_and_check_the_value() {
        let secret = Value::from("hunter2").sensitive();
        let (a, b) = (digest(&secret), digest(&secret));
        assert_ne!(a, b, "each digest has its own salt");
        assert!(digest_matches(&secret, &a) && digest_matches(&secret, &b));
        assert!(!digest_matches(&Value::from("hunter3"), &a));
        assert!(!a.contains("hunter2"));
        assert!(!digest_matches(&secret, "garbage"));
    }

    #[test]
    fn the_workspace_is_saved_beside_the_plan() {
        let plan = Plan {
            format_version: Plan::FORMAT_VERSION.to_string(),
            clusterform_version: "0.0.0".to_string(),
            mode: super::super::PlanMode::Normal,
            working_dir: String::new(),
            config_digest: "d".to_string(),
            state_lineage: None,
            state_serial: None,
            variables: BTreeMap::new(),
            targets: Vec::new(),
            replace: Vec::new(),
            changes: Vec::new(),
            drift: Vec::new(),
            forget_creates: Vec::new(),
            outputs: Vec::new(),
            messages: Vec::new(),
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("p.tfplan");
        write_in_workspace(&file, &plan, "staging").unwrap();
        let (back, workspace) = read_with_workspace(&file).unwrap();
        assert_eq!((back, workspace.as_str()), (plan.clone(), "staging"));

        write(&file, &plan).unwrap();
        assert_eq!(read_with_workspace(&file).unwrap().1, "default");
        // A plan saved before workspaces were recorded reads as made in `default`.
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        json.as_object_mut().unwrap().remove("workspace").unwrap();
        std::fs::write(&file, json.to_string()).unwrap();
        assert_eq!(read(&file).unwrap(), plan);
        assert_eq!(read_with_workspace(&file).unwrap().1, "default");
    }
}
