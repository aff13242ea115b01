//! The `terraform { backend "KIND" { … } }` block: which kinds exist, the arguments each takes
//! (Terraform's names), and the block's settings as flat strings that `init --backend-config`
//! values are merged over.
//!
//! Settings are strings keyed by argument name; the arguments of a nested block or object are
//! keyed `outer.inner` (`endpoints.s3`). Which arguments are secrets is decided here too, so
//! nothing else has to guess what may be written to disk.
//!
//! This module knows nothing about storing state: `state::backends` turns settings into a
//! backend.

use std::collections::BTreeMap;
use std::path::Path;

use super::body::Body;
use super::constant::eval_constant;
use crate::diag::{Diagnostic, Diagnostics};
use crate::value::Value;

/// The backend used when the configuration names none.
pub const LOCAL: &str = "local";
pub const S3: &str = "s3";
pub const AZURERM: &str = "azurerm";

/// Flat backend settings: argument name → value as text.
pub type BackendSettings = BTreeMap<String, String>;

/// One kind of backend and the arguments Terraform documents for it (those clusterform uses).
pub struct BackendKind {
    pub name: &'static str,
    pub arguments: &'static [&'static str],
    /// Arguments that are objects (or nested blocks), with their keys.
    pub objects: &'static [(&'static str, &'static [&'static str])],
}

const KINDS: &[BackendKind] = &[
    BackendKind {
        name: LOCAL,
        arguments: &["path", "workspace_dir"],
        objects: &[],
    },
    BackendKind {
        name: S3,
        arguments: &[
            "bucket",
            "key",
            "region",
            "workspace_key_prefix",
            "encrypt",
            "kms_key_id",
            "use_lockfile",
            "dynamodb_table",
            "profile",
            "use_path_style",
            "access_key",
            "secret_key",
            "token",
            // Accepted so Terraform configurations written for emulators work unchanged;
            // clusterform makes none of these checks.
            "skip_credentials_validation",
            "skip_region_validation",
            "skip_requesting_account_id",
            "skip_metadata_api_check",
            "skip_s3_checksum",
        ],
        objects: &[("endpoints", &["s3", "dynamodb"])],
    },
    BackendKind {
        name: AZURERM,
        arguments: &[
            "storage_account_name",
            "container_name",
            "key",
            "resource_group_name",
            "use_azuread_auth",
            "endpoint",
            "blob_endpoint",
            "access_key",
            "sas_token",
            "subscription_id",
            "tenant_id",
            "client_id",
            "client_secret",
            "use_msi",
            "use_oidc",
            "use_cli",
            "environment",
            "snapshot",
            "lookup_blob_endpoint",
        ],
        objects: &[],
    },
];

/// The backend kind called `name`, if clusterform has it.
pub fn kind(name: &str) -> Option<&'static BackendKind> {
    KINDS.iter().find(|k| k.name == name)
}

