//! Tests of the Markdown comment on hand-built plans: its parts, their order, redaction,
//! escaping, and shortening to GitHub's limit.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::*;
use crate::addr::{InstanceAddr, InstanceKey, ModulePath};
use crate::plan::model::{instance_addr, ActionReason, OutputChange, PlanMessage};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{Provider, ProviderSchema};
use crate::render::schema_only::SchemaOnly;
use crate::value::{Type, Value};

/// A provider whose `vault_secret.token` is sensitive by schema only: the test values leave it
/// unmarked, as a careless provider might.
fn vault() -> Arc<dyn Provider> {
    let secret = Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("token", Attribute::optional(Type::String).sensitive());
    let mut schema = ProviderSchema::default();
    schema.resources.insert("vault_secret".into(), secret);
    Arc::new(SchemaOnly(schema))
}

fn registry() -> Registry {
    let mut r = Registry::builtin();
    r.add("vault", "example.com/acme/vault", vault);
    r
}

fn addr(type_name: &str, name: &str, key: InstanceKey) -> InstanceAddr {
    instance_addr(&ModulePath::root(), Mode::Managed, type_name, name, key)
}

fn data(id: &str, input: Value) -> Value {
    Value::object([("id", Value::from(id)), ("input", input)])
}

fn change(
    name: &str,
    action: Action,
    before: Option<Value>,
    after: Option<Value>,
) -> ResourceChange {
    ResourceChange {
        addr: addr("terraform_data", name, InstanceKey::None),
        provider: "provider[\"terraform.io/builtin/terraform\"]".into(),
        action,
        reason: None,
        before,
        after,
        replace_paths: Vec::new(),
        sensitive_changes: Vec::new(),
        notes: Vec::new(),
        dependencies: Vec::new(),
    }
}

fn plan(changes: Vec<ResourceChange>) -> Plan {
    Plan {
        format_version: Plan::FORMAT_VERSION.into(),
        clusterform_version: "0.0.0".into(),
        mode: PlanMode::Normal,
        working_dir: "envs/dev".into(),
        config_digest: String::new(),
        state_lineage: None,
        state_serial: None,
        variables: BTreeMap::new(),
        targets: Vec::new(),
        replace: Vec::new(),
        changes,
        drift: Vec::new(),
        forget_creates: Vec::new(),
        outputs: Vec::new(),
        messages: Vec::new(),
    }
}

/// Creates `a` and `b`, updates `network`, replaces `server`, destroys `old`.
fn mixed() -> Plan {
    let mut replaced = change(
        "server",
        Action::DeleteThenCreate,
        Some(data("s-1", Value::from("r1"))),
        Some(data("s-1", Value::from("r2"))),
    );
    replaced.replace_paths = vec![vec!["input".into()]];
    replaced.reason = Some(ActionReason::ReplaceBecauseCannotUpdate);
    let mut updated = change(
        "network",
        Action::Update,
        Some(data("n-1", Value::from("10.0.0.0/16"))),
        Some(data("n-1", Value::from("10.1.0.0/16"))),
    );
    updated.notes = vec![
        "API server endpoint: public (0.0.0.0/0) → private only — kubectl from outside will stop working".into(),
    ];
    let mut p = plan(vec![
        change(
            "a",
            Action::Create,
            None,
            Some(data("x", Value::from("new-a"))),
        ),
        change(
            "b",
            Action::Create,
            None,
            Some(data("y", Value::from("new-b"))),
        ),
        updated,
        change(
            "old",
            Action::Delete,
            Some(data("o-1", Value::from("bye"))),
            None,
        ),
        replaced,
    ]);
    p.messages = vec![
        PlanMessage {
            severity: "warning".into(),
            summary: "Resource targeting is in effect".into(),
            detail: Some("The plan may be incomplete.".into()),
            location: None,
            hint: None,
        },
        PlanMessage {
            severity: "warning".into(),
            summary: "Finding: public API server endpoint open to the internet".into(),
            detail: None,
            location: Some("main.tf:3:5".into()),
            hint: Some("restrict public_access_cidrs".into()),
        },
    ];
    p
}

