//! The state file against its JSON Schema (`state/schema.json`), so code and schema cannot
//! drift apart: realistic states validate, every field the serializer can write is declared,
//! every field the schema requires is always written, and broken documents fail.
//!
//! The schema uses a small subset of draft 2020-12, checked here by a minimal validator:
//! `type`, `required`, `properties`, `additionalProperties`, `items`, `enum`, `const`,
//! `minimum` and local `$ref`s into `$defs`. A test fails if the schema starts using any
//! other keyword, so the validator never silently ignores one.

use std::collections::BTreeSet;

use clusterform::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr};
use clusterform::state::model::PendingCreate;
use clusterform::state::{InstanceState, OutputState, ResourceState, State};
use serde_json::{json, Value as Json};

mod common;

use common::state_schema::{errors_for, schema, ANNOTATIONS, KEYWORDS};

const AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";
const AZURE: &str = "provider[\"registry.terraform.io/hashicorp/azurerm\"].prod";

fn addr(
    module: &[&str],
    mode: Mode,
    type_name: &str,
    name: &str,
    key: InstanceKey,
) -> InstanceAddr {
    ResourceAddr {
        module: ModulePath(module.iter().map(|s| s.to_string()).collect()),
        mode,
        type_name: type_name.into(),
        name: name.into(),
    }
    .instance(key)
}

/// A state like a real EKS/AKS deployment: modules, count and for_each, a data source,
/// sensitive attributes, dependencies, a tainted instance and outputs, one sensitive.
fn realistic() -> State {
    let mut s = State::new();
    s.serial = 12;
    let vpc = addr(
        &["net"],
        Mode::Managed,
        "aws_vpc",
        "main",
        InstanceKey::None,
    );
    let mut inst = InstanceState::new(json!({
        "id": "vpc-0a1b", "cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true,
        "tags": {"Name": "main"}
    }));
    inst.schema_version = 1;
    s.set_instance(&vpc, AWS, inst);
    for i in 0..3 {
        let subnet = addr(
            &["net"],
            Mode::Managed,
            "aws_subnet",
            "private",
            InstanceKey::Int(i),
        );
        let mut inst =
            InstanceState::new(json!({"id": format!("subnet-{i}"), "vpc_id": "vpc-0a1b"}));
        inst.dependencies = vec!["module.net.aws_vpc.main".into()];
        s.set_instance(&subnet, AWS, inst);
    }
    let azs = addr(
        &[],
        Mode::Data,
        "aws_availability_zones",
        "available",
        InstanceKey::None,
    );
    s.set_instance(
        &azs,
        AWS,
        InstanceState::new(json!({"names": ["eu-west-1a", "eu-west-1b"]})),
    );
    let eks = addr(
        &[],
        Mode::Managed,
        "aws_eks_cluster",
        "main",
        InstanceKey::None,
    );
    let mut inst = InstanceState::new(json!({
        "id": "prod",
        "vpc_config": [{"endpoint_public_access": false, "public_access_cidrs": ["0.0.0.0/0"]}],
        "certificate_authority": [{"data": "LS0tLS1CRUdJTi..."}]
    }));
    inst.sensitive_attributes = vec![json!([
        {"type": "get_attr", "value": "certificate_authority"},
        {"type": "index", "value": 0},
        {"type": "get_attr", "value": "data"}
    ])];
    inst.private = Some("eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnt9fQ==".into());
    inst.dependencies = vec![
        "module.net.aws_subnet.private".into(),
        "data.aws_availability_zones.available".into(),
    ];
    inst.create_before_destroy = true;
    s.set_instance(&eks, AWS, inst);
    for pool in ["system", "user"] {
        let np = addr(
            &["aks"],
            Mode::Managed,
            "azurerm_kubernetes_cluster_node_pool",
            "pool",
            InstanceKey::Str(pool.into()),
        );
        let mut inst =
            InstanceState::new(json!({"id": format!("/subscriptions/x/{pool}"), "node_count": 3}));
        if pool == "user" {
            inst.status = Some("tainted".into());
        }
        s.set_instance(&np, AZURE, inst);
    }
    s.outputs.insert(
        "cluster_endpoint".into(),
        OutputState {
            value: json!("https://prod.eks.amazonaws.com"),
            type_: json!("string"),
            sensitive: false,
        },
    );
    s.outputs.insert(
        "kubeconfig".into(),
        OutputState {
            value: json!({"token": "abc"}),
            type_: json!(["object", {"token": "string"}]),
            sensitive: true,
        },
    );
    s.outputs.insert(
        "subnet_ids".into(),
        OutputState {
            value: json!(["subnet-0", "subnet-1"]),
            type_: json!(["list", "string"]),
            sensitive: false,
        },
    );
    s
}

