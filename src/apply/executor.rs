//! The apply walk: executes a plan's changes in dependency order, concurrently, writing state
//! after every completed operation. Deletes run last, in reverse dependency order.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::operation::{run_operation, Progress, Timing};
use super::state_writer::StateWriter;
use crate::addr::{InstanceAddr, Mode, ResourceAddr};
use crate::diag::{Diagnostic, Diagnostics};
use crate::engine::expand::expand;
use crate::engine::resource_config::eval_body;
use crate::engine::run::{lock, Run};
use crate::engine::visit;
use crate::graph::walk::{walk, WalkOutcome};
use crate::graph::Node;
use crate::plan::model::{Action, PlanMode};
use crate::plan::planner::{InstancePlan, Planned};
use crate::providers::{ApplyAction, ApplyRequest, PlanRequest};
use crate::value::Value;

#[derive(Clone)]
pub struct ApplySettings {
    pub parallelism: usize,
    /// How often "Still creating..." is printed (10 s, as Terraform does).
    pub progress_interval: Duration,
    /// The base wait between provider polls; tests make it short.
    pub poll_interval: Duration,
}

impl Default for ApplySettings {
    fn default() -> Self {
        ApplySettings {
            parallelism: 10,
            progress_interval: Duration::from_secs(10),
            poll_interval: Duration::from_secs(5),
        }
    }
}

/// What an apply did.
#[derive(Debug, Default)]
pub struct ApplyOutcome {
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    pub diagnostics: Diagnostics,
    /// True when an interrupt stopped it before everything ran.
    pub interrupted: bool,
}

struct Exec {
    run: Run,
    mode: PlanMode,
    instances: BTreeMap<InstanceAddr, InstancePlan>,
    /// Objects the plan leaves unchanged, as refresh found them.
    unchanged: BTreeMap<InstanceAddr, Value>,
    dependencies: BTreeMap<InstanceAddr, Vec<String>>,
    providers_by_addr: BTreeMap<InstanceAddr, String>,
    data: BTreeMap<InstanceAddr, (Value, String)>,
    writer: StateWriter,
    permits: Arc<Semaphore>,
    settings: ApplySettings,
    progress: Progress,
    counts: Mutex<(usize, usize, usize)>,
}

pub async fn apply(
    planned: Planned,
    writer: StateWriter,
    settings: ApplySettings,
    progress: Progress,
    stop: CancellationToken,
) -> ApplyOutcome {
    let Planned {
        run,
        plan,
        instances,
        data,
        ..
    } = planned;
    let exec = Arc::new(Exec {
        run: run.clone(),
        mode: plan.mode,
        dependencies: plan
            .changes
            .iter()
            .map(|c| (c.addr.clone(), c.dependencies.clone()))
            .collect(),
        providers_by_addr: plan
            .changes
            .iter()
            .map(|c| (c.addr.clone(), c.provider.clone()))
            .collect(),
        unchanged: plan
            .changes
            .iter()
            .filter(|c| c.action == Action::NoOp)
            .filter_map(|c| c.before.clone().map(|b| (c.addr.clone(), b)))
            .collect(),
        instances,
        data,
        writer,
        permits: Arc::new(Semaphore::new(settings.parallelism.max(1))),
        settings,
        progress,
        counts: Mutex::new((0, 0, 0)),
    });
    // Errors from planning were reported already; start counting afresh.
    *lock(&run.diags) = Diagnostics::new();
    // What refresh found is the truth now, whatever else happens.
    let drift: Vec<(InstanceAddr, String, Option<Value>)> = plan
        .drift
        .iter()
        .map(|d| (d.addr.clone(), d.provider.clone(), d.after.clone()))
        .collect();
    if let Err(d) = exec.writer.record_many(&drift).await {
        run.push(d);
    }

    let mut interrupted = false;
    if plan.mode != PlanMode::Destroy {
        let graph = run.graph.clone();
        let outcome = walk(
            &graph,
            64,
            stop.clone(),
            |node| {
                let exec = exec.clone();
                async move { exec.visit(node).await }
            },
            |_| {},
        )
        .await;
        interrupted |= outcome == WalkOutcome::Stopped;
    }
    if !interrupted {
        interrupted |= !exec.clone().deletes(stop.clone()).await;
    }
    if !interrupted && !plan.forget_creates.is_empty() {
        let addrs: Vec<InstanceAddr> = plan
            .forget_creates
            .iter()
            .filter_map(|a| crate::state::model::instance_addr(a))
            .collect();
        if let Err(d) = exec.writer.forget_pending(&addrs).await {
            run.push(d);
        }
    }
    let failed = lock(&run.diags).has_errors();
    if plan.mode == PlanMode::Destroy && plan.targets.is_empty() && !interrupted && !failed {
        if let Err(d) = exec.writer.forget_data_sources().await {
            run.push(d);
        }
    }
    exec.save_outputs().await;
    let (added, changed, destroyed) = *lock(&exec.counts);
    let diagnostics = std::mem::take(&mut *lock(&run.diags));
    ApplyOutcome {
        added,
        changed,
        destroyed,
        diagnostics,
        interrupted,
    }
}

