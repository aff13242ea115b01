//! One run of the engine: the configuration, its graph, the configured providers and the
//! values known so far, shared by the plan walk and the apply walk that follows it.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::addr::{InstanceAddr, ModulePath, ResourceAddr};
use crate::config::model::{Module, Resource};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::DepGraph;
use crate::providers::{Provider, Registry};
use crate::state::State;
use crate::value::Value;

use super::scope::ModuleScope;
use super::values::Values;

/// (declaring module, local name) of a provider configuration.
pub type ProviderKey = (ModulePath, String);

/// Everything a walk shares. Cheap to clone (all behind `Arc`).
#[derive(Clone)]
pub struct Run {
    pub config: Arc<Config>,
    pub graph: Arc<DepGraph>,
    pub registry: Arc<Registry>,
    pub root_dir: PathBuf,
    pub values: Arc<Mutex<Values>>,
    pub providers: Arc<Mutex<HashMap<ProviderKey, Arc<dyn Provider>>>>,
    pub diags: Arc<Mutex<Diagnostics>>,
    /// The state as stored before this run.
    pub prior_state: Arc<State>,
    /// Refreshed objects: `None` when the object is gone.
    pub refreshed: Arc<Mutex<BTreeMap<InstanceAddr, Option<Value>>>>,
    /// `validate`: providers are not configured and nothing is read from a cloud.
    pub offline: bool,
    /// Where each resource block is in its module, so lookups are not linear scans.
    resource_index: Arc<HashMap<ResourceAddr, (ModulePath, usize)>>,
}

impl Run {
    pub fn new(
        config: Arc<Config>,
        graph: Arc<DepGraph>,
        registry: Arc<Registry>,
        prior_state: Arc<State>,
        root_variables: BTreeMap<String, Value>,
    ) -> Run {
        let mut values = Values::default();
        values.module_mut(&ModulePath::root()).variables = root_variables.into_iter().collect();
        let root_dir = config.root.dir.clone();
        let config_for_index = config.clone();
        Run {
            config,
            graph,
            registry,
            root_dir,
            values: Arc::new(Mutex::new(values)),
            providers: Arc::new(Mutex::new(HashMap::new())),
            diags: Arc::new(Mutex::new(Diagnostics::new())),
            prior_state,
            refreshed: Arc::new(Mutex::new(BTreeMap::new())),
            offline: false,
            resource_index: Arc::new(resource_index(&config_for_index)),
        }
    }

    pub fn module(&self, path: &ModulePath) -> &Module {
        self.config
            .module(path)
            .expect("graph nodes name modules of this configuration")
    }

    pub fn resource_config(&self, addr: &ResourceAddr) -> Option<&Resource> {
        let (module, i) = self.resource_index.get(addr)?;
        self.config.module(module)?.resources.get(*i)
    }

    pub fn push(&self, d: Diagnostic) {
        lock(&self.diags).push(d);
    }

    pub fn extend(&self, d: Diagnostics) {
        lock(&self.diags).extend(d);
    }

    pub fn has_errors(&self) -> bool {
        lock(&self.diags).has_errors()
    }

    /// Runs `f` with a scope for `module`; the values lock is held only for the call.
    pub fn with_scope<T>(
        &self,
        module: &ModulePath,
        f: impl FnOnce(&mut ModuleScope<'_>) -> T,
    ) -> T {
        let values = lock(&self.values);
        let m = self.module(module);
        let mut scope = ModuleScope::new(&values, module.clone(), &m.dir, &self.root_dir);
        f(&mut scope)
    }

    pub fn provider(&self, key: &ProviderKey) -> Option<Arc<dyn Provider>> {
        lock(&self.providers).get(key).cloned()
    }

    /// The provider configuration a resource uses, whether or not it is still configured.
    pub fn provider_key_for(
        &self,
        addr: &ResourceAddr,
        state_provider: Option<&str>,
    ) -> ProviderKey {
        if let Some(k) = self.graph.providers.get(addr) {
            return k.clone();
        }
        // Orphans: the state says which provider (and alias) made them.
        let name = crate::config::model::provider_for_type(&addr.type_name).to_string();
        let alias = state_provider
            .and_then(|p| p.rsplit_once("]."))
            .map(|(_, a)| a.to_string());
        let local = match alias {
            Some(a) => format!("{name}.{a}"),
            None => name,
        };
        (ModulePath::root(), local)
    }

    /// The provider's name (`aws`) in a local name (`aws.west`).
    pub fn provider_type(key: &ProviderKey) -> &str {
        key.1.split('.').next().unwrap_or(&key.1)
    }

    /// `provider["registry.terraform.io/hashicorp/aws"].west`.
    pub fn provider_state_address(&self, key: &ProviderKey) -> String {
        let (name, alias) = match key.1.split_once('.') {
            Some((n, a)) => (n, Some(a)),
            None => (key.1.as_str(), None),
        };
        self.registry.state_address(name, alias)
    }
}

fn resource_index(config: &Config) -> HashMap<ResourceAddr, (ModulePath, usize)> {
    let mut index = HashMap::new();
    for m in config.modules() {
        for (i, r) in m.resources.iter().enumerate() {
            index.insert(r.addr(&m.path), (m.path.clone(), i));
        }
    }
    index
}

/// Locks a mutex; a poisoned lock means a walk task panicked, which is a bug, so carry on with
/// the data as it is rather than hide the original panic behind a second one.
pub fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
