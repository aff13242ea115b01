//! Configuration errors as people see them: each one names file:line:col, shows the line with
//! a caret under the problem, explains it (with a hint where there is one) and never leaks a
//! Rust panic or debug dump. The full text of each is pinned by an insta snapshot.
//! Also `fmt --check`, the other command that judges configuration files.

mod common;

use common::Project;

/// The line that closes a failed plan, on stderr after the diagnostics.
const PLANNING_FAILED: &str = "\nPlanning failed: nothing was changed.\n";

/// Runs `args` on a project holding `files`, asserts it failed the way a configuration error
/// should, and returns standard error for a snapshot, without the closing "Planning failed"
/// line (whether that line is printed is tested on its own).
#[track_caller]
fn diagnose(files: &[(&str, &str)], args: &[&str]) -> (Project, String) {
    let project = Project::with_files(files);
    let run = project.run(args);
    run.failure();
    let err = &run.stderr;
    assert!(!err.contains("panicked"), "a panic leaked:\n{err}");
    for debug in [
        "Some(",
        "None,",
        "Span {",
        "Diagnostic {",
        "Error {",
        " { kind:",
    ] {
        assert!(
            !err.contains(debug),
            "a Rust debug dump ({debug:?}) leaked:\n{err}"
        );
    }
    assert!(err.contains("error: "), "no error heading:\n{err}");
    assert!(
        err.lines().any(|l| is_location(l.trim_start())),
        "no ` --> file:line:col` line:\n{err}"
    );
    assert!(
        err.lines()
            .any(|l| l.trim_start().starts_with('|') && l.contains('^')),
        "no caret under the excerpt:\n{err}"
    );
    assert!(
        !run.stdout.contains("error"),
        "diagnostics belong on stderr, not stdout:\n{}",
        run.stdout
    );
    // Trailing spaces are left out of snapshots; diagnostics_have_no_trailing_whitespace
    // tests them on their own.
    let text = err
        .strip_suffix(PLANNING_FAILED)
        .unwrap_or(err)
        .lines()
        .map(|l| format!("{}\n", l.trim_end()))
        .collect();
    (project, text)
}

/// `--> name.tf:12:3`
fn is_location(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("--> ") else {
        return false;
    };
    let mut parts = rest.rsplitn(3, ':');
    let (col, row, file) = (parts.next(), parts.next(), parts.next());
    matches!((file, row, col), (Some(f), Some(r), Some(c))
        if f.ends_with(".tf") && r.parse::<u32>().is_ok() && c.parse::<u32>().is_ok())
}

/// Snapshots `text` under `name` with the project's volatile parts filtered.
macro_rules! snapshot {
    ($project:expr, $name:expr, $text:expr) => {
        $project
            .snapshot_settings()
            .bind(|| insta::assert_snapshot!($name, $text))
    };
}

#[test]
fn syntax_error() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  input \"x\"\n}\n",
        )],
        &["validate"],
    );
    assert!(err.contains("--> main.tf:2:"), "{err}");
    snapshot!(p, "syntax_error", err);
}

#[test]
fn syntax_error_in_an_unterminated_string_points_at_the_quote() {
    let (_p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  input = \"x\n}\n",
        )],
        &["validate"],
    );
    assert!(
        err.contains("--> main.tf:2:11"),
        "the caret belongs under the quote:\n{err}"
    );
    assert!(err.contains("Unterminated string"), "{err}");
}

#[test]
fn syntax_errors_in_two_files_are_both_reported() {
    let (_p, err) = diagnose(
        &[
            (
                "a.tf",
                "resource \"terraform_data\" \"a\" {\n  input = = 1\n}\n",
            ),
            (
                "b.tf",
                "resource \"terraform_data\" \"b\" {\n  input = ]\n}\n",
            ),
        ],
        &["validate"],
    );
    assert!(err.contains("--> a.tf:2:11"), "{err}");
    assert!(err.contains("--> b.tf:2:11"), "{err}");
}

#[test]
fn unknown_block_type_suggests_the_closest() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resourc \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n",
        )],
        &["validate"],
    );
    assert!(err.contains("did you mean \"resource\"?"), "{err}");
    snapshot!(p, "unknown_block_type", err);
}

