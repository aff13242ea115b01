//! Refresh: reads every object in state through its provider, batched per resource type and
//! run in parallel, starting as soon as the provider is configured. It also looks for what
//! interrupted creates (state's pending creates) made, so a plan can delete what is no
//! longer wanted instead of leaking it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

use crate::addr::{InstanceAddr, Mode};
use crate::engine::run::{lock, ProviderKey, Run};
use crate::providers::{Creation, ReadRequest};
use crate::state::model::PendingCreate;
use crate::state::State;
use crate::value::Value;

/// Objects of one provider configuration to read, by resource type.
type Batches = BTreeMap<String, Vec<(InstanceAddr, Value)>>;
/// Reads under way, awaited once by whichever resource needs them first.
type Pending = Arc<tokio::sync::Mutex<Vec<JoinHandle<()>>>>;

/// State objects grouped by provider configuration and type, waiting to be read.
#[derive(Default)]
pub struct Refresher {
    batches: Mutex<HashMap<ProviderKey, Batches>>,
    pending: Mutex<HashMap<ProviderKey, Pending>>,
    /// A fingerprint of each object as stored, for finding drift once refresh is done (the
    /// values themselves would double what a large plan holds).
    pub stored: BTreeMap<InstanceAddr, (u64, String)>,
    /// Interrupted creates to look for, by provider configuration.
    finds: Mutex<HashMap<ProviderKey, Vec<(InstanceAddr, PendingCreate)>>>,
    /// What interrupted creates made (objects state does not hold yet), as read.
    pub found: Arc<Mutex<BTreeMap<InstanceAddr, Value>>>,
    enabled: bool,
}

/// The stored attributes of every managed instance, decoded with their sensitive marks.
pub fn stored_values(run: &Run, state: &State) -> BTreeMap<InstanceAddr, (Value, String)> {
    let mut out = BTreeMap::new();
    for (addr, rs, inst) in state.instances() {
        let mut v = Value::from_json(&inst.attributes);
        let ptype = crate::config::model::provider_for_type(&addr.resource.type_name);
        let schemas = run.registry.schema(ptype);
        let schema = match addr.resource.mode {
            Mode::Managed => schemas.and_then(|s| s.resources.get(&addr.resource.type_name)),
            Mode::Data => schemas.and_then(|s| s.data_sources.get(&addr.resource.type_name)),
        };
        if let Some(schema) = schema {
            v = schema.mark_sensitive(schema.coerce(v));
        }
        v = crate::value::paths::mark_sensitive_paths(v, &inst.sensitive_attributes);
        out.insert(addr, (v, rs.provider.clone()));
    }
    out
}

impl Refresher {
    pub fn new(run: &Run, enabled: bool) -> Refresher {
        let mut r = Refresher {
            enabled,
            ..Refresher::default()
        };
        let mut refreshed = lock(&run.refreshed);
        for (addr, (value, provider)) in stored_values(run, &run.prior_state) {
            if addr.resource.mode != Mode::Managed {
                continue;
            }
            r.stored
                .insert(addr.clone(), (value.fingerprint(), provider.clone()));
            if enabled {
                // The read's answer fills `refreshed`; until then the value travels in its
                // batch only (a second copy of every object was the peak of large plans). A
                // failed read fails the plan, so nothing plans against a missing object.
                let key = run.provider_key_for(&addr.resource, Some(&provider));
                lock(&r.batches)
                    .entry(key)
                    .or_default()
                    .entry(addr.resource.type_name.clone())
                    .or_default()
                    .push((addr, value));
            } else {
                refreshed.insert(addr, Some(value));
            }
        }
        drop(refreshed);
        if enabled {
            for (addr, pending) in run.prior_state.pending_instances() {
                if addr.resource.mode != Mode::Managed {
                    continue;
                }
                let key = run.provider_key_for(&addr.resource, Some(&pending.provider));
                lock(&r.finds)
                    .entry(key)
                    .or_default()
                    .push((addr, pending.clone()));
            }
        }
        r
    }

    /// True when objects are read from the cloud (not `-refresh=false`).
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// Provider configurations that have objects to refresh or to look for.
    pub fn provider_keys(&self) -> Vec<ProviderKey> {
        let mut keys: Vec<ProviderKey> = lock(&self.batches).keys().cloned().collect();
        for key in lock(&self.finds).keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
        keys
    }

    /// Starts reading everything of one provider; call once it is configured.
    pub fn start(&self, run: &Run, key: &ProviderKey) {
        if !self.enabled {
            return;
        }
        let batches = lock(&self.batches).remove(key).unwrap_or_default();
        let finds = lock(&self.finds).remove(key).unwrap_or_default();
        if batches.is_empty() && finds.is_empty() {
            return;
        }
        let Some(provider) = run.provider(key) else {
            return;
        };
        let mut handles = Vec::new();
        for (addr, pending) in finds {
            let provider = provider.clone();
            let run = run.clone();
            let key = key.clone();
            let found = self.found.clone();
            handles.push(tokio::spawn(async move {
                let creation = Creation {
                    id: pending.creation_id.clone(),
                    resuming: true,
                };
                let type_name = &addr.resource.type_name;
                match provider
                    .find_created(type_name, pending.id.as_deref(), &creation)
                    .await
                {
                    Ok(Some(v)) => {
                        let v = match resource_schema(&run, &key, type_name) {
                            Some(s) => s.mark_sensitive(s.coerce(v)),
                            None => v,
                        };
                        lock(&found).insert(addr, v);
                    }
                    Ok(None) => {}
                    Err(d) => run.extend(d),
                }
            }));
        }
        for (type_name, instances) in batches {
            let provider = provider.clone();
            let run = run.clone();
            let key = key.clone();
            handles.push(tokio::spawn(async move {
                let addrs: Vec<InstanceAddr> = instances.iter().map(|(a, _)| a.clone()).collect();
                let resp = provider
                    .read(ReadRequest {
                        type_name: type_name.clone(),
                        instances,
                    })
                    .await;
                let failed = resp.diagnostics.has_errors();
                run.extend(resp.diagnostics);
                if failed {
                    return;
                }
                let schema = resource_schema(&run, &key, &type_name).cloned();
                let mut refreshed = lock(&run.refreshed);
                for (addr, state) in addrs.into_iter().zip(resp.states) {
                    let state = match &schema {
                        Some(s) => state.map(|v| s.mark_sensitive(s.coerce(v))),
                        None => state,
                    };
                    refreshed.insert(addr, state);
                }
            }));
        }
        lock(&self.pending).insert(key.clone(), Arc::new(tokio::sync::Mutex::new(handles)));
    }

    /// Waits until everything of one provider has been read.
    pub async fn wait(&self, key: &ProviderKey) {
        let pending = lock(&self.pending).get(key).cloned();
        if let Some(p) = pending {
            let mut handles = p.lock().await;
            for h in handles.drain(..) {
                let _ = h.await;
            }
        }
    }
}

/// The schema of a managed resource type of the provider configuration `key`.
fn resource_schema<'r>(
    run: &'r Run,
    key: &ProviderKey,
    type_name: &str,
) -> Option<&'r crate::providers::Schema> {
    run.registry
        .schema(Run::provider_type(key))
        .and_then(|s| s.resources.get(type_name))
}
