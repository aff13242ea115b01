//! Records each completed operation in state and persists it at once, atomically, so an
//! interrupted apply leaves a valid state that says exactly what exists.

use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

use crate::addr::InstanceAddr;
use crate::diag::Diagnostic;
use crate::engine::run::lock;
use crate::state::{Backend, InstanceState, OutputState, State};
use crate::value::{paths, Value};

/// The state being written, and which of its changes are on disk.
struct Shared {
    state: State,
    /// Bumped by every change in memory.
    changed: u64,
    /// The last change known to be on disk.
    saved: u64,
    /// True while one caller writes the file for everyone.
    writing: bool,
    /// The error of the last write, reported to every caller waiting on it.
    failed: Option<String>,
}

/// Writes are group-committed: an operation that completes while another caller is writing
/// waits for the next write, which carries every change made meanwhile. Each `record` returns
/// only once its change is on disk, so "complete" always means "saved". Waiting is async and
/// the file is written on a blocking thread, so waiting callers never hold up the runtime.
#[derive(Clone)]
pub struct StateWriter {
    shared: Arc<(Mutex<Shared>, Notify)>,
    backend: Arc<dyn Backend>,
}

impl StateWriter {
    pub fn new(state: State, backend: Arc<dyn Backend>) -> StateWriter {
        let shared = Shared {
            state,
            changed: 0,
            saved: 0,
            writing: false,
            failed: None,
        };
        StateWriter {
            shared: Arc::new((Mutex::new(shared), Notify::new())),
            backend,
        }
    }

    pub fn snapshot(&self) -> State {
        lock(&self.shared.0).state.clone()
    }

    /// Why the state in memory is not stored, when the last save failed (later changes are
    /// then unsaved too); `None` when everything recorded is saved.
    pub fn unsaved(&self) -> Option<String> {
        let g = lock(&self.shared.0);
        match &g.failed {
            Some(e) => Some(e.clone()),
            None if g.changed > g.saved => Some("a change was never saved".to_string()),
            None => None,
        }
    }

    /// Applies `change` in memory and returns once it is saved.
    async fn change(&self, change: impl FnOnce(&mut State) -> bool) -> Result<(), Diagnostic> {
        let (mutex, notify) = &*self.shared;
        let mine = {
            let mut g = lock(mutex);
            if !change(&mut g.state) {
                return Ok(());
            }
            g.changed += 1;
            g.changed
        };
        loop {
            // Decide under the lock, act after releasing it (a guard must not cross an await).
            let step = {
                let mut g = lock(mutex);
                if g.saved >= mine {
                    return match &g.failed {
                        Some(e) => Err(save_error(e)),
                        None => Ok(()),
                    };
                }
                if g.writing {
                    // Created before the lock is released, so no wake-up is missed.
                    Err(notify.notified())
                } else {
                    g.writing = true;
                    g.state.bump_serial();
                    g.state.normalise();
                    Ok((g.state.clone(), g.changed))
                }
            };
            let (snapshot, upto) = match step {
                Ok(write) => write,
                Err(wake) => {
                    wake.await;
                    continue;
                }
            };
            let backend = self.backend.clone();
            let result = tokio::task::spawn_blocking(move || backend.write(&snapshot))
                .await
                .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
            {
                let mut g = lock(mutex);
                g.writing = false;
                g.saved = upto;
                g.failed = result.err().map(|e| e.to_string());
            }
            notify.notify_waiters();
        }
    }

    /// Records an instance's new state (or its removal) and saves.
    pub async fn record(
        &self,
        addr: &InstanceAddr,
        provider: &str,
        value: Option<&Value>,
        dependencies: &[String],
    ) -> Result<(), Diagnostic> {
        self.change(|state| {
            Self::put(state, addr, provider, value, dependencies);
            true
        })
        .await
    }

    /// Records the object a failed create left, marked tainted: the next plan replaces it.
    pub async fn record_tainted(
        &self,
        addr: &InstanceAddr,
        provider: &str,
        value: &Value,
        dependencies: &[String],
    ) -> Result<(), Diagnostic> {
        self.change(|state| {
            Self::put(state, addr, provider, Some(value), dependencies);
            if let Some(inst) = state.instance_mut(addr) {
                inst.status = Some("tainted".to_string());
            }
            true
        })
        .await
    }

    /// Records that the object of `addr` is gone (deleted), with any create pending for it:
    /// what a destroy found of an interrupted create is deleted and forgotten in one save.
    pub async fn record_deleted(&self, addr: &InstanceAddr) -> Result<(), Diagnostic> {
        self.change(|state| {
            let had = state.instance(addr).is_some();
            state.remove_instance(addr);
            state.clear_pending_create(addr) || had
        })
        .await
    }

    /// Forgets what data sources read, once a destroy has deleted every managed object: as in
    /// Terraform, a destroyed configuration leaves an empty state.
    pub async fn forget_data_sources(&self) -> Result<(), Diagnostic> {
        self.change(|state| {
            let before = state.resources.len();
            let managed_left = state.resources.iter().any(|r| r.mode != "data");
            if !managed_left {
                state.resources.retain(|r| r.mode != "data");
            }
            state.resources.len() != before
        })
        .await
    }

