//! Values for the root module's input variables, from every place Terraform users expect.
//!
//! Later sources win, as in Terraform: `TF_VAR_name` environment variables, then
//! `terraform.tfvars`, then `*.auto.tfvars` in lexical order, then `--var` and `--var-file`
//! in the order given on the command line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::constant::eval_constant;
use super::loader::parse_file;
use super::model::{Module, Variable};
use crate::diag::{Diagnostic, Diagnostics, SourceMap};
use crate::value::{Type, Value};

/// One `--var` or `--var-file` argument, in command-line order.
#[derive(Clone, Debug, PartialEq)]
pub enum VarArg {
    /// `--var NAME=VALUE`.
    Pair(String),
    /// `--var-file FILE`.
    File(PathBuf),
}

/// Where a value came from, for messages.
#[derive(Clone, Debug)]
enum Origin {
    Env,
    File,
    Cli,
}

/// Resolves the root module's variables. `env` is the process environment (passed in so tests
/// can control it). File names are shown relative to `display_base`.
pub fn resolve(
    module: &Module,
    args: &[VarArg],
    env: &BTreeMap<String, String>,
    display_base: &Path,
    sources: &mut SourceMap,
    recorded: &BTreeMap<String, Value>,
) -> (BTreeMap<String, Value>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut raw: BTreeMap<String, (Value, Origin)> = BTreeMap::new();

    for (key, value) in env {
        if let Some(name) = key.strip_prefix("TF_VAR_") {
            if let Some(var) = module.variables.get(name) {
                match parse_raw(var, value) {
                    Ok(v) => {
                        raw.insert(name.to_string(), (v, Origin::Env));
                    }
                    Err(msg) => diags.push(Diagnostic::error("Invalid value for variable").detail(
                        format!("The environment variable {key} is not valid: {msg}"),
                    )),
                }
            }
        }
    }

    let mut files: Vec<PathBuf> = Vec::new();
    let default_file = module.dir.join("terraform.tfvars");
    if default_file.is_file() {
        files.push(default_file);
    }
    if let Ok(entries) = fs_err::read_dir(&module.dir) {
        let mut auto: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with(".auto.tfvars"))
            })
            .collect();
        auto.sort();
        files.extend(auto);
    }
    for file in &files {
        read_tfvars(
            module,
            file,
            display_base,
            sources,
            &mut raw,
            &mut diags,
            false,
        );
    }
    for arg in args {
        match arg {
            VarArg::File(path) => {
                let path = if path.is_absolute() {
                    path.clone()
                } else {
                    module.dir.join(path)
                };
                read_tfvars(
                    module,
                    &path,
                    display_base,
                    sources,
                    &mut raw,
                    &mut diags,
                    true,
                );
            }
            VarArg::Pair(pair) => {
                let Some((name, value)) = pair.split_once('=') else {
                    diags.push(
                        Diagnostic::error("Invalid --var option")
                            .detail(format!(
                                "The option --var \"{pair}\" is not of the form NAME=VALUE."
                            ))
                            .hint("write --var 'region=eu-west-1'"),
                    );
                    continue;
                };
                let name = name.trim();
                match module.variables.get(name) {
                    Some(var) => match parse_raw(var, value) {
                        Ok(v) => {
                            raw.insert(name.to_string(), (v, Origin::Cli));
                        }
                        Err(msg) => diags.push(
                            Diagnostic::error("Invalid value for variable").detail(format!(
                                "The value given with --var for \"{name}\" is not valid: {msg}"
                            )),
                        ),
                    },
                    None => diags.push(undeclared(module, name, "--var")),
                }
            }
        }
    }

    let mut values = BTreeMap::new();
    for (name, var) in &module.variables {
        let value = match raw.remove(name) {
            Some((v, origin)) => match var.ty.convert(v) {
                Ok(v) => v,
                Err(e) => {
                    let from = match origin {
                        Origin::Env => format!("the environment variable TF_VAR_{name}"),
                        Origin::File => "a variables file".to_string(),
                        Origin::Cli => "--var".to_string(),
                    };
                    diags.push(
                        Diagnostic::error("Invalid value for variable")
                            .at(var.span)
                            .detail(format!("The value for \"{name}\" from {from} does not fit the type {}: {e}.", var.ty)),
                    );
                    continue;
                }
            },
            // A saved plan's values win over defaults; its placeholders for sensitive values
            // (unknown) only stand in when there is no default to check the digest against.
            None => match (recorded.get(name), &var.default) {
                (Some(r), _) if !r.is_unknown() => r.clone(),
                (_, Some(d)) => d.clone(),
                (Some(r), None) => r.clone(),
                (None, None) => {
                    diags.push(
                        Diagnostic::error("No value for required variable")
                            .at(var.span)
                            .detail(format!("The root module input variable \"{name}\" is not set, and has no default value."))
                            .hint(format!("set it with --var '{name}=…', in terraform.tfvars, or with the environment variable TF_VAR_{name}")),
                    );
                    continue;
                }
            },
        };
        if value.is_null() && !var.nullable {
            diags.push(
                Diagnostic::error("Required variable not set")
                    .at(var.span)
                    .detail(format!(
                        "The variable \"{name}\" is not nullable, but its value is null."
                    )),
            );
            continue;
        }
        values.insert(name.clone(), value.mark_if(var.sensitive));
    }
    (values, diags)
}