impl Exec {
    fn timing(&self) -> Timing {
        Timing {
            progress: self.settings.progress_interval,
            poll: self.settings.poll_interval,
        }
    }

    async fn visit(self: Arc<Self>, node: Node) -> bool {
        let run = &self.run;
        match node {
            Node::Variable(m, n) => visit::visit_variable(run, &m, &n),
            Node::Local(m, n) => visit::visit_local(run, &m, &n),
            Node::Output(m, n) => visit::visit_output(run, &m, &n).is_some(),
            Node::Provider(m, n) => run.provider(&(m, n)).is_some(),
            Node::Resource(addr) => self.clone().resource(addr).await,
        }
    }

    async fn resource(self: Arc<Self>, addr: ResourceAddr) -> bool {
        let run = self.run.clone();
        let Some(rc) = run.resource_config(&addr).cloned() else {
            return false;
        };
        let expansion = match run.with_scope(&addr.module, |s| expand(&rc, s)) {
            Ok(e) => e,
            Err(d) => {
                run.push(d);
                return false;
            }
        };
        let mut tasks: JoinSet<(usize, Option<Value>)> = JoinSet::new();
        let items = expansion.instances();
        let mut values: Vec<Option<Value>> = vec![None; items.len()];
        for (i, (key, rep)) in items.into_iter().enumerate() {
            let inst = addr.instance(key);
            let exec = self.clone();
            let rc = rc.clone();
            tasks.spawn(async move { (i, exec.instance(&rc, inst, rep).await) });
        }
        let mut ok = true;
        while let Some(joined) = tasks.join_next().await {
            let (i, v) = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            match v {
                Some(v) => values[i] = Some(v),
                None => ok = false,
            }
        }
        if ok {
            let vs = values
                .into_iter()
                .map(|v| v.unwrap_or(Value::Null))
                .collect();
            lock(&run.values).set_resource(&addr, expansion.collect(vs));
        }
        ok
    }

