//! The state file's JSON text: parsing with errors a person can act on, and writing in one
//! stable, diff-friendly layout.
//!
//! Writing: pretty JSON, two-space indent, a trailing newline, fields in Terraform's order,
//! object keys sorted, resources and instances in [`State::normalise`] order. The same state
//! always gives the same bytes.
//!
//! Reading checks, in order: that the text is JSON; that it is format version 4; that it
//! holds nothing clusterform would silently drop (deposed objects, pre-0.12 flat
//! attributes); that it has the right shape; and that its addresses make sense.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;

use super::model::{State, STATE_VERSION};
use super::StateError;

impl State {
    /// Parses state JSON that did not come from a file (for a file, use
    /// [`State::from_json_at`] so errors name it).
    pub fn from_json(text: &str) -> Result<State, StateError> {
        parse(text, None)
    }

    /// Parses the contents of the state file at `path`.
    pub fn from_json_at(text: &str, path: &Path) -> Result<State, StateError> {
        parse(text, Some(path))
    }

    /// The state as the file holds it. Deterministic: normalises a copy first.
    pub fn to_json(&self) -> String {
        let mut state = self.clone();
        state.normalise();
        state.check_results = None;
        // Cannot fail: every map key is a string and serde_json values hold no NaN.
        let mut text = serde_json::to_string_pretty(&state).expect("state serialises as JSON");
        text.push('\n');
        text
    }
}

fn parse(text: &str, path: Option<&Path>) -> Result<State, StateError> {
    let raw: Json = serde_json::from_str(text).map_err(|e| parse_error(&e, path))?;
    check_version(&raw, path)?;
    check_nothing_dropped(&raw).map_err(|message| invalid(path, message))?;
    let mut state: State = serde_json::from_str(text).map_err(|e| parse_error(&e, path))?;
    check_addresses(&state).map_err(|message| invalid(path, message))?;
    state.normalise();
    Ok(state)
}

fn invalid(path: Option<&Path>, message: String) -> StateError {
    StateError::Invalid {
        path: path.map(Path::to_path_buf),
        message,
    }
}

fn parse_error(e: &serde_json::Error, path: Option<&Path>) -> StateError {
    use serde_json::error::Category;
    let location = format!(" at line {} column {}", e.line(), e.column());
    let full = e.to_string();
    let message = full.strip_suffix(&location).unwrap_or(&full).to_string();
    // How to get a good state back, whatever broke this one.
    let restore = match path {
        Some(p) => format!(
            " `{}.backup` holds the state before the last write: `clusterform state push --force {}.backup` puts it back (and keeps this file as the new backup).",
            p.display(),
            p.display()
        ),
        None => " `clusterform state push --force FILE` replaces it with a good copy.".to_string(),
    };
    let hint = match e.classify() {
        Category::Eof if e.line() == 1 && e.column() == 0 => Some(format!(
            "the text is empty; a state file is a JSON object.{restore}"
        )),
        Category::Eof => Some(format!(
            "the file ends in the middle of the JSON document, so it was cut short (an \
             interrupted copy or a full disk?).{restore}"
        )),
        Category::Syntax => Some(format!(
            "a state file is JSON written by clusterform or Terraform; if it was edited by \
             hand, check the syntax at that position.{restore}"
        )),
        Category::Data => Some(format!(
            "the JSON is well-formed but a field has the wrong type or is missing; see \
             state/schema.json for the format.{restore}"
        )),
        Category::Io => None,
    };
    StateError::Parse {
        path: path.map(Path::to_path_buf),
        line: e.line(),
        column: e.column(),
        message,
        hint,
    }
}

fn check_version(raw: &Json, path: Option<&Path>) -> Result<(), StateError> {
    let Some(obj) = raw.as_object() else {
        return Err(invalid(
            path,
            "expected a JSON object with \"version\", \"serial\", \"lineage\" and \"resources\"; \
             this is not a state file"
                .to_string(),
        ));
    };
    match obj.get("version") {
        None => Err(invalid(
            path,
            "there is no \"version\" field; this is not a Terraform state file".to_string(),
        )),
        Some(v) => match v.as_u64() {
            Some(n) if n == u64::from(STATE_VERSION) => Ok(()),
            Some(found) => Err(StateError::UnsupportedVersion {
                path: path.map(Path::to_path_buf),
                found,
            }),
            None => Err(invalid(
                path,
                format!("\"version\" must be a whole number, found {v}"),
            )),
        },
    }
}

