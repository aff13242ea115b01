//! Records each completed operation in state and persists it at once, atomically, so an
//! interrupted apply leaves a valid state that says exactly what exists.

use std::sync::{Arc, Mutex};

use crate::addr::InstanceAddr;
use crate::diag::Diagnostic;
use crate::engine::run::lock;
use crate::state::{Backend, InstanceState, OutputState, State};
use crate::value::{paths, Value};

#[derive(Clone)]
pub struct StateWriter {
    state: Arc<Mutex<State>>,
    backend: Arc<dyn Backend>,
}

impl StateWriter {
    pub fn new(state: State, backend: Arc<dyn Backend>) -> StateWriter {
        StateWriter { state: Arc::new(Mutex::new(state)), backend }
    }

    pub fn snapshot(&self) -> State {
        lock(&self.state).clone()
    }

    fn persist(&self, state: &mut State) -> Result<(), Diagnostic> {
        state.bump_serial();
        state.normalise();
        self.backend.write(state).map_err(|e| {
            Diagnostic::error("Failed to save state")
                .detail(e.to_string())
                .hint("the operation itself finished; fix the problem and run apply again to record it")
        })
    }

    /// Records an instance's new state (or its removal) and saves.
    pub fn record(&self, addr: &InstanceAddr, provider: &str, value: Option<&Value>, dependencies: &[String]) -> Result<(), Diagnostic> {
        let mut state = lock(&self.state);
        Self::put(&mut state, addr, provider, value, dependencies);
        self.persist(&mut state)
    }

    /// Records several refreshed objects (keeping their dependencies) with one save.
    pub fn record_many(&self, items: &[(InstanceAddr, String, Option<Value>)]) -> Result<(), Diagnostic> {
        if items.is_empty() {
            return Ok(());
        }
        let mut state = lock(&self.state);
        for (addr, provider, value) in items {
            let deps = state.instance(addr).map(|i| i.dependencies.clone()).unwrap_or_default();
            Self::put(&mut state, addr, provider, value.as_ref(), &deps);
        }
        self.persist(&mut state)
    }

    fn put(state: &mut State, addr: &InstanceAddr, provider: &str, value: Option<&Value>, dependencies: &[String]) {
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
            }
            None => {
                state.remove_instance(addr);
            }
        }
    }

    /// Replaces the root outputs and saves.
    pub fn set_outputs(&self, outputs: Vec<(String, Value, bool)>) -> Result<(), Diagnostic> {
        let mut state = lock(&self.state);
        let new: std::collections::BTreeMap<String, OutputState> = outputs
            .into_iter()
            .map(|(name, v, sensitive)| {
                let sensitive = sensitive || v.contains_sensitive();
                let plain = v.strip_marks().0;
                (name, OutputState { type_: type_json(&plain), value: plain.to_json_lossy(), sensitive })
            })
            .collect();
        if new == state.outputs {
            return Ok(());
        }
        state.outputs = new;
        self.persist(&mut state)
    }
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
        Value::Object(map) => json!(["object", map.iter().map(|(k, v)| (k.clone(), type_json(v))).collect::<serde_json::Map<_, _>>()]),
        _ => json!("dynamic"),
    }
}
