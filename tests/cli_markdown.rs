//! Pull-request comments: `plan --markdown`, `show --format markdown` and
//! `plan --out-dir DIR dir…`, through the real binary with the built-in `terraform_data` and
//! `time_sleep` resources (no cloud). The Markdown people read is pinned by insta snapshots.

mod common;

use common::Project;
use serde_json::{json, Value as Json};

/// Snapshots `text` under `name` with the project's volatile parts filtered.
macro_rules! snapshot {
    ($project:expr, $name:expr, $text:expr) => {
        $project
            .snapshot_settings()
            .bind(|| insta::assert_snapshot!($name, $text))
    };
}

const LIMIT: usize = 65_536;

const BEFORE: &str = r#"resource "terraform_data" "network" {
  input = { cidr = "10.0.0.0/16", name = "net-v1" }
}

resource "terraform_data" "server" {
  input            = "server"
  triggers_replace = ["r1"]
}

resource "terraform_data" "legacy" {
  input = "going away"
}

resource "terraform_data" "secret" {
  input = sensitive("s3cret-v1")
}
"#;

/// From BEFORE: an update, a replacement, a destroy, a changed secret and two creates (one of
/// them with text that means something in Markdown).
const AFTER: &str = r#"resource "terraform_data" "network" {
  input = { cidr = "10.0.0.0/16", name = "net-v2" }
}

resource "terraform_data" "server" {
  input            = "server"
  triggers_replace = ["r2"]
}

resource "terraform_data" "secret" {
  input = sensitive("s3cret-v2")
}

resource "terraform_data" "cluster" {
  input = "api <b>|`x`|"
}

resource "time_sleep" "settle" {
  create_duration = "1s"
  depends_on      = [terraform_data.cluster]
}
"#;

/// A project whose next plan has every kind of change, and a warning (the variable file sets
/// a variable nobody declared).
fn mixed() -> Project {
    let project = Project::with_files(&[("main.tf", BEFORE)]);
    project.run(&["apply", "--auto-approve"]).success();
    project.write("main.tf", AFTER);
    project.write("terraform.tfvars", "unused = \"x\"\n");
    project
}

/// Adds what only cloud providers produce to a saved plan: an endpoint note and a finding.
fn add_note_and_finding(project: &Project, plan_file: &str) {
    let mut plan: Json = serde_json::from_str(&project.read(plan_file)).expect("plan is JSON");
    let changes = plan["changes"].as_array_mut().expect("changes");
    let network = changes
        .iter_mut()
        .find(|c| c["addr"] == "terraform_data.network")
        .expect("the network change");
    network["notes"] = json!([
        "API server endpoint: public (0.0.0.0/0) → private only — kubectl, helm and CI from outside the VPC will stop working"
    ]);
    plan["messages"]
        .as_array_mut()
        .expect("messages")
        .push(json!({
            "severity": "warning",
            "summary": "Finding: public API server endpoint open to the internet",
            "detail": "The public endpoint accepts connections from 0.0.0.0/0.",
            "location": "main.tf:1:1",
            "hint": "restrict public_access_cidrs to your office and CI networks"
        }));
    project.write(
        plan_file,
        &serde_json::to_string_pretty(&plan).expect("JSON"),
    );
}

#[test]
fn plan_writes_the_same_comment_show_prints() {
    let project = mixed();

    let run = project.run(&[
        "plan",
        "--out",
        "tfplan",
        "--markdown",
        "comment.md",
        "--detailed-exitcode",
    ]);
    run.code(2).stdout_has(&[
        "Saved the plan to: tfplan",
        "Wrote the pull-request comment to: comment.md",
    ]);
    let written = project.read("comment.md");
    let shown = project.run(&["show", "--format", "markdown", "tfplan"]);
    shown.success();
    assert_eq!(shown.stdout, written);
    assert!(!written.contains("s3cret"), "a secret leaked:\n{written}");
    assert!(
        written.contains("!       input  = (sensitive value)"),
        "{written}"
    );
}

#[test]
fn markdown_of_every_kind_of_change() {
    let project = mixed();
    project.run(&["plan", "--out", "tfplan"]).success();
    add_note_and_finding(&project, "tfplan");

    let run = project.run(&["show", "--format", "markdown", "tfplan"]);
    run.success();
    assert!(!run.stdout.contains("s3cret"), "a secret leaked");
    snapshot!(project, "markdown_mixed", run.stdout);
}

#[test]
fn show_json_still_prints_terraform_json() {
    let project = mixed();
    project.run(&["plan", "--out", "tfplan"]).success();

    let run = project.run(&["show", "--json", "tfplan"]);
    run.success();
    let plan: Json = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(plan["format_version"], "1.2");
    let same = project.run(&["show", "--format", "json", "tfplan"]);
    assert_eq!(same.stdout.len(), run.stdout.len());
}

#[test]
fn markdown_needs_a_plan_file() {
    let project = mixed();
    project
        .run(&["show", "--format", "markdown"])
        .failure()
        .stderr_has(&["error: Nothing to show as Markdown"]);
}

