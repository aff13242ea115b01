//! The conformance harness: one routine that every resource type of the table goes through,
//! against its emulator and through the real binary. What it checks, in order:
//!
//! 1. create from the minimal and from the full configuration: the state after apply holds
//!    every value the plan knew, and the next plan is empty;
//! 2. each in-place change (and each one-way one, such as a version upgrade) plans an update, makes exactly the documented mutating calls, and
//!    re-plans empty;
//! 3. each force-new change plans a replacement marked `# forces replacement` on that
//!    attribute, and re-plans empty once applied;
//! 4. `import` with the documented ID gives a state that plans empty against the full
//!    configuration;
//! 5. an object deleted outside clusterform shows as deleted and plans a create;
//! 6. the data source of the same name, if there is one, reads back what the resource holds;
//! 7. a refresh of two instances makes exactly the documented reads (batched where the API
//!    can), and destroy leaves the emulator as it was found.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::cloud::Emulator;
use super::table::{Case, Change};
use crate::common::{attributes, squeeze_spaces, Project, Run};

struct Bench<'c> {
    case: &'c Case,
    emu: Emulator,
    project: Project,
}

pub fn conform(case: &Case) {
    let bench = Bench {
        case,
        emu: Emulator::start(case.cloud),
        project: Project::empty(),
    };
    let found = bench.emu.inventory();

    bench.creates_as_planned("minimal", case.minimal);
    bench.destroy_under_test();
    bench.creates_as_planned("full", case.full);
    bench.reads_back_through_the_data_source();
    for change in case.in_place {
        bench.updates_in_place(change);
        bench.write(case.full);
        bench.apply();
    }
    for change in case.one_way {
        bench.updates_in_place(change);
        bench.destroy_under_test();
        bench.write(case.full);
        bench.apply();
    }
    for change in case.force_new {
        bench.replaces(change);
    }
    bench.imports();
    bench.recreates_after_deletion_outside();
    bench.refreshes_in_batches();

    bench.run(&["destroy", "--auto-approve"]).success();
    assert_eq!(
        bench.emu.inventory(),
        found,
        "{}: destroy left objects behind",
        case.type_name
    );
}

