//! Which backend a configuration names, opened for one workspace: the one place that knows
//! every kind of backend. Settings arrive as flat strings (`config::backend` reads them from
//! the block and `init --backend-config`); this module reads no configuration files.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::azure_blob::AzureBlobBackend;
use super::s3::S3Backend;
use super::{Backend, LocalBackend, StateError};

/// Opens the `kind` backend with `settings` for `workspace`. `dir` is the configuration
/// directory, which the local backend's relative paths start from.
pub fn open(
    kind: &str,
    settings: &BTreeMap<String, String>,
    dir: &Path,
    workspace: &str,
) -> Result<Arc<dyn Backend>, StateError> {
    check_workspace_name(workspace).map_err(|message| StateError::InvalidSettings {
        backend: kind.to_string(),
        message,
        hint: Some("select a valid workspace: clusterform workspace select default".to_string()),
    })?;
    match kind {
        "local" => Ok(Arc::new(LocalBackend::for_workspace(
            dir,
            settings.get("path").map(String::as_str),
            settings.get("workspace_dir").map(String::as_str),
            workspace,
        ))),
        "s3" => Ok(Arc::new(S3Backend::new(settings, workspace)?)),
        "azurerm" => Ok(Arc::new(AzureBlobBackend::new(settings, workspace)?)),
        other => Err(StateError::InvalidSettings {
            backend: other.to_string(),
            message: "clusterform has no backend of this type".to_string(),
            hint: Some("use \"local\", \"s3\" or \"azurerm\"".to_string()),
        }),
    }
}

/// Workspace names are single path segments, as Terraform requires: letters, digits and
/// `-`, `_`, `.`, `~`; not `.` or `..`.
pub fn check_workspace_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.~".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "\"{name}\" is not a valid workspace name: use letters, digits, \"-\", \"_\", \".\" and \"~\""
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_names_are_single_segments() {
        for good in ["default", "dev", "prod-eu_1", "v1.2", "a~b"] {
            assert!(check_workspace_name(good).is_ok(), "{good}");
        }
        for bad in ["", ".", "..", "a/b", "has space", "ü"] {
            assert!(check_workspace_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn local_is_opened_with_its_paths_and_unknown_kinds_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let settings = BTreeMap::from([("path".to_string(), "x.tfstate".to_string())]);
        let b = open("local", &settings, dir.path(), "default").unwrap();
        assert!(b.describe().ends_with("x.tfstate"), "{}", b.describe());
        let err = open("gcs", &settings, dir.path(), "default").err().unwrap();
        assert!(err.to_string().contains("invalid gcs backend"), "{err}");
        let err = open("local", &settings, dir.path(), "a/b").err().unwrap();
        assert!(
            err.to_string().contains("not a valid workspace name"),
            "{err}"
        );
    }
}
