//! The `s3` backend's arguments, read from flat settings and checked, with Terraform's names
//! and defaults, and the object keys they lead to.

use std::collections::BTreeMap;

use super::super::{StateError, DEFAULT_WORKSPACE};

/// Terraform's default `workspace_key_prefix`.
pub const DEFAULT_WORKSPACE_KEY_PREFIX: &str = "env:";

/// Where the lock object sits: the state object's key with this suffix (`use_lockfile`).
pub const LOCKFILE_SUFFIX: &str = ".tflock";

/// The `backend "s3"` block (merged with `init --backend-config`), checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// The default workspace's state object.
    pub key: String,
    pub region: Option<String>,
    /// Non-default workspaces live at `<workspace_key_prefix>/<workspace>/<key>`.
    pub workspace_key_prefix: String,
    /// Server-side encryption (SSE-S3, or SSE-KMS with `kms_key_id`).
    pub encrypt: bool,
    pub kms_key_id: Option<String>,
    /// Lock with a `<key>.tflock` object written with `If-None-Match: *`.
    pub use_lockfile: bool,
    /// Lock with an item in this DynamoDB table (deprecated in Terraform; still supported).
    pub dynamodb_table: Option<String>,
    pub profile: Option<String>,
    pub s3_endpoint: Option<String>,
    pub dynamodb_endpoint: Option<String>,
    pub use_path_style: bool,
    /// Send no optional checksums (for S3-compatible stores that reject them).
    pub skip_s3_checksum: bool,
    /// Keys from the settings; otherwise the standard AWS credential chain is used.
    pub static_credentials: Option<StaticCredentials>,
}

/// `access_key`, `secret_key` and `token`. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticCredentials {
    pub access_key: String,
    pub secret_key: String,
    pub token: Option<String>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticCredentials(..)")
    }
}

fn invalid(message: impl Into<String>, hint: Option<&str>) -> StateError {
    StateError::InvalidSettings {
        backend: "s3".to_string(),
        message: message.into(),
        hint: hint.map(str::to_string),
    }
}

impl S3Settings {
    /// Reads and checks the settings. `bucket` and `key` may come from the block or from
    /// `init --backend-config`; an error names whichever is missing.
    pub fn from_settings(settings: &BTreeMap<String, String>) -> Result<S3Settings, StateError> {
        let get = |k: &str| settings.get(k).filter(|v| !v.is_empty()).cloned();
        let required = |k: &str| {
            get(k).ok_or_else(|| {
                invalid(
                    format!("\"{k}\" is not set"),
                    Some(&format!(
                        "set {k} in the backend \"s3\" block, or pass it to init: clusterform init --backend-config {k}=VALUE"
                    )),
                )
            })
        };
        let flag = |k: &str| -> Result<bool, StateError> {
            match settings.get(k).map(|v| v.to_ascii_lowercase()) {
                None => Ok(false),
                Some(v) if v == "true" => Ok(true),
                Some(v) if v == "false" => Ok(false),
                Some(v) => Err(invalid(
                    format!("\"{k}\" must be true or false, not \"{v}\""),
                    None,
                )),
            }
        };
        let key = required("key")?;
        if key.starts_with('/') || key.ends_with('/') || key.contains("//") {
            return Err(invalid(
                format!("key \"{key}\" must not start or end with \"/\" or contain \"//\""),
                Some("write the object key without a leading slash, such as team/prod/terraform.tfstate"),
            ));
        }
        let workspace_key_prefix = settings
            .get("workspace_key_prefix")
            .cloned()
            .unwrap_or_else(|| DEFAULT_WORKSPACE_KEY_PREFIX.to_string());
        if workspace_key_prefix.starts_with('/') || workspace_key_prefix.ends_with('/') {
            return Err(invalid(
                format!("workspace_key_prefix \"{workspace_key_prefix}\" must not start or end with \"/\""),
                None,
            ));
        }
        let static_credentials = match (get("access_key"), get("secret_key")) {
            (Some(access_key), Some(secret_key)) => Some(StaticCredentials {
                access_key,
                secret_key,
                token: get("token"),
            }),
            (None, None) => None,
            _ => {
                return Err(invalid(
                    "access_key and secret_key must be given together",
                    Some("or leave both out and use the standard AWS credential chain (AWS_PROFILE, AWS_ACCESS_KEY_ID, SSO, instance roles)"),
                ))
            }
        };
        Ok(S3Settings {
            bucket: required("bucket")?,
            key,
            region: get("region"),
            workspace_key_prefix,
            encrypt: flag("encrypt")?,
            kms_key_id: get("kms_key_id"),
            use_lockfile: flag("use_lockfile")?,
            dynamodb_table: get("dynamodb_table"),
            profile: get("profile"),
            s3_endpoint: get("endpoints.s3"),
            dynamodb_endpoint: get("endpoints.dynamodb"),
            use_path_style: flag("use_path_style")?,
            skip_s3_checksum: flag("skip_s3_checksum")?,
            static_credentials,
        })
    }

