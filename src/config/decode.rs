//! Decodes a module's top-level blocks into [`Module`], collecting every problem found.

use std::collections::BTreeMap;
use std::path::Path;

use super::backend;
use super::body::{Attribute, Block, Body};
use super::constant::{eval_bool, eval_constant, eval_string};
use super::model::*;
use super::type_expr::parse_type;
use crate::addr::Mode;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::{Expr, ExprKind};
use crate::value::{Type, Value};

const TOP_LEVEL: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "locals",
    "resource",
    "data",
    "output",
    "module",
];

/// Meta-arguments every resource and data block accepts.
pub const RESOURCE_META: &[&str] = &["count", "for_each", "depends_on", "provider"];

/// Names that cannot be used for variables, because Terraform reserves them.
const RESERVED_VARIABLE_NAMES: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "lifecycle",
    "depends_on",
    "locals",
];

/// Adds the blocks of one file's body to `module`.
pub fn decode_into(module: &mut Module, body: &Body, diags: &mut Diagnostics) {
    for attr in &body.attributes {
        diags.push(
            Diagnostic::error("Unsupported argument")
                .at(attr.name_span)
                .detail(format!("An argument named \"{}\" is not expected at the top level of a configuration file.", attr.name))
                .hint("top-level arguments belong in a locals block or a .tfvars file"),
        );
    }
    for block in &body.blocks {
        let dir = module.dir.clone();
        match block.kind.as_str() {
            "terraform" => decode_terraform(module, block, diags),
            "provider" => {
                if let Some(p) = decode_provider(block, &dir, diags) {
                    module.providers.push(p);
                }
            }
            "variable" => {
                if let Some(v) = decode_variable(block, &dir, diags) {
                    insert_unique(
                        &mut module.variables,
                        v.name.clone(),
                        v,
                        block,
                        "variable",
                        diags,
                    );
                }
            }
            "locals" => {
                let names: Vec<&str> = block
                    .body
                    .attributes
                    .iter()
                    .map(|a| a.name.as_str())
                    .collect();
                block
                    .body
                    .check_allowed(&names, &[], "a locals block", diags);
                for attr in &block.body.attributes {
                    let local = Local {
                        name: attr.name.clone(),
                        expr: attr.expr.clone(),
                        span: attr.name_span,
                    };
                    if let Some(prev) = module.locals.get(&attr.name) {
                        diags.push(duplicate(
                            "local value",
                            &attr.name,
                            attr.name_span,
                            prev.span,
                        ));
                    } else {
                        module.locals.insert(attr.name.clone(), local);
                    }
                }
            }
            "resource" | "data" => {
                let mode = if block.kind == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                if let Some(r) = decode_resource(block, mode, &dir, diags) {
                    let key = (r.mode, r.type_name.clone(), r.name.clone());
                    if let Some(prev) = module
                        .resource_positions
                        .get(&key)
                        .map(|i| &module.resources[*i])
                    {
                        let what = if mode == Mode::Data {
                            "data source"
                        } else {
                            "resource"
                        };
                        diags.push(
                            duplicate(what, &r.addr(&module.path).to_string(), r.span, prev.span)
                                .hint("each resource block needs a unique name within its type; use count or for_each for several instances"),
                        );
                    } else {
                        module
                            .resource_positions
                            .insert(key, module.resources.len());
                        module.resources.push(r);
                    }
                }
            }
            "output" => {
                if let Some(o) = decode_output(block, &dir, diags) {
                    insert_unique(
                        &mut module.outputs,
                        o.name.clone(),
                        o,
                        block,
                        "output",
                        diags,
                    );
                }
            }
            // Module calls are decoded by the loader, which also loads the child module.
            "module" => {}
            other => {
                let mut d = Diagnostic::error("Unsupported block type")
                    .at(block.kind_span)
                    .detail(format!("Blocks of type \"{other}\" are not expected here."));
                if let Some(s) = crate::suggest::closest(other, TOP_LEVEL.iter().copied()) {
                    d = d.hint(format!("did you mean \"{s}\"?"));
                }
                diags.push(d);
            }
        }
    }
}

trait HasSpan {
    fn span(&self) -> crate::diag::Span;
}
impl HasSpan for Variable {
    fn span(&self) -> crate::diag::Span {
        self.span
    }
}
impl HasSpan for Output {
    fn span(&self) -> crate::diag::Span {
        self.span
    }
}

fn insert_unique<T: HasSpan>(
    map: &mut BTreeMap<String, T>,
    name: String,
    item: T,
    block: &Block,
    what: &str,
    diags: &mut Diagnostics,
) {
    if let Some(prev) = map.get(&name) {
        diags.push(duplicate(what, &name, block.span, prev.span()));
    } else {
        map.insert(name, item);
    }
}

