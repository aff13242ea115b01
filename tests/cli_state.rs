//! Reading and editing the state from the command line: `state list`, `state show`,
//! `state mv`, `state rm`, `import`, `show` of the state, and `output`.

mod common;

use common::{attributes, state_addresses, Project, STATE};

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

fn serial(project: &Project) -> u64 {
    project.state()["serial"].as_u64().expect("serial")
}

#[test]
fn state_list_prints_every_instance_sorted() {
    let project = applied("state");

    let run = project.run(&["state", "list"]);
    run.success();
    assert_eq!(
        run.stdout,
        "terraform_data.each[\"x\"]\nterraform_data.each[\"y\"]\nterraform_data.many[0]\nterraform_data.many[1]\nterraform_data.single\n"
    );
}

#[test]
fn state_list_with_an_address_prints_only_its_instances() {
    let project = applied("state");

    let run = project.run(&["state", "list", "terraform_data.many"]);
    run.success();
    assert_eq!(
        run.stdout,
        "terraform_data.many[0]\nterraform_data.many[1]\n"
    );
}

#[test]
fn state_list_includes_module_instances() {
    let project = applied("module");

    let run = project.run(&["state", "list"]);
    run.success();
    let mut lines: Vec<&str> = run.stdout.lines().collect();
    lines.sort();
    assert_eq!(lines, ["module.m.terraform_data.x", "terraform_data.root"]);

    let only = project.run(&["state", "list", "module.m"]);
    only.success();
    assert_eq!(only.stdout, "module.m.terraform_data.x\n");
}

#[test]
fn state_show_prints_one_instance() {
    let project = applied("state");

    let run = project.run(&["state", "show", "terraform_data.each[\"x\"]"]);
    run.success().stdout_has(&[
        "# terraform_data.each[\"x\"]:",
        "resource \"terraform_data\" \"each\" {",
        "input = \"ex\"",
    ]);
    assert!(
        !run.stdout.contains("\"why\""),
        "only the one instance:\n{}",
        run.stdout
    );
}

#[test]
fn state_show_snapshot() {
    let project = applied("state");

    let run = project.run(&["state", "show", "terraform_data.each[\"x\"]"]);
    run.success();
    // Written by hand: `=` aligned over the attributes printed, as the plan renderer does.
    snapshot!(project, "state_show_instance", run.stdout);
}

#[test]
fn state_show_of_a_resource_prints_every_instance() {
    let project = applied("state");

    project
        .run(&["state", "show", "terraform_data.many"])
        .success()
        .stdout_has(&[
            "# terraform_data.many[0]:",
            "input = \"many-0\"",
            "# terraform_data.many[1]:",
            "input = \"many-1\"",
        ]);
}

#[test]
fn state_show_of_an_unknown_address_fails() {
    let project = applied("state");

    project
        .run(&["state", "show", "terraform_data.nope"])
        .failure()
        .stderr_has(&["terraform_data.nope is not in the state"]);
}

#[test]
fn state_mv_then_renaming_the_block_gives_no_changes() {
    let project = applied("state");
    let id = attributes(&project.state(), "terraform_data.single")["id"].clone();
    let serial_before = serial(&project);

    project
        .run(&[
            "state",
            "mv",
            "terraform_data.single",
            "terraform_data.renamed",
        ])
        .success()
        .stdout_has(&[
            "Move \"terraform_data.single\" to \"terraform_data.renamed\"",
            "Successfully moved 1 object.",
        ]);
    let state = project.state();
    assert_eq!(
        attributes(&state, "terraform_data.renamed")["id"],
        id,
        "the same object"
    );
    assert!(!state_addresses(&state).contains(&"terraform_data.single".to_string()));
    assert!(serial(&project) > serial_before);

    // Before the block is renamed, the plan would replace the object under its new name.
    project
        .run(&["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "# terraform_data.renamed will be destroyed",
            "# terraform_data.single will be created",
        ]);

    project.edit(
        "main.tf",
        "\"terraform_data\" \"single\" {",
        "\"terraform_data\" \"renamed\" {",
    );
    project.edit(
        "main.tf",
        "terraform_data.single.output",
        "terraform_data.renamed.output",
    );
    project
        .run(&["plan", "--detailed-exitcode"])
        .code(0)
        .stdout_has(&["No changes."]);
}

