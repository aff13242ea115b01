//! `docs/ci/github-actions.yml` is a workflow people copy as it is, so it must parse, be
//! triggered by pull requests and by pushes, find its comment by the marker clusterform writes,
//! and call only clusterform commands and flags that exist (checked against the built binary's
//! `--help`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

const WORKFLOW: &str = "docs/ci/github-actions.yml";

fn workflow_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(WORKFLOW);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn workflow() -> Yaml {
    let mut docs = YamlLoader::load_from_str(&workflow_text())
        .unwrap_or_else(|e| panic!("{WORKFLOW} is not valid YAML: {e}"));
    assert_eq!(docs.len(), 1, "{WORKFLOW} should hold one YAML document");
    docs.remove(0)
}

/// Every `run:` script of every step, with its job and step name for messages.
fn run_scripts(wf: &Yaml) -> Vec<(String, String)> {
    let jobs = wf["jobs"].as_hash().expect("jobs is a mapping");
    let mut out = Vec::new();
    for (job, body) in jobs {
        let job = job.as_str().expect("job names are strings");
        let steps = body["steps"].as_vec().expect("each job has steps");
        for (i, step) in steps.iter().enumerate() {
            if let Some(run) = step["run"].as_str() {
                let name = step["name"].as_str().map_or(format!("#{i}"), String::from);
                out.push((format!("{job} / {name}"), run.to_string()));
            }
        }
    }
    out
}

/// The words of a shell script, one list per line, with `\` continuations joined and quotes
/// removed. Good enough for the simple command lines of a workflow.
fn shell_lines(script: &str) -> Vec<Vec<String>> {
    script
        .replace("\\\n", " ")
        .lines()
        .map(|line| {
            line.split_whitespace()
                .map(|w| w.trim_matches(|c| c == '"' || c == '\''))
                .map(String::from)
                .collect()
        })
        .collect()
}

/// Where a command can start: the first word of a line or the word after a separator.
const SEPARATORS: &[&str] = &["&&", "||", ";", "|", "then", "do", "else", "!", "time"];
/// Where a command's arguments end.
const ENDS: &[&str] = &["&&", "||", ";", "|", ">", ">>", "2>&1", "<"];

/// Each `clusterform …` command in the scripts: its words after `clusterform`.
fn clusterform_commands(scripts: &[(String, String)]) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for (place, script) in scripts {
        for words in shell_lines(script) {
            for (i, w) in words.iter().enumerate() {
                let starts = i == 0 || SEPARATORS.contains(&words[i - 1].as_str());
                if w == "clusterform" && starts {
                    let args = words[i + 1..]
                        .iter()
                        .take_while(|a| !ENDS.contains(&a.as_str()))
                        .cloned()
                        .collect();
                    out.push((place.clone(), args));
                }
            }
        }
    }
    out
}

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_clusterform"))
        .args(args)
        .arg("--help")
        .env("NO_COLOR", "1")
        .output()
        .expect("run clusterform --help");
    assert!(out.status.success(), "clusterform {args:?} --help failed");
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

/// The long options a help text lists, each with whether it takes a value.
fn options(help: &str) -> BTreeMap<String, bool> {
    let mut out = BTreeMap::new();
    for line in help.lines() {
        let line = line.trim_start();
        let line = line
            .strip_prefix("-h, ")
            .or_else(|| line.strip_prefix("-V, "))
            .unwrap_or(line);
        if let Some(rest) = line.strip_prefix("--") {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            let takes_value = rest[name.len()..].trim_start().starts_with('<');
            out.insert(name, takes_value);
        }
    }
    out
}

/// The subcommands `clusterform --help` lists.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect()
}

#[test]
fn the_workflow_runs_on_pull_requests_and_on_pushes() {
    let wf = workflow();
    // YAML 1.2 reads `on` as a string key (YAML 1.1 readers would make it `true`).
    let on = &wf["on"];
    assert!(!on["pull_request"].is_badvalue(), "no on.pull_request");
    assert!(!on["push"].is_badvalue(), "no on.push");
    let permissions = &wf["permissions"];
    for (scope, level) in [
        ("id-token", "write"),
        ("pull-requests", "write"),
        ("contents", "read"),
    ] {
        assert_eq!(
            permissions[scope].as_str(),
            Some(level),
            "permissions.{scope} should be {level}"
        );
    }
}

