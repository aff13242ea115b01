//! The plan walk: refresh, evaluate every object in dependency order, and ask each provider
//! what would change. No object is changed here.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use tokio_util::sync::CancellationToken;

use super::model::{
    Action, ActionReason, OutputChange, Plan, PlanMessage, PlanMode, PlanVariable, ResourceChange,
};
use super::refresh::Refresher;
use crate::addr::{InstanceAddr, InstanceKey, Mode, ResourceAddr, TargetAddr};
use crate::config::model::{IgnoreChanges, Resource};
use crate::diag::{Diagnostic, Diagnostics, Severity, SourceMap};
use crate::engine::expand::{expand, expand_for_validate, Expansion};
use crate::engine::resource_config::{check_body, eval_body};
use crate::engine::run::{lock, ProviderKey, Run};
use crate::engine::visit;
use crate::graph::walk::walk;
use crate::graph::Node;
use crate::providers::{ConfigSpans, PlanRequest, PlannedInstance, ValidateRequest};
use crate::value::{paths, Value};

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct PlanSettings {
    pub mode: PlanMode,
    pub targets: Vec<TargetAddr>,
    pub replace: Vec<InstanceAddr>,
    pub refresh: bool,
    pub parallelism: usize,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            mode: PlanMode::Normal,
            targets: Vec::new(),
            replace: Vec::new(),
            refresh: true,
            parallelism: 10,
        }
    }
}

/// Facts about the run recorded in the plan.
#[derive(Clone, Debug)]
pub struct PlanMeta {
    pub working_dir: String,
    pub state_lineage: Option<String>,
    pub state_serial: Option<u64>,
    pub variables: BTreeMap<String, PlanVariable>,
}

/// One instance as planned, with what apply needs beyond the plan file.
#[derive(Clone, Debug)]
pub struct InstancePlan {
    pub type_name: String,
    pub provider: ProviderKey,
    pub prior: Option<Value>,
    pub planned: Value,
    pub action: Action,
    pub spans: ConfigSpans,
}

/// The outcome of planning: the plan and the run that made it (providers stay configured
/// and values known, so apply can follow without doing it all again).
pub struct Planned {
    pub run: Run,
    pub plan: Plan,
    pub instances: BTreeMap<InstanceAddr, InstancePlan>,
    /// Data sources read while planning, to be written to state on apply.
    pub data: BTreeMap<InstanceAddr, (Value, String)>,
    /// True when an interrupt stopped planning: the plan is incomplete and must not be used.
    pub interrupted: bool,
}

#[derive(Default)]
struct Collected {
    changes: Vec<ResourceChange>,
    instances: BTreeMap<InstanceAddr, InstancePlan>,
    data: BTreeMap<InstanceAddr, (Value, String)>,
    claimed: BTreeSet<InstanceAddr>,
    root_outputs: BTreeMap<String, Value>,
}

/// Checks every resource and provider body against its schema, without evaluating anything.
pub fn validate_static(run: &Run) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for module in run.config.modules() {
        for r in &module.resources {
            let ptype = crate::config::model::provider_for_type(&r.type_name);
            let pname = r
                .provider
                .as_ref()
                .map(|(p, _)| p.split('.').next().unwrap_or(p).to_string())
                .unwrap_or_else(|| ptype.to_string());
            let Some(schemas) = run.registry.schema(&pname) else {
                let known: Vec<&str> = run.registry.names().collect();
                diags.push(
                    Diagnostic::error("Unknown resource type")
                        .at(r.type_span)
                        .detail(format!("The resource type \"{}\" belongs to a provider named \"{pname}\", which clusterform does not have. Built-in providers: {}.", r.type_name, known.join(", ")))
                        .hint("check the spelling of the type; providers are compiled into clusterform"),
                );
                continue;
            };
            let (kind, table) = match r.mode {
                Mode::Managed => ("resource type", &schemas.resources),
                Mode::Data => ("data source", &schemas.data_sources),
            };
            let Some(schema) = table.get(&r.type_name) else {
                let mut d = Diagnostic::error(format!("Unknown {kind}"))
                    .at(r.type_span)
                    .detail(format!(
                        "The provider \"{pname}\" has no {kind} named \"{}\".",
                        r.type_name
                    ));
                if let Some(s) =
                    crate::suggest::closest(&r.type_name, table.keys().map(String::as_str))
                {
                    d = d.hint(format!("did you mean \"{s}\"?"));
                }
                diags.push(d);
                continue;
            };
            let what = format!("a {kind} \"{}\" block", r.type_name);
            check_body(&r.body, schema, &what, &[], &mut diags, r.span);
        }
    }
    diags
}

