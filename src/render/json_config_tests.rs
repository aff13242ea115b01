//! Tests of the `configuration` section, on the fixture in `tests/fixtures/json/config`: a
//! root module with a sensitive variable, a provider block, a schema-sensitive argument, a
//! single nested block, `count`, `depends_on`, and a child module that inherits a provider.

use serde_json::json;

use super::*;
use crate::render::json::plan_json;
use crate::render::json::tests::{plan, registry};

fn load_fixture() -> Config {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/json/config");
    let (config, diags) = crate::config::load(&dir, &dir);
    assert!(!diags.has_errors(), "{diags:?}");
    config.expect("the fixture loads")
}

#[test]
fn configuration_lists_constants_and_references() {
    let config = load_fixture();
    let j = plan_json(
        &plan(Vec::new(), Vec::new()),
        None,
        Some(&config),
        &registry(),
    );
    let c = &j["configuration"];
    let root = &c["root_module"];
    let db = &root["resources"][0];
    assert_eq!(db["address"], json!("acme_db.main"));
    assert_eq!(db["provider_config_key"], json!("acme"));
    let e = &db["expressions"];
    assert_eq!(e["name"], json!({"references": ["var.region"]}));
    assert_eq!(
        e["password"],
        json!({"constant_value": null}),
        "sensitive by schema"
    );
    assert_eq!(
        e["tags"],
        json!({"constant_value": {"env": "prod", "n": [1, -2]}})
    );
    assert_eq!(
        e["settings"],
        json!({"token": {"references": ["var.db_password"]}}),
        "a single block is an object"
    );

    let data = &root["resources"][1];
    assert_eq!(data["address"], json!("terraform_data.a"));
    assert_eq!(data["provider_config_key"], json!("terraform"));
    assert_eq!(data["count_expression"], json!({"constant_value": 2}));
    assert_eq!(
        data["expressions"]["input"]["references"],
        json!([
            "acme_db.main.id",
            "acme_db.main",
            "module.net.id",
            "module.net",
            "data.acme_db.seen.name",
            "data.acme_db.seen"
        ])
    );
    assert_eq!(data["depends_on"], json!(["acme_db.main"]));
    assert_eq!(data["schema_version"], json!(0));

    assert_eq!(
        c["provider_config"]["acme"]["full_name"],
        json!("example.com/acme/acme")
    );
    assert_eq!(
        c["provider_config"]["acme"]["expressions"]["region"],
        json!({"references": ["var.region"]})
    );
    assert_eq!(
        c["provider_config"]["terraform"],
        json!({"name": "terraform", "full_name": "terraform.io/builtin/terraform"})
    );

    let net = &root["module_calls"]["net"];
    assert_eq!(net["source"], json!("./net"));
    assert_eq!(
        net["expressions"]["cidr"],
        json!({"constant_value": "10.0.0.0/16"})
    );
    assert_eq!(
        net["module"]["resources"][0]["address"],
        json!("acme_db.inner")
    );
    assert_eq!(
        net["module"]["resources"][0]["provider_config_key"],
        json!("acme"),
        "inherited from the root"
    );
    assert_eq!(
        net["module"]["outputs"]["id"]["expression"]["references"],
        json!(["acme_db.inner.id", "acme_db.inner"])
    );

    assert_eq!(
        root["variables"]["region"],
        json!({"default": "eu-west-1", "description": "Where"})
    );
    assert_eq!(
        root["variables"]["db_password"],
        json!({"default": null, "sensitive": true})
    );
    assert_eq!(root["outputs"]["pw"]["sensitive"], json!(true));
    assert_eq!(
        root["outputs"]["db_id"],
        json!({"expression": {"references": ["acme_db.main.id", "acme_db.main"]}})
    );
    let text = serde_json::to_string(&j).unwrap();
    assert!(!text.contains("hidden-"), "a secret leaked: {text}");
}

#[test]
fn reference_prefixes_stop_at_the_object_named() {
    let parts = |s: &str| s.split('.').map(String::from).collect::<Vec<_>>();
    assert_eq!(reference_prefixes(&parts("var.region")), ["var.region"]);
    assert_eq!(
        reference_prefixes(&parts("aws_eks_cluster.x.vpc_config.subnet_ids")),
        [
            "aws_eks_cluster.x.vpc_config.subnet_ids",
            "aws_eks_cluster.x.vpc_config",
            "aws_eks_cluster.x"
        ]
    );
    assert_eq!(reference_prefixes(&parts("count.index")), ["count.index"]);
}
