//! Where input variables come from and which source wins, `--chdir`, and how sensitive values
//! stay out of everything clusterform prints or saves (apart from the state and
//! `output NAME`, as in Terraform).

mod common;

use common::{attributes, Project, Run, STATE};
use serde_json::Value as Json;

/// The root outputs recorded by the last apply, as name → value.
fn outputs(project: &Project, dir: &str) -> Json {
    let text = project.read(&format!("{dir}/{STATE}"));
    let state: Json = serde_json::from_str(&text).expect("state JSON");
    let mut out = serde_json::Map::new();
    for (name, o) in state["outputs"].as_object().expect("outputs") {
        out.insert(name.clone(), o["value"].clone());
    }
    Json::Object(out)
}

#[test]
fn variable_sources_follow_terraforms_precedence() {
    let project = Project::fixture("variables");
    let env = [
        ("TF_VAR_from_env", "env"),
        ("TF_VAR_from_tfvars", "env"),
        ("TF_VAR_from_command_line", "env"),
    ];

    project
        .run_env(
            &[
                "apply",
                "--auto-approve",
                "--var-file",
                "extra.tfvars",
                "--var",
                "from_command_line=cli",
            ],
            &env,
        )
        .success();
    assert_eq!(
        outputs(&project, "."),
        serde_json::json!({
            "from_env": "env",
            "from_tfvars": "tfvars",
            "from_auto": "a.auto",
            "from_later_auto": "b.auto",
            "from_command_line": "cli",
            "untouched": "default"
        })
    );

    // On the command line, the later of --var and --var-file wins.
    project
        .run_env(
            &[
                "apply",
                "--auto-approve",
                "--var",
                "from_command_line=cli",
                "--var-file",
                "extra.tfvars",
            ],
            &env,
        )
        .success();
    assert_eq!(outputs(&project, ".")["from_command_line"], "var-file");

    project
        .run_env(
            &[
                "apply",
                "--auto-approve",
                "--var",
                "from_command_line=first",
                "--var",
                "from_command_line=second",
            ],
            &env,
        )
        .success();
    assert_eq!(outputs(&project, ".")["from_command_line"], "second");
}

#[test]
fn typed_variables_from_the_command_line_are_converted() {
    let project = Project::with_files(&[(
        "main.tf",
        r#"variable "replicas" {
  type = number
}

variable "zones" {
  type = list(string)
}

variable "tags" {
  type = map(string)
}

output "replicas_plus_one" {
  value = var.replicas + 1
}

output "second_zone" {
  value = var.zones[1]
}

output "team" {
  value = var.tags["team"]
}
"#,
    )]);

    project
        .run(&[
            "apply",
            "--auto-approve",
            "--var",
            "replicas=3",
            "--var",
            "zones=[\"a\", \"b\"]",
            "--var",
            "tags={team = \"platform\"}",
        ])
        .success();
    assert_eq!(
        outputs(&project, "."),
        serde_json::json!({"replicas_plus_one": 4, "second_zone": "b", "team": "platform"})
    );

    project
        .run(&[
            "plan",
            "--var",
            "replicas=many",
            "--var",
            "zones=[]",
            "--var",
            "tags={}",
        ])
        .failure()
        .stderr_has(&["replicas"]);
}

#[test]
fn undeclared_variables_are_errors_on_the_command_line_and_warnings_in_tfvars() {
    let project = Project::with_files(&[
        ("main.tf", "variable \"known\" {\n  default = \"x\"\n}\n"),
        ("terraform.tfvars", "unknown_in_file = 1\n"),
    ]);

    project
        .run(&["plan"])
        .success()
        .stderr_has(&["warning:", "unknown_in_file"]);
    project
        .run(&["plan", "--var", "unknown_on_command_line=1"])
        .failure()
        .stderr_has(&["Value for undeclared variable", "unknown_on_command_line"]);
}

#[test]
fn chdir_runs_in_another_directory() {
    let project = Project::fixture_in("variables", "config");

    project
        .run(&["--chdir", "config", "apply", "--auto-approve"])
        .success();
    assert!(
        project.exists("config/terraform.tfstate"),
        "the state is written in DIR"
    );
    assert!(
        !project.exists(STATE),
        "and not where clusterform was started"
    );
    assert_eq!(
        outputs(&project, "config")["from_later_auto"],
        "b.auto",
        "tfvars files are read from DIR"
    );

    // Global options may follow the command.
    let out = project.run(&["output", "--chdir", "config", "--json"]);
    out.success();
    let doc: Json = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(doc["untouched"]["value"], "default");

    // Relative paths in --var-file and --out are taken from DIR, as in Terraform.
    project
        .run(&["--chdir", "config", "plan", "--var-file", "extra.tfvars"])
        .success()
        .stdout_has(&["~ from_command_line = \"b.auto\" -> \"var-file\""]);
    project
        .run(&[
            "--chdir",
            "config",
            "plan",
            "--var",
            "untouched=new",
            "--out",
            "tfplan",
        ])
        .success();
    assert!(project.exists("config/tfplan"));
    project
        .run(&["--chdir", "config", "apply", "tfplan"])
        .success();
    assert_eq!(outputs(&project, "config")["untouched"], "new");
}