/// The smallest non-empty state: every optional field at its default, so left out.
fn minimal() -> State {
    let mut s = State::new();
    let a = addr(&[], Mode::Managed, "terraform_data", "x", InstanceKey::None);
    let mut inst = InstanceState::new(json!({}));
    inst.sensitive_attributes = vec![json!([{"type": "get_attr", "value": "input"}])];
    s.set_instance(&a, "provider[\"terraform.io/builtin/terraform\"]", inst);
    s.outputs.insert(
        "o".into(),
        OutputState {
            value: json!(1),
            type_: json!("number"),
            sensitive: false,
        },
    );
    s
}

/// A state with every optional field set, so written. Struct literals on purpose: a field
/// added to the model does not compile here until it is given a value, and then the drift
/// tests below demand that the schema declare it.
fn maximal() -> State {
    let minimal = minimal();
    let mut resources = minimal.resources.clone();
    resources.push(ResourceState {
        module: Some("module.m".into()),
        mode: "managed".into(),
        type_name: "terraform_data".into(),
        name: "y".into(),
        provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
        instances: vec![InstanceState {
            index_key: Some(json!(0)),
            status: Some("tainted".into()),
            schema_version: 1,
            attributes: json!({"input": "x"}),
            sensitive_attributes: vec![json!([{"type": "index", "value": 0}])],
            private: Some("e30=".into()),
            dependencies: vec!["terraform_data.x".into()],
            create_before_destroy: true,
        }],
    });
    let mut outputs = minimal.outputs.clone();
    outputs.insert(
        "secret".into(),
        OutputState {
            value: json!("s"),
            type_: json!("string"),
            sensitive: true,
        },
    );
    State {
        version: 4,
        terraform_version: "0.1.0".into(),
        serial: 1,
        lineage: minimal.lineage,
        outputs,
        resources,
        check_results: None,
        pending_creates: vec![
            PendingCreate {
                address: "aws_eks_cluster.dev".into(),
                provider: AWS.into(),
                creation_id: "6a1f0b3e-2f5c-4b43-9a59-1c2f8f0f3d7e".into(),
                started: "2026-12-01T09:00:00Z".into(),
                id: Some("dev".into()),
            },
            PendingCreate {
                address: "aws_vpc.main".into(),
                provider: AWS.into(),
                creation_id: "0d9c6f4e-7a51-4e0b-9a1e-5b2f3c4d5e6f".into(),
                started: "2026-12-01T09:00:00Z".into(),
                id: None,
            },
        ],
    }
}

fn doc(state: &State) -> Json {
    serde_json::from_str(&state.to_json()).unwrap()
}

// ---- where each kind of object sits in a document and in the schema ----