fn duplicate(
    what: &str,
    name: &str,
    span: crate::diag::Span,
    _prev: crate::diag::Span,
) -> Diagnostic {
    Diagnostic::error(format!("Duplicate {what}"))
        .at(span)
        .detail(format!(
            "A {what} named \"{name}\" was already declared. Names must be unique within a module."
        ))
}

/// Checks the block has exactly `n` labels, naming them in the error.
pub fn expect_labels(block: &Block, names: &[&str], diags: &mut Diagnostics) -> bool {
    if block.labels.len() == names.len() {
        return true;
    }
    let want = names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(" ");
    diags.push(
        Diagnostic::error(format!("Wrong number of labels for a {} block", block.kind))
            .at(block.kind_span)
            .detail(format!(
                "A {} block needs {} label(s): {} {want} {{ … }}.",
                block.kind,
                names.len(),
                block.kind
            )),
    );
    false
}

fn push_err<T>(r: Result<T, Diagnostic>, diags: &mut Diagnostics) -> Option<T> {
    r.map_err(|d| diags.push(d)).ok()
}

fn decode_terraform(module: &mut Module, block: &Block, diags: &mut Diagnostics) {
    block.body.check_allowed(
        &["required_version", "experiments"],
        &["backend", "required_providers", "cloud"],
        "a terraform block",
        diags,
    );
    for b in block.body.blocks_of("cloud") {
        diags.push(
            Diagnostic::error("Unsupported cloud block")
                .at(b.kind_span)
                .detail("HCP Terraform (the cloud block) is not supported: clusterform runs locally and keeps state in its backend.")
                .hint("remove the cloud block; use backend \"s3\" or \"azurerm\" to share state"),
        );
    }
    for b in block.body.blocks_of("backend") {
        if !expect_labels(b, &["type"], diags) {
            continue;
        }
        let kind = b.labels[0].0.clone();
        let Some(known) = backend::kind(&kind) else {
            diags.push(
                Diagnostic::error("Unsupported backend type")
                    .at(b.labels[0].1)
                    .detail(format!(
                        "The backend \"{kind}\" is not supported; clusterform stores state with the {} backends.",
                        backend::kind_names()
                    ))
                    .hint("use backend \"s3\" or \"azurerm\" for shared state, backend \"local\" for a file, or remove the backend block"),
            );
            continue;
        };
        known.check_body(&b.body, diags);
        let settings =
            push_err(backend::settings_of(&b.body, &module.dir), diags).unwrap_or_default();
        if module.backend.is_some() {
            diags.push(
                Diagnostic::error("Duplicate backend configuration")
                    .at(b.span)
                    .detail("A module may declare only one backend."),
            );
        }
        module.backend = Some(BackendConfig {
            kind,
            body: b.body.clone(),
            settings,
            span: b.span,
        });
    }
}

fn decode_provider(block: &Block, dir: &Path, diags: &mut Diagnostics) -> Option<ProviderConfig> {
    if !expect_labels(block, &["name"], diags) {
        return None;
    }
    let mut body = block.body.clone();
    let mut alias = None;
    if let Some(pos) = body.attributes.iter().position(|a| a.name == "alias") {
        let attr = body.attributes.remove(pos);
        alias = push_err(eval_string(&attr.expr, dir, "alias"), diags);
    }
    body.attributes.retain(|a| a.name != "version");
    Some(ProviderConfig {
        name: block.labels[0].0.clone(),
        alias,
        body,
        span: block.span,
    })
}