impl Bench<'_> {
    fn address(&self) -> String {
        format!("{}.under_test", self.case.type_name)
    }

    fn run(&self, args: &[&str]) -> Run {
        let env = self.emu.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.project.run_env(args, &env)
    }

    fn write(&self, resource: &str) {
        self.project
            .write("main.tf", &format!("{}\n{resource}", self.case.setup));
    }

    fn apply(&self) {
        self.run(&["apply", "--auto-approve"]).success();
    }

    fn attributes(&self) -> Json {
        attributes(&self.project.state(), &self.address()).clone()
    }

    #[track_caller]
    fn plans_empty(&self, after: &str) {
        let plan = self.run(&["plan"]);
        plan.success();
        assert!(
            plan.stdout.contains("No changes."),
            "{}: the plan after {after} is not empty\n{}",
            self.case.type_name,
            plan.stdout
        );
    }

    fn plan_text(&self, what: &str) -> String {
        let plan = self.run(&["plan"]);
        plan.success();
        assert!(
            !plan.stdout.contains("No changes."),
            "{}: {what} plans no changes",
            self.case.type_name
        );
        squeeze_spaces(&plan.stdout)
    }

    fn changed(&self, change: &Change) -> String {
        let full = self.case.full;
        assert_eq!(
            full.matches(change.from).count(),
            1,
            "{}: the change of {} must match the full configuration exactly once: {:?}",
            self.case.type_name,
            change.attribute,
            change.from
        );
        full.replace(change.from, change.to)
    }

    /// Check 1: plan with `--out`, apply that plan, compare the state with what it knew.
    fn creates_as_planned(&self, label: &str, resource: &str) {
        let ty = self.case.type_name;
        self.write(resource);
        self.run(&["plan", "--out", "tfplan"]).success();
        let shown = self.run(&["show", "--json", "tfplan"]);
        shown.success();
        let plan: Json = serde_json::from_str(&shown.stdout).expect("show --json prints JSON");
        let change = plan["resource_changes"]
            .as_array()
            .expect("resource_changes")
            .iter()
            .find(|c| c["address"] == self.address().as_str())
            .unwrap_or_else(|| {
                panic!(
                    "{ty}: the {label} plan has no change for {}",
                    self.address()
                )
            })["change"]
            .clone();
        assert_eq!(
            change["actions"],
            serde_json::json!(["create"]),
            "{ty} {label}"
        );
        self.run(&["apply", "tfplan"]).success();
        let state = self.attributes();
        assert!(
            change["after"].as_object().is_some_and(|a| !a.is_empty()),
            "{ty} {label}: the plan knows nothing: {}",
            change["after"]
        );
        let mut mismatches = Vec::new();
        known_values_match(
            "",
            &change["after"],
            &change["after_unknown"],
            &state,
            &mut mismatches,
        );
        assert!(
            mismatches.is_empty(),
            "{ty} {label}: the state differs from the plan's known values:\n{}",
            mismatches.join("\n")
        );
        self.plans_empty(&format!("creating from the {label} configuration"));
    }

    fn destroy_under_test(&self) {
        self.run(&["destroy", "--auto-approve", "--target", &self.address()])
            .success();
    }

    /// Check 2.
    fn updates_in_place(&self, change: &Change) {
        let ty = self.case.type_name;
        self.write(&self.changed(change));
        let text = self.plan_text(&format!("changing {}", change.attribute));
        assert!(
            text.contains(&format!("# {} will be updated in-place", self.address()))
                && !text.contains("must be replaced"),
            "{ty}: changing {} does not plan an update in place\n{text}",
            change.attribute
        );
        // Changed (~), or newly set within the update (+), or removed (-).
        let shows = |l: &str| {
            let l = l.trim_start();
            l.starts_with(['~', '+', '-']) && l[1..].trim_start().starts_with(change.attribute)
        };
        assert!(
            text.lines().any(shows),
            "{ty}: the plan does not show {} changing\n{text}",
            change.attribute
        );
        self.emu.reset_calls();
        self.apply();
        let expected: BTreeMap<String, u64> = change
            .calls
            .iter()
            .map(|(op, n)| (op.to_string(), *n))
            .collect();
        assert_eq!(
            self.emu.mutating_calls(),
            expected,
            "{ty}: changing {} made other calls than documented",
            change.attribute
        );
        self.plans_empty(&format!("changing {}", change.attribute));
    }

    /// Check 3.
    fn replaces(&self, change: &Change) {
        let ty = self.case.type_name;
        self.write(&self.changed(change));
        let text = self.plan_text(&format!("changing {}", change.attribute));
        assert!(
            text.contains(&format!("# {} must be replaced", self.address())),
            "{ty}: changing {} does not plan a replacement\n{text}",
            change.attribute
        );
        assert!(
            text.lines()
                .any(|l| l.contains(change.attribute) && l.contains("# forces replacement")),
            "{ty}: {} is not marked \"# forces replacement\"\n{text}",
            change.attribute
        );
        self.apply();
        self.plans_empty(&format!("replacing for {}", change.attribute));
        self.write(self.case.full);
        self.apply();
    }

    /// Check 4.
    fn imports(&self) {
        let id = fill(self.case.import_id, &self.attributes());
        let address = self.address();
        self.run(&["state", "rm", &address]).success();
        self.run(&["import", &address, &id]).success();
        self.plans_empty(&format!("importing {id}"));
    }

    /// Check 5.
    fn recreates_after_deletion_outside(&self) {
        let ty = self.case.type_name;
        self.emu.delete_outside(ty, &self.attributes());
        let text = self.plan_text("deleting the object outside clusterform");
        let address = self.address();
        assert!(
            text.contains(&format!("# {address} has been deleted"))
                && text.contains(&format!("# {address} will be created")),
            "{ty}: the deletion outside clusterform is not shown as drift with a create\n{text}"
        );
        self.apply();
        self.plans_empty("creating again what was deleted outside");
    }

    /// Check 6: every attribute the data source shares with the resource has its value.
    fn reads_back_through_the_data_source(&self) {
        let ty = self.case.type_name;
        if self.case.lookup.is_empty() {
            return;
        }
        self.write(&format!(
            "{}\ndata \"{ty}\" \"found\" {{\n{}}}\n",
            self.case.full, self.case.lookup
        ));
        self.apply();
        let state = self.project.state();
        let resource = attributes(&state, &self.address());
        let data = attributes(&state, &format!("data.{ty}.found"));
        let shared: Vec<&String> = data
            .as_object()
            .expect("data source attributes")
            .keys()
            .filter(|k| resource.get(k.as_str()).is_some())
            .collect();
        assert!(
            shared.len() > 2,
            "{ty}: the data source shares almost nothing with the resource"
        );
        for k in shared {
            assert_eq!(
                data[k], resource[k],
                "{ty}: data source and resource differ in {k}"
            );
        }
        self.plans_empty("reading the object through its data source");
        self.write(self.case.full);
    }

    /// Check 7 (reads).
    fn refreshes_in_batches(&self) {
        let ty = self.case.type_name;
        self.write(self.case.counted);
        self.apply();
        self.emu.reset_calls();
        self.plans_empty("creating two instances");
        let calls = self.emu.calls();
        for (op, n) in self.case.refresh_calls {
            assert_eq!(
                calls.get(*op).copied().unwrap_or(0),
                *n,
                "{ty}: a refresh of two instances made {op} a different number of times: {calls:?}"
            );
        }
    }
}

