//! `templatefile(path, vars)`: renders a template file with the given variables.
//!
//! The file is parsed with hcl-edit's template parser, lowered with the same code as templates
//! in configuration, and evaluated by the ordinary [`Evaluator`] against a scope that knows
//! only `vars`. Errors inside the template are reported as `path:line:col` of the template
//! file, because the user's configuration span only points at the call.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::Path;

use hcl_edit::expr::Expression;
use hcl_edit::template::{Directive, Element, StringTemplate, Template};

use super::args::{self, exactly, fail, invalid};
use super::{filesystem, CallContext, CallError};
use crate::diag::{Diagnostic, SourceMap, Span};
use crate::lang::eval::{Evaluator, Scope};
use crate::lang::lower::lower_expr;
use crate::value::Value;

thread_local! {
    /// Set while a template renders on this thread. A template that calls `templatefile`
    /// (perhaps on itself) would otherwise recurse until the stack overflows.
    static RENDERING: Cell<bool> = const { Cell::new(false) };
}

/// Marks this thread as rendering until dropped.
struct RenderingGuard;

impl RenderingGuard {
    fn enter() -> Result<RenderingGuard, CallError> {
        if RENDERING.with(Cell::get) {
            return Err(fail(
                "cannot recursively call templatefile from inside another template.",
            ));
        }
        RENDERING.with(|r| r.set(true));
        Ok(RenderingGuard)
    }
}

impl Drop for RenderingGuard {
    fn drop(&mut self) {
        RENDERING.with(|r| r.set(false));
    }
}

/// Answers references inside a template: only the names passed in `vars`.
struct TemplateScope<'a> {
    vars: &'a BTreeMap<String, Value>,
    base_dir: &'a Path,
}

impl Scope for TemplateScope<'_> {
    fn resolve(
        &self,
        root: &str,
        _attrs: &[&str],
        span: Span,
    ) -> Result<(Value, usize), Diagnostic> {
        if let Some(v) = self.vars.get(root) {
            return Ok((v.clone(), 0));
        }
        let mut d = Diagnostic::error("Unknown template variable")
            .at(span)
            .detail(format!("vars does not contain key \"{root}\"."));
        if let Some(s) = crate::suggest::closest(root, self.vars.keys().map(String::as_str)) {
            d = d.hint(format!("did you mean \"{s}\"?"));
        }
        Err(d)
    }

    fn base_dir(&self) -> &Path {
        self.base_dir
    }
}

pub(super) fn templatefile(ctx: &CallContext<'_>, args: Vec<Value>) -> Result<Value, CallError> {
    let [path, vars] = exactly(args)?;
    let given = args::string(path, "path")?;
    let vars = args::object(vars, "vars")?;
    if let Some(bad) = vars.keys().find(|k| !is_identifier(k)) {
        return Err(invalid(
            "vars",
            format!(
                "invalid template variable name {}: must start with a letter, followed by zero or more letters, digits, and underscores",
                crate::value::quote(bad)
            ),
        ));
    }
    let _guard = RenderingGuard::enter()?;
    let text = filesystem::read_text(&filesystem::resolve(ctx, &given), &given)?;
    let mut template = hcl_edit::parser::parse_template(&text).map_err(|e| {
        let at = e.location();
        fail(format!(
            "{given}:{}:{}: invalid template: {}.",
            at.line(),
            at.column(),
            e.message()
        ))
    })?;
    apply_inner_strips(&mut template);
    let mut sources = SourceMap::new();
    let file = sources.add(given.as_str(), text.as_str());
    let whole = Span::new(file, 0..text.len());
    let expr = lower_expr(
        &Expression::StringTemplate(StringTemplate::from(template)),
        file,
        whole,
    );
    let scope = TemplateScope {
        vars: &vars,
        base_dir: ctx.base_dir,
    };
    Evaluator::new(&scope)
        .eval(&expr)
        .map_err(|d| fail(describe(&sources, &d)))
}

/// Applies strip markers (`~`) to the literals at the edges of directive bodies.
///
/// `lower_expr` trims literals next to a marker in the same element list, but not the first
/// or last literal *inside* an `%{ if }` or `%{ for }` body, so `%{ for x in xs ~}` followed by
/// a newline would keep that newline. Trimming is idempotent, so this stays correct once the
/// lowering handles it too.
fn apply_inner_strips(template: &mut Template) {
    for element in template.iter_mut() {
        let Element::Directive(directive) = element else {
            continue;
        };
        match &mut **directive {
            Directive::If(d) => {
                let endif_strips = d.endif_expr.strip.strip_start();
                let then_end = d
                    .else_expr
                    .as_ref()
                    .map_or(endif_strips, |e| e.strip.strip_start());
                let then_start = d.if_expr.strip.strip_end();
                strip_edges(&mut d.if_expr.template, then_start, then_end);
                apply_inner_strips(&mut d.if_expr.template);
                if let Some(e) = &mut d.else_expr {
                    let else_start = e.strip.strip_end();
                    strip_edges(&mut e.template, else_start, endif_strips);
                    apply_inner_strips(&mut e.template);
                }
            }
            Directive::For(d) => {
                let start = d.for_expr.strip.strip_end();
                let end = d.endfor_expr.strip.strip_start();
                strip_edges(&mut d.for_expr.template, start, end);
                apply_inner_strips(&mut d.for_expr.template);
            }
        }
    }
}

fn strip_edges(template: &mut Template, start: bool, end: bool) {
    let mut elements: Vec<&mut Element> = template.iter_mut().collect();
    if start {
        if let Some(Element::Literal(lit)) = elements.first_mut().map(|e| &mut **e) {
            let trimmed = lit.trim_start().to_string();
            *lit.value_mut() = trimmed;
        }
    }
    if end {
        if let Some(Element::Literal(lit)) = elements.last_mut().map(|e| &mut **e) {
            let trimmed = lit.trim_end().to_string();
            *lit.value_mut() = trimmed;
        }
    }
}