fn render(plan: &Plan) -> String {
    render_limited(plan, GITHUB_COMMENT_LIMIT)
}

fn render_limited(plan: &Plan, limit: usize) -> String {
    let dir = DirPlan {
        dir: plan.working_dir.clone(),
        plan: Some(plan),
        plan_file: Some("plans/dev.tfplan".into()),
    };
    let settings = CommentSettings {
        workspace: "default",
        limit,
    };
    comment(&dir, &registry(), &settings)
}

#[test]
fn starts_with_the_marker_title_and_summary() {
    let text = render(&mixed());
    assert!(text.starts_with(&format!(
        "{MARKER}\n## clusterform plan for `envs/dev` (workspace `default`)\n\n**Plan: 3 to add, 1 to change, 2 to destroy.** ⚠️"
    )), "{text}");
    for row in [
        "| 🔴 **Destroy** | **1** |",
        "| ⚠️ **Replace** | **1** |",
        "| Create | 2 |",
        "| Update in place | 1 |",
    ] {
        assert!(text.contains(row), "no {row:?} in\n{text}");
    }
}

#[test]
fn notes_and_findings_come_before_the_diffs() {
    let text = render(&mixed());
    let notes = text.find("### Who can reach what").expect("notes");
    let findings = text.find("### Findings and warnings").expect("findings");
    let diffs = text.find("<details").expect("diffs");
    assert!(notes < findings && findings < diffs, "{text}");
    assert!(text.contains(
        "- `terraform_data.network`: API server endpoint: public (0.0.0.0/0) → private only — kubectl from outside will stop working"
    ), "{text}");
    // Findings before other warnings.
    let finding = text.find("🛡️ **Finding: public").expect("finding");
    let warning = text.find("⚠️ **Resource targeting").expect("warning");
    assert!(finding < warning, "{text}");
    assert!(
        text.contains("at `main.tf:3:5`<br>hint: restrict public\\_access\\_cidrs"),
        "{text}"
    );
}

#[test]
fn destroys_and_replacements_come_first_open_and_bold() {
    let text = render(&mixed());
    let summaries: Vec<&str> = text.lines().filter(|l| l.starts_with("<details")).collect();
    assert_eq!(
        summaries,
        [
            "<details open><summary>🔴 <b><code>terraform_data.old</code> will be destroyed</b></summary>",
            "<details open><summary>⚠️ <b><code>terraform_data.server</code> must be replaced</b></summary>",
            "<details><summary>➕ <code>terraform_data.a</code> will be created</summary>",
            "<details><summary>➕ <code>terraform_data.b</code> will be created</summary>",
            "<details><summary>🔄 <code>terraform_data.network</code> will be updated in-place</summary>",
        ]
    );
}

#[test]
fn diff_lines_carry_their_marker_in_column_0() {
    let text = render(&mixed());
    assert!(text.contains(
        "```diff\n-/+ resource \"terraform_data\" \"server\" {\n        id    = \"s-1\"\n!       input = \"r1\" -> \"r2\" # forces replacement\n"
    ), "{text}");
    assert!(
        text.contains("```diff\n+   resource \"terraform_data\" \"a\" {\n+       id    = \"x\"\n"),
        "{text}"
    );
    assert!(
        text.contains("```diff\n-   resource \"terraform_data\" \"old\" {\n"),
        "{text}"
    );
    assert!(
        !text.contains("  # terraform_data"),
        "headers move to the summary:\n{text}"
    );
}