#[test]
fn security_group_rule_with_two_peers_names_both() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            r#"resource "aws_vpc_security_group_egress_rule" "out" {
  security_group_id = "sg-0123456789abcdef0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
  cidr_ipv6         = "::/0"
}
"#,
        )],
        &["validate"],
    );
    assert!(err.contains("Rule needs exactly one destination"), "{err}");
    assert!(err.contains("cidr_ipv4 and cidr_ipv6 are set"), "{err}");
    assert!(
        err.contains("main.tf:7:3"),
        "points at the second peer: {err}"
    );
    snapshot!(p, "security_group_rule_two_peers", err);
}

#[test]
fn a_terraform_block_clusterform_cannot_make_yet_says_so_and_why() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            r#"resource "aws_eks_cluster" "auto" {
  name     = "auto"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  compute_config {
    enabled = true
  }

  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}
"#,
        )],
        &["validate"],
    );
    assert!(
        err.contains("error: \"compute_config\" blocks are not supported yet"),
        "{err}"
    );
    assert!(err.contains("EKS Auto Mode"), "{err}");
    assert!(!err.contains("Unsupported"), "one error, not two: {err}");
    snapshot!(p, "block_not_supported_yet", err);
}

#[test]
fn unsupported_argument_suggests_the_closest() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  inpt = \"x\"\n}\n",
        )],
        &["validate"],
    );
    assert!(err.contains("did you mean \"input\"?"), "{err}");
    snapshot!(p, "unsupported_argument", err);
}

#[test]
fn unsupported_argument_with_transposed_letters_suggests_the_closest() {
    let (_p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  inptu = \"x\"\n}\n",
        )],
        &["validate"],
    );
    assert!(err.contains("did you mean \"input\"?"), "{err}");
}

#[test]
fn required_variable_without_a_value() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "variable \"region\" {\n  type = string\n}\n\nresource \"terraform_data\" \"a\" {\n  input = var.region\n}\n",
        )],
        &["plan"],
    );
    assert!(err.contains("No value for required variable"), "{err}");
    assert!(err.contains("TF_VAR_region"), "{err}");
    snapshot!(p, "required_variable_without_a_value", err);
}

const VALIDATED: &str = r#"variable "size" {
  type    = number
  default = 1

  validation {
    condition     = var.size > 2
    error_message = "The size must be greater than 2."
  }
}

resource "terraform_data" "a" {
  input = var.size
}
"#;

#[test]
fn variable_validation_failure() {
    let (p, err) = diagnose(&[("main.tf", VALIDATED)], &["plan"]);
    assert!(err.contains("The size must be greater than 2."), "{err}");
    assert!(err.contains("--> main.tf:6:"), "{err}");
    snapshot!(p, "variable_validation_failure", err);
}

#[test]
fn variable_validation_failure_for_a_command_line_value() {
    let project = Project::with_files(&[("main.tf", VALIDATED)]);
    project.edit("main.tf", "default = 1", "default = 5");
    project.run(&["plan"]).success();

    project
        .run(&["plan", "--var", "size=1"])
        .failure()
        .stderr_has(&["The size must be greater than 2."]);
}

#[test]
fn diagnostics_have_no_trailing_whitespace() {
    let project = Project::with_files(&[("main.tf", VALIDATED)]);

    let run = project.run(&["plan"]);
    run.failure();
    for line in run.stderr.lines() {
        assert_eq!(
            line,
            line.trim_end(),
            "trailing whitespace in\n{}",
            run.stderr
        );
    }
}

#[test]
fn count_of_the_wrong_type() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  count = \"many\"\n  input = \"x\"\n}\n",
        )],
        &["plan"],
    );
    assert!(err.contains("--> main.tf:2:11"), "{err}");
    snapshot!(p, "count_of_the_wrong_type", err);
}

#[test]
fn attribute_of_the_wrong_type() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"time_sleep\" \"s\" {\n  create_duration = [\"30s\"]\n}\n",
        )],
        &["plan"],
    );
    assert!(err.contains("string required"), "{err}");
    snapshot!(p, "attribute_of_the_wrong_type", err);
}

