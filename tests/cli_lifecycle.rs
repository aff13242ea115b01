//! The life of a configuration through the real binary: apply, re-plan, update in place,
//! replace, destroy, saved plans and their staleness checks, the state lock against a second
//! run and after a killed one, and local modules.

mod common;

use std::time::Duration;

use common::{attributes, is_uuid, state_addresses, wait_until, Project, LOCK, STATE};

fn id_of(project: &Project, addr: &str) -> String {
    attributes(&project.state(), addr)["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{addr} has a string id"))
        .to_string()
}

#[test]
fn apply_writes_state_with_instances_attributes_and_outputs() {
    let project = Project::fixture("basic");

    let run = project.run(&["apply", "--auto-approve"]);
    run.success().stdout_has(&[
        "Apply complete! Resources: 2 added, 0 changed, 0 destroyed.",
        "a_output = \"alpha\"",
    ]);
    // Progress goes to stderr, so stdout stays clean for people and pipes.
    run.stderr_has(&["terraform_data.a: Creation complete after"]);
    assert!(
        !run.stdout.contains("Creation complete"),
        "progress on stdout:\n{}",
        run.stdout
    );

    let state = project.state();
    assert_eq!(state["version"], 4);
    assert!(state["serial"].as_u64().expect("serial is a number") > 0);
    let lineage = state["lineage"].as_str().expect("lineage is a string");
    assert!(is_uuid(lineage), "lineage {lineage:?} is not a UUID");
    assert_eq!(
        state_addresses(&state),
        ["terraform_data.a", "terraform_data.b"]
    );

    let a = attributes(&state, "terraform_data.a");
    assert!(
        is_uuid(a["id"].as_str().expect("id")),
        "terraform_data ids are UUIDs: {a}"
    );
    assert_eq!(a["input"], "alpha");
    assert_eq!(a["output"], "alpha");
    let b = attributes(&state, "terraform_data.b");
    assert_eq!(b["input"], "b-alpha");
    assert_eq!(b["triggers_replace"], serde_json::json!(["v1"]));
    let b_resource = &state["resources"][1];
    assert_eq!(
        b_resource["provider"],
        "provider[\"terraform.io/builtin/terraform\"]"
    );
    assert_eq!(
        b_resource["instances"][0]["dependencies"],
        serde_json::json!(["terraform_data.a"])
    );

    assert_eq!(state["outputs"]["a_output"]["value"], "alpha");
    assert_eq!(state["outputs"]["a_output"]["type"], "string");
    assert!(!project.exists(LOCK), "the lock is released after apply");
}

#[test]
fn plan_right_after_apply_has_no_changes() {
    let project = Project::fixture("basic");
    project.run(&["apply", "--auto-approve"]).success();

    let run = project.run(&["plan", "--detailed-exitcode"]);
    run.code(0).stdout_has(&["No changes."]);
    assert!(!run.stdout.contains("will be"), "{}", run.stdout);
}

#[test]
fn plan_before_any_apply_exits_2_with_detailed_exitcode() {
    let project = Project::fixture("basic");

    let run = project.run(&["plan", "--detailed-exitcode"]);
    run.code(2).stdout_has(&[
        "# terraform_data.a will be created",
        "# terraform_data.b will be created",
        "Plan: 2 to add, 0 to change, 0 to destroy.",
    ]);
    assert!(!project.exists(STATE), "plan must not write the state");
}

#[test]
fn detailed_exitcode_is_1_on_errors() {
    let project = Project::fixture("basic");
    project.write(
        "broken.tf",
        "resource \"terraform_data\" \"c\" {\n  input = var.missing\n}\n",
    );

    project.run(&["plan", "--detailed-exitcode"]).failure();
}

#[test]
fn changed_input_is_an_update_in_place_and_apply_updates_the_state() {
    let project = Project::fixture("basic");
    project.run(&["apply", "--auto-approve"]).success();
    let id_before = id_of(&project, "terraform_data.a");
    let serial_before = project.state()["serial"].as_u64().expect("serial");

    let plan = project.run(&["plan", "--detailed-exitcode", "--var", "name=beta"]);
    plan.code(2).stdout_has(&[
        "# terraform_data.a will be updated in-place",
        "~ input            = \"alpha\" -> \"beta\"",
        "# terraform_data.b will be updated in-place",
        "Plan: 0 to add, 2 to change, 0 to destroy.",
        "~ a_output = \"alpha\" -> \"beta\"",
    ]);

    project
        .run(&["apply", "--auto-approve", "--var", "name=beta"])
        .success()
        .stdout_has(&["Apply complete! Resources: 0 added, 2 changed, 0 destroyed."]);
    let state = project.state();
    assert_eq!(attributes(&state, "terraform_data.a")["input"], "beta");
    assert_eq!(attributes(&state, "terraform_data.b")["input"], "b-beta");
    assert_eq!(state["outputs"]["a_output"]["value"], "beta");
    assert_eq!(
        id_of(&project, "terraform_data.a"),
        id_before,
        "an update keeps the object"
    );
    assert!(state["serial"].as_u64().expect("serial") > serial_before);
}