/// Refuses content the model has no place for, rather than losing it on the next write.
fn check_nothing_dropped(raw: &Json) -> Result<(), String> {
    let resources = raw.get("resources").and_then(Json::as_array);
    for rs in resources.into_iter().flatten() {
        let name = || {
            let module = rs.get("module").and_then(Json::as_str).unwrap_or("");
            let local = format!(
                "{}.{}",
                rs.get("type").and_then(Json::as_str).unwrap_or("?"),
                rs.get("name").and_then(Json::as_str).unwrap_or("?")
            );
            if module.is_empty() {
                local
            } else {
                format!("{module}.{local}")
            }
        };
        let instances = rs.get("instances").and_then(Json::as_array);
        for inst in instances.into_iter().flatten() {
            if inst.get("deposed").is_some() {
                return Err(format!(
                    "{} has a deposed object (left by an interrupted create-before-destroy \
                     replacement); clusterform cannot manage deposed objects yet, so finish \
                     the replacement with Terraform first",
                    name()
                ));
            }
            if inst.get("attributes_flat").is_some() {
                return Err(format!(
                    "{} uses the pre-0.12 flat attribute format; run `terraform apply \
                     -refresh-only` with Terraform 0.12 or later to upgrade the file",
                    name()
                ));
            }
        }
    }
    Ok(())
}