#[test]
fn undeclared_variable_and_resource_references() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            r#"resource "terraform_data" "alpha" {
  input = var.nope
}

resource "terraform_data" "b" {
  input = terraform_data.alpah.output
}
"#,
        )],
        &["validate"],
    );
    assert!(err.contains("--> main.tf:2:11"), "{err}");
    assert!(err.contains("--> main.tf:6:11"), "{err}");
    assert!(err.contains("did you mean terraform_data.alpha?"), "{err}");
    snapshot!(p, "undeclared_references", err);
}

#[test]
fn duplicate_resource_address() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n\nresource \"terraform_data\" \"a\" {\n  input = \"y\"\n}\n",
        )],
        &["validate"],
    );
    assert!(
        err.contains("--> main.tf:5:1"),
        "the second block is the error:\n{err}"
    );
    snapshot!(p, "duplicate_resource_address", err);
}

#[test]
fn negative_count() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  count = -1\n}\n",
        )],
        &["plan"],
    );
    snapshot!(p, "negative_count", err);
}

#[test]
fn for_each_given_a_list() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            "resource \"terraform_data\" \"a\" {\n  for_each = [\"a\", \"b\"]\n  input    = each.value\n}\n",
        )],
        &["plan"],
    );
    assert!(err.contains("--> main.tf:2:14"), "{err}");
    snapshot!(p, "for_each_given_a_list", err);
}

#[test]
fn all_configuration_errors_are_reported_together() {
    let (p, err) = diagnose(
        &[
            (
                "main.tf",
                r#"resource "terraform_data" "a" {
  inpt = "x"
}

resource "time_sleep" "s" {
  bogus = 1
}

variable "v" {
  type = strin
}

output "o" {
  value = var.missing
}
"#,
            ),
            (
                "other.tf",
                "resource \"terraform_data\" \"a\" {\n}\n\nresourc \"x\" \"y\" {\n}\n",
            ),
        ],
        &["validate"],
    );
    for expected in [
        "main.tf:2:3",
        "main.tf:6:3",
        "main.tf:10:10",
        "main.tf:14:11",
        "other.tf:1:1",
        "other.tf:4:1",
    ] {
        assert!(err.contains(expected), "{expected} is not reported:\n{err}");
    }
    snapshot!(p, "all_errors_together", err);
}

#[test]
fn evaluation_errors_of_several_resources_are_reported_together() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            r#"resource "terraform_data" "a" {
  count = "many"
}

resource "terraform_data" "b" {
  for_each = ["x"]
}

resource "time_sleep" "c" {
  create_duration = ["x"]
}
"#,
        )],
        &["plan"],
    );
    for expected in ["main.tf:2:11", "main.tf:6:14", "main.tf:10:21"] {
        assert!(err.contains(expected), "{expected} is not reported:\n{err}");
    }
    snapshot!(p, "evaluation_errors_together", err);
}

#[test]
fn every_failed_plan_ends_with_planning_failed_for_evaluation_errors() {
    let project = Project::with_files(&[(
        "main.tf",
        "resource \"terraform_data\" \"a\" {\n  count = -1\n}\n",
    )]);
    let run = project.run(&["plan"]);
    run.failure();
    assert!(run.stderr.ends_with(PLANNING_FAILED), "{}", run.stderr);
}

#[test]
fn every_failed_plan_ends_with_planning_failed() {
    for config in [
        "variable \"r\" {\n  type = string\n}\n",
        "output \"o\" {\n  value = var.nope\n}\n",
        "resource \"terraform_data\" \"a\" {\n  input = terraform_data.b.output\n}\n\nresource \"terraform_data\" \"b\" {\n  input = terraform_data.a.output\n}\n",
    ] {
        let project = Project::with_files(&[("main.tf", config)]);
        let run = project.run(&["plan"]);
        run.failure();
        assert!(run.stderr.ends_with(PLANNING_FAILED), "{config}\n{}", run.stderr);
    }
}

#[test]
fn cycle_prints_its_path() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            r#"resource "terraform_data" "a" {
  input = terraform_data.b.output
}

