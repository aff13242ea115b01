//! `init -migrate-state` across every backend in one chain — local → S3 → Azure Blob → local —
//! through the real binary: every resource, the lineage and the serial survive each move, and
//! each backend plans clean with the state it received; and the Azure Blob leg of recovering
//! from storage that goes away mid-apply (the S3 leg is in backend_s3.rs).

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

/// The Azure leg of "nothing is lost": Azurite goes away while an apply runs; the apply saves
/// the state to errored.tfstate and says how to push it; `state push` restores it.
#[test]
fn azure_blob_going_away_mid_apply_leaves_errored_state_and_push_restores_it() {
    let mut azurite = Azurite::start();
    azurite.create_container(CONTAINER);
    let env = [("ARM_ACCESS_KEY", ACCOUNT_KEY)];
    let slow = r#"
resource "terraform_data" "first" {
  input = "first"
}

resource "time_sleep" "wait" {
  create_duration = "3s"
  depends_on      = [terraform_data.first]
}
"#;
    let p = Project::with_files(&[("main.tf", slow), ("backend.tf", &azurerm_block(&azurite))]);
    p.run_env(&["init"], &env).success();
    let apply = p.spawn_env(&["apply", "--auto-approve"], &env);
    common::wait_until(
        std::time::Duration::from_secs(30),
        "the apply to start waiting",
        || {
            apply
                .stderr_so_far()
                .contains("time_sleep.wait: Creating...")
        },
    );
    azurite.kill();
    let run = apply.finish(std::time::Duration::from_secs(120));
    run.failure().stderr_has(&[
        "Error: Failed to save the state to the backend",
        "was written to errored.tfstate so that nothing is lost",
        "clusterform state push errored.tfstate",
    ]);
    let errored: Json = serde_json::from_str(&p.read("errored.tfstate")).expect("JSON state");
    let mut addresses: Vec<String> = errored["resources"]
        .as_array()
        .expect("resources")
        .iter()
        .map(|r| {
            format!(
                "{}.{}",
                r["type"].as_str().unwrap(),
                r["name"].as_str().unwrap()
            )
        })
        .collect();
    addresses.sort();
    assert_eq!(addresses, ["terraform_data.first", "time_sleep.wait"]);

    // Storage is back (a new account here, so the backend is set up again), and the saved
    // state goes up unchanged.
    let back = Azurite::start();
    back.create_container(CONTAINER);
    p.write("backend.tf", &azurerm_block(&back));
    p.run_env(&["init", "-reconfigure"], &env).success();
    p.run_env(&["state", "push", "errored.tfstate"], &env)
        .success();
    assert_eq!(essence(&pulled(&p, &env)), essence(&errored));
    p.run_env(&["plan", "--detailed-exitcode"], &env).success();
}
