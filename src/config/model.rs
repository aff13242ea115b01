//! Typed configuration of one module, decoded from its `*.tf` files.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::body::{Attribute, Body};
use crate::addr::{Mode, ModulePath, ResourceAddr};
use crate::diag::Span;
use crate::lang::Expr;
use crate::value::{Type, Value};

/// One module: the root directory or a `module` block's source.
#[derive(Clone, Debug)]
pub struct Module {
    pub path: ModulePath,
    /// The directory the module's files are in (`path.module`).
    pub dir: PathBuf,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    pub providers: Vec<ProviderConfig>,
    pub resources: Vec<Resource>,
    /// Where each (mode, type, name) is in `resources`, for duplicate checks and lookups.
    pub resource_positions: std::collections::HashMap<(Mode, String, String), usize>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub backend: Option<BackendConfig>,
}

#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub span: Span,
    pub ty: Type,
    /// The default, already evaluated (defaults may not reference anything).
    pub default: Option<Value>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<Validation>,
}

#[derive(Clone, Debug)]
pub struct Validation {
    pub condition: Expr,
    pub error_message: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub expr: Expr,
    pub description: Option<String>,
    pub sensitive: bool,
    pub depends_on: Vec<Reference>,
    pub span: Span,
}

/// A `provider` block.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    /// The block's arguments other than `alias`.
    pub body: Body,
    pub span: Span,
}

impl ProviderConfig {
    /// `aws` or `aws.west`, as resources refer to it.
    pub fn local_name(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A static reference written in `depends_on` or `replace_triggered_by`.
#[derive(Clone, Debug)]
pub struct Reference {
    pub parts: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    pub prevent_destroy: bool,
    pub create_before_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    pub replace_triggered_by: Vec<Expr>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum IgnoreChanges {
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths such as `tags` or `vpc_config.public_access_cidrs`.
    Paths(Vec<Vec<String>>),
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub struct Resource {
    pub mode: Mode,
    pub type_name: String,
    pub name: String,
    pub span: Span,
    pub type_span: Span,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Reference>,
    /// `provider = aws.west`, when written.
    pub provider: Option<(String, Span)>,
    pub lifecycle: Lifecycle,
    /// The arguments and blocks other than the meta-arguments.
    pub body: Body,
}

impl Resource {
    pub fn addr(&self, module: &ModulePath) -> ResourceAddr {
        ResourceAddr {
            module: module.clone(),
            mode: self.mode,
            type_name: self.type_name.clone(),
            name: self.name.clone(),
        }
    }

    /// The provider configuration this resource uses: `provider = …`, or the type's prefix.
    pub fn provider_local_name(&self) -> String {
        match &self.provider {
            Some((p, _)) => p.clone(),
            None => provider_for_type(&self.type_name).to_string(),
        }
    }
}

/// The provider a resource type belongs to: the part before the first underscore.
pub fn provider_for_type(type_name: &str) -> &str {
    type_name.split('_').next().unwrap_or(type_name)
}

/// A `module` block.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub span: Span,
    pub source_span: Span,
    pub inputs: Vec<Attribute>,
    pub depends_on: Vec<Reference>,
    /// Provider configurations passed explicitly: child name → parent name.
    pub providers: BTreeMap<String, String>,
    pub module: Box<Module>,
}

/// `terraform { backend "KIND" { … } }`.
#[derive(Clone, Debug)]
pub struct BackendConfig {
    pub kind: String,
    pub body: Body,
    /// The block's arguments as flat strings (see [`super::backend`]).
    pub settings: super::backend::BackendSettings,
    pub span: Span,
}