/// (name, JSON pointer of its schema, the objects of that kind in `doc`)
fn objects_by_kind(doc: &Json) -> Vec<(&'static str, &'static str, Vec<&Json>)> {
    let resources: Vec<&Json> = doc["resources"].as_array().unwrap().iter().collect();
    let instances: Vec<&Json> = resources
        .iter()
        .flat_map(|r| r["instances"].as_array().unwrap())
        .collect();
    let steps: Vec<&Json> = instances
        .iter()
        .flat_map(|i| i["sensitive_attributes"].as_array().unwrap())
        .flat_map(|path| path.as_array().unwrap())
        .collect();
    vec![
        ("state", "", vec![doc]),
        (
            "output",
            "/$defs/output",
            doc["outputs"].as_object().unwrap().values().collect(),
        ),
        ("resource", "/$defs/resource", resources),
        ("instance", "/$defs/instance", instances),
        ("path step", "/$defs/path_step", steps),
        (
            "pending create",
            "/$defs/pending_create",
            doc["pending_creates"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default(),
        ),
    ]
}

fn keys_of(objects: &[&Json], all: bool) -> BTreeSet<String> {
    let sets = objects.iter().map(|o| {
        o.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<_>>()
    });
    if all {
        sets.reduce(|a, b| a.intersection(&b).cloned().collect())
            .unwrap_or_default()
    } else {
        sets.flatten().collect()
    }
}

fn schema_names(schema: &Json, keyword: &str) -> BTreeSet<String> {
    match &schema[keyword] {
        Json::Object(map) => map.keys().cloned().collect(),
        Json::Array(items) => items
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect(),
        _ => BTreeSet::new(),
    }
}

// ---- the tests ----

#[test]
fn realistic_state_validates() {
    let state = realistic();
    let doc = doc(&state);
    assert_eq!(errors_for(&doc), Vec::<String>::new());
    assert_eq!(State::from_json(&state.to_json()).unwrap(), state);
    // The document really has what it claims to cover.
    let text = state.to_json();
    for needle in [
        "\"module\": \"module.net\"",
        "\"index_key\": 2",
        "\"index_key\": \"user\"",
        "\"mode\": \"data\"",
        "\"sensitive\": true",
        "\"status\": \"tainted\"",
    ] {
        assert!(text.contains(needle), "missing {needle}");
    }
}

#[test]
fn minimal_and_maximal_states_validate() {
    assert_eq!(errors_for(&doc(&minimal())), Vec::<String>::new());
    assert_eq!(errors_for(&doc(&maximal())), Vec::<String>::new());
    assert_eq!(errors_for(&doc(&State::new())), Vec::<String>::new());
}

#[test]
fn every_field_written_is_declared_and_every_declared_field_is_written() {
    let root = schema();
    let max = doc(&maximal());
    for (kind, pointer, objects) in objects_by_kind(&max) {
        assert!(!objects.is_empty(), "the maximal state has no {kind}");
        let schema = root.pointer(pointer).unwrap();
        assert_eq!(
            keys_of(&objects, false),
            schema_names(schema, "properties"),
            "fields written for a {kind} (left) differ from the schema's properties (right)"
        );
        assert_eq!(
            schema["additionalProperties"],
            json!(false),
            "{kind} should be closed"
        );
    }
}

#[test]
fn required_fields_are_exactly_those_always_written() {
    let root = schema();
    let min = doc(&minimal());
    let max = doc(&maximal());
    let in_max = objects_by_kind(&max);
    for (kind, pointer, objects) in objects_by_kind(&min) {
        // A minimal state has no pending creates: the maximal one has one with every field
        // and one with only the required ones.
        let objects = if objects.is_empty() {
            in_max.iter().find(|(k, ..)| *k == kind).unwrap().2.clone()
        } else {
            objects
        };
        assert!(!objects.is_empty(), "no {kind} to check");
        let schema = root.pointer(pointer).unwrap();
        assert_eq!(
            keys_of(&objects, true),
            schema_names(schema, "required"),
            "fields always written for a {kind} (left) differ from the schema's required (right)"
        );
        assert!(schema_names(schema, "required").is_subset(&schema_names(schema, "properties")));
    }
}

#[test]
fn broken_documents_fail_validation() {
    let good = doc(&realistic());

    let mut no_lineage = good.clone();
    no_lineage.as_object_mut().unwrap().remove("lineage");
    let errors = errors_for(&no_lineage);
    assert_eq!(errors, ["$: missing required field \"lineage\""]);
    assert!(State::from_json(&no_lineage.to_string()).is_err());

    let mut version_string = good.clone();
    version_string["version"] = json!("4");
    let errors = errors_for(&version_string);
    assert_eq!(errors, ["$.version: expected integer, found \"4\""]);
    assert!(State::from_json(&version_string.to_string()).is_err());

    let mut version_3 = good.clone();
    version_3["version"] = json!(3);
    assert_eq!(errors_for(&version_3), ["$.version: must be 4, found 3"]);

    let mut bad_mode = good.clone();
    bad_mode["resources"][0]["mode"] = json!("virtual");
    bad_mode["resources"][1]["instances"][0]["index_key"] = json!(true);
    bad_mode["resources"][1]["each"] = json!("list");
    let errors = errors_for(&bad_mode);
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(
        errors[0].starts_with("$.resources[0].mode: \"virtual\" is not one of"),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e == "$.resources[1]: unexpected field \"each\""),
        "{errors:#?}"
    );
}

#[test]
fn schema_uses_only_keywords_the_validator_checks() {
    fn walk(schema: &Json, at: &str) {
        let Some(map) = schema.as_object() else {
            return;
        };
        for (k, v) in map {
            assert!(
                KEYWORDS.contains(&k.as_str()) || ANNOTATIONS.contains(&k.as_str()),
                "unsupported keyword {k} at {at}"
            );
            match k.as_str() {
                "properties" | "$defs" => {
                    for (name, sub) in v.as_object().unwrap() {
                        walk(sub, &format!("{at}/{k}/{name}"));
                    }
                }
                "items" | "additionalProperties" => walk(v, &format!("{at}/{k}")),
                _ => {}
            }
        }
        if map.contains_key("properties") || map.contains_key("type") || map.contains_key("$ref") {
            assert!(
                map.contains_key("description")
                    || at.ends_with("items")
                    || at.ends_with("additionalProperties"),
                "{at} has no description"
            );
        }
    }
    walk(&schema(), "#");
}