#[test]
fn state_mv_moves_all_instances_of_a_resource() {
    let project = applied("state");

    project
        .run(&["state", "mv", "terraform_data.many", "terraform_data.lots"])
        .success();
    let mut found = state_addresses(&project.state());
    found.sort();
    assert!(
        found.contains(&"terraform_data.lots[0]".to_string()),
        "{found:?}"
    );
    assert!(
        found.contains(&"terraform_data.lots[1]".to_string()),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|a| a.starts_with("terraform_data.many")),
        "{found:?}"
    );
}

#[test]
fn state_mv_onto_an_existing_address_fails_and_changes_nothing() {
    let project = applied("state");
    let before = project.read_bytes(STATE);

    project
        .run(&[
            "state",
            "mv",
            "terraform_data.single",
            "terraform_data.many[0]",
        ])
        .failure();
    assert_eq!(project.read_bytes(STATE), before);
}

#[test]
fn state_rm_forgets_the_instance_and_plan_creates_it_again() {
    let project = applied("state");
    let before = project.read(STATE);

    project
        .run(&["state", "rm", "terraform_data.single"])
        .success()
        .stdout_has(&["Removed terraform_data.single"]);
    let state = project.state();
    assert!(!state_addresses(&state).contains(&"terraform_data.single".to_string()));
    assert_eq!(state_addresses(&state).len(), 4, "the others stay");
    assert_eq!(
        project.read("terraform.tfstate.backup"),
        before,
        "the previous state is kept as the backup"
    );

    project
        .run(&["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "# terraform_data.single will be created",
            "Plan: 1 to add, 0 to change, 0 to destroy.",
        ]);
}

#[test]
fn state_rm_of_a_resource_removes_every_instance() {
    let project = applied("state");

    project
        .run(&["state", "rm", "terraform_data.each"])
        .success()
        .stdout_has(&[
            "Removed terraform_data.each[\"x\"]",
            "Removed terraform_data.each[\"y\"]",
        ]);
    assert!(!state_addresses(&project.state())
        .iter()
        .any(|a| a.starts_with("terraform_data.each")));
}

#[test]
fn state_rm_of_nothing_fails() {
    let project = applied("state");
    let before = project.read_bytes(STATE);

    project
        .run(&["state", "rm", "terraform_data.nope"])
        .failure();
    assert_eq!(project.read_bytes(STATE), before);
}

#[test]
fn import_adopts_an_object_into_the_state() {
    let project = Project::fixture("state");

    let run = project.run(&["import", "terraform_data.single", "existing-id"]);
    run.success()
        .stdout_has(&["Import successful!"])
        .stderr_has(&["terraform_data.single: Importing from ID \"existing-id\"..."]);
    let state = project.state();
    assert_eq!(state_addresses(&state), ["terraform_data.single"]);
    assert_eq!(
        attributes(&state, "terraform_data.single")["id"],
        "existing-id"
    );

    project
        .run(&["import", "terraform_data.single", "other-id"])
        .failure();
    assert_eq!(
        attributes(&project.state(), "terraform_data.single")["id"],
        "existing-id",
        "an address already in the state is not overwritten"
    );
}

#[test]
fn show_prints_the_state_with_its_outputs() {
    let project = applied("state");

    let run = project.run(&["show"]);
    run.success().stdout_has(&[
        "# terraform_data.single:",
        "resource \"terraform_data\" \"single\" {",
        "# terraform_data.many[1]:",
        "Outputs:",
        "single = \"single\"",
    ]);
}

#[test]
fn show_state_snapshot() {
    let project = applied("state");

    let run = project.run(&["show"]);
    run.success();
    // Written by hand: `=` aligned over the attributes printed, as the plan renderer does.
    snapshot!(project, "show_state", run.stdout);
}

#[test]
fn show_of_an_empty_directory_says_so() {
    let project = Project::fixture("state");

    project
        .run(&["show"])
        .success()
        .stdout_has(&["The state has no resources."]);
}

#[test]
fn show_json_prints_terraforms_state_representation() {
    let project = applied("state");

    let run = project.run(&["show", "--json"]);
    run.success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(doc["format_version"], "1.0");
    let resources = doc["values"]["root_module"]["resources"]
        .as_array()
        .expect("resources");
    let addresses: Vec<&str> = resources
        .iter()
        .filter_map(|r| r["address"].as_str())
        .collect();
    for expected in [
        "terraform_data.single",
        "terraform_data.many[0]",
        "terraform_data.each[\"x\"]",
    ] {
        assert!(
            addresses.contains(&expected),
            "{expected} missing from {addresses:?}"
        );
    }
    assert_eq!(doc["values"]["outputs"]["single"]["value"], "single");
}