/// The names of every backend kind, for messages.
pub fn kind_names() -> String {
    KINDS
        .iter()
        .map(|k| format!("\"{}\"", k.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Argument names that hold credentials. Their values are never written to any file
/// clusterform creates (`.terraform/terraform.tfstate` included).
const SECRET_ARGUMENTS: &[&str] = &[
    "access_key",
    "secret_key",
    "token",
    "sas_token",
    "client_secret",
    "client_certificate_password",
    "oidc_token",
    "oidc_request_token",
];

/// True for an argument whose value is a credential, by name (`secret_key`, `sas_token`,
/// anything with "secret", "password" or "token" in it).
pub fn is_secret(name: &str) -> bool {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    SECRET_ARGUMENTS.contains(&leaf)
        || ["secret", "password", "token"]
            .iter()
            .any(|word| leaf.contains(word))
}

impl BackendKind {
    /// Reports arguments and blocks this kind does not take, each with its span.
    pub fn check_body(&self, body: &Body, diags: &mut Diagnostics) {
        let context = format!("a {} backend block", self.name);
        let object_names: Vec<&str> = self.objects.iter().map(|(n, _)| *n).collect();
        let mut attributes: Vec<&str> = self.arguments.to_vec();
        attributes.extend(&object_names);
        body.check_allowed(&attributes, &object_names, &context, diags);
        for (name, keys) in self.objects {
            for block in body.blocks_of(name) {
                block
                    .body
                    .check_allowed(keys, &[], &format!("the {name} block"), diags);
            }
        }
    }

    /// True when `key` (flat, `endpoints.s3`) is an argument of this kind.
    pub fn takes(&self, key: &str) -> bool {
        match key.split_once('.') {
            None => self.arguments.contains(&key),
            Some((outer, inner)) => self
                .objects
                .iter()
                .any(|(name, keys)| *name == outer && keys.contains(&inner)),
        }
    }
}

/// The block's arguments as flat settings. Backend arguments may not refer to anything
/// (Terraform evaluates them before anything else exists), so each is a constant.
pub fn settings_of(body: &Body, dir: &Path) -> Result<BackendSettings, Diagnostic> {
    let mut out = BackendSettings::new();
    for attr in &body.attributes {
        let value = eval_constant(&attr.expr, dir, "A backend argument")?;
        flatten(&attr.name, value.unmarked(), &mut out).map_err(|detail| {
            Diagnostic::error("Invalid backend argument")
                .at(attr.expr.span)
                .detail(detail)
        })?;
    }
    for block in &body.blocks {
        for attr in &block.body.attributes {
            let value = eval_constant(&attr.expr, dir, "A backend argument")?;
            let key = format!("{}.{}", block.kind, attr.name);
            flatten(&key, value.unmarked(), &mut out).map_err(|detail| {
                Diagnostic::error("Invalid backend argument")
                    .at(attr.expr.span)
                    .detail(detail)
            })?;
        }
    }
    Ok(out)
}

/// Adds `value` under `key`; an object's members go under `key.member`. Null leaves the
/// argument unset, as in Terraform.
fn flatten(key: &str, value: &Value, out: &mut BackendSettings) -> Result<(), String> {
    match value {
        Value::Null => Ok(()),
        Value::String(s) => {
            out.insert(key.to_string(), s.clone());
            Ok(())
        }
        Value::Bool(b) => {
            out.insert(key.to_string(), b.to_string());
            Ok(())
        }
        Value::Number(n) => {
            out.insert(key.to_string(), n.to_string());
            Ok(())
        }
        Value::Object(members) if !key.contains('.') => {
            for (name, v) in members {
                flatten(&format!("{key}.{name}"), v.unmarked(), out)?;
            }
            Ok(())
        }
        other => Err(format!(
            "\"{key}\" must be a string, number or bool, not a {}.",
            other.type_name()
        )),
    }
}

/// One `--backend-config` argument: `KEY=VALUE`, or the path of a file of `key = "value"`
/// lines (HCL attributes, as Terraform reads it). Relative paths are taken from `dir`.
pub fn parse_backend_config_arg(arg: &str, dir: &Path) -> Result<BackendSettings, Diagnostic> {
    if let Some((key, value)) = arg.split_once('=') {
        let key = key.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            return Err(Diagnostic::error("Invalid --backend-config value")
                .detail(format!("\"{arg}\" is neither KEY=VALUE nor a file name."))
                .hint("write --backend-config bucket=my-state, or --backend-config backend.hcl"));
        }
        return Ok(BackendSettings::from([(
            key.to_string(),
            value.to_string(),
        )]));
    }
    let path = dir.join(arg);
    let text = fs_err::read_to_string(&path).map_err(|e| {
        Diagnostic::error("Cannot read the --backend-config file")
            .detail(e.to_string())
            .hint("pass KEY=VALUE, or the path of a file of key = \"value\" lines")
    })?;
    parse_backend_config_file(&text).map_err(|detail| {
        Diagnostic::error("Invalid --backend-config file")
            .detail(format!("{}: {detail}", path.display()))
    })
}

/// A file of backend arguments: `key = "value"` lines, and `endpoints = { s3 = "…" }` or
/// `endpoints { s3 = "…" }` for nested ones.
pub fn parse_backend_config_file(text: &str) -> Result<BackendSettings, String> {
    let body: hcl::Body = hcl::from_str(text).map_err(|e| e.to_string())?;
    let mut out = BackendSettings::new();
    for attr in body.attributes() {
        flatten_hcl(attr.key(), attr.expr(), &mut out)?;
    }
    for block in body.blocks() {
        for attr in block.body().attributes() {
            let key = format!("{}.{}", block.identifier(), attr.key());
            flatten_hcl(&key, attr.expr(), &mut out)?;
        }
    }
    Ok(out)
}

fn flatten_hcl(key: &str, expr: &hcl::Expression, out: &mut BackendSettings) -> Result<(), String> {
    use hcl::Expression as E;
    let text = match expr {
        E::Null => return Ok(()),
        E::String(s) => s.clone(),
        E::Bool(b) => b.to_string(),
        E::Number(n) => n.to_string(),
        E::Object(members) if !key.contains('.') => {
            for (name, v) in members {
                let name = match name {
                    hcl::ObjectKey::Identifier(i) => i.to_string(),
                    hcl::ObjectKey::Expression(E::String(s)) => s.clone(),
                    other => return Err(format!("unsupported key {other:?} in \"{key}\"")),
                };
                flatten_hcl(&format!("{key}.{name}"), v, out)?;
            }
            return Ok(());
        }
        _ => {
            return Err(format!(
                "\"{key}\" must be a literal string, number or bool"
            ))
        }
    };
    out.insert(key.to_string(), text);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised_by_name() {
        for name in [
            "access_key",
            "secret_key",
            "token",
            "sas_token",
            "client_secret",
            "oidc_request_token",
            "some_password",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in [
            "bucket",
            "key",
            "region",
            "endpoints.s3",
            "use_azuread_auth",
        ] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn files_hold_attributes_and_nested_objects() {
        let text = r#"
bucket       = "team-state"
encrypt      = true
max          = 3
endpoints = {
  s3 = "http://127.0.0.1:5000"
}
endpoints {
  dynamodb = "http://127.0.0.1:5001"
}
"#;
        let settings = parse_backend_config_file(text).unwrap();
        assert_eq!(
            settings,
            BackendSettings::from(
                [
                    ("bucket", "team-state"),
                    ("encrypt", "true"),
                    ("max", "3"),
                    ("endpoints.s3", "http://127.0.0.1:5000"),
                    ("endpoints.dynamodb", "http://127.0.0.1:5001"),
                ]
                .map(|(k, v)| (k.to_string(), v.to_string()))
            )
        );
        assert!(parse_backend_config_file("bucket = [1]").is_err());
        assert!(parse_backend_config_file("bucket = ").is_err());
    }

    #[test]
    fn key_value_arguments_split_at_the_first_equals_sign() {
        let dir = Path::new(".");
        let s = parse_backend_config_arg("key=a=b/terraform.tfstate", dir).unwrap();
        assert_eq!(s["key"], "a=b/terraform.tfstate");
        assert!(parse_backend_config_arg("=x", dir).is_err());
        let missing = parse_backend_config_arg("no-such-file.hcl", dir).unwrap_err();
        assert!(missing.summary.contains("--backend-config"), "{missing:?}");
    }

    #[test]
    fn kinds_know_their_arguments() {
        let s3 = kind(S3).unwrap();
        assert!(s3.takes("bucket") && s3.takes("endpoints.s3"));
        assert!(!s3.takes("endpoints.eks") && !s3.takes("path"));
        assert!(kind(LOCAL).unwrap().takes("workspace_dir"));
        assert!(kind("gcs").is_none());
        assert_eq!(kind_names(), "\"local\", \"s3\", \"azurerm\"");
    }
}