fn decode_variable(block: &Block, dir: &Path, diags: &mut Diagnostics) -> Option<Variable> {
    if !expect_labels(block, &["name"], diags) {
        return None;
    }
    let (name, name_span) = block.labels[0].clone();
    if RESERVED_VARIABLE_NAMES.contains(&name.as_str()) {
        diags.push(
            Diagnostic::error("Invalid variable name")
                .at(name_span)
                .detail(format!(
                "The variable name \"{name}\" is reserved because it is a module block argument."
            )),
        );
    }
    let b = &block.body;
    b.check_allowed(
        &[
            "type",
            "default",
            "description",
            "sensitive",
            "nullable",
            "ephemeral",
        ],
        &["validation"],
        "a variable block",
        diags,
    );
    let ty = b
        .attribute("type")
        .and_then(|a| push_err(parse_type(&a.expr, dir), diags))
        .unwrap_or(Type::Any);
    let mut default = b.attribute("default").and_then(|a| {
        push_err(eval_constant(&a.expr, dir, "A variable's default"), diags).map(|v| (v, a))
    });
    if let Some((v, attr)) = default.take() {
        match ty.convert(v) {
            Ok(v) => default = Some((v, attr)),
            Err(e) => diags.push(
                Diagnostic::error("Invalid default value for variable")
                    .at(attr.expr.span)
                    .detail(format!("This default value is not compatible with the variable's type constraint {ty}: {e}.")),
            ),
        }
    }
    let flag = |n: &str, what: &'static str, diags: &mut Diagnostics| {
        b.attribute(n)
            .and_then(|a| push_err(eval_bool(&a.expr, dir, what), diags))
    };
    let sensitive = flag("sensitive", "sensitive", diags).unwrap_or(false);
    let nullable = flag("nullable", "nullable", diags).unwrap_or(true);
    let description = b
        .attribute("description")
        .and_then(|a| push_err(eval_string(&a.expr, dir, "description"), diags));
    let mut validations = Vec::new();
    for v in b.blocks_of("validation") {
        v.body.check_allowed(
            &["condition", "error_message"],
            &[],
            "a validation block",
            diags,
        );
        let condition = required(&v.body, "condition", v, diags);
        let message = required(&v.body, "error_message", v, diags);
        if let (Some(c), Some(m)) = (condition, message) {
            check_only_refers_to_self(&c.expr, &name, diags);
            validations.push(Validation {
                condition: c.expr.clone(),
                error_message: m.expr.clone(),
                span: v.span,
            });
        }
    }
    Some(Variable {
        name,
        span: name_span,
        ty,
        default: default.map(|(v, _)| v),
        description,
        sensitive,
        nullable,
        validations,
    })
}

/// A validation condition must test the variable it belongs to.
fn check_only_refers_to_self(expr: &Expr, name: &str, diags: &mut Diagnostics) {
    let mut found = false;
    super::refs::walk_references(expr, &mut |parts, _| {
        if parts.first().map(String::as_str) == Some("var")
            && parts.get(1).map(String::as_str) == Some(name)
        {
            found = true;
        }
    });
    if !found {
        diags.push(
            Diagnostic::error("Invalid variable validation condition")
                .at(expr.span)
                .detail(format!("The condition for variable \"{name}\" must refer to var.{name} in order to test incoming values.")),
        );
    }
}

pub fn required<'a>(
    body: &'a Body,
    name: &str,
    block: &Block,
    diags: &mut Diagnostics,
) -> Option<&'a Attribute> {
    let found = body.attribute(name);
    if found.is_none() {
        diags.push(
            Diagnostic::error("Missing required argument")
                .at(block.kind_span)
                .detail(format!(
                    "The argument \"{name}\" is required, but no definition was found."
                )),
        );
    }
    found
}

pub fn decode_references(attr: &Attribute, diags: &mut Diagnostics) -> Vec<Reference> {
    let ExprKind::Tuple(items) = &attr.expr.kind else {
        diags.push(
            Diagnostic::error("Invalid expression")
                .at(attr.expr.span)
                .detail(format!(
                    "{} must be a list of references, such as [aws_vpc.main].",
                    attr.name
                )),
        );
        return Vec::new();
    };
    items
        .iter()
        .filter_map(|item| match item.as_traversal() {
            Some(parts) => Some(Reference { parts, span: item.span }),
            None => {
                diags.push(
                    Diagnostic::error("Invalid reference")
                        .at(item.span)
                        .detail(format!("Each item in {} must be a reference to a resource, data source or module, not an expression.", attr.name)),
                );
                None
            }
        })
        .collect()
}

fn decode_resource(
    block: &Block,
    mode: Mode,
    dir: &Path,
    diags: &mut Diagnostics,
) -> Option<Resource> {
    if !expect_labels(block, &["type", "name"], diags) {
        return None;
    }
    let (type_name, type_span) = block.labels[0].clone();
    let name = block.labels[1].0.clone();
    let mut body = block.body.clone();
    let mut take = |n: &str| {
        body.attributes
            .iter()
            .position(|a| a.name == n)
            .map(|i| body.attributes.remove(i))
    };
    let count = take("count").map(|a| a.expr);
    let for_each = take("for_each").map(|a| a.expr);
    let depends_on = take("depends_on")
        .map(|a| decode_references(&a, diags))
        .unwrap_or_default();
    let provider = take("provider").and_then(|a| match a.expr.as_traversal() {
        Some(parts) if parts.len() <= 2 => Some((parts.join("."), a.expr.span)),
        _ => {
            diags.push(
                Diagnostic::error("Invalid provider reference")
                    .at(a.expr.span)
                    .detail("The provider argument takes a bare provider reference such as aws or aws.west, not a string."),
            );
            None
        }
    });
    if let (Some(c), Some(_)) = (&count, &for_each) {
        diags.push(
            Diagnostic::error("Invalid combination of \"count\" and \"for_each\"")
                .at(c.span)
                .detail("The \"count\" and \"for_each\" meta-arguments are mutually exclusive; only one may be used at a time."),
        );
    }
    let mut lifecycle = Lifecycle::default();
    let mut lifecycle_blocks = body.blocks.iter().filter(|b| b.kind == "lifecycle");
    if let Some(lb) = lifecycle_blocks.next() {
        lifecycle = decode_lifecycle(lb, dir, diags);
    }
    for extra in lifecycle_blocks {
        diags.push(
            Diagnostic::error("Duplicate lifecycle block")
                .at(extra.kind_span)
                .detail("A resource may have only one lifecycle block."),
        );
    }
    body.blocks.retain(|b| b.kind != "lifecycle");
    Some(Resource {
        mode,
        type_name,
        name,
        span: block.span,
        type_span,
        count,
        for_each,
        depends_on,
        provider,
        lifecycle,
        body,
    })
}

