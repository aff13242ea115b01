//! The values known so far in a walk, per module: variables, locals, outputs and resources.

use std::collections::HashMap;

use crate::addr::{Mode, ModulePath, ResourceAddr};
use crate::value::Value;

#[derive(Default, Debug)]
pub struct ModuleValues {
    pub variables: HashMap<String, Value>,
    pub locals: HashMap<String, Value>,
    pub outputs: HashMap<String, Value>,
    /// Keyed by (mode, type, name): an object, a list (count) or a map (for_each).
    pub resources: HashMap<(Mode, String, String), Value>,
}

#[derive(Default, Debug)]
pub struct Values {
    modules: HashMap<ModulePath, ModuleValues>,
    /// What `terraform.workspace` evaluates to; `None` means `default`.
    pub workspace: Option<String>,
}

impl Values {
    pub fn module(&self, path: &ModulePath) -> Option<&ModuleValues> {
        self.modules.get(path)
    }

    pub fn module_mut(&mut self, path: &ModulePath) -> &mut ModuleValues {
        self.modules.entry(path.clone()).or_default()
    }

    pub fn set_resource(&mut self, addr: &ResourceAddr, value: Value) {
        self.module_mut(&addr.module).resources.insert(
            (addr.mode, addr.type_name.clone(), addr.name.clone()),
            value,
        );
    }

    pub fn resource(&self, addr: &ResourceAddr) -> Option<&Value> {
        self.modules.get(&addr.module)?.resources.get(&(
            addr.mode,
            addr.type_name.clone(),
            addr.name.clone(),
        ))
    }
}