#[test]
fn changed_triggers_replace_forces_replacement_and_a_new_id() {
    let project = Project::fixture("basic");
    project.run(&["apply", "--auto-approve"]).success();
    let (a_before, b_before) = (
        id_of(&project, "terraform_data.a"),
        id_of(&project, "terraform_data.b"),
    );
    project.edit("main.tf", "[\"v1\"]", "[\"v2\"]");

    let plan = project.run(&["plan", "--detailed-exitcode"]);
    plan.code(2).stdout_has(&[
        "# terraform_data.b must be replaced",
        "-/+ resource \"terraform_data\" \"b\" {",
        "~ triggers_replace = [ # forces replacement",
        "- \"v1\",",
        "+ \"v2\",",
        "Plan: 1 to add, 0 to change, 1 to destroy.",
    ]);
    assert!(
        !plan.stdout.contains("terraform_data.a"),
        "a is unchanged:\n{}",
        plan.stdout
    );

    project
        .run(&["apply", "--auto-approve"])
        .success()
        .stdout_has(&["Apply complete! Resources: 1 added, 0 changed, 1 destroyed."]);
    let b_after = id_of(&project, "terraform_data.b");
    assert_ne!(b_after, b_before, "a replacement is a new object");
    assert!(is_uuid(&b_after));
    assert_eq!(id_of(&project, "terraform_data.a"), a_before);
    assert_eq!(
        attributes(&project.state(), "terraform_data.b")["triggers_replace"],
        serde_json::json!(["v2"])
    );
}

#[test]
fn destroy_empties_the_state_and_a_later_plan_creates_everything() {
    let project = Project::fixture("basic");
    project.run(&["apply", "--auto-approve"]).success();
    let lineage = project.state()["lineage"].clone();

    project
        .run(&["destroy", "--auto-approve"])
        .success()
        .stdout_has(&[
            "# terraform_data.a will be destroyed",
            "# terraform_data.b will be destroyed",
            "Plan: 0 to add, 0 to change, 2 to destroy.",
            "Destroy complete! Resources: 2 destroyed.",
        ]);
    let state = project.state();
    assert_eq!(state["resources"], serde_json::json!([]));
    assert_eq!(state["outputs"], serde_json::json!({}));
    assert_eq!(
        state["lineage"], lineage,
        "destroy keeps the state's lineage"
    );

    project
        .run(&["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "# terraform_data.a will be created",
            "# terraform_data.b will be created",
            "Plan: 2 to add, 0 to change, 0 to destroy.",
        ]);
}

#[test]
fn apply_without_auto_approve_and_without_a_terminal_changes_nothing() {
    let project = Project::fixture("basic");

    let run = project.run(&["apply"]);
    run.failure().stderr_has(&["--auto-approve"]);
    assert!(
        !project.exists(STATE) || project.state()["resources"] == serde_json::json!([]),
        "nothing may be created without approval"
    );
}

#[test]
fn saved_plan_is_applied_exactly() {
    let project = Project::fixture("basic");
    project
        .run(&["plan", "--out", "tfplan"])
        .success()
        .stdout_has(&["Saved the plan to: tfplan"]);

    project
        .run(&["apply", "tfplan"])
        .success()
        .stdout_has(&["Apply complete! Resources: 2 added, 0 changed, 0 destroyed."]);
    assert_eq!(
        state_addresses(&project.state()),
        ["terraform_data.a", "terraform_data.b"]
    );
    project.run(&["plan", "--detailed-exitcode"]).code(0);
}

#[test]
fn stale_saved_plan_is_refused_after_another_apply() {
    let project = Project::fixture("basic");
    project.run(&["apply", "--auto-approve"]).success();
    project
        .run(&["plan", "--var", "name=beta", "--out", "p1"])
        .success();
    // Something else is applied in between, so the state's serial moves on.
    project
        .run(&["apply", "--auto-approve", "--var", "name=gamma"])
        .success();
    let state_before = project.read_bytes(STATE);

    let run = project.run(&["apply", "p1"]);
    run.failure().stderr_has(&["Saved plan is stale", "serial"]);
    assert_eq!(
        project.read_bytes(STATE),
        state_before,
        "a refused plan changes nothing"
    );
    assert_eq!(
        attributes(&project.state(), "terraform_data.a")["input"],
        "gamma"
    );
    assert!(
        !project.exists(LOCK),
        "the lock is released after the refusal"
    );
}

