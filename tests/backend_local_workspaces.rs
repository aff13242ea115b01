//! Workspaces with the local backend: `workspace new|select|list|show|delete`, state in
//! `terraform.tfstate.d/<name>/terraform.tfstate`, the selection in `.terraform/environment`,
//! `TF_WORKSPACE`, `terraform.workspace`, and saved plans that stay in their workspace.

mod common;

use common::{state_addresses, Project};
use serde_json::Value as Json;

const CONFIG: &str = r#"
resource "terraform_data" "named" {
  input = "for-${terraform.workspace}"
}

output "name" {
  value = terraform_data.named.output
}
"#;

const DEV_STATE: &str = "terraform.tfstate.d/dev/terraform.tfstate";

fn project() -> Project {
    Project::with_files(&[("main.tf", CONFIG)])
}

fn json(p: &Project, rel: &str) -> Json {
    serde_json::from_str(&p.read(rel)).expect("a JSON state file")
}

#[test]
fn each_workspace_has_its_own_state_file() {
    let p = project();
    p.run(&["apply", "--auto-approve"]).success();
    assert_eq!(p.run(&["workspace", "list"]).stdout, "* default\n");
    assert_eq!(p.run(&["workspace", "show"]).stdout, "default\n");

    p.run(&["workspace", "new", "dev"])
        .success()
        .stdout_has(&["Created and switched to workspace \"dev\"!"]);
    assert_eq!(p.read(".terraform/environment"), "dev");
    assert!(p.exists(DEV_STATE), "new writes an empty state");
    assert_eq!(p.run(&["workspace", "list"]).stdout, "  default\n* dev\n");
    assert_eq!(p.run(&["state", "list"]).stdout, "", "dev starts empty");

    p.run(&["apply", "--auto-approve"])
        .success()
        .stdout_has(&["name = \"for-dev\""]);
    let dev = json(&p, DEV_STATE);
    let default = p.state();
    assert_eq!(state_addresses(&dev), ["terraform_data.named"]);
    assert_ne!(dev["lineage"], default["lineage"]);
    assert_eq!(default["outputs"]["name"]["value"], "for-default");

    p.run(&["workspace", "select", "default"])
        .success()
        .stdout_has(&["Switched to workspace \"default\"."]);
    assert!(!p.exists(".terraform/environment"));
    p.run(&["output", "name"])
        .success()
        .stdout_has(&["\"for-default\""]);
    p.run(&["plan", "--detailed-exitcode"]).success();
}

#[test]
fn tf_workspace_overrides_the_selection() {
    let p = project();
    p.run(&["workspace", "new", "dev"]).success();
    p.run(&["apply", "--auto-approve"]).success();
    p.run(&["workspace", "select", "default"]).success();

    let env = [("TF_WORKSPACE", "dev")];
    assert_eq!(p.run_env(&["workspace", "show"], &env).stdout, "dev\n");
    p.run_env(&["output", "name"], &env)
        .success()
        .stdout_has(&["\"for-dev\""]);
    p.run_env(&["workspace", "select", "dev"], &env)
        .failure()
        .stderr_has(&["The selected workspace is set by TF_WORKSPACE"]);
    assert!(!p.exists("terraform.tfstate"), "default was never applied");
}

#[test]
fn select_new_and_delete_refuse_what_makes_no_sense() {
    let p = project();
    p.run(&["workspace", "select", "qa"])
        .failure()
        .stderr_has(&[
            "Workspace \"qa\" doesn't exist",
            "clusterform workspace new qa",
        ]);
    p.run(&["workspace", "select", "--or-create", "qa"])
        .success();
    assert_eq!(p.run(&["workspace", "show"]).stdout, "qa\n");
    p.run(&["workspace", "new", "qa"])
        .failure()
        .stderr_has(&["Workspace \"qa\" already exists"]);
    p.run(&["workspace", "new", "a/b"])
        .failure()
        .stderr_has(&["\"a/b\" is not a valid workspace name"]);

    p.run(&["workspace", "delete", "default"])
        .failure()
        .stderr_has(&["Cannot delete the default workspace"]);
    p.run(&["workspace", "delete", "qa"])
        .failure()
        .stderr_has(&["Workspace \"qa\" is your active workspace"]);
    p.run(&["apply", "--auto-approve"]).success();
    p.run(&["workspace", "select", "default"]).success();
    p.run(&["workspace", "delete", "qa"])
        .failure()
        .stderr_has(&[
            "Workspace \"qa\" is not empty",
            "terraform_data.named",
            "--force",
        ]);
    p.run(&["workspace", "delete", "-force", "qa"])
        .success()
        .stdout_has(&["Deleted workspace \"qa\"!"]);
    assert!(!p.exists("terraform.tfstate.d/qa"));
    assert_eq!(p.run(&["workspace", "list"]).stdout, "* default\n");
}

#[test]
fn a_saved_plan_applies_only_in_its_workspace() {
    let p = project();
    p.run(&["workspace", "new", "dev"]).success();
    p.run(&["plan", "--out", "dev.tfplan"]).success();
    p.run(&["workspace", "select", "default"]).success();
    p.run(&["apply", "dev.tfplan"]).failure().stderr_has(&[
        "Saved plan is for a different workspace",
        "made in workspace \"dev\", and the selected workspace is \"default\"",
    ]);
    assert!(!p.exists("terraform.tfstate"));
    p.run(&["workspace", "select", "dev"]).success();
    p.run(&["apply", "dev.tfplan"]).success();
    assert_eq!(json(&p, DEV_STATE)["outputs"]["name"]["value"], "for-dev");
}

#[test]
fn the_pull_request_comment_names_the_workspace() {
    let p = project();
    p.run(&["workspace", "new", "staging"]).success();
    p.run(&["plan", "--out", "p.tfplan", "--markdown", "comment.md"])
        .success();
    let comment = p.read("comment.md");
    assert!(comment.contains("(workspace `staging`)"), "{comment}");
    let shown = p.run(&["show", "--format", "markdown", "p.tfplan"]);
    assert!(
        shown.success().stdout.contains("(workspace `staging`)"),
        "{}",
        shown.stdout
    );
}

#[test]
fn a_custom_workspace_dir_is_used() {
    let p = Project::with_files(&[
        ("main.tf", CONFIG),
        (
            "backend.tf",
            "terraform {\n  backend \"local\" {\n    path          = \"state/main.tfstate\"\n    workspace_dir = \"envs\"\n  }\n}\n",
        ),
    ]);
    p.run(&["apply", "--auto-approve"]).success();
    assert!(p.exists("state/main.tfstate"));
    p.run(&["workspace", "new", "dev"]).success();
    p.run(&["apply", "--auto-approve"]).success();
    assert!(p.exists("envs/dev/terraform.tfstate"));
    assert!(!p.exists("terraform.tfstate.d"));
}