    /// The state object of `workspace`: `key` for the default one, otherwise
    /// `<workspace_key_prefix>/<workspace>/<key>` (Terraform's layout).
    pub fn object_key(&self, workspace: &str) -> String {
        if workspace == DEFAULT_WORKSPACE {
            self.key.clone()
        } else if self.workspace_key_prefix.is_empty() {
            format!("{workspace}/{}", self.key)
        } else {
            format!("{}/{workspace}/{}", self.workspace_key_prefix, self.key)
        }
    }

    /// The prefix under which non-default workspaces are listed.
    pub fn workspaces_prefix(&self) -> String {
        if self.workspace_key_prefix.is_empty() {
            String::new()
        } else {
            format!("{}/", self.workspace_key_prefix)
        }
    }

    /// The workspace whose state object is `object_key`, if it is one (not `default`).
    pub fn workspace_of(&self, object_key: &str) -> Option<String> {
        let rest = object_key.strip_prefix(&self.workspaces_prefix())?;
        let (workspace, tail) = rest.split_once('/')?;
        (tail == self.key && !workspace.is_empty()).then(|| workspace.to_string())
    }

    /// True when some locking is configured (without it, Terraform's s3 backend does not lock).
    pub fn locks(&self) -> bool {
        self.use_lockfile || self.dynamodb_table.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_and_terraform_key_layout() {
        let s = S3Settings::from_settings(&settings(&[
            ("bucket", "team-state"),
            ("key", "prod/terraform.tfstate"),
            ("use_lockfile", "true"),
        ]))
        .unwrap();
        assert_eq!(s.workspace_key_prefix, "env:");
        assert!(s.use_lockfile && !s.encrypt && s.locks());
        assert_eq!(s.object_key("default"), "prod/terraform.tfstate");
        assert_eq!(s.object_key("dev"), "env:/dev/prod/terraform.tfstate");
        assert_eq!(
            s.workspace_of("env:/dev/prod/terraform.tfstate").as_deref(),
            Some("dev")
        );
        assert_eq!(
            s.workspace_of("env:/dev/prod/terraform.tfstate.tflock"),
            None
        );
        assert_eq!(s.workspace_of("prod/terraform.tfstate"), None);
        assert_eq!(s.workspace_of("env:/dev/other/terraform.tfstate"), None);
    }

    #[test]
    fn an_empty_prefix_puts_workspaces_at_the_top() {
        let s = S3Settings::from_settings(&settings(&[
            ("bucket", "b"),
            ("key", "terraform.tfstate"),
            ("workspace_key_prefix", ""),
        ]))
        .unwrap();
        assert_eq!(s.object_key("dev"), "dev/terraform.tfstate");
        assert_eq!(
            s.workspace_of("dev/terraform.tfstate").as_deref(),
            Some("dev")
        );
        assert_eq!(s.workspace_of("terraform.tfstate"), None);
        assert!(!s.locks());
    }

    #[test]
    fn missing_or_malformed_arguments_are_named() {
        let err = S3Settings::from_settings(&settings(&[("key", "k")])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("\"bucket\" is not set"), "{msg}");
        assert!(msg.contains("--backend-config bucket=VALUE"), "{msg}");
        let err = S3Settings::from_settings(&settings(&[("bucket", "b"), ("key", "/k")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("must not start or end with \"/\""), "{err}");
        let err = S3Settings::from_settings(&settings(&[
            ("bucket", "b"),
            ("key", "k"),
            ("encrypt", "yes"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("\"encrypt\" must be true or false"), "{err}");
        let err = S3Settings::from_settings(&settings(&[
            ("bucket", "b"),
            ("key", "k"),
            ("access_key", "AKIA"),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("given together"), "{err}");
    }

    #[test]
    fn static_credentials_never_print() {
        let s = S3Settings::from_settings(&settings(&[
            ("bucket", "b"),
            ("key", "k"),
            ("access_key", "AKIAEXAMPLE"),
            ("secret_key", "very-secret"),
        ]))
        .unwrap();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("AKIAEXAMPLE"),
            "{shown}"
        );
    }
}