    /// Applies one instance's change; returns its value for references, or `None` on failure.
    async fn instance(
        self: Arc<Self>,
        rc: &crate::config::model::Resource,
        inst: InstanceAddr,
        rep: crate::engine::scope::Repetition,
    ) -> Option<Value> {
        let run = &self.run;
        if inst.resource.mode == Mode::Data {
            if let Some((v, provider)) = self.data.get(&inst) {
                if let Err(d) = self.writer.record(&inst, provider, Some(v), &[]).await {
                    run.push(d);
                }
                return Some(v.clone());
            }
        }
        let Some(ip) = self.instances.get(&inst).cloned() else {
            // Unchanged: keep what refresh found, and record it if it drifted.
            let refreshed = lock(&run.refreshed).get(&inst).cloned().flatten();
            return Some(refreshed.unwrap_or(Value::Null));
        };
        let provider = run.provider(&ip.provider)?;
        let schemas = run
            .registry
            .schema(crate::engine::run::Run::provider_type(&ip.provider))?;
        let schema = match inst.resource.mode {
            Mode::Managed => schemas.resources.get(&inst.resource.type_name)?,
            Mode::Data => schemas.data_sources.get(&inst.resource.type_name)?,
        }
        .clone();
        let state_provider = self
            .providers_by_addr
            .get(&inst)
            .cloned()
            .unwrap_or_default();
        let deps = self.dependencies.get(&inst).cloned().unwrap_or_default();
        match ip.action {
            // A no-op's object is what refresh found.
            Action::NoOp => {
                return self
                    .unchanged
                    .get(&inst)
                    .cloned()
                    .or_else(|| lock(&run.refreshed).get(&inst).cloned().flatten())
            }
            Action::Delete => return ip.prior.clone(),
            _ => {}
        }
        // Re-evaluate with the values of everything applied before this instance.
        let mut diags = Diagnostics::new();
        let config = run.with_scope(&inst.resource.module, |s| {
            s.repetition = rep;
            eval_body(&rc.body, &schema, s, &mut diags)
        });
        if diags.has_errors() {
            run.extend(diags);
            return None;
        }
        if ip.action == Action::Read {
            let _permit = self.permits.acquire().await.ok()?;
            return match provider.read_data(&inst.resource.type_name, &config).await {
                Ok(v) => {
                    let v = schema.mark_sensitive(v);
                    if let Err(d) = self
                        .writer
                        .record(&inst, &state_provider, Some(&v), &[])
                        .await
                    {
                        run.push(d);
                    }
                    Some(v)
                }
                Err(d) => {
                    run.extend(d);
                    None
                }
            };
        }
        let replacing = ip.action.is_replace();
        let prior_for_plan = if replacing { None } else { ip.prior.as_ref() };
        let mut resp = provider.plan(&PlanRequest {
            addr: &inst,
            type_name: &inst.resource.type_name,
            prior: prior_for_plan,
            config: &config,
            spans: &ip.spans,
        });
        if let (Some(p), crate::config::model::IgnoreChanges::Paths(ps)) =
            (&ip.prior, &rc.lifecycle.ignore_changes)
        {
            if !replacing {
                for path in ps {
                    if let Some(old) = crate::value::paths::get(p, path) {
                        crate::value::paths::set(&mut resp.planned, path, old.clone());
                    }
                }
            }
        }
        if resp.diagnostics.has_errors() {
            run.extend(resp.diagnostics);
            return None;
        }
        if let Err(path) = consistent(&ip.planned, &resp.planned, String::new()) {
            run.push(
                Diagnostic::error("Provider produced inconsistent final plan")
                    .detail(format!("When applying changes to {inst}, the final plan differs from the saved plan at {path}. Nothing was changed for this object."))
                    .hint("run plan again and apply the new plan"),
            );
            return None;
        }
        let planned = resp.planned;
        let op = |action: ApplyAction,
                  prior: Option<Value>,
                  planned: Value,
                  creation: Option<crate::providers::Creation>| {
            run_operation(
                provider.clone(),
                ApplyRequest {
                    addr: inst.clone(),
                    type_name: inst.resource.type_name.clone(),
                    action,
                    prior,
                    planned,
                    creation,
                },
                self.progress.clone(),
                self.timing(),
            )
        };
        let steps: Vec<ApplyAction> = match ip.action {
            Action::Create => vec![ApplyAction::Create],
            Action::Update => vec![ApplyAction::Update],
            Action::DeleteThenCreate => vec![ApplyAction::Delete, ApplyAction::Create],
            Action::CreateThenDelete => vec![ApplyAction::Create, ApplyAction::Delete],
            _ => Vec::new(),
        };
        let mut current = ip.prior.clone();
        let mut result = None;
        for step in steps {
            let (prior, target) = match step {
                ApplyAction::Delete => (ip.prior.clone(), Value::Null),
                ApplyAction::Create => (None, planned.clone()),
                ApplyAction::Update => (current.clone(), planned.clone()),
            };
            // Saved before the call: a crash during the create must leave a state that
            // knows about it, so the next run resumes it instead of leaking or adopting.
            let mut object_id = None;
            let creation = if step == ApplyAction::Create {
                object_id = provider.created_id(&inst.resource.type_name, &target);
                match self
                    .writer
                    .begin_create(&inst, &state_provider, object_id.clone())
                    .await
                {
                    Ok(c) => Some(c),
                    Err(d) => {
                        run.push(d);
                        return None;
                    }
                }
            } else {
                None
            };
            // The permit bounds provider operations; saving state is not one of them.
            let permit = self.permits.acquire().await.ok()?;
            let resp = op(step, prior, target, creation.clone()).await;
            drop(permit);
            let failed = resp.diagnostics.has_errors();
            run.extend(resp.diagnostics);
            let mut new_state = match step {
                ApplyAction::Delete if !failed => None,
                ApplyAction::Delete => current.clone(),
                _ => resp.new_state.map(|v| schema.mark_sensitive(v)),
            };
            let failed_create = failed && step == ApplyAction::Create;
            if failed_create && new_state.is_none() {
                // A create can fail after the cloud made the object (an EKS cluster that
                // ends FAILED, an AKS operation that ends Failed): look for it by its mark.
                if let Some(cr) = &creation {
                    match provider
                        .find_created(&inst.resource.type_name, object_id.as_deref(), cr)
                        .await
                    {
                        Ok(found) => new_state = found.map(|v| schema.mark_sensitive(v)),
                        Err(d) => run.extend(d),
                    }
                }
            }
            // Record whatever exists now, even after a failure, so state never lies: an
            // object a failed create left is recorded tainted, to be replaced next time.
            let record = if step == ApplyAction::Delete && ip.action == Action::CreateThenDelete {
                result.as_ref()
            } else {
                new_state.as_ref()
            };
            let saved = match record {
                // The old object of a create-before-destroy replacement is still there and
                // stays in state; what the failed create made stays a pending create, which
                // the next apply finishes.
                _ if failed_create && ip.action == Action::CreateThenDelete => Ok(()),
                Some(v) if failed_create => {
                    self.writer
                        .record_tainted(&inst, &state_provider, v, &deps)
                        .await
                }
                _ => {
                    self.writer
                        .record(&inst, &state_provider, record, &deps)
                        .await
                }
            };
            if let Err(d) = saved {
                run.push(d);
                return None;
            }
            if failed {
                return None;
            }
            let mut c = lock(&self.counts);
            match step {
                ApplyAction::Create => c.0 += 1,
                ApplyAction::Update => c.1 += 1,
                ApplyAction::Delete => c.2 += 1,
            }
            drop(c);
            if step != ApplyAction::Delete {
                result = new_state.clone();
            }
            current = new_state;
        }
        result
    }