#[test]
fn secrets_stay_hidden_whether_marked_or_only_in_the_schema() {
    let mut marked = change(
        "secret",
        Action::Update,
        Some(data("s", Value::from("hunter2").sensitive())),
        Some(data("s", Value::from("correct-horse").sensitive())),
    );
    marked.sensitive_changes = vec!["input".into()];
    let unmarked = ResourceChange {
        addr: addr("vault_secret", "api", InstanceKey::None),
        provider: "provider[\"example.com/acme/vault\"]".into(),
        ..change(
            "x",
            Action::Create,
            None,
            Some(Value::object([
                ("id", Value::from("v-1")),
                ("token", Value::from("s3cr3t-token")),
            ])),
        )
    };
    let text = render(&plan(vec![marked, unmarked]));
    for secret in ["hunter2", "correct-horse", "s3cr3t-token"] {
        assert!(!text.contains(secret), "{secret} leaked:\n{text}");
    }
    assert!(text.contains("!       input = (sensitive value)"), "{text}");
    assert!(text.contains("+       token = (sensitive value)"), "{text}");
}

#[test]
fn user_data_cannot_break_the_markup() {
    let mut c = change(
        "x",
        Action::Create,
        None,
        Some(data("id", Value::from("a ``` b ```` c\r+ fake"))),
    );
    c.addr = addr(
        "terraform_data",
        "x",
        InstanceKey::Str("<b>|`</details>".into()),
    );
    let mut p = plan(vec![c]);
    p.working_dir = "envs/a|b".into();
    let text = render(&p);
    assert!(text.contains("for <code>envs/a&#124;b</code>"), "{text}");
    assert!(
        text.contains(
            "<code>terraform_data.x[&quot;&lt;b&gt;&#124;`&lt;/details&gt;&quot;]</code>"
        ),
        "{text}"
    );
    assert!(!text.contains("<b>|"), "{text}");
    // The fence outgrows the longest backtick run, and a lone \r cannot start a line.
    assert!(text.contains("`````diff\n"), "{text}");
    assert!(text.contains(r#"c\r+ fake""#), "{text}");
}

#[test]
fn outputs_and_drift_get_closed_sections_of_their_own() {
    let mut p = plan(vec![change(
        "a",
        Action::Create,
        None,
        Some(data("x", Value::from("1"))),
    )]);
    p.outputs = vec![OutputChange {
        name: "endpoint".into(),
        action: Action::Update,
        before: Some(Value::from("old")),
        after: Some(Value::from("new")),
        sensitive: false,
    }];
    p.drift = vec![change(
        "a",
        Action::Update,
        Some(data("x", Value::from("1"))),
        Some(data("x", Value::from("2"))),
    )];
    let text = render(&p);
    assert!(text.contains("<details><summary>📤 Changes to outputs</summary>\n\n```diff\n!   endpoint = \"old\" -> \"new\"\n```"), "{text}");
    assert!(
        text.contains("<details><summary>🔎 <code>terraform_data.a</code> has changed</summary>"),
        "{text}"
    );
    assert!(text.contains("| Outputs changed | 1 |"), "{text}");
}

#[test]
fn a_plan_without_changes_says_so() {
    let text = render(&plan(Vec::new()));
    assert!(
        text.contains("**No changes.** The infrastructure matches the configuration."),
        "{text}"
    );
    assert!(!text.contains("| Action |"), "{text}");
    assert!(!text.contains("<details"), "{text}");
}

#[test]
fn a_long_plan_is_shortened_keeping_what_matters() {
    let long = "x".repeat(400);
    let mut changes: Vec<ResourceChange> = (0..400)
        .map(|i| {
            change(
                &format!("n{i:03}"),
                Action::Create,
                None,
                Some(data("id", Value::from(format!("{i}-{long}")))),
            )
        })
        .collect();
    changes.push(change(
        "zz_old",
        Action::Delete,
        Some(data("o", Value::from(long.clone()))),
        None,
    ));
    let mut p = plan(changes);
    p.changes[0].notes = vec!["API server endpoint: private only (new cluster)".into()];
    let text = render(&p);
    assert!(text.len() <= GITHUB_COMMENT_LIMIT, "{}", text.len());
    assert!(text.contains("| Create | 400 |"), "the summary stays");
    assert!(
        text.contains("private only (new cluster)"),
        "the notes stay"
    );
    assert!(
        text.contains(&format!("-       input = \"{long}\"")),
        "the destroy keeps its diff"
    );
    assert!(text.contains("**This comment was shortened**"), "{text}");
    assert!(text.contains("Every replacement and destroy is shown in full. To see the whole plan, run `clusterform show plans/dev.tfplan`."), "{text}");
    let left_out = text.matches("\n- ➕ <code>terraform_data.n").count();
    let kept = text.matches("<details><summary>➕").count();
    assert_eq!(
        left_out + kept,
        400,
        "each create is listed, with or without its diff"
    );
    assert!(
        text.contains(&format!("the diffs of {left_out} other resource changes.")),
        "{text}"
    );
}

#[test]
fn a_combined_comment_has_one_table_and_a_section_per_directory() {
    let dev = mixed();
    let mut prod = plan(Vec::new());
    prod.working_dir = "envs/prod".into();
    let dirs = [
        DirPlan {
            dir: "envs/dev".into(),
            plan: Some(&dev),
            plan_file: Some("plans/envs-dev.tfplan".into()),
        },
        DirPlan {
            dir: "envs/prod".into(),
            plan: Some(&prod),
            plan_file: Some("plans/envs-prod.tfplan".into()),
        },
        DirPlan {
            dir: "envs/qa".into(),
            plan: None,
            plan_file: None,
        },
    ];
    let settings = CommentSettings {
        workspace: "default",
        limit: GITHUB_COMMENT_LIMIT,
    };
    let text = combined_comment(&dirs, &registry(), &settings);
    assert!(
        text.starts_with(&format!(
        "{MARKER}\n## clusterform plan for 3 directories (workspace `default`)\n\n| Directory |"
    )),
        "{text}"
    );
    for row in [
        "| `envs/dev` | 🔴 **1** | ⚠️ **1** | 2 | 1 | changes |",
        "| `envs/prod` | 0 | 0 | 0 | 0 | no changes |",
        "| `envs/qa` | | | | | ❌ planning failed |",
        "| **All** | 🔴 **1** | ⚠️ **1** | 2 | 1 | 1 with changes, ❌ 1 failed |",
    ] {
        assert!(text.contains(row), "no {row:?} in\n{text}");
    }
    let dev_at = text.find("### `envs/dev`").expect("dev section");
    let prod_at = text.find("### `envs/prod`").expect("prod section");
    let qa_at = text.find("### `envs/qa`").expect("qa section");
    assert!(dev_at < prod_at && prod_at < qa_at);
    assert!(text.contains("#### Who can reach what"), "{text}");
    assert!(text[qa_at..].contains("❌ **Planning failed**"), "{text}");
}

#[test]
fn shortening_a_combined_comment_names_each_directory() {
    let long = "y".repeat(2000);
    let big = |dir: &str| {
        let mut p = plan(
            (0..30)
                .map(|i| {
                    change(
                        &format!("r{i}"),
                        Action::Create,
                        None,
                        Some(data("i", Value::from(long.clone()))),
                    )
                })
                .collect(),
        );
        p.working_dir = dir.into();
        p
    };
    let (a, b) = (big("a"), big("b"));
    let dirs = [
        DirPlan {
            dir: "a".into(),
            plan: Some(&a),
            plan_file: Some("out/a.tfplan".into()),
        },
        DirPlan {
            dir: "b".into(),
            plan: Some(&b),
            plan_file: Some("out/b.tfplan".into()),
        },
    ];
    let settings = CommentSettings {
        workspace: "default",
        limit: 20_000,
    };
    let text = combined_comment(&dirs, &registry(), &settings);
    assert!(text.len() <= 20_000, "{}", text.len());
    assert!(text.contains("> - in `a`: the diffs of"), "{text}");
    assert!(
        text.contains("run `clusterform show out/b.tfplan`."),
        "{text}"
    );
}