/// A template diagnostic as one line: `path:line:col: summary; detail (hint: …)`.
fn describe(sources: &SourceMap, d: &Diagnostic) -> String {
    let mut out = match d.span {
        Some(span) => format!("{}: {}", sources.location(span), d.summary),
        None => d.summary.clone(),
    };
    if let Some(detail) = &d.detail {
        out.push_str("; ");
        out.push_str(detail.trim_end_matches('.'));
    }
    if let Some(hint) = &d.hint {
        out.push_str(&format!(" (hint: {hint})"));
    }
    out.push('.');
    out
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use super::*;

    fn render(text: &str, vars: Value) -> Result<Value, CallError> {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("t.tftpl"), text).unwrap();
        call(
            &CallContext {
                base_dir: dir.path(),
            },
            "templatefile",
            vec![Value::from("t.tftpl"), vars],
        )
    }

    fn message(r: Result<Value, CallError>) -> String {
        match r {
            Err(CallError::Failed(m)) => m,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn renders_interpolations_and_for_directives() {
        let vars = Value::object([
            ("name", Value::from("api")),
            (
                "ports",
                Value::List(vec![Value::from(80), Value::from(443)]),
            ),
        ]);
        let text = "server ${name}\n%{ for p in ports ~}\nlisten ${p}\n%{ endfor ~}\ndone\n";
        let out = render(text, vars).unwrap();
        assert_eq!(
            out,
            Value::from("server api\nlisten 80\nlisten 443\ndone\n")
        );
    }

    #[test]
    fn renders_if_directives_and_functions() {
        let vars = Value::object([("admin", Value::Bool(false)), ("user", Value::from("bob"))]);
        let text = "%{ if admin }root%{ else }${upper(user)}%{ endif }";
        assert_eq!(render(text, vars.clone()), Ok(Value::from("BOB")));
        let text = "<%{ if admin ~} \n root \n %{~ else ~} \n user \n %{~ endif }>";
        assert_eq!(render(text, vars), Ok(Value::from("<user>")));
    }

    #[test]
    fn template_expressions_call_other_functions() {
        let vars = Value::object([("subnets", Value::List(vec![Value::from(1), Value::from(2)]))]);
        let text = r#"${join(",", [for n in subnets : cidrsubnet("10.0.0.0/16", 8, n)])} ${jsonencode({b = 1, a = [true]})}"#;
        let out = render(text, vars).unwrap();
        assert_eq!(
            out,
            Value::from(r#"10.0.1.0/24,10.0.2.0/24 {"a":[true],"b":1}"#)
        );
    }

    #[test]
    fn quotes_and_backslashes_are_literal() {
        let out = render(
            "say \"hi\" \\n",
            Value::object(Vec::<(String, Value)>::new()),
        );
        assert_eq!(out, Ok(Value::from("say \"hi\" \\n")));
    }

    #[test]
    fn sensitive_vars_mark_the_result() {
        let vars = Value::object([("pw", Value::from("hunter2").sensitive())]);
        assert_eq!(
            render("pw=${pw}", vars),
            Ok(Value::from("pw=hunter2").sensitive())
        );
    }

    #[test]
    fn unknown_vars_give_unknown() {
        let vars = Value::object([("id", Value::Unknown)]);
        assert_eq!(render("id=${id}", vars), Ok(Value::Unknown));
    }

    #[test]
    fn missing_variable_is_reported_at_its_place() {
        let vars = Value::object([("name", Value::from("x"))]);
        let msg = message(render("line one\nhello ${nme}\n", vars));
        assert!(
            msg.starts_with("t.tftpl:2:9: Unknown template variable"),
            "{msg}"
        );
        assert!(msg.contains("did you mean \"name\"?"), "{msg}");
    }

    #[test]
    fn syntax_errors_name_the_file() {
        let msg = message(render(
            "hello ${",
            Value::object(Vec::<(String, Value)>::new()),
        ));
        assert!(msg.starts_with("t.tftpl:1:"), "{msg}");
    }

    #[test]
    fn bad_arguments() {
        let msg = message(render("x", Value::from("nope")));
        assert!(msg.contains("\"vars\""), "{msg}");
        let vars = Value::object([("not ok", Value::from(1))]);
        assert!(message(render("x", vars)).contains("invalid template variable name"));
        let dir = tempfile::tempdir().unwrap();
        let ctx = CallContext {
            base_dir: dir.path(),
        };
        let none = Value::object(Vec::<(String, Value)>::new());
        let err = call(
            &ctx,
            "templatefile",
            vec![Value::from("missing.tftpl"), none],
        );
        assert!(message(err).contains("no file exists"));
    }

    #[test]
    fn recursion_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("self.tftpl"),
            "${templatefile(\"self.tftpl\", {})}",
        )
        .unwrap();
        let ctx = CallContext {
            base_dir: dir.path(),
        };
        let none = Value::object(Vec::<(String, Value)>::new());
        let msg = message(call(
            &ctx,
            "templatefile",
            vec![Value::from("self.tftpl"), none.clone()],
        ));
        assert!(
            msg.contains("cannot recursively call templatefile"),
            "{msg}"
        );
        // The guard is released afterwards.
        std::fs::write(dir.path().join("plain.tftpl"), "ok").unwrap();
        assert_eq!(
            call(&ctx, "templatefile", vec![Value::from("plain.tftpl"), none]),
            Ok(Value::from("ok"))
        );
    }
}
