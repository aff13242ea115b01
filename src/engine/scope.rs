//! Answers references for expressions inside one module (and one resource instance).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::values::Values;
use crate::addr::{Mode, ModulePath, ResourceAddr};
use crate::diag::{Diagnostic, Span};
use crate::lang::Scope;
use crate::value::Value;

/// `count.index` or `each.key`/`each.value` for the instance being evaluated.
#[derive(Clone, Debug, Default)]
pub enum Repetition {
    #[default]
    None,
    Count(i64),
    Each {
        key: String,
        value: Value,
    },
    /// `validate`: the count or for_each value is not known, so neither is the key.
    Unknown,
}

pub struct ModuleScope<'v> {
    pub values: &'v Values,
    pub module: ModulePath,
    pub module_dir: PathBuf,
    pub root_dir: PathBuf,
    pub repetition: Repetition,
    /// Names bound by `dynamic` blocks (`ingress.value`), innermost last.
    pub extra: BTreeMap<String, Value>,
}

impl<'v> ModuleScope<'v> {
    pub fn new(
        values: &'v Values,
        module: ModulePath,
        module_dir: &Path,
        root_dir: &Path,
    ) -> ModuleScope<'v> {
        ModuleScope {
            values,
            module,
            module_dir: module_dir.to_path_buf(),
            root_dir: root_dir.to_path_buf(),
            repetition: Repetition::None,
            extra: BTreeMap::new(),
        }
    }

    fn not_ready(&self, what: String, span: Span) -> Diagnostic {
        // The graph orders evaluation, so this only happens when an earlier step failed.
        Diagnostic::error("Value not available")
            .at(span)
            .detail(format!(
                "{what} has no value, because an earlier error stopped it from being evaluated."
            ))
    }
}

impl Scope for ModuleScope<'_> {
    fn resolve(
        &self,
        root: &str,
        attrs: &[&str],
        span: Span,
    ) -> Result<(Value, usize), Diagnostic> {
        if let Some(v) = self.extra.get(root) {
            return Ok((v.clone(), 0));
        }
        let m = self.values.module(&self.module);
        let need = |n: usize, example: &str| -> Result<(), Diagnostic> {
            if attrs.len() < n {
                Err(Diagnostic::error("Invalid reference")
                    .at(span)
                    .detail(format!(
                        "\"{root}\" must be followed by an attribute, as in {example}."
                    )))
            } else {
                Ok(())
            }
        };
        match root {
            "var" => {
                need(1, "var.region")?;
                let v = m.and_then(|m| m.variables.get(attrs[0])).cloned();
                v.map(|v| (v, 1)).ok_or_else(|| self.not_ready(format!("var.{}", attrs[0]), span))
            }
            "local" => {
                need(1, "local.name")?;
                let v = m.and_then(|m| m.locals.get(attrs[0])).cloned();
                v.map(|v| (v, 1)).ok_or_else(|| self.not_ready(format!("local.{}", attrs[0]), span))
            }
            "module" => {
                need(1, "module.network.vpc_id")?;
                let child = self.module.child(attrs[0]);
                let outputs = self.values.module(&child).map(|c| &c.outputs);
                if attrs.len() >= 2 {
                    let v = outputs.and_then(|o| o.get(attrs[1])).cloned();
                    v.map(|v| (v, 2))
                        .ok_or_else(|| self.not_ready(format!("module.{}.{}", attrs[0], attrs[1]), span))
                } else {
                    let map = outputs
                        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                        .unwrap_or_default();
                    Ok((Value::Object(map), 1))
                }
            }
            "data" => {
                need(2, "data.aws_vpc.shared.id")?;
                let addr = ResourceAddr { module: self.module.clone(), mode: Mode::Data, type_name: attrs[0].into(), name: attrs[1].into() };
                let v = self.values.resource(&addr).cloned();
                v.map(|v| (v, 2)).ok_or_else(|| self.not_ready(addr.to_string(), span))
            }
            "count" => match (&self.repetition, attrs.first()) {
                (Repetition::Count(i), Some(&"index")) => Ok((Value::from(*i), 1)),
                (Repetition::Unknown, Some(&"index")) => Ok((Value::Unknown, 1)),
                _ => Err(Diagnostic::error("Reference to \"count\" in non-counted context")
                    .at(span)
                    .detail("count.index is only available in blocks that set count.")
                    .hint("add count = N to the resource, or remove the reference")),
            },
            "each" => match (&self.repetition, attrs.first()) {
                (Repetition::Each { key, .. }, Some(&"key")) => Ok((Value::from(key.as_str()), 1)),
                (Repetition::Unknown, Some(&"key" | &"value")) => Ok((Value::Unknown, 1)),
                (Repetition::Each { value, .. }, Some(&"value")) => Ok((value.clone(), 1)),
                (Repetition::Each { .. }, _) => Err(Diagnostic::error("Invalid reference").at(span).detail("Use each.key or each.value.")),
                _ => Err(Diagnostic::error("Reference to \"each\" in context without for_each")
                    .at(span)
                    .detail("each.key and each.value are only available in blocks that set for_each.")),
            },
            "path" => {
                need(1, "path.module")?;
                let p = match attrs[0] {
                    "module" => self.module_dir.clone(),
                    "root" => self.root_dir.clone(),
                    "cwd" => self.root_dir.clone(),
                    other => {
                        return Err(Diagnostic::error("Invalid \"path\" attribute")
                            .at(span)
                            .detail(format!("path.{other} does not exist: use path.module, path.root or path.cwd.")))
                    }
                };
                Ok((Value::from(p.to_string_lossy().to_string()), 1))
            }
            "terraform" => match attrs.first() {
                Some(&"workspace") => Ok((
                    Value::from(self.values.workspace.as_deref().unwrap_or("default")),
                    1,
                )),
                _ => Err(Diagnostic::error("Invalid \"terraform\" attribute").at(span).detail("Only terraform.workspace is available.")),
            },
            "self" => Err(Diagnostic::error("Invalid \"self\" reference")
                .at(span)
                .detail("\"self\" is only meaningful in provisioner and connection blocks, which clusterform does not run.")),
            type_name => {
                need(1, &format!("{type_name}.NAME"))?;
                let addr = ResourceAddr::managed(self.module.clone(), type_name, attrs[0]);
                let v = self.values.resource(&addr).cloned();
                v.map(|v| (v, 1)).ok_or_else(|| self.not_ready(addr.to_string(), span))
            }
        }
    }

    fn base_dir(&self) -> &Path {
        &self.module_dir
    }
}
