//! Evaluator tests: expressions from source text, against a small fixed scope.

use std::path::Path;

use super::{Evaluator, Scope};
use crate::diag::{Diagnostic, SourceMap, Span};
use crate::value::Value;

struct TestScope;

impl Scope for TestScope {
    fn resolve(
        &self,
        root: &str,
        attrs: &[&str],
        span: Span,
    ) -> Result<(Value, usize), Diagnostic> {
        match (root, attrs.first().copied()) {
            ("var", Some("name")) => Ok((Value::from("api"), 1)),
            ("var", Some("secret")) => Ok((Value::from("hunter2").sensitive(), 1)),
            ("var", Some("later")) => Ok((Value::Unknown, 1)),
            ("var", Some("subnets")) => Ok((
                Value::List(vec![
                    Value::object([("id", Value::from("subnet-a")), ("az", Value::from("a"))]),
                    Value::object([("id", Value::from("subnet-b")), ("az", Value::from("b"))]),
                ]),
                1,
            )),
            ("var", Some("tags")) => Ok((
                Value::object([("env", Value::from("dev")), ("team", Value::from("k8s"))]),
                1,
            )),
            _ => Err(Diagnostic::error("unknown reference").at(span)),
        }
    }

    fn base_dir(&self) -> &Path {
        Path::new(".")
    }
}

fn eval(src: &str) -> Result<Value, Diagnostic> {
    let mut map = SourceMap::new();
    let id = map.add("test.tf", src);
    let expr = hcl_edit::parser::parse_expr(src).expect("test expression parses");
    let lowered = super::lower::lower_expr(&expr, id, Span::new(id, 0..src.len()));
    Evaluator::new(&TestScope).eval(&lowered)
}

fn ok(src: &str) -> Value {
    eval(src).unwrap_or_else(|d| panic!("{src}: {d:?}"))
}

#[test]
fn templates_and_conditionals() {
    assert_eq!(ok(r#""${var.name}-cluster""#), Value::from("api-cluster"));
    assert_eq!(ok(r#"var.name == "api" ? 1 : 2"#), Value::from(1));
    assert_eq!(
        ok(r#""%{ if var.name == "api" }yes%{ else }no%{ endif }""#),
        Value::from("yes")
    );
    assert_eq!(
        ok(r#""%{ for s in var.subnets }${s.az},%{ endfor }""#),
        Value::from("a,b,")
    );
}

#[test]
fn interpolation_only_templates_keep_their_type() {
    assert_eq!(ok(r#""${1 + 2}""#), Value::from(3));
}

#[test]
fn splats_and_for_expressions() {
    assert_eq!(
        ok("var.subnets[*].id"),
        Value::List(vec!["subnet-a".into(), "subnet-b".into()])
    );
    assert_eq!(
        ok("[for s in var.subnets : upper(s.az)]")
            .as_items()
            .map(|i| i.len()),
        Some(2)
    );
    assert_eq!(
        ok("{ for s in var.subnets : s.az => s.id if s.az != \"b\" }"),
        Value::object([("a", Value::from("subnet-a"))])
    );
    assert_eq!(
        ok("{ for k, v in var.tags : v => k... }").get("dev"),
        Some(&Value::List(vec!["env".into()]))
    );
}

#[test]
fn unknown_values_propagate() {
    assert_eq!(ok(r#""prefix-${var.later}""#), Value::Unknown);
    assert_eq!(ok("var.later.id"), Value::Unknown);
    assert_eq!(ok("var.later ? 1 : 2"), Value::Unknown);
    assert_eq!(ok("[for x in var.later : x]"), Value::Unknown);
    assert_eq!(ok("var.later + 1"), Value::Unknown);
}

#[test]
fn sensitive_marks_propagate() {
    assert!(ok(r#""pw=${var.secret}""#).contains_sensitive());
    assert!(ok("var.secret == \"x\"").contains_sensitive());
    assert!(ok("{ a = var.secret }").contains_sensitive());
    assert!(!ok("nonsensitive(var.secret)").contains_sensitive());
}

#[test]
fn errors_name_the_problem() {
    let d = eval("var.tags.nope").unwrap_err();
    assert_eq!(d.summary, "Unsupported attribute");
    let d = eval("var.subnets[5]").unwrap_err();
    assert_eq!(d.summary, "Invalid index");
    let d = eval("var.subnets.id").unwrap_err();
    assert_eq!(
        d.hint.as_deref(),
        Some("to read \"id\" from every element, use a splat: [*].id")
    );
    let d = eval("1 / 0").unwrap_err();
    assert_eq!(d.summary, "Division by zero");
    let d = eval("lenght([])").unwrap_err();
    assert_eq!(d.hint.as_deref(), Some("did you mean \"length\"?"));
}

#[test]
fn try_and_can_see_errors() {
    assert_eq!(
        ok("try(var.tags.nope, \"fallback\")"),
        Value::from("fallback")
    );
    assert_eq!(ok("can(var.tags.nope)"), Value::Bool(false));
    assert_eq!(ok("can(var.tags.env)"), Value::Bool(true));
}

#[test]
fn strip_markers_trim_directive_bodies() {
    assert_eq!(
        ok("\"%{ for s in var.subnets ~}\n  ${s.az}\n%{~ endfor }\""),
        Value::from("ab")
    );
    assert_eq!(
        ok("\"%{ if true ~}\n yes \n%{~ else ~}\n no \n%{~ endif }\""),
        Value::from("yes")
    );
}