    /// Runs every pure delete, each after the deletes of everything that depends on it.
    async fn deletes(self: Arc<Self>, stop: CancellationToken) -> bool {
        let deletes: Vec<InstanceAddr> = self
            .instances
            .iter()
            .filter(|(_, ip)| ip.action == Action::Delete)
            .map(|(a, _)| a.clone())
            .collect();
        let mut waiting_on: BTreeMap<InstanceAddr, BTreeSet<InstanceAddr>> = BTreeMap::new();
        for a in &deletes {
            let blockers = deletes
                .iter()
                .filter(|b| {
                    *b != a
                        && self
                            .dependencies
                            .get(b)
                            .is_some_and(|d| d.contains(&a.resource.to_string()))
                })
                .cloned()
                .collect();
            waiting_on.insert(a.clone(), blockers);
        }
        let mut running: JoinSet<(InstanceAddr, bool)> = JoinSet::new();
        let mut done: BTreeSet<InstanceAddr> = BTreeSet::new();
        let mut failed: BTreeSet<InstanceAddr> = BTreeSet::new();
        loop {
            if !stop.is_cancelled() {
                let ready: Vec<InstanceAddr> = waiting_on
                    .iter()
                    .filter(|(_, b)| b.iter().all(|x| done.contains(x)))
                    .map(|(a, _)| a.clone())
                    .collect();
                for a in ready {
                    waiting_on.remove(&a);
                    let exec = self.clone();
                    running.spawn(async move {
                        let ok = exec.delete_one(&a).await;
                        (a, ok)
                    });
                }
            }
            let Some(joined) = running.join_next().await else {
                break;
            };
            let (a, ok) = joined.unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            if ok {
                done.insert(a);
            } else {
                failed.insert(a);
            }
        }
        // Objects whose dependents failed to delete stay, and say why.
        for a in waiting_on.keys() {
            if !stop.is_cancelled() {
                self.run.push(Diagnostic::error("Not destroyed").detail(format!("{a} was not destroyed because something that depends on it could not be destroyed.")));
            }
        }
        !stop.is_cancelled() || waiting_on.is_empty()
    }