fn decode_lifecycle(block: &Block, dir: &Path, diags: &mut Diagnostics) -> Lifecycle {
    block.body.check_allowed(
        &[
            "prevent_destroy",
            "create_before_destroy",
            "ignore_changes",
            "replace_triggered_by",
        ],
        &["precondition", "postcondition"],
        "a lifecycle block",
        diags,
    );
    for b in block
        .body
        .blocks
        .iter()
        .filter(|b| b.kind == "precondition" || b.kind == "postcondition")
    {
        diags.push(
            Diagnostic::warning(format!("{} blocks are not checked yet", b.kind))
                .at(b.kind_span)
                .detail("This version of clusterform reads custom conditions but does not evaluate them, so they cannot stop a plan.")
                .hint("express the rule as a variable validation, which clusterform does check"),
        );
    }
    let mut lc = Lifecycle::default();
    for attr in &block.body.attributes {
        match attr.name.as_str() {
            "prevent_destroy" => {
                lc.prevent_destroy = push_err(eval_bool(&attr.expr, dir, "prevent_destroy"), diags).unwrap_or(false)
            }
            "create_before_destroy" => {
                lc.create_before_destroy =
                    push_err(eval_bool(&attr.expr, dir, "create_before_destroy"), diags).unwrap_or(false)
            }
            "ignore_changes" => lc.ignore_changes = decode_ignore_changes(&attr.expr, diags),
            "replace_triggered_by" => match &attr.expr.kind {
                ExprKind::Tuple(items) => lc.replace_triggered_by = items.clone(),
                _ => diags.push(
                    Diagnostic::error("Invalid replace_triggered_by")
                        .at(attr.expr.span)
                        .detail("replace_triggered_by takes a list of resource references or attributes."),
                ),
            },
            _ => {}
        }
    }
    lc
}

fn decode_ignore_changes(expr: &Expr, diags: &mut Diagnostics) -> IgnoreChanges {
    if expr.as_keyword() == Some("all") {
        return IgnoreChanges::All;
    }
    if let ExprKind::Literal(Value::String(s)) = &expr.kind {
        if s == "all" {
            return IgnoreChanges::All;
        }
    }
    let ExprKind::Tuple(items) = &expr.kind else {
        diags.push(
            Diagnostic::error("Invalid ignore_changes")
                .at(expr.span)
                .detail("ignore_changes takes `all` or a list of attribute names, such as [tags]."),
        );
        return IgnoreChanges::None;
    };
    let mut paths = Vec::new();
    for item in items {
        match item.as_traversal() {
            Some(parts) => paths.push(parts),
            None => diags.push(
                Diagnostic::error("Invalid ignore_changes")
                    .at(item.span)
                    .detail("Each item must be an attribute name, such as tags or vpc_config.public_access_cidrs."),
            ),
        }
    }
    IgnoreChanges::Paths(paths)
}

fn decode_output(block: &Block, dir: &Path, diags: &mut Diagnostics) -> Option<Output> {
    if !expect_labels(block, &["name"], diags) {
        return None;
    }
    let b = &block.body;
    b.check_allowed(
        &[
            "value",
            "description",
            "sensitive",
            "depends_on",
            "ephemeral",
        ],
        &["precondition"],
        "an output block",
        diags,
    );
    let value = required(b, "value", block, diags)?;
    Some(Output {
        name: block.labels[0].0.clone(),
        expr: value.expr.clone(),
        description: b
            .attribute("description")
            .and_then(|a| push_err(eval_string(&a.expr, dir, "description"), diags)),
        sensitive: b
            .attribute("sensitive")
            .and_then(|a| push_err(eval_bool(&a.expr, dir, "sensitive"), diags))
            .unwrap_or(false),
        depends_on: b
            .attribute("depends_on")
            .map(|a| decode_references(a, diags))
            .unwrap_or_default(),
        span: block.span,
    })
}
