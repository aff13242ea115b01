//! Visits shared by the plan and apply walks: variables of child modules, locals, outputs and
//! provider configurations.

use crate::addr::ModulePath;
use crate::diag::{Diagnostic, Diagnostics};
use crate::lang::Evaluator;
use crate::providers::{ConfigSpans, ConfigureRequest};
use crate::value::Value;

use super::resource_config::{check_body, eval_body};
use super::run::{lock, ProviderKey, Run};

/// Evaluates a child module's input variable from the parent's module call.
pub fn visit_variable(run: &Run, module: &ModulePath, name: &str) -> bool {
    if module.is_root() {
        // Set before the walk from --var, files and the environment; only validations remain.
        return check_validations(run, module, name);
    }
    let m = run.module(module);
    let Some(var) = m.variables.get(name) else {
        return false;
    };
    let mut parent = module.clone();
    let call_name = parent.0.pop().expect("child module has a name");
    let call = &run.module(&parent).module_calls[&call_name];
    let raw = match call.inputs.iter().find(|i| i.name == name) {
        Some(input) => match run.with_scope(&parent, |s| Evaluator::new(s).eval(&input.expr)) {
            Ok(v) => Some((v, input.expr.span)),
            Err(d) => {
                run.push(d);
                return false;
            }
        },
        None => None,
    };
    let value = match raw {
        Some((v, span)) => {
            match var.ty.convert(v) {
                Ok(v) if v.is_null() && var.default.is_some() && !var.nullable => {
                    var.default.clone().unwrap_or(Value::Null)
                }
                Ok(v) if v.is_null() && !var.nullable => {
                    run.push(
                        Diagnostic::error("Invalid value for module argument")
                            .at(span)
                            .detail(format!("The variable \"{name}\" is not nullable, but the module call gives it null."))
                            .hint("pass a value, or give the variable a default"),
                    );
                    return false;
                }
                Ok(v) => v,
                Err(e) => {
                    run.push(
                    Diagnostic::error("Invalid value for module argument")
                        .at(span)
                        .detail(format!("The value for \"{name}\" does not fit the variable's type {}: {e}.", var.ty)),
                );
                    return false;
                }
            }
        }
        None => var.default.clone().unwrap_or(Value::Null),
    };
    lock(&run.values)
        .module_mut(module)
        .variables
        .insert(name.to_string(), value.mark_if(var.sensitive));
    check_validations(run, module, name)
}

/// Runs a variable's `validation` blocks.
pub fn check_validations(run: &Run, module: &ModulePath, name: &str) -> bool {
    let var = &run.module(module).variables[name];
    let mut ok = true;
    for v in &var.validations {
        let result = run.with_scope(module, |s| {
            let mut e = Evaluator::new(s);
            e.eval(&v.condition).map(|c| (c, e.eval(&v.error_message)))
        });
        match result {
            Ok((c, msg)) => match c.unmarked() {
                Value::Bool(true) | Value::Unknown => {}
                Value::Bool(false) => {
                    let message = match msg {
                        Ok(m) if m.contains_sensitive() => {
                            "(the error message refers to a sensitive value)".to_string()
                        }
                        Ok(m) => m
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| m.to_string()),
                        Err(d) => d.detail.unwrap_or(d.summary),
                    };
                    run.push(
                        Diagnostic::error("Invalid value for variable")
                            .at(v.condition.span)
                            .detail(format!("{message}\n\nThis was checked by the validation rule for var.{name}.")),
                    );
                    ok = false;
                }
                other => {
                    run.push(
                        Diagnostic::error("Invalid validation result")
                            .at(v.condition.span)
                            .detail(format!(
                                "A validation condition must be true or false, not a {}.",
                                other.type_name()
                            )),
                    );
                    ok = false;
                }
            },
            Err(d) => {
                run.push(d);
                ok = false;
            }
        }
    }
    ok
}

pub fn visit_local(run: &Run, module: &ModulePath, name: &str) -> bool {
    let local = &run.module(module).locals[name];
    match run.with_scope(module, |s| Evaluator::new(s).eval(&local.expr)) {
        Ok(v) => {
            lock(&run.values)
                .module_mut(module)
                .locals
                .insert(name.to_string(), v);
            true
        }
        Err(d) => {
            run.push(d);
            false
        }
    }
}