fn undeclared(module: &Module, name: &str, from: &str) -> Diagnostic {
    let mut d = Diagnostic::error("Value for undeclared variable")
        .detail(format!("A variable named \"{name}\" was assigned with {from}, but the root module does not declare it."));
    if let Some(s) = crate::suggest::closest(name, module.variables.keys().map(String::as_str)) {
        d = d.hint(format!("did you mean \"{s}\"?"));
    } else {
        d = d.hint(format!(
            "declare it with variable \"{name}\" {{}} or remove the assignment"
        ));
    }
    d
}

/// A `--var` or `TF_VAR_` string: taken literally for primitive types, parsed as an HCL
/// expression for collections, as Terraform does.
fn parse_raw(var: &Variable, raw: &str) -> Result<Value, String> {
    match var.ty {
        Type::String | Type::Number | Type::Bool | Type::Any => Ok(Value::String(raw.to_string())),
        _ => {
            let expr =
                hcl_edit::parser::parse_expr(raw).map_err(|e| e.message().replace('\n', " "))?;
            let mut sources = SourceMap::new();
            let id = sources.add("<value>", raw);
            let lowered =
                crate::lang::lower::lower_expr(&expr, id, crate::diag::Span::new(id, 0..raw.len()));
            eval_constant(&lowered, Path::new("."), "A variable value")
                .map_err(|d| d.detail.unwrap_or(d.summary))
        }
    }
}

fn read_tfvars(
    module: &Module,
    path: &Path,
    display_base: &Path,
    sources: &mut SourceMap,
    raw: &mut BTreeMap<String, (Value, Origin)>,
    diags: &mut Diagnostics,
    explicit: bool,
) {
    let text = match fs_err::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error("Cannot read variables file").detail(e.to_string()));
            return;
        }
    };
    let name = path
        .strip_prefix(display_base)
        .unwrap_or(path)
        .to_string_lossy()
        .to_string();
    let Some(body) = parse_file(&name, text, sources, diags) else {
        return;
    };
    for block in &body.blocks {
        diags.push(
            Diagnostic::error("Unexpected block in variables file")
                .at(block.kind_span)
                .detail("A variables file holds only NAME = VALUE assignments."),
        );
    }
    for attr in &body.attributes {
        if !module.variables.contains_key(&attr.name) {
            let d = undeclared(module, &attr.name, "a variables file").at(attr.name_span);
            // Terraform warns for undeclared names in files (they may be shared between
            // configurations) and errors for --var-file only when it was named explicitly.
            let d = if explicit {
                d
            } else {
                Diagnostic {
                    severity: crate::diag::Severity::Warning,
                    ..d
                }
            };
            diags.push(d);
            continue;
        }
        match eval_constant(&attr.expr, &module.dir, "A variables file") {
            Ok(v) => {
                raw.insert(attr.name.clone(), (v, Origin::File));
            }
            Err(d) => diags.push(d),
        }
    }
}