    /// Forgets pending creates for which nothing was made (a destroy found no object), in
    /// one save.
    pub async fn forget_pending(&self, addrs: &[InstanceAddr]) -> Result<(), Diagnostic> {
        self.change(|state| {
            let mut changed = false;
            for addr in addrs {
                changed |= state.clear_pending_create(addr);
            }
            changed
        })
        .await
    }

    /// Records that `addr` is about to be created and returns once that is saved, so a crash
    /// during the create leaves a state that says so. An attempt an earlier run left
    /// pending is resumed with its own ID rather than replaced.
    pub async fn begin_create(
        &self,
        addr: &InstanceAddr,
        provider: &str,
        object_id: Option<String>,
    ) -> Result<crate::providers::Creation, Diagnostic> {
        let mut creation = None;
        self.change(|state| {
            if let Some(p) = state.pending_create(addr) {
                creation = Some(crate::providers::Creation {
                    id: p.creation_id.clone(),
                    resuming: true,
                });
                return false;
            }
            let id = uuid::Uuid::new_v4().to_string();
            state
                .pending_creates
                .push(crate::state::model::PendingCreate {
                    address: addr.to_string(),
                    provider: provider.to_string(),
                    creation_id: id.clone(),
                    started: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    id: object_id.clone(),
                });
            creation = Some(crate::providers::Creation {
                id,
                resuming: false,
            });
            true
        })
        .await?;
        Ok(creation.expect("set by the change"))
    }

    /// Records several refreshed objects (keeping their dependencies) with one save.
    pub async fn record_many(
        &self,
        items: &[(InstanceAddr, String, Option<Value>)],
    ) -> Result<(), Diagnostic> {
        if items.is_empty() {
            return Ok(());
        }
        self.change(|state| {
            for (addr, provider, value) in items {
                let deps = state
                    .instance(addr)
                    .map(|i| i.dependencies.clone())
                    .unwrap_or_default();
                Self::put(state, addr, provider, value.as_ref(), &deps);
            }
            true
        })
        .await
    }

    fn put(
        state: &mut State,
        addr: &InstanceAddr,
        provider: &str,
        value: Option<&Value>,
        dependencies: &[String],
    ) {
        match value {
            Some(v) => {
                let inst = InstanceState {
                    index_key: crate::state::index_key_json(&addr.key),
                    schema_version: 0,
                    attributes: v.clone().strip_marks().0.to_json_lossy(),
                    sensitive_attributes: paths::sensitive_paths(v),
                    private: None,
                    dependencies: dependencies.to_vec(),
                    create_before_destroy: false,
                    status: None,
                };
                state.set_instance(addr, provider, inst);
                // The object is recorded: whatever create was pending for it is done.
                state.clear_pending_create(addr);
            }
            None => {
                state.remove_instance(addr);
            }
        }
    }

    /// Replaces the root outputs and saves.
    pub async fn set_outputs(&self, outputs: Vec<(String, Value, bool)>) -> Result<(), Diagnostic> {
        let new: std::collections::BTreeMap<String, OutputState> = outputs
            .into_iter()
            .map(|(name, v, sensitive)| {
                let sensitive = sensitive || v.contains_sensitive();
                let plain = v.strip_marks().0;
                (
                    name,
                    OutputState {
                        type_: type_json(&plain),
                        value: plain.to_json_lossy(),
                        sensitive,
                    },
                )
            })
            .collect();
        self.change(|state| {
            if new == state.outputs {
                return false;
            }
            state.outputs = new;
            true
        })
        .await
    }
}

fn save_error(e: &str) -> Diagnostic {
    // The error's own hint (such as how to reach the backend) goes before ours.
    let (detail, their_hint) = match e.split_once("\n\nhint: ") {
        Some((detail, hint)) => (detail, format!("{hint}. ")),
        None => (e, String::new()),
    };
    Diagnostic::error("Failed to save state")
        .detail(detail.to_string())
        .hint(format!("{their_hint}The change was made but is not stored; at the end of an apply clusterform writes the whole state to errored.tfstate, so nothing is lost, and says how to push it once the cause is fixed"))
}

/// Terraform's JSON description of a value's type, as state outputs record it.
pub fn type_json(v: &Value) -> serde_json::Value {
    use serde_json::json;
    match v.unmarked() {
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::List(items) => json!(["tuple", items.iter().map(type_json).collect::<Vec<_>>()]),
        Value::Set(items) => json!(["set", items.first().map_or(json!("dynamic"), type_json)]),
        Value::Object(map) => json!([
            "object",
            map.iter()
                .map(|(k, v)| (k.clone(), type_json(v)))
                .collect::<serde_json::Map<_, _>>()
        ]),
        _ => json!("dynamic"),
    }
}