resource "terraform_data" "b" {
  input = terraform_data.a.output
}
"#,
        )],
        &["plan"],
    );
    assert!(
        err.contains("terraform_data.a → terraform_data.b → terraform_data.a"),
        "{err}"
    );
    snapshot!(p, "cycle", err);
}

#[test]
fn sensitive_output_needs_sensitive_true() {
    let (p, err) = diagnose(
        &[(
            "main.tf",
            r#"variable "password" {
  type      = string
  sensitive = true
  default   = "hunter2"
}

output "password" {
  value = var.password
}
"#,
        )],
        &["plan"],
    );
    assert!(!err.contains("hunter2"), "{err}");
    snapshot!(p, "sensitive_output_needs_sensitive_true", err);

    p.edit(
        "main.tf",
        "value = var.password",
        "value     = var.password\n  sensitive = true",
    );
    p.run(&["plan"]).success();
}

#[test]
fn errors_in_a_module_name_the_module_file() {
    let (_p, err) = diagnose(
        &[
            ("main.tf", "module \"m\" {\n  source = \"./modules/m\"\n}\n"),
            (
                "modules/m/main.tf",
                "resource \"terraform_data\" \"x\" {\n  inpt = 1\n}\n",
            ),
        ],
        &["validate"],
    );
    assert!(err.contains("--> modules/m/main.tf:2:3"), "{err}");
}

#[test]
fn errors_in_a_module_under_chdir_have_clean_paths() {
    let project = Project::with_files(&[
        (
            "cfg/main.tf",
            "module \"m\" {\n  source = \"./modules/m\"\n}\n",
        ),
        (
            "cfg/modules/m/main.tf",
            "resource \"terraform_data\" \"x\" {\n  inpt = 1\n}\n",
        ),
    ]);
    project
        .run(&["--chdir", "cfg", "validate"])
        .failure()
        .stderr_has(&["--> cfg/modules/m/main.tf:2:3"]);
}

// fmt --check

const UNFORMATTED: &str =
    "resource \"terraform_data\" \"a\" {\ninput=\"x\"\n  triggers_replace = [1,2]\n}\n";
const FORMATTED: &str = "resource \"terraform_data\" \"a\" {\n  input            = \"x\"\n  triggers_replace = [1, 2]\n}\n";

#[test]
fn fmt_check_names_unformatted_files_and_exits_3() {
    let project = Project::with_files(&[("main.tf", UNFORMATTED), ("ok.tf", FORMATTED)]);

    let run = project.run(&["fmt", "--check"]);
    run.code(3);
    assert_eq!(
        run.stdout, "main.tf\n",
        "only the unformatted file is named"
    );
    assert_eq!(
        project.read("main.tf"),
        UNFORMATTED,
        "--check changes nothing"
    );
}

#[test]
fn fmt_check_diff_shows_the_change() {
    let project = Project::with_files(&[("main.tf", UNFORMATTED)]);

    let run = project.run(&["fmt", "--check", "--diff"]);
    run.code(3).stdout_has(&[
        "--- old/main.tf",
        "+++ new/main.tf",
        "-input=\"x\"",
        "+  input            = \"x\"",
        "+  triggers_replace = [1, 2]",
    ]);
}

#[test]
fn fmt_rewrites_the_file_and_check_then_passes() {
    let project = Project::with_files(&[("main.tf", UNFORMATTED), ("ok.tf", FORMATTED)]);

    let run = project.run(&["fmt"]);
    run.success();
    assert_eq!(run.stdout, "main.tf\n");
    assert_eq!(project.read("main.tf"), FORMATTED);
    assert_eq!(project.read("ok.tf"), FORMATTED);

    let again = project.run(&["fmt", "--check"]);
    again.code(0);
    assert_eq!(again.stdout, "");
}

#[test]
fn fmt_leaves_a_file_with_a_syntax_error_alone() {
    let broken = "resource \"terraform_data\" \"a\" {\ninput = = 1\n}\n";
    let project = Project::with_files(&[("main.tf", broken)]);

    project
        .run(&["fmt"])
        .failure()
        .stderr_has(&["main.tf", "line 2, column 9"]);
    assert_eq!(project.read("main.tf"), broken);
}
