//! `init -migrate-state` across every backend in one chain — local → S3 → Azure Blob → local —
//! through the real binary: every resource, the lineage and the serial survive each move, and
//! each backend plans clean with the state it received.

#[path = "common/azurite.rs"]
mod azurite;
mod common;

use azurite::{Azurite, ACCOUNT, ACCOUNT_KEY};
use common::aws::AwsEmulator;
use common::{s3, Project};
use serde_json::Value as Json;

const CONTAINER: &str = "tfstate";
const KEY: &str = "app/terraform.tfstate";

const RESOURCES: &str = r#"
resource "terraform_data" "first" {
  input = "first"
}

resource "terraform_data" "second" {
  input = terraform_data.first.output
}
"#;

fn s3_block() -> String {
    format!(
        "terraform {{\n  backend \"s3\" {{\n    bucket       = \"{}\"\n    key          = \"{KEY}\"\n    use_lockfile = true\n  }}\n}}\n",
        s3::BUCKET
    )
}

fn azurerm_block(azurite: &Azurite) -> String {
    format!(
        "terraform {{\n  backend \"azurerm\" {{\n    storage_account_name = \"{ACCOUNT}\"\n    container_name       = \"{CONTAINER}\"\n    key                  = \"{KEY}\"\n    blob_endpoint        = \"{}\"\n  }}\n}}\n",
        azurite.endpoint()
    )
}

/// What must survive a move: lineage, serial and every resource.
fn essence(state: &Json) -> (Json, Json, Json) {
    (
        state["lineage"].clone(),
        state["serial"].clone(),
        state["resources"].clone(),
    )
}

fn pulled(p: &Project, env: &[(&str, &str)]) -> Json {
    let out = p.run_env(&["state", "pull"], env);
    out.success();
    serde_json::from_str(&out.stdout).expect("state pull prints the state")
}

#[test]
fn state_moves_local_to_s3_to_azure_blob_to_local_intact() {
    let aws = AwsEmulator::start();
    s3::create_bucket(&aws);
    let azurite = Azurite::start();
    azurite.create_container(CONTAINER);
    let env: Vec<(String, String)> = aws
        .env()
        .into_iter()
        .chain([("ARM_ACCESS_KEY".to_string(), ACCOUNT_KEY.to_string())])
        .collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();

    let p = Project::with_files(&[("main.tf", RESOURCES)]);
    p.run(&["apply", "--auto-approve"]).success();
    let local = p.state();
    assert_eq!(local["resources"].as_array().map(Vec::len), Some(2));

    // local → S3
    p.write("backend.tf", &s3_block());
    p.run_env(&["init", "-migrate-state"], &env).success();
    assert_eq!(essence(&s3::object_json(&aws, KEY)), essence(&local));
    p.run_env(&["plan", "--detailed-exitcode"], &env).success();

    // S3 → Azure Blob
    p.write("backend.tf", &azurerm_block(&azurite));
    p.run_env(&["init", "-migrate-state"], &env).success();
    assert_eq!(essence(&pulled(&p, &env)), essence(&local));
    p.run_env(&["plan", "--detailed-exitcode"], &env).success();

    // A change while the state is in Azure Blob moves the serial on.
    p.edit("main.tf", "input = \"first\"", "input = \"changed\"");
    p.run_env(&["apply", "--auto-approve"], &env).success();
    let in_blob = pulled(&p, &env);
    assert!(in_blob["serial"].as_u64() > local["serial"].as_u64());
    assert_eq!(in_blob["lineage"], local["lineage"]);

    // Azure Blob → local
    std::fs::remove_file(p.path().join("backend.tf")).expect("remove backend.tf");
    p.run_env(&["init", "-migrate-state"], &env).success();
    assert_eq!(essence(&p.state()), essence(&in_blob));
    p.run(&["plan", "--detailed-exitcode"]).success();

    // No credential reached any file clusterform wrote.
    for entry in walk(p.path()) {
        let text = std::fs::read(&entry).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        assert!(
            !text.contains(ACCOUNT_KEY),
            "{} holds the account key",
            entry.display()
        );
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir") {
        let path = e.expect("entry").path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