#[test]
fn saved_plan_is_refused_after_a_configuration_file_changed() {
    let project = Project::fixture("basic");
    project.run(&["apply", "--auto-approve"]).success();
    project
        .run(&["plan", "--var", "name=beta", "--out", "p1"])
        .success();
    project.edit("main.tf", "default = \"alpha\"", "default = \"delta\"");
    let state_before = project.read_bytes(STATE);

    project
        .run(&["apply", "p1"])
        .failure()
        .stderr_has(&["Saved plan is stale", "configuration files changed"]);
    assert_eq!(project.read_bytes(STATE), state_before);
}

#[test]
fn second_apply_is_refused_at_once_while_the_first_holds_the_lock() {
    let project = Project::fixture("locked");
    let mut first = project.spawn(&["apply", "--auto-approve"]);
    wait_until(
        Duration::from_secs(10),
        "the first apply to take the lock",
        || project.lock_info().is_some(),
    );
    let lock = project.lock_info().expect("lock file");
    let id = lock["ID"].as_str().expect("lock ID").to_string();
    let who = lock["Who"].as_str().expect("lock Who").to_string();
    assert!(is_uuid(&id), "lock ID {id:?}");
    assert_eq!(lock["Operation"], "OperationTypeApply");

    let second = project.run(&["apply", "--auto-approve"]);
    second
        .failure()
        .stderr_has(&["Error acquiring the state lock", &id, &who, "force-unlock"]);
    assert!(
        second.elapsed < Duration::from_secs(5),
        "the second apply should fail at once, not wait for the 20s sleep (took {:?})",
        second.elapsed
    );
    assert_eq!(
        project.lock_info().expect("lock still held")["ID"],
        id.as_str(),
        "the refused run must not touch the other run's lock"
    );

    // plan locks too; the read-only commands do not.
    project
        .run(&["plan"])
        .failure()
        .stderr_has(&["Error acquiring the state lock"]);
    project.run(&["state", "list"]).success();
    project.run(&["show"]).success();

    first.kill();
}

#[test]
fn lock_error_has_no_empty_detail_line() {
    let project = Project::fixture("locked");
    let mut first = project.spawn(&["apply", "--auto-approve"]);
    wait_until(Duration::from_secs(10), "the lock", || {
        project.lock_info().is_some()
    });

    let run = project.run(&["apply", "--auto-approve"]);
    first.kill();
    run.failure();
    assert!(
        !run.stderr
            .lines()
            .any(|l| l.trim_end() == "=" || l.ends_with(' ')),
        "{}",
        run.stderr
    );
}

#[test]
fn lock_timeout_waits_for_the_other_run() {
    let project = Project::fixture("locked");
    project.edit("main.tf", "\"20s\"", "\"2s\"");
    let first = project.spawn(&["apply", "--auto-approve"]);
    wait_until(Duration::from_secs(10), "the lock", || {
        project.lock_info().is_some()
    });

    let second = project.run(&["apply", "--auto-approve", "--lock-timeout", "15s"]);
    second
        .success()
        .stdout_has(&["Apply complete! Resources: 0 added, 0 changed, 0 destroyed."]);
    first.finish(Duration::from_secs(15)).success();
    let mut found = state_addresses(&project.state());
    found.sort();
    assert_eq!(found, ["terraform_data.first", "time_sleep.hold"]);
    assert!(!project.exists(LOCK));
}

#[test]
fn killed_apply_leaves_a_valid_state_and_a_lock_the_next_run_takes_over() {
    let project = Project::fixture("interrupted");
    let mut apply = project.spawn(&["apply", "--auto-approve"]);
    let done = [
        "terraform_data.one",
        "terraform_data.three",
        "terraform_data.two",
    ];
    wait_until(
        Duration::from_secs(10),
        "the quick resources in the state",
        || {
            let Ok(text) = std::fs::read_to_string(project.path().join(STATE)) else {
                return false;
            };
            let Ok(state) = serde_json::from_str(&text) else {
                return false;
            };
            let mut found = state_addresses(&state);
            found.sort();
            found == done
        },
    );
    apply.kill(); // SIGKILL: no chance to clean up.

    let state = project.state();
    assert_eq!(state["version"], 4);
    let mut found = state_addresses(&state);
    found.sort();
    assert_eq!(
        found, done,
        "the completed resources are recorded, the sleep is not"
    );

    // The lock file stays, but its advisory lock died with the run: the next run takes it
    // over and says so, with no force-unlock.
    let lock = project
        .lock_info()
        .expect("a killed run leaves its lock file behind");
    let who = lock["Who"].as_str().expect("lock Who").to_string();
    project
        .run(&["apply", "--auto-approve", "--var", "wait=0s"])
        .success()
        .stderr_has(&[
            "the state lock of an earlier run (OperationTypeApply by",
            &who,
            "clusterform took it over",
        ])
        .stdout_has(&["Apply complete! Resources: 1 added, 0 changed, 0 destroyed."]);
    assert!(!project.exists(LOCK), "the run that took over released it");
    let mut found = state_addresses(&project.state());
    found.sort();
    assert_eq!(
        found,
        [
            "terraform_data.one",
            "terraform_data.three",
            "terraform_data.two",
            "time_sleep.wait"
        ]
    );
}

