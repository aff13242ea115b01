//! Tests of the JSON plan and state representations, on hand-built plans and states.

use std::sync::Arc;

use serde_json::json;

use super::*;
use crate::plan::model::{instance_addr, Action, PlanMode, PlanVariable};
use crate::providers::schema::{Attribute, NestedBlock};
use crate::providers::{Provider, ProviderSchema};
use crate::render::schema_only::SchemaOnly;
use crate::state::{InstanceState, OutputState};
use crate::value::Type;

const AWS: &str = "provider[\"registry.terraform.io/hashicorp/aws\"]";

/// A provider whose `acme_db` has a sensitive `password` the values in tests leave unmarked,
/// to show the schema alone keeps it out of the output.
fn acme() -> Arc<dyn Provider> {
    let settings = Schema::new().attr("token", Attribute::optional(Type::String).sensitive());
    let db = Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::optional(Type::String))
        .attr("password", Attribute::optional(Type::String).sensitive())
        .attr("tags", Attribute::optional(Type::Any))
        .block("settings", NestedBlock::single(settings));
    let mut schema = ProviderSchema::default();
    schema.resources.insert("acme_db".into(), db);
    Arc::new(SchemaOnly(schema))
}

pub(super) fn registry() -> Registry {
    let mut r = Registry::builtin();
    r.add("acme", "example.com/acme/acme", acme);
    r
}

fn addr(module: &[&str], type_name: &str, name: &str, key: InstanceKey) -> InstanceAddr {
    let module = ModulePath(module.iter().map(|s| s.to_string()).collect());
    instance_addr(&module, Mode::Managed, type_name, name, key)
}