#[test]
fn output_prints_every_output_or_one() {
    let project = applied("state");

    let all = project.run(&["output"]);
    all.success();
    assert_eq!(
        all.stdout,
        "inputs = [\"many-0\", \"many-1\"]\nsingle = \"single\"\n"
    );

    let one = project.run(&["output", "single"]);
    one.success();
    assert_eq!(one.stdout, "\"single\"\n");

    let raw = project.run(&["output", "--raw", "single"]);
    raw.success();
    assert_eq!(raw.stdout, "single\n");
}

#[test]
fn output_json_prints_values_types_and_sensitivity() {
    let project = applied("state");

    let run = project.run(&["output", "--json"]);
    run.success();
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        doc,
        serde_json::json!({
            "inputs": {
                "sensitive": false,
                "type": ["tuple", ["string", "string"]],
                "value": ["many-0", "many-1"]
            },
            "single": {"sensitive": false, "type": "string", "value": "single"}
        })
    );

    let one = project.run(&["output", "--json", "inputs"]);
    one.success();
    let value: serde_json::Value = serde_json::from_str(&one.stdout).expect("JSON");
    assert_eq!(value, serde_json::json!(["many-0", "many-1"]));
}

#[test]
fn output_of_an_unknown_name_fails_and_lists_the_outputs() {
    let project = applied("state");

    project
        .run(&["output", "nope"])
        .failure()
        .stderr_has(&["Output \"nope\" not found", "inputs, single"]);
}

#[test]
fn state_pull_prints_the_stored_state() {
    let project = applied("state");

    let run = project.run(&["state", "pull"]);
    run.success();
    assert_eq!(run.stdout, project.read(STATE));
    assert_eq!(Project::empty().run(&["state", "pull"]).stdout, "");
}

#[test]
fn state_push_checks_lineage_and_serial_unless_forced() {
    let project = applied("state");
    let copy = project.read(STATE);
    project.write("copy.tfstate", &copy);
    project
        .run(&["state", "push", "copy.tfstate"])
        .success()
        .stdout_has(&["already holds this state"]);

    // A later change makes the copy older than the stored state.
    project
        .run(&["state", "rm", "terraform_data.single"])
        .success();
    let current = serial(&project);
    project
        .run(&["state", "push", "copy.tfstate"])
        .failure()
        .stderr_has(&[
            "Refusing to push this state",
            &format!("older than the stored state's serial {current}"),
            "--force",
        ]);

    // Another state's file is refused whatever its serial.
    let mut other: serde_json::Value = serde_json::from_str(&copy).unwrap();
    other["lineage"] = "00000000-0000-0000-0000-000000000000".into();
    other["serial"] = 99.into();
    project.write("other.tfstate", &other.to_string());
    project
        .run(&["state", "push", "other.tfstate"])
        .failure()
        .stderr_has(&["not versions of the same state"]);
    assert_eq!(serial(&project), current, "nothing was pushed");

    project
        .run(&["state", "push", "--force", "copy.tfstate"])
        .success()
        .stdout_has(&["Pushed copy.tfstate to local state file"]);
    assert_eq!(serial(&project), current + 1);
    assert!(state_addresses(&project.state()).contains(&"terraform_data.single".to_string()));
}

#[test]
fn a_damaged_state_names_the_backup_and_push_puts_it_back() {
    let project = applied("state");
    // A second apply, so the backup holds a whole earlier state.
    project.edit("main.tf", "\"single\"\n", "\"single-2\"\n");
    project.run(&["apply", "--auto-approve"]).success();
    let good = project.read("terraform.tfstate.backup");
    let text = project.read(STATE);
    project.write(STATE, &text[..text.len() / 2]);

    project.run(&["plan"]).failure().stderr_has(&[
        "Cannot read the state",
        "cut short",
        "terraform.tfstate.backup` holds the state before the last write",
        "clusterform state push --force",
    ]);
    // Without --force the damaged state stops the push too, and is left as it is.
    project
        .run(&["state", "push", "terraform.tfstate.backup"])
        .failure();
    project
        .run(&["state", "push", "--force", "terraform.tfstate.backup"])
        .success()
        .stdout_has(&["Pushed terraform.tfstate.backup"]);
    let pushed: serde_json::Value = serde_json::from_str(&project.read(STATE)).unwrap();
    let before: serde_json::Value = serde_json::from_str(&good).unwrap();
    assert_eq!(pushed["lineage"], before["lineage"]);
    assert_eq!(pushed["resources"], before["resources"]);
    // The damaged file is kept, as the new backup.
    assert_eq!(
        project.read("terraform.tfstate.backup"),
        &text[..text.len() / 2]
    );
    project.run(&["plan"]).success();
}