/// [`visit_local`] for a destroy plan: a local that cannot be evaluated (it refers to an
/// object that is gone) is unknown, and no error.
pub fn visit_local_leniently(run: &Run, module: &ModulePath, name: &str) -> bool {
    let local = &run.module(module).locals[name];
    let v = run
        .with_scope(module, |s| Evaluator::new(s).eval(&local.expr))
        .unwrap_or(Value::Unknown);
    lock(&run.values)
        .module_mut(module)
        .locals
        .insert(name.to_string(), v);
    true
}

/// An output for a destroy plan, which removes outputs rather than showing them: stored for
/// `module.x.name` references where it can be evaluated, unknown where it cannot.
pub fn visit_output_leniently(run: &Run, module: &ModulePath, name: &str) -> bool {
    let output = &run.module(module).outputs[name];
    let v = run
        .with_scope(module, |s| Evaluator::new(s).eval(&output.expr))
        .map_or(Value::Unknown, |v| v.mark_if(output.sensitive));
    lock(&run.values)
        .module_mut(module)
        .outputs
        .insert(name.to_string(), v);
    true
}

/// Evaluates an output; returns its value (also stored for `module.x.name` references).
pub fn visit_output(run: &Run, module: &ModulePath, name: &str) -> Option<Value> {
    let output = &run.module(module).outputs[name];
    match run.with_scope(module, |s| Evaluator::new(s).eval(&output.expr)) {
        Ok(v) => {
            if module.is_root() && v.contains_sensitive() && !output.sensitive {
                run.push(
                    Diagnostic::error("Output refers to sensitive values")
                        .at(output.expr.span)
                        .detail(format!("The output \"{name}\" uses sensitive values, and would show them on the screen."))
                        .hint("add sensitive = true to the output block to confirm it may carry them"),
                );
                return None;
            }
            let v = v.mark_if(output.sensitive);
            lock(&run.values)
                .module_mut(module)
                .outputs
                .insert(name.to_string(), v.clone());
            Some(v)
        }
        Err(d) => {
            run.push(d);
            None
        }
    }
}

/// Evaluates a provider block and configures a fresh provider instance with it.
pub async fn visit_provider(run: &Run, key: &ProviderKey) -> bool {
    let (module, local) = key;
    let ptype = Run::provider_type(key).to_string();
    let Some(schema) = run.registry.schema(&ptype).map(|s| s.provider.clone()) else {
        let span = run
            .graph
            .spans
            .get(&crate::graph::Node::Provider(module.clone(), local.clone()))
            .copied();
        let known: Vec<&str> = run.registry.names().collect();
        run.push(
            Diagnostic::error("Unknown provider")
                .at_opt(span)
                .detail(format!("clusterform has no provider named \"{ptype}\". Built-in providers: {}.", known.join(", ")))
                .hint("check the resource type's prefix; providers are compiled in, there is nothing to install"),
        );
        return false;
    };
    let block = run
        .module(module)
        .providers
        .iter()
        .find(|p| &p.local_name() == local)
        .cloned();
    let mut diags = Diagnostics::new();
    let (config, spans) = match &block {
        Some(b) => {
            check_body(
                &b.body,
                &schema,
                &format!("a provider \"{ptype}\" block"),
                &[],
                &mut diags,
                b.span,
            );
            let v = run.with_scope(module, |s| eval_body(&b.body, &schema, s, &mut diags));
            (v, ConfigSpans::from_body(&b.body, b.span))
        }
        None => {
            let span = run
                .graph
                .spans
                .get(&crate::graph::Node::Provider(module.clone(), local.clone()))
                .copied()
                .unwrap_or(crate::diag::Span::new(crate::diag::FileId(0), 0..0));
            (schema.empty_value(), ConfigSpans::none(span))
        }
    };
    if diags.has_errors() {
        run.extend(diags);
        return false;
    }
    run.extend(diags);
    let Some(provider) = run.registry.instantiate(&ptype) else {
        return false;
    };
    if run.offline {
        lock(&run.providers).insert(key.clone(), provider);
        return true;
    }
    let d = provider.configure(ConfigureRequest { config, spans }).await;
    let ok = !d.has_errors();
    run.extend(d);
    if ok {
        lock(&run.providers).insert(key.clone(), provider);
    }
    ok
}