#[test]
fn a_large_plan_is_shortened_to_githubs_limit() {
    let long = "lorem ipsum dolor sit amet ".repeat(40);
    let project = Project::with_files(&[(
        "main.tf",
        &format!(
            "resource \"terraform_data\" \"big\" {{\n  count = 400\n  input = \"${{count.index}}-{long}\"\n}}\n"
        ),
    )]);

    let run = project.run(&["plan", "--out", "big.tfplan", "--markdown", "comment.md"]);
    run.success();
    let text = project.read("comment.md");
    assert!(text.len() <= LIMIT, "{} bytes", text.len());
    assert!(text.contains("| Create | 400 |"), "the summary stays");
    assert!(text.contains("**This comment was shortened** to stay within GitHub's limit of 65,536 characters. Left out:"));
    assert!(
        text.contains("To see the whole plan, run `clusterform show big.tfplan`."),
        "{}",
        &text[text.len() - 600..]
    );
    // Every instance is still named, with or without its diff.
    let named = (0..400)
        .filter(|i| text.contains(&format!("<code>terraform_data.big[{i}]</code>")))
        .count();
    assert_eq!(named, 400);
}

const ENV: &str = r#"variable "size" {
  type    = string
  default = "small"
}

resource "terraform_data" "cluster" {
  input = "cluster-${var.size}"
}
"#;

fn environments() -> Project {
    let project = Project::with_files(&[("envs/dev/main.tf", ENV), ("envs/prod/main.tf", ENV)]);
    project
        .run(&["--chdir", "envs/prod", "apply", "--auto-approve"])
        .success();
    project
}

#[test]
fn out_dir_plans_each_directory_into_one_comment() {
    let project = environments();

    let run = project.run(&[
        "plan",
        "--out-dir",
        "plans",
        "--detailed-exitcode",
        "envs/dev",
        "envs/prod",
    ]);
    run.code(2).stdout_has(&[
        "=== envs/dev ===",
        "Saved the plan to: plans/envs-dev.tfplan",
        "clusterform --chdir envs/dev apply ../../plans/envs-dev.tfplan",
        "=== envs/prod ===",
        "Planned 2 directories: 1 with changes, 1 without, 0 failed.",
        "Wrote the pull-request comment to: plans/plan.md",
    ]);
    assert!(project.exists("plans/envs-prod.tfplan"));
    snapshot!(project, "markdown_out_dir", project.read("plans/plan.md"));

    // The saved plan applies as the output says.
    project
        .run(&[
            "--chdir",
            "envs/dev",
            "apply",
            "../../plans/envs-dev.tfplan",
        ])
        .success()
        .stdout_has(&["Apply complete! Resources: 1 added, 0 changed, 0 destroyed."]);
    project
        .run(&[
            "plan",
            "--out-dir",
            "plans",
            "--detailed-exitcode",
            "envs/dev",
            "envs/prod",
        ])
        .success();
    assert!(project
        .read("plans/plan.md")
        .contains("| **All** | 0 | 0 | 0 | 0 | 0 with changes |"));
}

#[test]
fn out_dir_reports_a_failed_directory_and_plans_the_others() {
    let project = environments();
    project.write("envs/broken/main.tf", "resource \"terraform_data\" {\n");

    let run = project.run(&[
        "plan",
        "--out-dir",
        "plans",
        "--markdown",
        "comment.md",
        "--detailed-exitcode",
        "envs/broken",
        "envs/dev",
        "envs/prod",
    ]);
    run.failure()
        .stdout_has(&["Planned 3 directories: 1 with changes, 1 without, 1 failed."])
        .stderr_has(&["Planning failed: nothing was changed."]);
    assert!(project.exists("plans/envs-dev.tfplan"));
    assert!(!project.exists("plans/envs-broken.tfplan"));
    let comment = project.read("comment.md");
    assert!(
        comment.contains("| `envs/broken` | | | | | ❌ planning failed |"),
        "{comment}"
    );
    assert!(
        comment.contains("| `envs/dev` | 0 | 0 | 1 | 0 | changes |"),
        "{comment}"
    );
    assert!(
        comment.contains("### `envs/dev`\n\n**Plan: 1 to add, 0 to change, 0 to destroy.**"),
        "{comment}"
    );
}

#[test]
fn directories_need_out_dir_and_unique_plan_names() {
    let project = environments();
    project
        .run(&["plan", "envs/dev"])
        .failure()
        .stderr_has(&["--out-dir <OUT_DIR>"]);
    project.write("envs-dev/main.tf", ENV);
    project
        .run(&["plan", "--out-dir", "plans", "envs/dev", "envs-dev"])
        .failure()
        .stderr_has(&[
            "error: Two directories would share a plan file",
            "envs/dev and envs-dev would both be saved as envs-dev.tfplan.",
        ]);
    assert!(!project.exists("plans/envs-dev.tfplan"));
}