pub async fn plan(
    run: Run,
    settings: PlanSettings,
    meta: PlanMeta,
    stop: CancellationToken,
) -> Planned {
    let refresher = Arc::new(Refresher::new(
        &run,
        settings.refresh || settings.mode == PlanMode::RefreshOnly,
    ));
    let collected = Arc::new(Mutex::new(Collected::default()));
    let settings = Arc::new(settings);

    let mut interrupted = false;
    if !run.has_errors() {
        let graph = run.graph.clone();
        interrupted = walk(
            &graph,
            settings.parallelism,
            stop,
            |node| {
                let run = run.clone();
                let refresher = refresher.clone();
                let collected = collected.clone();
                let settings = settings.clone();
                async move { visit_node(&run, &refresher, &collected, &settings, node).await }
            },
            |_| {},
        )
        .await
            == crate::graph::walk::WalkOutcome::Stopped;
    }

    // Objects whose provider has no configuration left still need reading (and deleting).
    for key in refresher.provider_keys() {
        if run.provider(&key).is_none() && visit::visit_provider(&run, &key).await {
            refresher.start(&run, &key);
        }
    }
    let configured: Vec<ProviderKey> = lock(&run.providers).keys().cloned().collect();
    for key in configured {
        refresher.wait(&key).await;
    }

    let mut c = std::mem::take(&mut *lock(&collected));
    let drift = drift(&run, &refresher.stored);
    let found = std::mem::take(&mut *lock(&refresher.found));
    plan_deletes(&run, &settings, &mut c, &found);
    let forget_creates = if refresher.enabled() && settings.targets.is_empty() {
        nothing_made(&run, &c, &found)
    } else {
        // Without a look at the cloud (or with only part of the plan), a pending create
        // may still have an object: keep it for a full plan to find.
        Vec::new()
    };
    if !run.offline {
        check_across(&run, &mut c).await;
    }
    let outputs = output_changes(&run, &settings, &c);
    let mut changes = c.changes;
    if !settings.targets.is_empty() {
        let destroy = settings.mode == PlanMode::Destroy;
        changes = apply_targets(&run, &settings.targets, changes, destroy);
        run.push(
            Diagnostic::warning("Resource targeting is in effect")
                .detail(if destroy {
                    "The plan may be incomplete: only the targeted resources and what depends on them were planned."
                } else {
                    "The plan may be incomplete: only the targeted resources and what they depend on were planned."
                })
                .hint("use --target only to recover from mistakes, then run a full plan"),
        );
    }
    changes.sort_by(|a, b| a.addr.cmp(&b.addr));
    let kept: BTreeSet<&InstanceAddr> = changes.iter().map(|c| &c.addr).collect();
    let instances = c
        .instances
        .into_iter()
        .filter(|(a, _)| kept.contains(a))
        .collect();
    let messages = messages_of(&lock(&run.diags), &run.config.sources);
    let plan = Plan {
        format_version: Plan::FORMAT_VERSION.to_string(),
        clusterform_version: env!("CARGO_PKG_VERSION").to_string(),
        mode: settings.mode,
        working_dir: meta.working_dir,
        config_digest: run.config.digest(),
        state_lineage: meta.state_lineage,
        state_serial: meta.state_serial,
        variables: meta.variables,
        targets: settings.targets.iter().map(|t| t.to_string()).collect(),
        replace: settings.replace.iter().map(|t| t.to_string()).collect(),
        changes,
        drift,
        forget_creates,
        outputs,
        messages,
    };
    Planned {
        run,
        plan,
        instances,
        data: c.data,
        interrupted,
    }
}

/// Warnings rendered into the plan, so `show` can repeat them.
fn messages_of(diags: &Diagnostics, sources: &SourceMap) -> Vec<PlanMessage> {
    diags
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| PlanMessage {
            severity: "warning".into(),
            summary: d.summary.clone(),
            detail: d.detail.clone(),
            location: d.span.map(|s| sources.location(s)),
            hint: d.hint.clone(),
        })
        .collect()
}

