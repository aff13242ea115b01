//! Reads a directory of `*.tf` files, and the local modules it calls, into a [`Config`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::body::{from_hcl, Body};
use super::constant::eval_string;
use super::decode::{decode_into, decode_references, expect_labels};
use super::model::{Module, ModuleCall};
use crate::addr::ModulePath;
use crate::diag::{Diagnostic, Diagnostics, SourceMap, Span};

/// Module blocks may nest this deep before we assume a cycle of module sources.
const MAX_MODULE_DEPTH: usize = 16;

/// A whole configuration: the root module, its children, and every file read.
#[derive(Clone, Debug)]
pub struct Config {
    pub root: Module,
    pub sources: SourceMap,
    /// How many of `sources` are configuration files; later ones are variable files.
    pub config_files: usize,
}

impl Config {
    /// Every module, parents before children.
    pub fn modules(&self) -> Vec<&Module> {
        fn walk<'a>(m: &'a Module, out: &mut Vec<&'a Module>) {
            out.push(m);
            for call in m.module_calls.values() {
                walk(&call.module, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }

    pub fn module(&self, path: &ModulePath) -> Option<&Module> {
        let mut m = &self.root;
        for name in &path.0 {
            m = &m.module_calls.get(name)?.module;
        }
        Some(m)
    }

    /// A digest of every configuration file's name and content, so a saved plan can tell
    /// whether the configuration changed since it was made.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for (_, name, text) in self.sources.files().take(self.config_files) {
            h.update(name.as_bytes());
            h.update([0]);
            h.update(text.as_bytes());
            h.update([0]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Loads the configuration rooted at `dir`. File names in diagnostics are shown relative to
/// `display_base` (usually the directory the user ran clusterform from).
pub fn load(dir: &Path, display_base: &Path) -> (Option<Config>, Diagnostics) {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::new();
    let mut stack = Vec::new();
    let root = load_module(
        dir,
        ModulePath::root(),
        display_base,
        &mut sources,
        &mut diags,
        &mut stack,
    );
    match root {
        Some(root) => {
            let config_files = sources.files().count();
            (
                Some(Config {
                    root,
                    sources,
                    config_files,
                }),
                diags,
            )
        }
        None => (None, diags),
    }
}

fn display_name(path: &Path, base: &Path) -> String {
    let shown = path.strip_prefix(base).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// Joins a relative module source onto a directory without leaving `./` or `x/..` in it, so
/// file names in messages stay clean.
fn join_clean(base: &Path, rel: &str) -> PathBuf {
    let mut out = base.to_path_buf();
    for c in Path::new(rel).components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Parses one file's text into a [`Body`], reporting a syntax error at its place.
pub fn parse_file(
    name: &str,
    text: String,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Body> {
    let id = sources.add(name, text);
    let text = sources.text(id);
    let whole = Span::new(id, 0..0);
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Some(from_hcl(&body, id, whole)),
        Err(e) => {
            let at = e.location().offset().min(text.len());
            // The parser may stop at the start of the attribute that holds the string.
            let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
            if let Some(quote) = super::unterminated::find(text).filter(|q| *q <= line_end) {
                diags.push(
                    Diagnostic::error("Unterminated string")
                        .at(Span::new(id, quote..quote + 1))
                        .detail("This quoted string has no closing quote on its line; a quoted string in HCL cannot span lines.")
                        .hint("add the closing \" (for text over several lines, use a heredoc: <<EOT … EOT)"),
                );
                return None;
            }
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let message = e.message().replace('\n', " ");
            diags.push(
                Diagnostic::error("Syntax error")
                    .at(Span::new(id, at..end))
                    .detail(format!("The configuration could not be parsed: {message}."))
                    .hint("check for a missing closing brace, quote or bracket just before this point"),
            );
            None
        }
    }
}

fn tf_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs_err::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tf"))
        .collect();
    files.sort();
    Ok(files)
}

fn load_module(
    dir: &Path,
    path: ModulePath,
    display_base: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    stack: &mut Vec<PathBuf>,
) -> Option<Module> {
    let files = match tf_files(dir) {
        Ok(files) => files,
        Err(e) => {
            diags.push(
                Diagnostic::error("Cannot read configuration directory").detail(e.to_string()),
            );
            return None;
        }
    };
    if files.is_empty() && path.is_root() {
        diags.push(
            Diagnostic::error("No configuration files")
                .detail(format!(
                    "The directory {} contains no .tf files.",
                    dir.display()
                ))
                .hint("run clusterform in a directory with .tf files, or pass --chdir DIR"),
        );
        return None;
    }
    let mut module = Module {
        path: path.clone(),
        dir: dir.to_path_buf(),
        variables: BTreeMap::new(),
        locals: BTreeMap::new(),
        outputs: BTreeMap::new(),
        providers: Vec::new(),
        resources: Vec::new(),
        resource_positions: std::collections::HashMap::new(),
        module_calls: BTreeMap::new(),
        backend: None,
    };
    let mut bodies = Vec::new();
    for file in files {
        let name = display_name(&file, display_base);
        match fs_err::read_to_string(&file) {
            Ok(text) => {
                if let Some(body) = parse_file(&name, text, sources, diags) {
                    bodies.push(body);
                }
            }
            Err(e) => diags
                .push(Diagnostic::error("Cannot read configuration file").detail(e.to_string())),
        }
    }
    for body in &bodies {
        decode_into(&mut module, body, diags);
    }
    stack.push(dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
    for body in &bodies {
        for block in body.blocks.iter().filter(|b| b.kind == "module") {
            if let Some(call) = load_call(&module, block, display_base, sources, diags, stack) {
                if module.module_calls.contains_key(&call.name) {
                    diags.push(
                        Diagnostic::error("Duplicate module call")
                            .at(block.span)
                            .detail(format!(
                                "A module call named \"{}\" was already declared.",
                                call.name
                            )),
                    );
                } else {
                    module.module_calls.insert(call.name.clone(), call);
                }
            }
        }
    }
    stack.pop();
    Some(module)
}

const MODULE_ARGS: &[&str] = &[
    "source",
    "version",
    "providers",
    "depends_on",
    "count",
    "for_each",
];

fn load_call(
    parent: &Module,
    block: &super::body::Block,
    display_base: &Path,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
    stack: &mut Vec<PathBuf>,
) -> Option<ModuleCall> {
    if !expect_labels(block, &["name"], diags) {
        return None;
    }
    let (name, _) = block.labels[0].clone();
    let body = &block.body;
    let source_attr = super::decode::required(body, "source", block, diags)?;
    let source = eval_string(&source_attr.expr, &parent.dir, "A module source")
        .map_err(|d| diags.push(d))
        .ok()?;
    for meta in ["count", "for_each"] {
        if let Some(a) = body.attribute(meta) {
            diags.push(
                Diagnostic::error(format!("\"{meta}\" on module calls is not supported yet"))
                    .at(a.name_span)
                    .detail("This version of clusterform expands resources with count and for_each, but not whole modules.")
                    .hint("move count or for_each onto the resources inside the module, driven by a module input"),
            );
        }
    }
    if !(source.starts_with("./") || source.starts_with("../")) {
        diags.push(
            Diagnostic::error("Unsupported module source")
                .at(source_attr.expr.span)
                .detail(format!("The module source \"{source}\" is not a local path. clusterform loads modules from local directories only, and downloads nothing."))
                .hint("vendor the module into your repository and use a path such as \"./modules/network\""),
        );
        return None;
    }
    let dir = join_clean(&parent.dir, &source);
    let canonical = dir.canonicalize().unwrap_or_else(|_| dir.clone());
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error("Module not found")
                .at(source_attr.expr.span)
                .detail(format!("The directory {} does not exist.", dir.display())),
        );
        return None;
    }
    if stack.contains(&canonical) || stack.len() >= MAX_MODULE_DEPTH {
        diags.push(
            Diagnostic::error("Module calls itself")
                .at(source_attr.expr.span)
                .detail(format!(
                    "Loading \"{source}\" would include a module inside itself."
                )),
        );
        return None;
    }
    let child_path = parent.path.child(&name);
    let module = load_module(&dir, child_path, display_base, sources, diags, stack)?;
    let inputs = body
        .attributes
        .iter()
        .filter(|a| !MODULE_ARGS.contains(&a.name.as_str()))
        .cloned()
        .collect::<Vec<_>>();
    for input in &inputs {
        if !module.variables.contains_key(&input.name) {
            let mut d = Diagnostic::error("Unsupported argument")
                .at(input.name_span)
                .detail(format!(
                    "The module \"{name}\" has no input variable named \"{}\".",
                    input.name
                ));
            if let Some(s) =
                crate::suggest::closest(&input.name, module.variables.keys().map(String::as_str))
            {
                d = d.hint(format!("did you mean \"{s}\"?"));
            }
            diags.push(d);
        }
    }
    for (var_name, var) in &module.variables {
        if var.default.is_none() && !inputs.iter().any(|i| &i.name == var_name) {
            diags.push(
                Diagnostic::error("Missing required argument")
                    .at(block.kind_span)
                    .detail(format!("The module \"{name}\" requires the input \"{var_name}\", which has no default.")),
            );
        }
    }
    let mut providers = BTreeMap::new();
    if let Some(p) = body.attribute("providers") {
        if let crate::lang::ExprKind::Object(entries) = &p.expr.kind {
            for (k, v) in entries {
                match (
                    k.as_traversal().or_else(|| {
                        k.as_literal()
                            .and_then(|l| l.as_str())
                            .map(|s| vec![s.to_string()])
                    }),
                    v.as_traversal(),
                ) {
                    (Some(k), Some(v)) => {
                        providers.insert(k.join("."), v.join("."));
                    }
                    _ => diags.push(
                        Diagnostic::error("Invalid providers map")
                            .at(p.expr.span)
                            .detail("Write providers = { aws = aws.west }."),
                    ),
                }
            }
        }
    }
    Some(ModuleCall {
        name,
        source,
        span: block.span,
        source_span: source_attr.expr.span,
        inputs,
        depends_on: body
            .attribute("depends_on")
            .map(|a| decode_references(a, diags))
            .unwrap_or_default(),
        providers,
        module: Box::new(module),
    })
}