/// `template` with every `{attribute}` replaced by that attribute of the state.
fn fill(template: &str, attrs: &Json) -> String {
    let mut out = template.to_string();
    while let Some(start) = out.find('{') {
        let end = out[start..].find('}').expect("a closing brace") + start;
        let key = &out[start + 1..end];
        let value = attrs[key]
            .as_str()
            .unwrap_or_else(|| panic!("the import ID needs {key}, which the state lacks"))
            .to_string();
        out.replace_range(start..=end, &value);
    }
    out
}

/// Collects every place where the state differs from a value the plan knew. `unknown` is the
/// plan's `after_unknown` tree: `true` where the value was to be known after apply.
fn known_values_match(
    at: &str,
    planned: &Json,
    unknown: &Json,
    state: &Json,
    out: &mut Vec<String>,
) {
    if unknown == &Json::Bool(true) {
        return;
    }
    match (planned, state) {
        (Json::Object(p), Json::Object(s)) => {
            for (k, v) in p {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                known_values_match(&path, v, &unknown[k], s.get(k).unwrap_or(&Json::Null), out);
            }
        }
        (Json::Array(p), Json::Array(s)) if p.len() == s.len() => {
            for (i, (pv, sv)) in p.iter().zip(s).enumerate() {
                known_values_match(&format!("{at}[{i}]"), pv, &unknown[i], sv, out);
            }
        }
        _ if planned == state => {}
        _ => out.push(format!("  {at}: planned {planned}, state has {state}")),
    }
}

#[test]
fn import_ids_are_filled_from_the_state() {
    let attrs = serde_json::json!({"id": "vpc-1", "name": "dev"});
    assert_eq!(fill("{id}", &attrs), "vpc-1");
    assert_eq!(fill("x/{name}/{id}", &attrs), "x/dev/vpc-1");
}

#[test]
fn a_known_value_that_differs_is_reported_and_unknown_ones_are_not() {
    let planned = serde_json::json!({"a": 1, "b": {"c": "x"}, "d": [1, 2]});
    let unknown = serde_json::json!({"b": {"c": true}});
    let state = serde_json::json!({"a": 1, "b": {"c": "y"}, "d": [1, 3], "e": "new"});
    let mut out = Vec::new();
    known_values_match("", &planned, &unknown, &state, &mut out);
    assert_eq!(out, vec!["  d[1]: planned 2, state has 3".to_string()]);
}