async fn visit_node(
    run: &Run,
    refresher: &Refresher,
    collected: &Mutex<Collected>,
    settings: &PlanSettings,
    node: Node,
) -> bool {
    match node {
        Node::Variable(m, n) => visit::visit_variable(run, &m, &n),
        // Outputs are removed by a destroy; locals may still configure a provider. Either
        // may refer to objects that are gone, which makes them unknown, not an error.
        Node::Local(m, n) if settings.mode == PlanMode::Destroy => {
            visit::visit_local_leniently(run, &m, &n)
        }
        Node::Output(m, n) if settings.mode == PlanMode::Destroy => {
            visit::visit_output_leniently(run, &m, &n)
        }
        Node::Local(m, n) => visit::visit_local(run, &m, &n),
        Node::Output(m, n) => match visit::visit_output(run, &m, &n) {
            Some(v) => {
                if m.is_root() {
                    lock(collected).root_outputs.insert(n, v);
                }
                true
            }
            None => false,
        },
        Node::Provider(m, n) => {
            let key = (m, n);
            let ok = visit::visit_provider(run, &key).await;
            if ok {
                refresher.start(run, &key);
            }
            ok
        }
        Node::Resource(addr) => {
            let key = run.graph.providers.get(&addr).cloned();
            if let Some(key) = &key {
                refresher.wait(key).await;
            }
            match key {
                Some(key) => {
                    plan_resource(run, &refresher.stored, collected, settings, &addr, key).await
                }
                None => false,
            }
        }
    }
}

fn schema_for<'r>(
    run: &'r Run,
    key: &ProviderKey,
    addr: &ResourceAddr,
) -> Option<&'r crate::providers::Schema> {
    let schemas = run.registry.schema(Run::provider_type(key))?;
    match addr.mode {
        Mode::Managed => schemas.resources.get(&addr.type_name),
        Mode::Data => schemas.data_sources.get(&addr.type_name),
    }
}

async fn plan_resource(
    run: &Run,
    stored: &BTreeMap<InstanceAddr, (u64, String)>,
    collected: &Mutex<Collected>,
    settings: &PlanSettings,
    addr: &ResourceAddr,
    key: ProviderKey,
) -> bool {
    let Some(rc) = run.resource_config(addr).cloned() else {
        return false;
    };
    let Some(schema) = schema_for(run, &key, addr).cloned() else {
        return false;
    };
    let Some(provider) = run.provider(&key) else {
        return false;
    };
    // A destroy plans the removal of what state holds; configuration that refers to objects
    // already gone (a partial apply, a killed destroy, a deletion outside clusterform) must
    // not stop it, so evaluation errors there only make values unknown.
    let destroy = settings.mode == PlanMode::Destroy;
    let expansion = match run.with_scope(&addr.module, |s| {
        if run.offline {
            expand_for_validate(&rc, s)
        } else {
            expand(&rc, s)
        }
    }) {
        Ok(e) => e,
        Err(_) if destroy => return true,
        Err(d) => {
            run.push(d);
            return false;
        }
    };
    let spans = ConfigSpans::from_body(&rc.body, rc.span);
    let dependencies = config_dependencies(run, addr);
    let state_provider = run.provider_state_address(&key);
    let mut values = Vec::new();
    let mut ok = true;
    for (ikey, rep) in expansion.instances() {
        let inst = addr.instance(ikey);
        lock(collected).claimed.insert(inst.clone());
        if destroy && addr.mode == Mode::Managed {
            // Deletes are planned later, from state: the configuration is not needed.
            values.push(take_prior(run, stored, settings, &inst).unwrap_or(Value::Null));
            continue;
        }
        let mut diags = Diagnostics::new();
        let config = run.with_scope(&addr.module, |s| {
            s.repetition = rep;
            eval_body(&rc.body, &schema, s, &mut diags)
        });
        diags.extend(provider.validate(&ValidateRequest {
            type_name: &addr.type_name,
            data: addr.mode == Mode::Data,
            config: &config,
            spans: &spans,
        }));
        let failed = diags.has_errors();
        if failed && destroy {
            values.push(Value::Unknown);
            continue;
        }
        run.extend(diags);
        if failed {
            ok = false;
            continue;
        }
        let prior = take_prior(run, stored, settings, &inst);
        let value = if addr.mode == Mode::Data {
            plan_data(
                run,
                collected,
                &provider,
                &inst,
                &config,
                &schema,
                (&key, &spans, &state_provider, &dependencies),
            )
            .await
        } else if settings.mode != PlanMode::Normal {
            // Destroy and refresh-only plans change nothing here; deletes are planned later.
            prior.clone().unwrap_or(Value::Null)
        } else {
            match plan_instance(
                run,
                collected,
                settings,
                &rc,
                &inst,
                prior,
                config,
                &spans,
                &key,
                &state_provider,
                &dependencies,
            ) {
                Some(v) => v,
                None => {
                    ok = false;
                    continue;
                }
            }
        };
        values.push(value);
    }
    if ok {
        lock(&run.values).set_resource(addr, expansion.collect(values));
    }
    ok
}