fn check_addresses(state: &State) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for rs in &state.resources {
        let addr = rs
            .addr()
            .map_err(|e| format!("resource {}.{}: {e}", rs.type_name, rs.name))?;
        if !seen.insert(addr.to_string()) {
            return Err(format!("{addr} appears more than once"));
        }
        let mut keys = BTreeSet::new();
        for inst in &rs.instances {
            let key = inst.key().map_err(|e| format!("{addr}: {e}"))?;
            let inst_addr = addr.instance(key.clone());
            if !keys.insert(key.to_string()) {
                return Err(format!("{inst_addr} appears more than once"));
            }
            if let Some(status) = inst.status.as_deref().filter(|s| *s != "tainted") {
                return Err(format!(
                    "{inst_addr} has status \"{status}\"; the only status is \"tainted\""
                ));
            }
            if !inst.attributes.is_object() {
                return Err(format!("{inst_addr}: \"attributes\" must be a JSON object"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::addr::{InstanceKey, ModulePath, ResourceAddr};
    use crate::state::{InstanceState, OutputState};
    use serde_json::json;

    const AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

    fn sample() -> State {
        let mut s = State::new();
        s.lineage = "0c4b1a9e-3f7d-4e2a-9b1c-5d6e7f8a9b0c".into();
        s.serial = 7;
        let vpc = ResourceAddr::managed(ModulePath::root(), "aws_vpc", "main");
        let mut inst = InstanceState::new(json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16"}));
        inst.schema_version = 1;
        inst.private = Some("eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ==".into());
        s.set_instance(&vpc.instance(InstanceKey::None), AWS, inst);
        let db = ResourceAddr::managed(ModulePath::root().child("db"), "aws_db_instance", "main");
        let mut inst = InstanceState::new(json!({"id": "db-1", "password": "hunter2"}));
        inst.sensitive_attributes = vec![json!([{"type": "get_attr", "value": "password"}])];
        inst.dependencies = vec!["aws_vpc.main".into()];
        inst.status = Some("tainted".into());
        s.set_instance(&db.instance(InstanceKey::Int(0)), AWS, inst);
        s.outputs.insert(
            "vpc_id".into(),
            OutputState {
                value: json!("vpc-1"),
                type_: json!("string"),
                sensitive: false,
            },
        );
        s
    }

    #[test]
    fn round_trips() {
        let s = sample();
        let text = s.to_json();
        assert_eq!(State::from_json(&text).unwrap(), s);
        assert_eq!(State::from_json(&text).unwrap().to_json(), text);
    }

    #[test]
    fn writes_terraform_layout() {
        let text = sample().to_json();
        assert!(text.ends_with("}\n"));
        let top: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("  \"")?.split('"').next())
            .collect();
        assert_eq!(
            top,
            [
                "version",
                "terraform_version",
                "serial",
                "lineage",
                "outputs",
                "resources",
                "check_results"
            ]
        );
        assert!(text.contains("\n  \"check_results\": null\n"));
        // Optional fields are left out when empty, as Terraform does.
        let vpc = &serde_json::from_str::<Json>(&text).unwrap()["resources"][0];
        assert_eq!(vpc["type"], "aws_vpc");
        assert!(vpc.get("module").is_none());
        let inst = vpc["instances"][0].as_object().unwrap();
        let keys: Vec<&str> = inst.keys().map(String::as_str).collect();
        for absent in [
            "index_key",
            "status",
            "dependencies",
            "create_before_destroy",
        ] {
            assert!(!keys.contains(&absent), "{absent} should be omitted");
        }
        assert_eq!(inst["sensitive_attributes"], json!([]));
        assert!(!text.contains("\"sensitive\": false"));
    }

    #[test]
    fn object_keys_are_sorted_whatever_order_they_were_built_in() {
        // Fails if serde_json's `preserve_order` feature gets switched on somewhere.
        let mut s = State::new();
        let a = ResourceAddr::managed(ModulePath::root(), "t", "n").instance(InstanceKey::None);
        s.set_instance(
            &a,
            AWS,
            InstanceState::new(json!({"zone": 1, "arn": 2, "id": 3})),
        );
        let text = s.to_json();
        let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(pos("arn") < pos("id") && pos("id") < pos("zone"), "{text}");
    }

    #[test]
    fn instance_fields_follow_terraforms_order() {
        let whole = sample().to_json();
        let text = &whole[whole.find("aws_db_instance").unwrap()..];
        let pos = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(pos("index_key") < pos("status"));
        assert!(pos("status") < pos("schema_version"));
        assert!(pos("sensitive_attributes") < pos("dependencies"));
        assert!(whole.find("\"sensitive_attributes\"") < whole.find("\"private\""));
    }

    #[test]
    fn garbage_is_a_syntax_error_with_a_position() {
        let err = State::from_json("<html>not a state</html>").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("cannot parse state: expected value at line 1, column 1"),
            "{msg}"
        );
        assert!(msg.contains("hint:"), "{msg}");
    }

    #[test]
    fn version_3_is_refused_with_the_way_forward() {
        let err = State::from_json_at(
            r#"{"version": 3, "serial": 1, "modules": []}"#,
            Path::new("terraform.tfstate"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with(
                "terraform.tfstate: state file version 3 is not supported; clusterform reads \
                 version 4"
            ),
            "{msg}"
        );
        assert!(msg.contains("Terraform 0.12 or later"), "{msg}");
        assert!(matches!(
            err,
            StateError::UnsupportedVersion { found: 3, .. }
        ));
        let newer = State::from_json(r#"{"version": 5}"#)
            .unwrap_err()
            .to_string();
        assert!(newer.contains("newer tool"), "{newer}");
    }

    #[test]
    fn a_truncated_file_says_so_and_points_at_the_backup() {
        let text = sample().to_json();
        let cut = &text[..text.len() / 2];
        let err = State::from_json_at(cut, Path::new("dir/terraform.tfstate")).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.starts_with("cannot parse state file dir/terraform.tfstate: EOF"),
            "{msg}"
        );
        assert!(msg.contains("cut short"), "{msg}");
        assert!(msg.contains("dir/terraform.tfstate.backup"), "{msg}");
    }

    #[test]
    fn shape_errors_name_the_field_and_position() {
        let err = State::from_json(r#"{"version": 4, "serial": "one", "lineage": "x"}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("invalid type: string \"one\", expected u64"),
            "{err}"
        );
        assert!(err.contains("line 1, column"), "{err}");
        let err = State::from_json(r#"{"version": 4, "serial": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `lineage`"), "{err}");
    }

    #[test]
    fn content_that_would_be_lost_is_refused() {
        let with = |inst: Json| {
            json!({"version": 4, "serial": 1, "lineage": "x", "resources": [
                {"mode": "managed", "type": "t", "name": "n", "provider": "p", "instances": [inst]}
            ]})
            .to_string()
        };
        let err = State::from_json(&with(json!({"deposed": "00000001", "attributes": {}})));
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("t.n has a deposed object"));
        let err = State::from_json(&with(json!({"attributes_flat": {}})));
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("flat attribute format"));
    }

    #[test]
    fn bad_addresses_are_refused() {
        let doc = |resources: Json| {
            json!({"version": 4, "serial": 1, "lineage": "x", "resources": resources}).to_string()
        };
        let rs = |mode: &str, key: Json| {
            json!({"mode": mode, "type": "t", "name": "n", "provider": "p",
                   "instances": [{"index_key": key, "attributes": {}}]})
        };
        let err = State::from_json(&doc(json!([rs("weird", json!(0))]))).unwrap_err();
        assert!(
            err.to_string().contains("unknown resource mode \"weird\""),
            "{err}"
        );
        let err = State::from_json(&doc(json!([
            rs("managed", json!(0)),
            rs("managed", json!(1))
        ])));
        assert!(err
            .unwrap_err()
            .to_string()
            .contains("t.n appears more than once"));
        let err = State::from_json(&doc(json!([rs("managed", json!([1]))]))).unwrap_err();
        assert!(
            err.to_string().contains("neither a number nor a string"),
            "{err}"
        );
    }

    #[test]
    fn reads_what_terraform_writes() {
        // Terraform 1.x output: `each` and `check_results` arrays are accepted and not kept.
        let text = r#"{
  "version": 4,
  "terraform_version": "1.9.5",
  "serial": 3,
  "lineage": "5d6e7f8a-0c4b-4e2a-9b1c-1a9e3f7d0c4b",
  "outputs": {"pw": {"value": "s3cret", "type": "string", "sensitive": true}},
  "resources": [
    {"module": "module.net", "mode": "managed", "type": "aws_subnet", "name": "a",
     "each": "list", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [
       {"index_key": 1, "schema_version": 1, "attributes": {"id": "s-1"},
        "sensitive_attributes": [], "identity_schema_version": 0},
       {"index_key": 0, "schema_version": 1, "attributes": {"id": "s-0"},
        "sensitive_attributes": []}
     ]}
  ],
  "check_results": [{"object_kind": "resource", "config_addr": "x", "status": "pass",
                     "objects": []}]
}"#;
        let s = State::from_json(text).unwrap();
        assert_eq!(s.serial, 3);
        assert!(s.outputs["pw"].sensitive);
        assert_eq!(s.resources[0].instances[0].index_key, Some(json!(0)));
        assert_eq!(s.check_results, None);
    }
}
