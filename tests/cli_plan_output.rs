//! What `plan` prints for each kind of change (pinned by insta snapshots), that `show PLANFILE`
//! prints the same and `show --json PLANFILE` has Terraform's plan shape, the options that
//! shape a plan (`--target`, `--replace`, `--refresh-only`, `--destroy`), `graph`, and colour.

mod common;

use common::{attributes, Project, Run};
use serde_json::Value as Json;

/// Snapshots `text` under `name` with the project's volatile parts filtered.
macro_rules! snapshot {
    ($project:expr, $name:expr, $text:expr) => {
        $project
            .snapshot_settings()
            .bind(|| insta::assert_snapshot!($name, $text))
    };
}

fn applied(fixture: &str) -> Project {
    let project = Project::fixture(fixture);
    project.run(&["apply", "--auto-approve"]).success();
    project
}

fn plan(project: &Project, args: &[&str]) -> Run {
    let mut all = vec!["plan"];
    all.extend_from_slice(args);
    project.run(&all)
}

#[test]
fn plan_to_create() {
    let project = Project::fixture("plan_output");

    let run = plan(&project, &["--detailed-exitcode"]);
    run.code(2)
        .stdout_has(&["Plan: 2 to add, 0 to change, 0 to destroy."]);
    snapshot!(project, "plan_create", run.stdout);
}

#[test]
fn plan_to_update_in_place() {
    let project = applied("plan_output");

    let run = plan(&project, &["--detailed-exitcode", "--var", "size=large"]);
    run.code(2)
        .stdout_has(&["Plan: 0 to add, 2 to change, 0 to destroy."]);
    // The expected snapshot was written by hand from Terraform's block and object renderers.
    snapshot!(project, "plan_update", run.stdout);
}

#[test]
fn plan_to_replace() {
    let project = applied("plan_output");

    let run = plan(&project, &["--detailed-exitcode", "--var", "revision=r2"]);
    run.code(2)
        .stdout_has(&["Plan: 1 to add, 0 to change, 1 to destroy."]);
    snapshot!(project, "plan_replace", run.stdout);
}

#[test]
fn plan_destroy_lists_every_delete_and_changes_nothing() {
    let project = applied("plan_output");
    let state_before = project.read_bytes(common::STATE);

    let run = plan(&project, &["--destroy", "--detailed-exitcode"]);
    run.code(2).stdout_has(&[
        "# terraform_data.config will be destroyed",
        "# terraform_data.server will be destroyed",
        "- resource \"terraform_data\" \"server\" {",
        "Plan: 0 to add, 0 to change, 2 to destroy.",
        "- size = \"small\"",
    ]);
    assert!(!run.stdout.contains("will be created"), "{}", run.stdout);
    assert_eq!(project.read_bytes(common::STATE), state_before);
}

#[test]
fn plan_to_destroy_ends_each_removed_value_with_arrow_null() {
    let project = applied("plan_output");

    let run = plan(&project, &["--destroy"]);
    run.success();
    for line in [
        "      - id               = \"",
        "      - input            = \"server-small\" -> null\n",
        "  - size = \"small\" -> null\n",
    ] {
        assert!(run.stdout.contains(line), "no {line:?} in\n{}", run.stdout);
    }
    assert!(
        run.stdout
            .lines()
            .filter(|l| l.trim_start().starts_with("- id "))
            .all(|l| l.ends_with("-> null")),
        "{}",
        run.stdout
    );
    // The expected snapshot was written by hand from Terraform's primitive, list and object
    // renderers (nested values carry no suffix, the closing bracket of the attribute does).
    snapshot!(project, "plan_destroy", run.stdout);
}

const OUTPUTS_BEFORE: &str = r#"output "kept" {
  value = "same"
}

output "changed" {
  value = "old"
}
"#;

const OUTPUTS_AFTER: &str = r#"output "kept" {
  value = "same"
}

output "changed" {
  value = "new"
}

output "added" {
  value = {
    list = ["l", 1, true]
    flag = false
  }
}
"#;

#[test]
fn plan_with_output_changes() {
    let project = Project::with_files(&[("main.tf", OUTPUTS_BEFORE)]);
    project.run(&["apply", "--auto-approve"]).success();
    project.write("main.tf", OUTPUTS_AFTER);

    let run = plan(&project, &["--detailed-exitcode"]);
    run.code(2)
        .stdout_has(&["Changes to Outputs:", "~ changed = \"old\" -> \"new\""]);
    assert!(
        !run.stdout.contains("kept"),
        "an unchanged output is not listed:\n{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("Plan:"),
        "no resource changes, no Plan: line:\n{}",
        run.stdout
    );
    snapshot!(project, "plan_outputs", run.stdout);
}