    async fn delete_one(&self, a: &InstanceAddr) -> bool {
        let ip = &self.instances[a];
        let Some(provider) = self.run.provider(&ip.provider) else {
            self.run
                .push(Diagnostic::error("Provider not configured").detail(format!(
                    "Cannot destroy {a}: its provider configuration \"{}\" is not available.",
                    ip.provider.1
                )));
            return false;
        };
        let permit = self.permits.acquire().await;
        let resp = run_operation(
            provider,
            ApplyRequest {
                addr: a.clone(),
                type_name: a.resource.type_name.clone(),
                action: ApplyAction::Delete,
                prior: ip.prior.clone(),
                planned: Value::Null,
                creation: None,
            },
            self.progress.clone(),
            self.timing(),
        )
        .await;
        drop(permit);
        let failed = resp.diagnostics.has_errors();
        self.run.extend(resp.diagnostics);
        let provider_addr = self.providers_by_addr.get(a).cloned().unwrap_or_default();
        let saved = if failed {
            // What failed to go is recorded, so state never lies: a found object of an
            // interrupted create is in state from now on.
            self.writer
                .record(
                    a,
                    &provider_addr,
                    ip.prior.as_ref(),
                    self.dependencies.get(a).map_or(&[][..], |v| v),
                )
                .await
        } else {
            self.writer.record_deleted(a).await
        };
        if let Err(d) = saved {
            self.run.push(d);
            return false;
        }
        if !failed {
            lock(&self.counts).2 += 1;
        }
        !failed
    }

    async fn save_outputs(&self) {
        let outputs = self.root_outputs();
        if let Err(d) = self.writer.set_outputs(outputs).await {
            self.run.push(d);
        }
    }

    /// The known root outputs, as state records them.
    fn root_outputs(&self) -> Vec<(String, Value, bool)> {
        let values = lock(&self.run.values);
        let root = values.module(&crate::addr::ModulePath::root());
        if self.mode == PlanMode::Destroy {
            Vec::new()
        } else {
            self.run
                .config
                .root
                .outputs
                .iter()
                .filter_map(|(name, o)| {
                    root.and_then(|r| r.outputs.get(name))
                        .map(|v| (name.clone(), v.clone(), o.sensitive))
                })
                .filter(|(_, v, _)| !v.contains_unknown())
                .collect()
        }
    }
}

/// Checks that the final plan agrees with the saved one wherever the saved one was known.
fn consistent(saved: &Value, fin: &Value, path: String) -> Result<(), String> {
    match (saved, fin) {
        (Value::Unknown, _) => Ok(()),
        (Value::Sensitive(a), b) | (b, Value::Sensitive(a))
            if !matches!(b, Value::Sensitive(_)) =>
        {
            consistent(a, b, path)
        }
        (Value::Sensitive(a), Value::Sensitive(b)) => consistent(a, b, path),
        (Value::Object(a), Value::Object(b)) => {
            for (k, av) in a {
                let bv = b.get(k).unwrap_or(&Value::Null);
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                consistent(av, bv, p)?;
            }
            Ok(())
        }
        // Unknown set elements may merge or sort anywhere once known: only the known ones count.
        (Value::Set(a), Value::Set(b)) if a.iter().any(Value::contains_unknown) => {
            match a
                .iter()
                .filter(|x| !x.contains_unknown())
                .find(|x| !b.iter().any(|y| y.same_as(x)))
            {
                Some(_) => Err(if path.is_empty() {
                    "the top level".to_string()
                } else {
                    path
                }),
                None => Ok(()),
            }
        }
        (Value::List(a), Value::List(b)) | (Value::Set(a), Value::Set(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                consistent(x, y, format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (a, b) if a.same_as(b) => Ok(()),
        _ => Err(if path.is_empty() {
            "the top level".to_string()
        } else {
            path
        }),
    }
}