#[test]
fn saved_plan_made_with_a_var_file_can_be_applied() {
    let project = Project::fixture("variables");
    project
        .run(&["plan", "--var-file", "extra.tfvars", "--out", "tfplan"])
        .success();

    project.run(&["apply", "tfplan"]).success();
    assert_eq!(outputs(&project, ".")["from_command_line"], "var-file");
}

#[test]
fn terraform_single_dash_flags_are_accepted() {
    let project = Project::fixture_in("variables", "config");

    project
        .run(&[
            "-chdir=config",
            "apply",
            "-auto-approve",
            "-var",
            "from_env=dash",
            "-var-file=extra.tfvars",
        ])
        .success();
    let out = outputs(&project, "config");
    assert_eq!(out["from_env"], "dash");
    assert_eq!(out["from_command_line"], "var-file");
}

// Sensitive values

const SECRET: &str = "hunter2-correct-horse";

fn secret_env() -> [(&'static str, &'static str); 1] {
    [("TF_VAR_password", SECRET)]
}

#[track_caller]
fn assert_no_secret(what: &str, text: &str) {
    assert!(
        !text.contains(SECRET),
        "the secret leaked into {what}:\n{text}"
    );
}

#[track_caller]
fn assert_run_keeps_secret(what: &str, run: &Run) {
    assert_no_secret(&format!("{what} stdout"), &run.stdout);
    assert_no_secret(&format!("{what} stderr"), &run.stderr);
}