/// What refresh found for one instance. In a full, normal plan the planner is its last reader
/// unless it drifted (drift is reported from `Run::refreshed` at the end), so an unchanged
/// object is moved out rather than copied: large plans are mostly unchanged objects, and this
/// copy was a third of their memory. Apply reads no-ops from the plan's changes instead.
fn take_prior(
    run: &Run,
    stored: &BTreeMap<InstanceAddr, (u64, String)>,
    settings: &PlanSettings,
    inst: &InstanceAddr,
) -> Option<Value> {
    let mut refreshed = lock(&run.refreshed);
    let movable = settings.mode == PlanMode::Normal
        && settings.targets.is_empty()
        && match (refreshed.get(inst), stored.get(inst)) {
            (Some(Some(v)), Some((fingerprint, _))) => v.fingerprint() == *fingerprint,
            _ => false,
        };
    if movable {
        refreshed.remove(inst).flatten()
    } else {
        refreshed.get(inst).cloned().flatten()
    }
}

async fn plan_data(
    run: &Run,
    collected: &Mutex<Collected>,
    provider: &Arc<dyn crate::providers::Provider>,
    inst: &InstanceAddr,
    config: &Value,
    schema: &crate::providers::Schema,
    (key, spans, state_provider, dependencies): (&ProviderKey, &ConfigSpans, &str, &[String]),
) -> Value {
    // As in Terraform, a read waits for apply when something it depends on will change
    // (the object it looks up may be the one being made), not only when its arguments are
    // unknown. What it depends on is planned before it.
    let pending = {
        let c = lock(collected);
        c.changes.iter().any(|ch| {
            !matches!(ch.action, Action::NoOp | Action::Read)
                && dependencies.contains(&ch.addr.resource.to_string())
        })
    };
    let reason = if config.contains_unknown() {
        Some(ActionReason::ReadBecauseConfigUnknown)
    } else if pending {
        Some(ActionReason::ReadBecauseDependencyPending)
    } else {
        None
    };
    if reason.is_some() || run.offline {
        let planned = crate::providers::default_plan::plan_object(schema, None, config);
        let mut c = lock(collected);
        // Apply reads it once what it depends on is known.
        c.instances.insert(
            inst.clone(),
            InstancePlan {
                type_name: inst.resource.type_name.clone(),
                provider: key.clone(),
                prior: None,
                planned: planned.clone(),
                action: Action::Read,
                spans: spans.clone(),
            },
        );
        c.changes.push(ResourceChange {
            addr: inst.clone(),
            provider: state_provider.to_string(),
            action: Action::Read,
            reason: reason.or(Some(ActionReason::ReadBecauseConfigUnknown)),
            before: None,
            after: Some(planned.clone()),
            replace_paths: Vec::new(),
            sensitive_changes: Vec::new(),
            notes: Vec::new(),
            dependencies: Vec::new(),
        });
        return planned;
    }
    match provider.read_data(&inst.resource.type_name, config).await {
        Ok(v) => {
            let v = schema.mark_sensitive(v);
            lock(collected)
                .data
                .insert(inst.clone(), (v.clone(), state_provider.to_string()));
            v
        }
        Err(d) => {
            run.extend(d);
            Value::Unknown
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn plan_instance(
    run: &Run,
    collected: &Mutex<Collected>,
    settings: &PlanSettings,
    rc: &Resource,
    inst: &InstanceAddr,
    prior: Option<Value>,
    config: Value,
    spans: &ConfigSpans,
    key: &ProviderKey,
    state_provider: &str,
    dependencies: &[String],
) -> Option<Value> {
    let provider = run.provider(key)?;
    let req = PlanRequest {
        addr: inst,
        type_name: &inst.resource.type_name,
        prior: prior.as_ref(),
        config: &config,
        spans,
    };
    let mut resp = provider.plan(&req);
    if let (Some(p), IgnoreChanges::Paths(ps)) = (&prior, &rc.lifecycle.ignore_changes) {
        for path in ps {
            if let Some(old) = paths::get(p, path) {
                paths::set(&mut resp.planned, path, old.clone());
            }
        }
        resp.requires_replace
            .retain(|r| !ps.iter().any(|i| r.starts_with(i)));
    }
    if let (Some(p), IgnoreChanges::All) = (&prior, &rc.lifecycle.ignore_changes) {
        resp.planned = p.clone();
        resp.requires_replace.clear();
    }
    let failed = resp.diagnostics.has_errors();
    run.extend(std::mem::take(&mut resp.diagnostics));
    if failed {
        return None;
    }
    let mut reason = None;
    let action = match &prior {
        None => Action::Create,
        Some(p) => {
            let by_request = settings.replace.contains(inst);
            let by_trigger = triggered(&inst.resource.module, collected, rc);
            let tainted = run
                .prior_state
                .instance(inst)
                .is_some_and(|i| i.is_tainted());
            if tainted {
                // A create that failed half-way left this object: it cannot be trusted.
                reason = Some(ActionReason::ReplaceBecauseTainted);
            } else if by_request {
                reason = Some(ActionReason::ReplaceByRequest);
            } else if by_trigger {
                reason = Some(ActionReason::ReplaceByTriggers);
            } else if !resp.requires_replace.is_empty() {
                reason = Some(ActionReason::ReplaceBecauseCannotUpdate);
            }
            if reason.is_some() {
                if rc.lifecycle.create_before_destroy {
                    Action::CreateThenDelete
                } else {
                    Action::DeleteThenCreate
                }
            } else if resp.planned.same_as(p) && !resp.planned.contains_unknown() {
                Action::NoOp
            } else {
                Action::Update
            }
        }
    };
    if action.is_replace() {
        // A new object: computed attributes are unknown again.
        let fresh = provider.plan(&PlanRequest { prior: None, ..req });
        resp.planned = fresh.planned;
        // The change's own lines say what happens; the new object's only when there are none.
        if resp.notes.is_empty() {
            resp.notes = fresh.notes;
        }
    }
    if action.destroys() && rc.lifecycle.prevent_destroy {
        run.push(prevent_destroy_error(inst, rc));
        return None;
    }
    // A no-op keeps one copy of the object (in the change's `before`); large plans are
    // mostly no-ops, so this is where their memory goes.
    let noop = action == Action::NoOp;
    let after = if noop {
        prior.clone().unwrap_or(Value::Null)
    } else {
        resp.planned
    };
    let mut c = lock(collected);
    c.instances.insert(
        inst.clone(),
        InstancePlan {
            type_name: inst.resource.type_name.clone(),
            provider: key.clone(),
            prior: if noop { None } else { prior.clone() },
            planned: if noop { Value::Null } else { after.clone() },
            action,
            spans: spans.clone(),
        },
    );
    c.changes.push(ResourceChange {
        addr: inst.clone(),
        provider: state_provider.to_string(),
        action,
        reason,
        sensitive_changes: if noop {
            Vec::new()
        } else {
            crate::plan::model::sensitive_changes(prior.as_ref(), Some(&after))
        },
        before: prior,
        after: if noop { None } else { Some(after.clone()) },
        replace_paths: if action.is_replace() {
            resp.requires_replace
        } else {
            Vec::new()
        },
        notes: if action == Action::NoOp {
            Vec::new()
        } else {
            let mut notes = resp.notes;
            if let Some(p) = run
                .prior_state
                .pending_create(inst)
                .filter(|_| action.creates())
            {
                notes.insert(0, resume_note(p));
            }
            notes
        },
        dependencies: dependencies.to_vec(),
    });
    Some(after)
}

/// Says that a create is resumed, not started again.
fn resume_note(p: &crate::state::model::PendingCreate) -> String {
    format!(
        "will resume creating, interrupted earlier: an apply started creating this object at {} and stopped before recording it; what it made, marked with its creation id {}, is finished and kept, and nothing unmarked is taken over",
        p.started, p.creation_id
    )
}

fn prevent_destroy_error(inst: &InstanceAddr, rc: &Resource) -> Diagnostic {
    Diagnostic::error("Instance cannot be destroyed")
        .at(rc.span)
        .detail(format!("{inst} has lifecycle.prevent_destroy set, but the plan calls for it to be destroyed."))
        .hint("if destroying it is really intended, set prevent_destroy = false first; otherwise change the configuration so it is not replaced")
}

/// True when a resource named in `replace_triggered_by` is changing.
fn triggered(
    module: &crate::addr::ModulePath,
    collected: &Mutex<Collected>,
    rc: &Resource,
) -> bool {
    let c = lock(collected);
    rc.lifecycle.replace_triggered_by.iter().any(|e| {
        let mut hit = false;
        crate::config::refs::walk_references(e, &mut |parts, _| {
            if parts.len() < 2
                || ["var", "local", "module", "data", "count", "each", "path"]
                    .contains(&parts[0].as_str())
            {
                return;
            }
            hit |= c.changes.iter().any(|ch| {
                let r = &ch.addr.resource;
                if &r.module != module || r.type_name != parts[0] || r.name != parts[1] {
                    return false;
                }
                match (parts.get(2), &ch.before, &ch.after) {
                    _ if matches!(ch.action, Action::NoOp | Action::Read) => false,
                    // A reference to one attribute triggers only when that attribute changes.
                    (Some(attr), Some(b), Some(a)) => {
                        let (bv, av) = (b.get(attr), a.get(attr));
                        av.is_some_and(Value::contains_unknown)
                            || !bv
                                .cloned()
                                .unwrap_or_default()
                                .same_as(&av.cloned().unwrap_or_default())
                    }
                    _ => true,
                }
            });
        });
        hit
    })
}

/// Deletes for objects no longer in the configuration, and everything in destroy mode;
/// objects that interrupted creates made (`found`) are deleted likewise, unless the
/// configuration still wants them (the apply then finishes their create).
fn plan_deletes(
    run: &Run,
    settings: &PlanSettings,
    c: &mut Collected,
    found: &BTreeMap<InstanceAddr, Value>,
) {
    if settings.mode == PlanMode::RefreshOnly {
        return;
    }
    for (addr, rs, inst) in run.prior_state.instances() {
        if addr.resource.mode != Mode::Managed {
            continue;
        }
        if settings.mode == PlanMode::Normal && c.claimed.contains(&addr) {
            continue;
        }
        let Some(Some(before)) = lock(&run.refreshed).get(&addr).cloned() else {
            continue;
        };
        let delete = Delete {
            addr: &addr,
            provider: &rs.provider,
            before,
            dependencies: inst.dependencies.clone(),
            notes: Vec::new(),
        };
        plan_delete(run, settings, c, delete);
    }
    for (addr, pending) in run.prior_state.pending_instances() {
        let Some(before) = found.get(&addr).cloned() else {
            continue;
        };
        if settings.mode == PlanMode::Normal && c.claimed.contains(&addr) {
            continue;
        }
        let note = format!(
            "an apply started creating this object at {} and stopped before recording it; clusterform found it by its creation id {} and deletes it",
            pending.started, pending.creation_id
        );
        let delete = Delete {
            addr: &addr,
            provider: &pending.provider,
            before,
            // Nothing was recorded for it, but what it was made from must outlive it: the
            // configuration says what that is (a subnet's VPC).
            dependencies: config_dependencies(run, &addr.resource),
            notes: vec![note],
        };
        plan_delete(run, settings, c, delete);
    }
}

/// The resources `addr` depends on in the configuration, as state records them; none when
/// the configuration no longer declares it.
fn config_dependencies(run: &Run, addr: &ResourceAddr) -> Vec<String> {
    let mut deps: BTreeSet<String> = run
        .graph
        .resource_dependencies(&Node::Resource(addr.clone()))
        .iter()
        .map(|r| r.to_string())
        .collect();
    deps.remove(&addr.to_string());
    deps.into_iter().collect()
}

/// Pending creates whose attempt made nothing and that no planned create resumes.
fn nothing_made(run: &Run, c: &Collected, found: &BTreeMap<InstanceAddr, Value>) -> Vec<String> {
    run.prior_state
        .pending_instances()
        .into_iter()
        .filter(|(addr, _)| {
            !found.contains_key(addr) && !c.changes.iter().any(|ch| &ch.addr == addr)
        })
        .map(|(_, p)| p.address.clone())
        .collect()
}

/// One object to delete: from state, or found where an interrupted create left it.
struct Delete<'a> {
    addr: &'a InstanceAddr,
    provider: &'a str,
    before: Value,
    dependencies: Vec<String>,
    notes: Vec<String>,
}

fn plan_delete(run: &Run, settings: &PlanSettings, c: &mut Collected, d: Delete<'_>) {
    let addr = d.addr;
    let config = run.resource_config(&addr.resource);
    if settings.mode == PlanMode::Destroy {
        if let Some(rc) = config.filter(|rc| rc.lifecycle.prevent_destroy) {
            run.push(prevent_destroy_error(addr, rc));
            return;
        }
    }
    let reason = match (settings.mode, config, &addr.key) {
        (PlanMode::Destroy, _, _) => None,
        (_, None, _) => Some(ActionReason::DeleteBecauseNoResourceConfig),
        (_, Some(_), InstanceKey::Str(_)) => Some(ActionReason::DeleteBecauseEachKey),
        (_, Some(_), _) => Some(ActionReason::DeleteBecauseCountIndex),
    };
    let key = run.provider_key_for(&addr.resource, Some(d.provider));
    c.instances.insert(
        addr.clone(),
        InstancePlan {
            type_name: addr.resource.type_name.clone(),
            provider: key,
            prior: Some(d.before.clone()),
            planned: Value::Null,
            action: Action::Delete,
            spans: ConfigSpans::none(
                config
                    .map(|r| r.span)
                    .unwrap_or(crate::diag::Span::new(crate::diag::FileId(0), 0..0)),
            ),
        },
    );
    c.changes.push(ResourceChange {
        addr: addr.clone(),
        provider: d.provider.to_string(),
        action: Action::Delete,
        reason,
        before: Some(d.before),
        after: None,
        replace_paths: Vec::new(),
        sensitive_changes: Vec::new(),
        notes: d.notes,
        dependencies: d.dependencies,
    });
}

/// Changes made outside clusterform: stored state against what refresh found.
fn drift(run: &Run, stored: &BTreeMap<InstanceAddr, (u64, String)>) -> Vec<ResourceChange> {
    let refreshed = lock(&run.refreshed);
    let changed: Vec<(&InstanceAddr, &String, Option<Value>)> = stored
        .iter()
        .filter_map(
            |(addr, (fingerprint, provider))| match refreshed.get(addr) {
                Some(None) => Some((addr, provider, None)),
                Some(Some(v)) if v.fingerprint() != *fingerprint => {
                    Some((addr, provider, Some(v.clone())))
                }
                _ => None,
            },
        )
        .collect();
    drop(refreshed);
    if changed.is_empty() {
        return Vec::new();
    }
    // Only drifted objects are decoded from the stored state a second time.
    let before = super::refresh::stored_values(run, &run.prior_state);
    changed
        .into_iter()
        .map(|(addr, provider, after)| ResourceChange {
            addr: addr.clone(),
            provider: provider.clone(),
            action: if after.is_some() {
                Action::Update
            } else {
                Action::Delete
            },
            reason: None,
            before: before.get(addr).map(|(v, _)| v.clone()),
            after,
            replace_paths: Vec::new(),
            sensitive_changes: Vec::new(),
            notes: Vec::new(),
            dependencies: Vec::new(),
        })
        .collect()
}

/// Lets each provider check its planned objects together (EKS endpoint rules, DNS zones…).
async fn check_across(run: &Run, c: &mut Collected) {
    let providers: Vec<(ProviderKey, Arc<dyn crate::providers::Provider>)> = lock(&run.providers)
        .iter()
        .map(|(k, p)| (k.clone(), p.clone()))
        .collect();
    let by_addr: BTreeMap<&InstanceAddr, &ResourceChange> =
        c.changes.iter().map(|ch| (&ch.addr, ch)).collect();
    let mut notes: Vec<(InstanceAddr, String)> = Vec::new();
    for (key, provider) in providers {
        let planned: Vec<PlannedInstance<'_>> = c
            .instances
            .iter()
            .filter(|(_, ip)| ip.provider == key && ip.action != Action::Delete)
            .map(|(addr, ip)| {
                let ch = by_addr.get(addr).copied();
                PlannedInstance {
                    addr,
                    type_name: &ip.type_name,
                    // No-ops keep their object only in the change.
                    planned: ch
                        .and_then(ResourceChange::after_value)
                        .unwrap_or(&ip.planned),
                    prior: ch.and_then(|ch| ch.before.as_ref()).or(ip.prior.as_ref()),
                    spans: &ip.spans,
                    dependencies: ch.map_or(&[][..], |ch| ch.dependencies.as_slice()),
                }
            })
            .collect();
        if planned.is_empty() {
            continue;
        }
        let d = provider.check_plan(&planned).await;
        run.extend(d);
        notes.extend(provider.notes_across(&planned));
    }
    for (addr, note) in notes {
        if let Some(ch) = c
            .changes
            .iter_mut()
            .find(|ch| ch.addr == addr && ch.action != Action::NoOp && ch.action != Action::Delete)
        {
            if !ch.notes.contains(&note) {
                ch.notes.push(note);
            }
        }
    }
}

fn output_changes(run: &Run, settings: &PlanSettings, c: &Collected) -> Vec<OutputChange> {
    let mut out = Vec::new();
    let prior = &run.prior_state.outputs;
    let config = &run.config.root.outputs;
    for (name, o) in config {
        let before = prior
            .get(name)
            .map(|p| Value::from_json(&p.value).mark_if(p.sensitive));
        let (action, after) = if settings.mode == PlanMode::Destroy {
            if before.is_none() {
                continue;
            }
            (Action::Delete, None)
        } else {
            let Some(after) = c.root_outputs.get(name).cloned() else {
                continue;
            };
            let action = match &before {
                None => Action::Create,
                Some(b) if b.same_as(&after) && !after.contains_unknown() => Action::NoOp,
                Some(_) => Action::Update,
            };
            (action, Some(after))
        };
        out.push(OutputChange {
            name: name.clone(),
            action,
            before,
            after,
            sensitive: o.sensitive,
        });
    }
    for (name, p) in prior {
        if !config.contains_key(name) {
            out.push(OutputChange {
                name: name.clone(),
                action: Action::Delete,
                before: Some(Value::from_json(&p.value).mark_if(p.sensitive)),
                after: None,
                sensitive: p.sensitive,
            });
        }
    }
    out
}

/// Keeps only changes to targeted resources and what they depend on; in a destroy, what
/// depends on them instead (as Terraform does: a dependency outlives what uses it).
fn apply_targets(
    run: &Run,
    targets: &[TargetAddr],
    changes: Vec<ResourceChange>,
    destroy: bool,
) -> Vec<ResourceChange> {
    let mut keep_resources: BTreeSet<ResourceAddr> = BTreeSet::new();
    for node in run.graph.graph.node_weights() {
        if let Node::Resource(r) = node {
            if targets.iter().any(|t| t.contains_resource(r)) {
                keep_resources.insert(r.clone());
                keep_resources.extend(if destroy {
                    run.graph.resource_dependents(node)
                } else {
                    run.graph.resource_dependencies(node)
                });
            }
        }
    }
    changes
        .into_iter()
        .filter(|c| {
            targets.iter().any(|t| t.contains(&c.addr))
                || (keep_resources.contains(&c.addr.resource)
                    && !targets.iter().any(
                        |t| matches!(t, TargetAddr::Instance(i) if i.resource == c.addr.resource),
                    ))
        })
        .collect()
}

/// Used by expansion-aware callers that need the instance list of a resource.
pub fn instances_of(expansion: &Expansion, addr: &ResourceAddr) -> Vec<InstanceAddr> {
    expansion
        .instances()
        .into_iter()
        .map(|(k, _)| addr.instance(k))
        .collect()
}