#[test]
fn removed_output_ends_with_arrow_null() {
    let project = Project::with_files(&[("main.tf", OUTPUTS_BEFORE)]);
    project.run(&["apply", "--auto-approve"]).success();
    project.write("main.tf", "output \"kept\" {\n  value = \"same\"\n}\n");

    let run = plan(&project, &["--detailed-exitcode"]);
    run.code(2);
    assert!(
        run.stdout.contains("  - changed = \"old\" -> null\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn null_attributes_are_not_counted_as_hidden() {
    let project = Project::with_files(&[(
        "main.tf",
        "variable \"v\" {\n  default = \"a\"\n}\n\nresource \"terraform_data\" \"x\" {\n  input = var.v\n}\n",
    )]);
    project.run(&["apply", "--auto-approve"]).success();

    // input and output change, id is shown, triggers_replace is null: nothing is hidden.
    let run = plan(&project, &["--var", "v=b"]);
    run.success().stdout_has(&["~ input = \"a\" -> \"b\""]);
    assert!(
        !run.stdout.contains("unchanged attribute"),
        "{}",
        run.stdout
    );
}

/// The part of `plan --out` output that `show PLANFILE` repeats.
fn plan_part(stdout: &str) -> &str {
    stdout
        .split("\nSaved the plan to:")
        .next()
        .expect("split yields one part")
        .trim_end()
}

#[test]
fn show_planfile_renders_what_plan_printed() {
    let project = applied("plan_output");

    for args in [
        vec![
            "plan",
            "--var",
            "size=large",
            "--var",
            "revision=r2",
            "--out",
            "p1",
        ],
        vec!["plan", "--destroy", "--out", "p1"],
    ] {
        let planned = project.run(&args);
        planned.success().stdout_has(&["Saved the plan to: p1"]);
        let shown = project.run(&["show", "p1"]);
        shown.success();
        assert_eq!(
            shown.stdout.trim_end(),
            plan_part(&planned.stdout),
            "for {args:?}"
        );
    }
}

#[test]
fn show_json_planfile_has_terraforms_plan_shape() {
    let project = applied("plan_output");
    project
        .run(&[
            "plan",
            "--var",
            "size=large",
            "--var",
            "revision=r2",
            "--out",
            "p1",
        ])
        .success();

    let run = project.run_env(
        &["show", "--json", "p1"],
        &[("CLUSTERFORM_TIMESTAMP", "2030-01-02T03:04:05Z")],
    );
    run.success();
    assert_eq!(run.stdout.trim_end().lines().count(), 1, "one line of JSON");
    let plan: Json = serde_json::from_str(&run.stdout).expect("show --json prints JSON");

    assert_eq!(plan["format_version"], "1.2");
    assert_eq!(plan["timestamp"], "2030-01-02T03:04:05Z");
    let changes = plan["resource_changes"]
        .as_array()
        .expect("resource_changes");
    let change = |addr: &str| -> &Json {
        &changes
            .iter()
            .find(|c| c["address"] == addr)
            .unwrap_or_else(|| panic!("no change for {addr}"))["change"]
    };
    let config = change("terraform_data.config");
    assert_eq!(config["actions"], serde_json::json!(["update"]));
    assert_eq!(config["before"]["input"]["size"], "small");
    assert_eq!(config["after"]["input"]["size"], "large");
    assert!(config["after_unknown"].is_object(), "{config}");
    assert!(config["before_sensitive"].is_object(), "{config}");
    assert!(config["after_sensitive"].is_object(), "{config}");

    let server = change("terraform_data.server");
    assert_eq!(server["actions"], serde_json::json!(["delete", "create"]));
    assert_eq!(
        server["after_unknown"]["id"], true,
        "a replacement gets a new id"
    );
    assert_eq!(
        server["after"]["triggers_replace"],
        serde_json::json!(["r2"])
    );

    let size = &plan["output_changes"]["size"];
    assert_eq!(size["actions"], serde_json::json!(["update"]));
    assert_eq!(size["before"], "small");
    assert_eq!(size["after"], "large");

    let prior = &plan["prior_state"];
    assert_eq!(prior["format_version"], "1.0");
    let prior_resources = prior["values"]["root_module"]["resources"]
        .as_array()
        .expect("prior_state resources");
    assert_eq!(prior_resources.len(), 2);

    let configured = plan["configuration"]["root_module"]["resources"]
        .as_array()
        .expect("configuration resources");
    let addresses: Vec<&str> = configured
        .iter()
        .filter_map(|r| r["address"].as_str())
        .collect();
    assert_eq!(
        addresses,
        ["terraform_data.config", "terraform_data.server"]
    );
    assert!(plan["planned_values"]["root_module"]["resources"].is_array());
}

const TARGETS: &str = r#"resource "terraform_data" "a" {
  input = "a"
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}

resource "terraform_data" "c" {
  input = "c"
}
"#;

#[test]
fn target_limits_the_plan_to_the_resource_and_its_dependencies_and_warns() {
    let project = Project::with_files(&[("main.tf", TARGETS)]);

    let run = plan(&project, &["--target", "terraform_data.b"]);
    run.success()
        .stdout_has(&[
            "# terraform_data.a will be created",
            "# terraform_data.b will be created",
            "Plan: 2 to add, 0 to change, 0 to destroy.",
        ])
        .stderr_has(&["warning: Resource targeting is in effect"]);
    assert!(!run.stdout.contains("terraform_data.c"), "{}", run.stdout);

    project
        .run(&["apply", "--auto-approve", "--target", "terraform_data.b"])
        .success();
    let mut found = common::state_addresses(&project.state());
    found.sort();
    assert_eq!(found, ["terraform_data.a", "terraform_data.b"]);
}

#[test]
fn a_targeted_destroy_takes_what_depends_on_the_target_and_keeps_what_it_depends_on() {
    let project = Project::with_files(&[("main.tf", TARGETS)]);
    project.run(&["apply", "--auto-approve"]).success();

    project
        .run(&["destroy", "--auto-approve", "--target", "terraform_data.a"])
        .success()
        .stderr_has(&["only the targeted resources and what depends on them"]);
    assert_eq!(
        common::state_addresses(&project.state()),
        ["terraform_data.c"]
    );
    project.run(&["apply", "--auto-approve"]).success();
    project
        .run(&["destroy", "--auto-approve", "--target", "terraform_data.b"])
        .success();
    let mut found = common::state_addresses(&project.state());
    found.sort();
    assert_eq!(found, ["terraform_data.a", "terraform_data.c"]);
}

#[test]
fn replace_plans_a_replacement_of_an_unchanged_resource() {
    let project = Project::with_files(&[("main.tf", TARGETS)]);
    project.run(&["apply", "--auto-approve"]).success();
    let old_id = attributes(&project.state(), "terraform_data.c")["id"].clone();

    plan(
        &project,
        &["--replace", "terraform_data.c", "--detailed-exitcode"],
    )
    .code(2)
    .stdout_has(&[
        "# terraform_data.c will be replaced, as requested",
        "-/+ resource \"terraform_data\" \"c\" {",
        "Plan: 1 to add, 0 to change, 1 to destroy.",
    ]);

    project
        .run(&["apply", "--auto-approve", "--replace", "terraform_data.c"])
        .success();
    let state = project.state();
    assert_ne!(attributes(&state, "terraform_data.c")["id"], old_id);
    assert_eq!(attributes(&state, "terraform_data.c")["input"], "c");
}

#[test]
fn refresh_only_on_an_unchanged_state_says_no_changes() {
    let project = Project::with_files(&[("main.tf", TARGETS)]);
    project.run(&["apply", "--auto-approve"]).success();

    plan(&project, &["--refresh-only", "--detailed-exitcode"])
        .code(0)
        .stdout_has(&["No changes."]);
}

#[test]
fn graph_prints_dot_with_the_dependency_edges() {
    let project = Project::fixture("module");

    let run = project.run(&["graph"]);
    run.success().stdout_has(&[
        "digraph {",
        "\"terraform_data.root\" -> \"module.m.output.greeting\"",
        "\"module.m.output.greeting\" -> \"module.m.terraform_data.x\"",
        "\"module.m.terraform_data.x\" -> \"module.m.var.name\"",
        "\"output.greeting\" -> \"module.m.output.greeting\"",
    ]);
    assert!(run.stdout.trim_end().ends_with('}'), "{}", run.stdout);
    snapshot!(project, "graph_module", run.stdout);
}

// Colour

fn has_ansi(text: &str) -> bool {
    text.contains("\u{1b}[")
}

#[test]
fn colour_follows_the_flags_and_no_color() {
    let project = Project::with_files(&[("main.tf", TARGETS)]);

    let piped = project.run_with_color_choice(&["plan"], &[]);
    assert!(!has_ansi(&piped.stdout), "auto: no colour when piped");

    let always = project.run_with_color_choice(&["--color", "always", "plan"], &[]);
    assert!(has_ansi(&always.stdout), "--color always colours");

    let env = project.run_with_color_choice(&["--color", "always", "plan"], &[("NO_COLOR", "1")]);
    assert!(has_ansi(&env.stdout), "--color always wins over NO_COLOR");

    let both = project.run_with_color_choice(&["--no-color", "--color", "always", "plan"], &[]);
    assert!(
        !has_ansi(&both.stdout),
        "--no-color wins over --color always"
    );
    assert_eq!(
        both.stdout, piped.stdout,
        "the text is the same without colour"
    );
}