#[test]
fn sensitive_values_are_hidden_in_plan_output_json_and_plan_files() {
    let project = Project::fixture("sensitive");

    let plan = project.run_env(&["plan", "--out", "tfplan"], &secret_env());
    plan.success().stdout_has(&[
        "# terraform_data.secret will be created",
        "+ input = (sensitive value)",
        "+ output = (sensitive value)",
        "+ secret = (sensitive value)",
        "+ plain = \"visible\"",
    ]);
    assert_run_keeps_secret("plan", &plan);

    let file = String::from_utf8_lossy(&project.read_bytes("tfplan")).into_owned();
    assert_no_secret("the saved plan file", &file);

    let json = project.run(&["show", "--json", "tfplan"]);
    json.success();
    assert_run_keeps_secret("show --json", &json);
    let doc: Json = serde_json::from_str(&json.stdout).expect("JSON");
    let change = doc["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .find(|c| c["address"] == "terraform_data.secret")
        .expect("the secret resource")["change"]
        .clone();
    assert_eq!(change["after_sensitive"]["input"], true);
    assert_eq!(
        change["after"]["input"],
        Json::Null,
        "redacted, not written"
    );
    assert_eq!(doc["output_changes"]["secret"]["after_sensitive"], true);
    assert_eq!(
        doc["configuration"]["root_module"]["variables"]["password"]["sensitive"],
        true
    );

    let shown = project.run(&["show", "tfplan"]);
    shown.success();
    assert_run_keeps_secret("show PLANFILE", &shown);
}

#[test]
fn apply_hides_sensitive_values_but_the_state_and_output_name_have_them() {
    let project = Project::fixture("sensitive");

    let apply = project.run_env(&["apply", "--auto-approve"], &secret_env());
    apply
        .success()
        .stdout_has(&["secret = (sensitive value)", "plain = \"visible\""]);
    assert_run_keeps_secret("apply", &apply);

    let state = project.state();
    assert_eq!(attributes(&state, "terraform_data.secret")["input"], SECRET);
    assert_eq!(state["outputs"]["secret"]["sensitive"], true);

    let listed = project.run(&["output"]);
    listed.success().stdout_has(&["secret = (sensitive value)"]);
    assert_run_keeps_secret("output", &listed);
    let shown = project.run(&["show"]);
    shown.success();
    assert_run_keeps_secret("show", &shown);
    let state_show = project.run(&["state", "show", "terraform_data.secret"]);
    state_show
        .success()
        .stdout_has(&["input = (sensitive value)"]);
    assert_run_keeps_secret("state show", &state_show);

    // Asking for it by name is how scripts read a secret output, as in Terraform.
    let one = project.run(&["output", "secret"]);
    one.success();
    assert_eq!(one.stdout, format!("\"{SECRET}\"\n"));
}

#[test]
fn changing_a_sensitive_value_is_shown_without_the_values() {
    let project = Project::fixture("sensitive");
    project
        .run_env(&["apply", "--auto-approve"], &secret_env())
        .success();

    let plan = project.run_env(
        &["plan", "--detailed-exitcode"],
        &[("TF_VAR_password", "new-secret-value")],
    );
    plan.code(2)
        .stdout_has(&["# terraform_data.secret will be updated in-place"]);
    assert_run_keeps_secret("plan", &plan);
    assert!(!plan.stdout.contains("new-secret-value"), "{}", plan.stdout);
}

#[test]
fn saved_plan_needs_the_same_sensitive_value_again() {
    let project = Project::fixture("sensitive");
    project
        .run_env(&["plan", "--out", "tfplan"], &secret_env())
        .success();

    project
        .run_env(
            &["apply", "tfplan"],
            &[("TF_VAR_password", "a-different-value")],
        )
        .failure()
        .stderr_has(&[
            "Sensitive variable differs from the plan",
            "TF_VAR_password",
        ]);
    assert!(!project.exists(STATE) || project.state()["resources"] == serde_json::json!([]));

    let apply = project.run_env(&["apply", "tfplan"], &secret_env());
    apply.success();
    assert_run_keeps_secret("apply PLANFILE", &apply);
    assert_eq!(
        attributes(&project.state(), "terraform_data.secret")["input"],
        SECRET
    );
}

#[test]
fn saved_plan_with_a_sensitive_default_applies_without_setting_it_again() {
    let project = Project::with_files(&[(
        "main.tf",
        "variable \"token\" {\n  type      = string\n  default   = \"default-secret-x7\"\n  sensitive = true\n}\n\nresource \"terraform_data\" \"a\" {\n  input = var.token\n}\n",
    )]);
    project.run(&["plan", "--out", "tfplan"]).success();
    let apply = project.run(&["apply", "tfplan"]);
    apply.success();
    assert!(
        !apply.stdout.contains("default-secret-x7") && !apply.stderr.contains("default-secret-x7")
    );
    assert_eq!(
        attributes(&project.state(), "terraform_data.a")["input"],
        "default-secret-x7"
    );
}

#[test]
fn saved_plan_refuses_variables_on_the_command_line_and_keeps_its_own() {
    let project = Project::with_files(&[(
        "main.tf",
        "variable \"region\" {\n  type = string\n}\n\noutput \"region\" {\n  value = var.region\n}\n",
    )]);
    project
        .run(&["plan", "--var", "region=eu-west-1", "--out", "tfplan"])
        .success();

    project
        .run(&["apply", "tfplan", "--var", "region=us-east-1"])
        .failure()
        .stderr_has(&["Options not allowed with a saved plan"]);
    assert!(!project.exists(STATE));

    // A plain (not sensitive) value is recorded in the plan, so it need not be given again.
    project.run(&["apply", "tfplan"]).success();
    assert_eq!(outputs(&project, ".")["region"], "eu-west-1");
}

#[test]
fn saved_plan_without_its_sensitive_value_says_how_to_give_it() {
    let project = Project::fixture("sensitive");
    project
        .run(&[
            "plan",
            "--out",
            "tfplan",
            "--var",
            &format!("password={SECRET}"),
        ])
        .success();

    let run = project.run(&["apply", "tfplan"]);
    run.failure().stderr_has(&["TF_VAR_password"]);
    assert!(!run.stderr.contains("--var"), "{}", run.stderr);
}

#[test]
fn show_planfile_with_sensitive_values_renders_what_plan_printed() {
    let project = Project::fixture("sensitive");
    let compare = |env: &[(&str, &str)]| {
        let planned = project.run_env(&["plan", "--out", "tfplan"], env);
        planned.success();
        let shown = project.run_env(&["show", "tfplan"], env);
        shown.success();
        let plan_part = planned
            .stdout
            .split("\nSaved the plan to:")
            .next()
            .expect("split yields one part")
            .trim_end();
        assert_eq!(shown.stdout.trim_end(), plan_part);
    };

    compare(&secret_env());
    project
        .run_env(&["apply", "--auto-approve"], &secret_env())
        .success();
    compare(&[("TF_VAR_password", "new-secret-value")]);
}