#[test]
fn force_unlock_asks_first_and_needs_the_lock_id() {
    let project = Project::fixture("interrupted");
    // A lock file left on a shared filesystem by a run on another host: advisory locks do not
    // reach it, so only force-unlock clears it.
    let id = "6a1f0b3e-2f5c-4b43-9a59-1c2f8f0f3d7e";
    let lock = serde_json::json!({
        "ID": id, "Operation": "OperationTypeApply", "Info": "", "Who": "ci@build-7.example",
        "Version": "1.9.5", "Created": "2026-12-01T09:00:00Z", "Path": "terraform.tfstate",
        "Pid": 4242
    });
    std::fs::write(project.path().join(LOCK), lock.to_string()).unwrap();
    project.run(&["plan"]).failure().stderr_has(&[
        "Error acquiring the state lock",
        "ci@build-7.example",
        id,
    ]);

    project
        .run(&["force-unlock", id])
        .failure()
        .stderr_has(&["No confirmation possible", "pass --force"]);
    assert!(
        project.exists(LOCK),
        "nothing is unlocked without confirmation"
    );
    project
        .run(&["force-unlock", "--force", "not-the-lock-id"])
        .failure()
        .stderr_has(&["nothing was unlocked"]);
    assert!(project.exists(LOCK), "a wrong ID must not unlock");
    project
        .run(&["force-unlock", "--force", id])
        .success()
        .stdout_has(&["successfully unlocked"]);
    assert!(!project.exists(LOCK));
    project.run(&["plan"]).success();
}

#[test]
fn interrupt_lets_running_operations_finish_and_starts_nothing_new() {
    let project = Project::fixture("interrupt_between");
    let apply = project.spawn(&["apply", "--auto-approve"]);
    wait_until(Duration::from_secs(10), "the wait to start", || {
        apply
            .stderr_so_far()
            .contains("time_sleep.wait: Creating...")
    });
    apply.interrupt();

    let run = apply.finish(Duration::from_secs(15));
    run.failure().stderr_has(&[
        "Interrupt received. Operations already running will finish",
        "Apply interrupted: the state records every operation that completed.",
        "time_sleep.wait: Creation complete after",
    ]);
    assert!(
        !run.stderr.contains("terraform_data.after: Creating..."),
        "nothing new may start after the interrupt:\n{}",
        run.stderr
    );
    let mut found = state_addresses(&project.state());
    found.sort();
    assert_eq!(found, ["terraform_data.before", "time_sleep.wait"]);
    assert!(
        !project.exists(LOCK),
        "an interrupted run releases its lock"
    );
}

#[test]
fn local_module_resources_are_addressed_under_the_module() {
    let project = Project::fixture("module");

    project
        .run(&["apply", "--auto-approve"])
        .success()
        .stdout_has(&[
            "# module.m.terraform_data.x will be created",
            "# terraform_data.root will be created",
            "greeting = \"hello world\"",
        ]);
    let state = project.state();
    let mut found = state_addresses(&state);
    found.sort();
    assert_eq!(found, ["module.m.terraform_data.x", "terraform_data.root"]);
    assert_eq!(
        attributes(&state, "module.m.terraform_data.x")["input"],
        "hello world"
    );
    assert_eq!(
        attributes(&state, "terraform_data.root")["input"],
        "hello world"
    );
    assert_eq!(state["outputs"]["greeting"]["value"], "hello world");

    project.run(&["plan", "--detailed-exitcode"]).code(0);
    project.edit("main.tf", "\"world\"", "\"there\"");
    project
        .run(&["plan", "--detailed-exitcode"])
        .code(2)
        .stdout_has(&[
            "# module.m.terraform_data.x will be updated in-place",
            "~ input            = \"hello world\" -> \"hello there\"",
        ]);
}