#[test]
fn the_comment_is_found_by_the_marker_clusterform_writes() {
    let text = workflow_text();
    let marker = clusterform::render::markdown::MARKER;
    assert!(
        text.contains(&format!("const marker = '{marker}';")),
        "the comment script should look for {marker}"
    );
    for call in ["updateComment", "createComment", "listComments"] {
        assert!(text.contains(call), "the comment script should call {call}");
    }
}

#[test]
fn every_clusterform_command_names_a_subcommand_and_flags_that_exist() {
    let scripts = run_scripts(&workflow());
    let commands = clusterform_commands(&scripts);
    assert!(
        commands.len() >= 2,
        "expected at least a plan and an apply, found {commands:?}"
    );
    let top = help(&[]);
    let global = options(&top);
    let known = subcommands(&top);
    let mut seen = Vec::new();
    for (place, args) in &commands {
        // Global options may come before the subcommand.
        let mut i = 0;
        while i < args.len() && args[i].starts_with('-') {
            let name = args[i].trim_start_matches('-');
            let name = name.split('=').next().unwrap_or(name);
            let takes_value = global.get(name).unwrap_or_else(|| {
                panic!(
                    "{place}: `{}` is not a global option of clusterform",
                    args[i]
                )
            });
            i += if *takes_value && !args[i].contains('=') {
                2
            } else {
                1
            };
        }
        let sub = args.get(i).unwrap_or_else(|| {
            panic!(
                "{place}: `clusterform {}` names no subcommand",
                args.join(" ")
            )
        });
        assert!(
            known.contains(sub),
            "{place}: `{sub}` is not a clusterform subcommand (known: {known:?})"
        );
        let sub_help = help(&[sub]);
        let flags = options(&sub_help);
        for a in &args[i + 1..] {
            if let Some(flag) = a.strip_prefix("--") {
                let flag = flag.split('=').next().unwrap_or(flag);
                assert!(
                    flags.contains_key(flag),
                    "{place}: `clusterform {sub}` has no option --{flag}"
                );
            }
        }
        seen.push(sub.clone());
    }
    for expected in ["plan", "apply"] {
        assert!(
            seen.iter().any(|s| s == expected),
            "the workflow should run clusterform {expected}"
        );
    }
}

#[test]
fn the_apply_job_applies_saved_plans_from_the_pull_request_run() {
    let text = workflow_text();
    assert!(text.contains("actions/upload-artifact@"), "plans are kept");
    assert!(
        text.contains("actions/download-artifact@"),
        "plans are fetched"
    );
    let scripts = run_scripts(&workflow());
    let applies: Vec<Vec<String>> = clusterform_commands(&scripts)
        .into_iter()
        .map(|(_, args)| args)
        .filter(|args| args.iter().any(|a| a == "apply"))
        .collect();
    assert!(!applies.is_empty());
    for args in applies {
        let after = args.iter().skip_while(|a| *a != "apply").skip(1);
        assert!(
            after.clone().any(|a| !a.starts_with('-')),
            "apply should be given a saved plan: {args:?}"
        );
        assert!(
            !args.iter().any(|a| a == "--auto-approve"),
            "apply should not plan afresh: {args:?}"
        );
    }
}

#[test]
fn the_command_finder_sees_commands_only_where_they_start() {
    let scripts = vec![(
        "t".to_string(),
        "cargo install --git x clusterform\necho clusterform plan\nset -e && clusterform --chdir \"$d\" show x > y\nclusterform plan \\\n  --out p\n".to_string(),
    )];
    let found: Vec<Vec<String>> = clusterform_commands(&scripts)
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    assert_eq!(
        found,
        vec![
            vec!["--chdir", "$d", "show", "x"],
            vec!["plan", "--out", "p"]
        ]
        .into_iter()
        .map(|v| v.into_iter().map(String::from).collect::<Vec<_>>())
        .collect::<Vec<_>>()
    );
}