fn change(
    addr: InstanceAddr,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceChange {
    ResourceChange {
        addr,
        provider: AWS.into(),
        action,
        reason: None,
        before,
        after,
        replace_paths: Vec::new(),
        sensitive_changes: Vec::new(),
        notes: Vec::new(),
        dependencies: Vec::new(),
    }
}

pub(super) fn plan(changes: Vec<ResourceChange>, outputs: Vec<OutputChange>) -> Plan {
    Plan {
        format_version: Plan::FORMAT_VERSION.into(),
        clusterform_version: "0.0.0".into(),
        mode: PlanMode::Normal,
        working_dir: "/tmp/x".into(),
        config_digest: String::new(),
        state_lineage: None,
        state_serial: None,
        variables: BTreeMap::new(),
        targets: Vec::new(),
        replace: Vec::new(),
        changes,
        drift: Vec::new(),
        forget_creates: Vec::new(),
        outputs,
        messages: Vec::new(),
    }
}

fn vpc(cidr: &str) -> Value {
    Value::object([
        ("id", Value::from("vpc-1")),
        ("cidr_block", Value::from(cidr)),
    ])
}

fn output(
    name: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
    sensitive: bool,
) -> OutputChange {
    OutputChange {
        name: name.into(),
        action,
        before,
        after,
        sensitive,
    }
}

#[test]
fn actions_arrays_follow_terraform_for_every_action() {
    let cases = [
        (Action::NoOp, json!(["no-op"])),
        (Action::Create, json!(["create"])),
        (Action::Read, json!(["read"])),
        (Action::Update, json!(["update"])),
        (Action::DeleteThenCreate, json!(["delete", "create"])),
        (Action::CreateThenDelete, json!(["create", "delete"])),
        (Action::Delete, json!(["delete"])),
    ];
    for (action, expected) in cases {
        let before = (action != Action::Create).then(|| vpc("10.0.0.0/16"));
        let after = (action != Action::Delete).then(|| vpc("10.1.0.0/16"));
        let c = change(
            addr(&[], "aws_vpc", "main", InstanceKey::None),
            action,
            before,
            after,
        );
        let j = plan_json(&plan(vec![c], Vec::new()), None, None, &registry());
        assert_eq!(
            j["resource_changes"][0]["change"]["actions"], expected,
            "{action:?}"
        );
    }
}

#[test]
fn no_op_changes_are_listed_but_not_applyable() {
    let c = change(
        addr(&[], "aws_vpc", "main", InstanceKey::None),
        Action::NoOp,
        Some(vpc("a")),
        Some(vpc("a")),
    );
    let j = plan_json(&plan(vec![c], Vec::new()), None, None, &registry());
    assert_eq!(j["resource_changes"].as_array().unwrap().len(), 1);
    assert_eq!(j["applyable"], json!(false));
    let c = change(
        addr(&[], "aws_vpc", "main", InstanceKey::None),
        Action::Create,
        None,
        Some(vpc("a")),
    );
    let j = plan_json(&plan(vec![c], Vec::new()), None, None, &registry());
    assert_eq!(j["applyable"], json!(true));
}

#[test]
fn creates_and_deletes_have_terraform_shaped_empty_sides() {
    let a = addr(&[], "aws_vpc", "main", InstanceKey::None);
    let create = change(a.clone(), Action::Create, None, Some(vpc("a")));
    let delete = change(
        addr(&[], "aws_vpc", "old", InstanceKey::None),
        Action::Delete,
        Some(vpc("a")),
        None,
    );
    let j = plan_json(
        &plan(vec![create, delete], Vec::new()),
        None,
        None,
        &registry(),
    );
    let create = &j["resource_changes"][0]["change"];
    assert_eq!(create["before"], Json::Null);
    assert_eq!(create["before_sensitive"], json!(false));
    assert_eq!(create["after"], json!({"id": "vpc-1", "cidr_block": "a"}));
    assert_eq!(create["after_unknown"], json!({}));
    assert_eq!(create["after_sensitive"], json!({}));
    let delete = &j["resource_changes"][1]["change"];
    assert_eq!(delete["after"], Json::Null);
    assert_eq!(delete["after_unknown"], json!({}));
    assert_eq!(delete["after_sensitive"], json!(false));
    let planned = j["planned_values"]["root_module"]["resources"]
        .as_array()
        .unwrap();
    assert_eq!(planned.len(), 1, "deleted objects are not planned values");
    assert_eq!(planned[0]["address"], json!("aws_vpc.main"));
}

#[test]
fn unknown_attributes_are_left_out_of_after_and_true_in_after_unknown() {
    let after = Value::object([
        ("id", Value::Unknown),
        ("arn", Value::Unknown.sensitive()),
        ("name", Value::from("main")),
        (
            "subnets",
            Value::List(vec![Value::Unknown, Value::from("subnet-b")]),
        ),
    ]);
    let c = change(
        addr(&[], "aws_vpc", "main", InstanceKey::None),
        Action::Create,
        None,
        Some(after),
    );
    let j = plan_json(&plan(vec![c], Vec::new()), None, None, &registry());
    let ch = &j["resource_changes"][0]["change"];
    assert_eq!(
        ch["after"],
        json!({"name": "main", "subnets": [null, "subnet-b"]})
    );
    assert_eq!(
        ch["after_unknown"],
        json!({"id": true, "arn": true, "subnets": [true, false]})
    );
    let values = &j["planned_values"]["root_module"]["resources"][0]["values"];
    assert!(values.get("id").is_none(), "{values}");
    assert_eq!(values["name"], json!("main"));
}

#[test]
fn sensitive_values_are_null_and_flagged_and_never_printed() {
    let before = Value::object([
        ("name", Value::from("db")),
        ("password", Value::from("hunter2-old").sensitive()),
    ]);
    let after = Value::object([
        ("name", Value::from("db")),
        ("password", Value::from("hunter2-new").sensitive()),
        (
            "keys",
            Value::List(vec![
                Value::from("public"),
                Value::from("hunter2-key").sensitive(),
            ]),
        ),
    ]);
    let c = change(
        addr(&[], "aws_db_instance", "main", InstanceKey::None),
        Action::Update,
        Some(before),
        Some(after),
    );
    let outputs = vec![output(
        "pw",
        Action::Update,
        Some(Value::from("hunter2-out")),
        Some(Value::from("hunter2-out2")),
        true,
    )];
    let j = plan_json(&plan(vec![c], outputs), None, None, &registry());
    let ch = &j["resource_changes"][0]["change"];
    assert_eq!(ch["before"], json!({"name": "db", "password": null}));
    assert_eq!(
        ch["after"],
        json!({"name": "db", "password": null, "keys": ["public", null]})
    );
    assert_eq!(ch["before_sensitive"], json!({"password": true}));
    assert_eq!(
        ch["after_sensitive"],
        json!({"password": true, "keys": [false, true]})
    );
    let planned = &j["planned_values"]["root_module"]["resources"][0];
    assert_eq!(planned["values"]["password"], Json::Null);
    assert_eq!(planned["sensitive_values"]["password"], json!(true));
    assert_eq!(
        j["planned_values"]["outputs"]["pw"],
        json!({"sensitive": true, "value": null})
    );
    let text = serde_json::to_string(&j).unwrap();
    assert!(text.contains("public"), "non-secret values are printed");
    assert!(!text.contains("hunter2"), "a secret leaked: {text}");
}

#[test]
fn schema_sensitive_attributes_are_hidden_even_when_unmarked() {
    let db = |pw: &str, token: &str| {
        Value::object([
            ("id", Value::from("db-1")),
            ("password", Value::from(pw)),
            ("settings", Value::object([("token", Value::from(token))])),
        ])
    };
    let mut c = change(
        addr(&[], "acme_db", "main", InstanceKey::None),
        Action::Update,
        Some(db("opensesame-1", "opensesame-t1")),
        Some(db("opensesame-2", "opensesame-t2")),
    );
    c.provider = "provider[\"example.com/acme/acme\"]".into();
    let j = plan_json(&plan(vec![c], Vec::new()), None, None, &registry());
    let ch = &j["resource_changes"][0]["change"];
    assert_eq!(
        ch["after"],
        json!({"id": "db-1", "password": null, "settings": {"token": null}})
    );
    assert_eq!(
        ch["after_sensitive"],
        json!({"password": true, "settings": {"token": true}})
    );
    assert_eq!(
        j["resource_changes"][0]["provider_name"],
        json!("example.com/acme/acme")
    );
    assert!(!serde_json::to_string(&j).unwrap().contains("opensesame"));
}

#[test]
fn module_resources_have_module_address_and_nest_in_planned_values() {
    let changes = vec![
        change(
            addr(&[], "aws_vpc", "root", InstanceKey::None),
            Action::Create,
            None,
            Some(vpc("a")),
        ),
        change(
            addr(&["net"], "aws_vpc", "main", InstanceKey::Int(0)),
            Action::Create,
            None,
            Some(vpc("b")),
        ),
        change(
            addr(
                &["net", "sub"],
                "aws_subnet",
                "a",
                InstanceKey::Str("x".into()),
            ),
            Action::Create,
            None,
            Some(vpc("c")),
        ),
        change(
            addr(&["only", "deep"], "aws_subnet", "d", InstanceKey::None),
            Action::Create,
            None,
            Some(vpc("d")),
        ),
    ];
    let j = plan_json(&plan(changes, Vec::new()), None, None, &registry());
    let rc = &j["resource_changes"];
    assert!(rc[0].get("module_address").is_none());
    assert_eq!(rc[1]["address"], json!("module.net.aws_vpc.main[0]"));
    assert_eq!(rc[1]["module_address"], json!("module.net"));
    assert_eq!(rc[1]["index"], json!(0));
    assert_eq!(
        rc[2]["address"],
        json!("module.net.module.sub.aws_subnet.a[\"x\"]")
    );
    assert_eq!(rc[2]["module_address"], json!("module.net.module.sub"));
    assert_eq!(rc[2]["index"], json!("x"));
    assert_eq!(
        rc[1]["provider_name"],
        json!("registry.terraform.io/hashicorp/aws")
    );

    let root = &j["planned_values"]["root_module"];
    assert_eq!(root["resources"].as_array().unwrap().len(), 1);
    assert_eq!(root["resources"][0]["address"], json!("aws_vpc.root"));
    let children = root["child_modules"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    let net = &children[0];
    assert_eq!(net["address"], json!("module.net"));
    assert_eq!(
        net["resources"][0]["address"],
        json!("module.net.aws_vpc.main[0]")
    );
    assert_eq!(net["resources"][0]["index"], json!(0));
    assert_eq!(
        net["child_modules"][0]["address"],
        json!("module.net.module.sub")
    );
    assert_eq!(net["child_modules"][0]["resources"][0]["index"], json!("x"));
    // A module holding only another module still appears, so the nesting is complete.
    let only = &children[1];
    assert_eq!(only["address"], json!("module.only"));
    assert!(only.get("resources").is_none());
    assert_eq!(
        only["child_modules"][0]["resources"][0]["address"],
        json!("module.only.module.deep.aws_subnet.d")
    );
}

#[test]
fn output_changes_for_create_update_delete_and_unknown() {
    let outputs = vec![
        output_row("created", Action::Create, None, Some(Value::from("a"))),
        output_row(
            "updated",
            Action::Update,
            Some(Value::from(1)),
            Some(Value::from(2)),
        ),
        output_row("deleted", Action::Delete, Some(Value::from("gone")), None),
        output_row(
            "pending",
            Action::Update,
            Some(Value::from("x")),
            Some(Value::Unknown),
        ),
    ]
    .into_iter()
    .map(|(name, action, before, after)| output(name, action, before, after, false))
    .collect();
    let j = plan_json(&plan(Vec::new(), outputs), None, None, &registry());
    let oc = &j["output_changes"];
    assert_eq!(
        oc["created"],
        json!({"actions": ["create"], "before": null, "after": "a", "after_unknown": false, "before_sensitive": false, "after_sensitive": false})
    );
    assert_eq!(oc["updated"]["actions"], json!(["update"]));
    assert_eq!(
        (&oc["updated"]["before"], &oc["updated"]["after"]),
        (&json!(1), &json!(2))
    );
    assert_eq!(oc["deleted"]["actions"], json!(["delete"]));
    assert_eq!(
        (&oc["deleted"]["before"], &oc["deleted"]["after"]),
        (&json!("gone"), &Json::Null)
    );
    assert_eq!(oc["pending"]["after_unknown"], json!(true));
    assert_eq!(oc["pending"]["after"], Json::Null);
    let planned = &j["planned_values"]["outputs"];
    assert_eq!(
        planned["created"],
        json!({"sensitive": false, "value": "a"})
    );
    assert!(planned.get("deleted").is_none());
    assert_eq!(
        planned["pending"],
        json!({"sensitive": false}),
        "unknown values are left out"
    );
    assert_eq!(
        j["applyable"],
        json!(true),
        "output changes alone are worth applying"
    );
}

// The tuple keeps the table above readable; `output` takes the sensitivity last.
fn output_row(
    name: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> (&str, Action, Option<Value>, Option<Value>) {
    (name, action, before, after)
}

#[test]
fn sensitive_outputs_are_null_but_flagged() {
    let outputs = vec![output(
        "token",
        Action::Update,
        Some(Value::from("tok-secret-1")),
        Some(Value::from("tok-secret-2")),
        true,
    )];
    let j = plan_json(&plan(Vec::new(), outputs), None, None, &registry());
    let o = &j["output_changes"]["token"];
    assert_eq!((&o["before"], &o["after"]), (&Json::Null, &Json::Null));
    assert_eq!(
        (&o["before_sensitive"], &o["after_sensitive"]),
        (&json!(true), &json!(true))
    );
    assert!(!serde_json::to_string(&j).unwrap().contains("tok-secret"));
}

#[test]
fn reasons_replace_paths_drift_and_variables() {
    let mut c = change(
        addr(&[], "aws_vpc", "main", InstanceKey::None),
        Action::DeleteThenCreate,
        Some(vpc("a")),
        Some(vpc("b")),
    );
    c.reason = Some(ActionReason::ReplaceBecauseCannotUpdate);
    c.replace_paths = vec![vec!["cidr_block".into()]];
    c.dependencies = vec!["aws_vpc.other".into()];
    let mut p = plan(vec![c], Vec::new());
    // Drift is reported where it bears on the plan: the replaced VPC depends on `other`,
    // and nothing on `unrelated`.
    p.drift = ["other", "unrelated"]
        .map(|name| {
            change(
                addr(&[], "aws_vpc", name, InstanceKey::None),
                Action::Delete,
                Some(vpc("z")),
                None,
            )
        })
        .to_vec();
    p.variables.insert(
        "region".into(),
        PlanVariable {
            value: Some(json!("eu-west-1")),
            sha256: None,
        },
    );
    p.variables.insert(
        "password".into(),
        PlanVariable {
            value: None,
            sha256: Some("ab12".into()),
        },
    );
    let j = plan_json(&p, None, None, &registry());
    let rc = &j["resource_changes"][0];
    assert_eq!(rc["action_reason"], json!("replace_because_cannot_update"));
    assert_eq!(rc["change"]["replace_paths"], json!([["cidr_block"]]));
    assert_eq!(j["resource_drift"][0]["address"], json!("aws_vpc.other"));
    assert_eq!(j["resource_drift"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        j["resource_drift"][0]["change"]["actions"],
        json!(["delete"])
    );
    assert_eq!(
        j["variables"],
        json!({"region": {"value": "eu-west-1"}, "password": {"value": null}})
    );
    assert!(
        !serde_json::to_string(&j).unwrap().contains("ab12"),
        "digests are not values"
    );

    for (reason, text) in [
        (ActionReason::ReplaceByRequest, "replace_by_request"),
        (ActionReason::ReplaceByTriggers, "replace_by_triggers"),
        (
            ActionReason::DeleteBecauseNoResourceConfig,
            "delete_because_no_resource_config",
        ),
        (
            ActionReason::DeleteBecauseCountIndex,
            "delete_because_count_index",
        ),
        (
            ActionReason::DeleteBecauseEachKey,
            "delete_because_each_key",
        ),
        (
            ActionReason::ReadBecauseConfigUnknown,
            "read_because_config_unknown",
        ),
        (
            ActionReason::ReadBecauseDependencyPending,
            "read_because_dependency_pending",
        ),
    ] {
        assert_eq!(action_reason(reason), text);
    }
}

#[test]
fn top_level_fields_and_prior_state() {
    let state = sample_state();
    let j = plan_json(
        &plan(Vec::new(), Vec::new()),
        Some(&state),
        None,
        &registry(),
    );
    assert_eq!(j["format_version"], json!("1.2"));
    assert_eq!(j["terraform_version"], json!(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        (&j["complete"], &j["errored"]),
        (&json!(true), &json!(false))
    );
    assert_eq!(j["relevant_attributes"], json!([]));
    assert_eq!(j["prior_state"], state_json(&state, &registry()));
    assert!(j.get("configuration").is_none());
    assert!(j.get("resource_drift").is_none());
    let ts = j["timestamp"].as_str().unwrap();
    assert!(chrono::DateTime::parse_from_rfc3339(ts).is_ok(), "{ts}");
}

#[test]
fn timestamp_can_be_fixed() {
    assert_eq!(
        timestamp(Some("2024-05-01T12:00:00Z".into())),
        "2024-05-01T12:00:00Z"
    );
    let now = timestamp(Some(String::new()));
    assert!(chrono::DateTime::parse_from_rfc3339(&now).is_ok(), "{now}");
}

fn sample_state() -> State {
    let mut s = State::new();
    s.terraform_version = "1.9.0".into();
    let mut vpc = InstanceState::new(json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16"}));
    vpc.dependencies = vec!["aws_iam_role.x".into()];
    s.set_instance(&addr(&[], "aws_vpc", "main", InstanceKey::None), AWS, vpc);
    let mut db =
        InstanceState::new(json!({"id": "db-1", "password": "swordfish-1", "tags": {"a": "b"}}));
    db.sensitive_attributes = vec![json!([{"type": "get_attr", "value": "password"}])];
    db.schema_version = 2;
    db.status = Some("tainted".into());
    s.set_instance(
        &addr(&["data"], "aws_db_instance", "db", InstanceKey::Int(1)),
        AWS,
        db,
    );
    let acme = InstanceState::new(
        json!({"id": "a", "password": "swordfish-2", "settings": {"token": "swordfish-3"}}),
    );
    s.set_instance(
        &addr(&[], "acme_db", "x", InstanceKey::Str("k".into())),
        "provider[\"example.com/acme/acme\"]",
        acme,
    );
    s.outputs.insert(
        "vpc_id".into(),
        OutputState {
            value: json!("vpc-1"),
            type_: json!("string"),
            sensitive: false,
        },
    );
    s.outputs.insert(
        "pw".into(),
        OutputState {
            value: json!("swordfish-4"),
            type_: json!("string"),
            sensitive: true,
        },
    );
    s
}

#[test]
fn state_json_puts_resources_in_module_tree_with_sensitive_values() {
    let j = state_json(&sample_state(), &registry());
    assert_eq!(j["format_version"], json!("1.0"));
    assert_eq!(j["terraform_version"], json!("1.9.0"));
    let values = &j["values"];
    assert_eq!(
        values["outputs"]["vpc_id"],
        json!({"sensitive": false, "value": "vpc-1", "type": "string"})
    );
    assert_eq!(
        values["outputs"]["pw"],
        json!({"sensitive": true, "value": null, "type": "string"})
    );

    let root = values["root_module"]["resources"].as_array().unwrap();
    let addrs: Vec<_> = root
        .iter()
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(addrs, ["acme_db.x[\"k\"]", "aws_vpc.main"]);
    assert_eq!(root[0]["index"], json!("k"));
    assert_eq!(
        root[0]["values"],
        json!({"id": "a", "password": null, "settings": {"token": null}})
    );
    assert_eq!(
        root[0]["sensitive_values"],
        json!({"password": true, "settings": {"token": true}})
    );
    assert_eq!(
        root[1]["values"],
        json!({"id": "vpc-1", "cidr_block": "10.0.0.0/16"})
    );
    assert_eq!(root[1]["sensitive_values"], json!({}));
    assert_eq!(
        root[1]["provider_name"],
        json!("registry.terraform.io/hashicorp/aws")
    );
    assert_eq!(root[1]["depends_on"], json!(["aws_iam_role.x"]));

    let db = &values["root_module"]["child_modules"][0];
    assert_eq!(db["address"], json!("module.data"));
    let r = &db["resources"][0];
    assert_eq!(r["address"], json!("module.data.aws_db_instance.db[1]"));
    assert_eq!(
        (&r["mode"], &r["type"], &r["name"], &r["index"]),
        (
            &json!("managed"),
            &json!("aws_db_instance"),
            &json!("db"),
            &json!(1)
        )
    );
    assert_eq!(r["schema_version"], json!(2));
    assert_eq!(r["tainted"], json!(true));
    assert_eq!(
        r["values"],
        json!({"id": "db-1", "password": null, "tags": {"a": "b"}})
    );
    assert_eq!(r["sensitive_values"], json!({"password": true}));
    assert!(!serde_json::to_string(&j).unwrap().contains("swordfish"));
}

#[test]
fn empty_state_has_an_empty_root_module() {
    let j = state_json(&State::new(), &registry());
    assert_eq!(j["values"], json!({"outputs": {}, "root_module": {}}));
}
