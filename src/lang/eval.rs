//! Evaluates expressions to values.
//!
//! References (`var.x`, `aws_vpc.main.id`, `count.index`, …) are answered by a [`Scope`], so the
//! evaluator knows nothing of modules, resources or state. Unknown values propagate through
//! every operation, and a sensitive input marks everything computed from it.

use std::collections::BTreeMap;
use std::path::Path;

use super::ast::{BinaryOp, Expr, ExprKind, ForExpr, TemplatePart, UnaryOp, SPLAT_ITEM};
use super::functions;
use crate::diag::{Diagnostic, Span};
use crate::value::{Number, Value};

/// Answers references for the evaluator.
pub trait Scope {
    /// Resolves a reference rooted at `root`. `attrs` are the attribute names that follow it
    /// statically (`var.region` gives `root = "var"`, `attrs = ["region"]`). Returns the value
    /// and how many of `attrs` it consumed; the evaluator applies the rest.
    fn resolve(&self, root: &str, attrs: &[&str], span: Span)
        -> Result<(Value, usize), Diagnostic>;

    /// The directory `file()` and `templatefile()` resolve relative paths against.
    fn base_dir(&self) -> &Path;
}

/// Evaluates expressions against one scope.
pub struct Evaluator<'s> {
    scope: &'s dyn Scope,
    /// Variables bound by `for` expressions, template `for` directives and splats.
    locals: Vec<(String, Value)>,
}

type EvalResult = Result<Value, Diagnostic>;

impl<'s> Evaluator<'s> {
    pub fn new(scope: &'s dyn Scope) -> Evaluator<'s> {
        Evaluator {
            scope,
            locals: Vec::new(),
        }
    }

    pub fn scope(&self) -> &dyn Scope {
        self.scope
    }

    pub fn eval(&mut self, expr: &Expr) -> EvalResult {
        match &expr.kind {
            ExprKind::Literal(v) => Ok(v.clone()),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Tuple(items) => Ok(Value::List(
                items
                    .iter()
                    .map(|e| self.eval(e))
                    .collect::<Result<_, _>>()?,
            )),
            ExprKind::Object(entries) => self.object(entries),
            ExprKind::Variable(_) | ExprKind::GetAttr(..) | ExprKind::Index(..) => {
                self.traversal(expr)
            }
            ExprKind::Splat { source, each } => self.splat(source, each),
            ExprKind::Call {
                name,
                args,
                expand_final,
            } => self.call(name, args, *expand_final, expr.span),
            ExprKind::Conditional(cond, then, otherwise) => {
                let c = self.eval(cond)?;
                let (c, marked) = c.strip_marks();
                match c {
                    Value::Unknown => Ok(Value::Unknown),
                    Value::Bool(true) => Ok(self.eval(then)?.mark_if(marked)),
                    Value::Bool(false) => Ok(self.eval(otherwise)?.mark_if(marked)),
                    other => Err(type_error(cond.span, "condition", "bool", &other)),
                }
            }
            ExprKind::Unary(op, inner) => {
                let (v, marked) = self.eval(inner)?.strip_marks();
                let out = match (op, v) {
                    (_, Value::Unknown) => Value::Unknown,
                    (UnaryOp::Not, Value::Bool(b)) => Value::Bool(!b),
                    (UnaryOp::Neg, v) => {
                        Value::Number(Number::from(-as_number(&v, inner.span, "operand")?))
                    }
                    (UnaryOp::Not, other) => {
                        return Err(type_error(inner.span, "operand of !", "bool", &other))
                    }
                };
                Ok(out.mark_if(marked))
            }
            ExprKind::Binary(op, lhs, rhs) => self.binary(*op, lhs, rhs, expr.span),
            ExprKind::For(f) => self.for_expr(f, expr.span),
        }
    }

    fn object(&mut self, entries: &[(Expr, Expr)]) -> EvalResult {
        let mut map = BTreeMap::new();
        let mut any_unknown_key = false;
        for (k, v) in entries {
            let key = self.eval(k)?;
            let value = self.eval(v)?;
            match key.unmarked() {
                Value::Unknown => any_unknown_key = true,
                Value::String(s) => {
                    map.insert(s.clone(), value);
                }
                Value::Number(n) => {
                    map.insert(n.to_string(), value);
                }
                Value::Bool(b) => {
                    map.insert(b.to_string(), value);
                }
                other => return Err(type_error(k.span, "object key", "string", other)),
            }
        }
        if any_unknown_key {
            return Ok(Value::Unknown);
        }
        Ok(Value::Object(map))
    }

    fn lookup_local(&self, name: &str) -> Option<&Value> {
        self.locals
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Evaluates a chain of `.attr` and `[key]` operators, asking the scope for the root.
    fn traversal(&mut self, expr: &Expr) -> EvalResult {
        // Flatten into a root and a list of operators, outermost last.
        let mut ops: Vec<&Expr> = Vec::new();
        let mut cur = expr;
        while let ExprKind::GetAttr(base, _) | ExprKind::Index(base, _) = &cur.kind {
            ops.push(cur);
            cur = base;
        }
        ops.reverse();
        let (mut value, consumed) = match &cur.kind {
            ExprKind::Variable(name) => {
                if let Some(v) = self.lookup_local(name) {
                    (v.clone(), 0)
                } else {
                    let attrs: Vec<&str> = ops
                        .iter()
                        .map_while(|op| match &op.kind {
                            ExprKind::GetAttr(_, a) => Some(a.as_str()),
                            _ => None,
                        })
                        .collect();
                    self.scope.resolve(name, &attrs, cur.span)?
                }
            }
            _ => (self.eval(cur)?, 0),
        };
        for op in &ops[consumed..] {
            value = match &op.kind {
                ExprKind::GetAttr(_, name) => get_attr(value, name, op.span)?,
                ExprKind::Index(_, key) => {
                    let key = self.eval(key)?;
                    index(value, key, op.span)?
                }
                _ => unreachable!("only traversal operators were collected"),
            };
        }
        Ok(value)
    }

    fn splat(&mut self, source: &Expr, each: &Expr) -> EvalResult {
        let (v, marked) = match self.eval(source)? {
            Value::Sensitive(inner) => (*inner, true),
            other => (other, false),
        };
        let items = match v {
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => Vec::new(),
            Value::List(items) | Value::Set(items) => items,
            single => vec![single],
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            self.locals.push((SPLAT_ITEM.to_string(), item));
            let r = self.eval(each);
            self.locals.pop();
            out.push(r?);
        }
        Ok(Value::List(out).mark_if(marked))
    }

    fn call(&mut self, name: &str, args: &[Expr], expand_final: bool, span: Span) -> EvalResult {
        // try() and can() see errors instead of values, so they evaluate lazily.
        match name {
            "try" => {
                for arg in args {
                    if let Ok(v) = self.eval(arg) {
                        return Ok(v);
                    }
                }
                return Err(Diagnostic::error("Error in function call")
                    .at(span)
                    .detail("Call to function \"try\" failed: no expression succeeded."));
            }
            "can" => {
                if args.len() != 1 {
                    return Err(arity_error(name, span));
                }
                return Ok(match self.eval(&args[0]) {
                    Ok(v) if v.is_unknown() => Value::Unknown,
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            "sensitive" | "nonsensitive" => {
                if args.len() != 1 {
                    return Err(arity_error(name, span));
                }
                let v = self.eval(&args[0])?;
                return Ok(if name == "sensitive" {
                    v.sensitive()
                } else {
                    v.strip_marks().0
                });
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        for arg in args {
            values.push(self.eval(arg)?);
        }
        if expand_final {
            match values.pop().map(Value::into_unmarked) {
                Some(Value::List(items)) | Some(Value::Set(items)) => values.extend(items),
                Some(Value::Unknown) => return Ok(Value::Unknown),
                Some(other) => {
                    return Err(Diagnostic::error("Invalid expanding argument value")
                        .at(span)
                        .detail(format!(
                            "The expanding argument (indicated by ...) must be of a tuple, list, or set type, not {}.",
                            other.type_name()
                        )))
                }
                None => {}
            }
        }
        let ctx = functions::CallContext {
            base_dir: self.scope.base_dir(),
        };
        functions::call(&ctx, name, values).map_err(|err| match err {
            functions::CallError::Unknown => Diagnostic::error("Call to unknown function")
                .at(span)
                .detail(format!("There is no function named \"{name}\"."))
                .hint(functions::suggest(name).map_or_else(
                    || "see docs/functions.md for the built-in functions".to_string(),
                    |s| format!("did you mean \"{s}\"?"),
                )),
            functions::CallError::Failed(message) => Diagnostic::error("Error in function call")
                .at(span)
                .detail(format!("Call to function \"{name}\" failed: {message}")),
        })
    }

    fn binary(&mut self, op: BinaryOp, lhs: &Expr, rhs: &Expr, span: Span) -> EvalResult {
        let (l, lm) = self.eval(lhs)?.strip_marks();
        let (r, rm) = self.eval(rhs)?.strip_marks();
        let marked = lm || rm;
        if matches!(l, Value::Unknown) || matches!(r, Value::Unknown) {
            return Ok(Value::Unknown);
        }
        let out = match op {
            BinaryOp::Eq => Value::Bool(values_equal(&l, &r)),
            BinaryOp::NotEq => Value::Bool(!values_equal(&l, &r)),
            BinaryOp::And | BinaryOp::Or => {
                let a = l
                    .as_bool()
                    .ok_or_else(|| type_error(lhs.span, "operand", "bool", &l))?;
                let b = r
                    .as_bool()
                    .ok_or_else(|| type_error(rhs.span, "operand", "bool", &r))?;
                Value::Bool(if op == BinaryOp::And { a && b } else { a || b })
            }
            _ => {
                let a = as_number(&l, lhs.span, "left operand")?;
                let b = as_number(&r, rhs.span, "right operand")?;
                match op {
                    BinaryOp::Less => Value::Bool(a < b),
                    BinaryOp::LessEq => Value::Bool(a <= b),
                    BinaryOp::Greater => Value::Bool(a > b),
                    BinaryOp::GreaterEq => Value::Bool(a >= b),
                    BinaryOp::Add => Value::from(a + b),
                    BinaryOp::Sub => Value::from(a - b),
                    BinaryOp::Mul => Value::from(a * b),
                    BinaryOp::Div | BinaryOp::Mod if b == 0.0 => {
                        return Err(Diagnostic::error("Division by zero")
                            .at(span)
                            .detail("The right operand of a division is zero."))
                    }
                    BinaryOp::Div => Value::from(a / b),
                    BinaryOp::Mod => Value::from(a % b),
                    _ => unreachable!("comparison and arithmetic operators only"),
                }
            }
        };
        Ok(out.mark_if(marked))
    }

    fn for_expr(&mut self, f: &ForExpr, span: Span) -> EvalResult {
        let (collection, marked) = self.eval(&f.collection)?.strip_marks();
        let pairs = match iterate(collection, f.collection.span)? {
            Some(pairs) => pairs,
            None => return Ok(Value::Unknown),
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in pairs {
            let depth = self.locals.len();
            if let Some(kv) = &f.key_var {
                self.locals.push((kv.clone(), k));
            }
            self.locals.push((f.value_var.clone(), v));
            let result = self.for_item(f, &mut list, &mut map, &mut unknown, span);
            self.locals.truncate(depth);
            result?;
        }
        if unknown {
            return Ok(Value::Unknown);
        }
        let out = if f.key_expr.is_some() {
            Value::Object(map)
        } else {
            Value::List(list)
        };
        Ok(out.mark_if(marked))
    }

    fn for_item(
        &mut self,
        f: &ForExpr,
        list: &mut Vec<Value>,
        map: &mut BTreeMap<String, Value>,
        unknown: &mut bool,
        span: Span,
    ) -> Result<(), Diagnostic> {
        if let Some(cond) = &f.cond {
            match self.eval(cond)?.unmarked() {
                Value::Bool(true) => {}
                Value::Bool(false) => return Ok(()),
                Value::Unknown => {
                    *unknown = true;
                    return Ok(());
                }
                other => return Err(type_error(cond.span, "for condition", "bool", other)),
            }
        }
        let value = self.eval(&f.value_expr)?;
        let Some(key_expr) = &f.key_expr else {
            list.push(value);
            return Ok(());
        };
        let key = match self.eval(key_expr)?.into_unmarked() {
            Value::String(s) => s,
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Unknown => {
                *unknown = true;
                return Ok(());
            }
            other => return Err(type_error(key_expr.span, "for key", "string", &other)),
        };
        if f.grouping {
            match map.entry(key).or_insert_with(|| Value::List(Vec::new())) {
                Value::List(items) => items.push(value),
                _ => unreachable!("grouped entries are lists"),
            }
        } else {
            match map.entry(key) {
                std::collections::btree_map::Entry::Occupied(e) => return Err(Diagnostic::error(
                    "Duplicate object key",
                )
                .at(span)
                .detail(format!(
                    "Two different items produced the key \"{}\" in this 'for' expression.",
                    e.key()
                ))
                .hint("add an ellipsis (...) after the value expression to group values by key")),
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(value);
                }
            }
        }
        Ok(())
    }

    fn template(&mut self, parts: &[TemplatePart]) -> EvalResult {
        let mut out = String::new();
        let mut marked = false;
        if !self.render_parts(parts, &mut out, &mut marked)? {
            return Ok(Value::Unknown);
        }
        Ok(Value::String(out).mark_if(marked))
    }

    /// Appends the rendered parts to `out`; returns false when a part is unknown.
    fn render_parts(
        &mut self,
        parts: &[TemplatePart],
        out: &mut String,
        marked: &mut bool,
    ) -> Result<bool, Diagnostic> {
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interp(e) => {
                    let (v, m) = self.eval(e)?.strip_marks();
                    *marked |= m;
                    match v {
                        Value::Unknown => return Ok(false),
                        Value::String(s) => out.push_str(&s),
                        Value::Number(n) => out.push_str(&n.to_string()),
                        Value::Bool(b) => out.push_str(&b.to_string()),
                        Value::Null => {
                            return Err(Diagnostic::error("Invalid template interpolation value")
                                .at(e.span)
                                .detail("The expression result is null. Cannot include a null value in a string template."))
                        }
                        other => {
                            return Err(Diagnostic::error("Invalid template interpolation value")
                                .at(e.span)
                                .detail(format!(
                                    "Cannot include a {} value in a string template.",
                                    other.type_name()
                                ))
                                .hint("use jsonencode() or join() to turn a collection into a string"))
                        }
                    }
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let (c, m) = self.eval(cond)?.strip_marks();
                    *marked |= m;
                    let branch = match c {
                        Value::Bool(true) => then,
                        Value::Bool(false) => otherwise,
                        Value::Unknown => return Ok(false),
                        other => return Err(type_error(cond.span, "if condition", "bool", &other)),
                    };
                    if !self.render_parts(branch, out, marked)? {
                        return Ok(false);
                    }
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let (c, m) = self.eval(collection)?.strip_marks();
                    *marked |= m;
                    let Some(pairs) = iterate(c, collection.span)? else {
                        return Ok(false);
                    };
                    for (k, v) in pairs {
                        let depth = self.locals.len();
                        if let Some(kv) = key_var {
                            self.locals.push((kv.clone(), k));
                        }
                        self.locals.push((value_var.clone(), v));
                        let r = self.render_parts(body, out, marked);
                        self.locals.truncate(depth);
                        if !r? {
                            return Ok(false);
                        }
                    }
                }
            }
        }
        Ok(true)
    }
}

/// The (key, value) pairs a `for` iterates over; `None` when the collection is unknown.
fn iterate(collection: Value, span: Span) -> Result<Option<Vec<(Value, Value)>>, Diagnostic> {
    Ok(Some(match collection {
        Value::Unknown => return Ok(None),
        Value::List(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as i64), v))
            .collect(),
        Value::Set(items) => items.into_iter().map(|v| (v.clone(), v)).collect(),
        Value::Object(map) => map
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect(),
        other => {
            return Err(Diagnostic::error("Iteration over non-iterable value")
                .at(span)
                .detail(format!(
                    "A value of type {} cannot be used as the collection in a 'for' expression.",
                    other.type_name()
                )))
        }
    }))
}

fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

fn as_number(v: &Value, span: Span, what: &str) -> Result<f64, Diagnostic> {
    match v {
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(s) => Number::parse(s)
            .map(|n| n.as_f64())
            .ok_or_else(|| type_error(span, what, "number", v)),
        other => Err(type_error(span, what, "number", other)),
    }
}

fn type_error(span: Span, what: &str, expected: &str, got: &Value) -> Diagnostic {
    Diagnostic::error("Incorrect value type")
        .at(span)
        .detail(format!(
            "The {what} must be a {expected}, but this is a {}.",
            got.type_name()
        ))
}

fn arity_error(name: &str, span: Span) -> Diagnostic {
    Diagnostic::error("Wrong number of arguments")
        .at(span)
        .detail(format!("Function \"{name}\" expects exactly one argument."))
}

/// `value.name`, as the language defines it.
pub fn get_attr(value: Value, name: &str, span: Span) -> EvalResult {
    match value {
        Value::Sensitive(inner) => Ok(get_attr(*inner, name, span)?.sensitive()),
        Value::Unknown => Ok(Value::Unknown),
        Value::Object(mut map) => map.remove(name).ok_or_else(|| {
            let known: Vec<&str> = map.keys().map(String::as_str).collect();
            let mut d = Diagnostic::error("Unsupported attribute")
                .at(span)
                .detail(format!(
                    "This object does not have an attribute named \"{name}\"."
                ));
            if let Some(s) = crate::suggest::closest(name, known.iter().copied()) {
                d = d.hint(format!("did you mean \"{s}\"?"));
            }
            d
        }),
        Value::Null => Err(
            Diagnostic::error("Attempt to get attribute from null value")
                .at(span)
                .detail(format!(
                    "This value is null, so it does not have an attribute named \"{name}\"."
                )),
        ),
        Value::List(_) | Value::Set(_) => Err(Diagnostic::error("Unsupported attribute")
            .at(span)
            .detail(format!(
                "This value is a {} and has no attribute named \"{name}\".",
                value.type_name()
            ))
            .hint(format!(
                "to read \"{name}\" from every element, use a splat: [*].{name}"
            ))),
        other => Err(Diagnostic::error("Unsupported attribute")
            .at(span)
            .detail(format!(
                "A {} value does not have attributes.",
                other.type_name()
            ))),
    }
}

/// `value[key]`, as the language defines it.
pub fn index(value: Value, key: Value, span: Span) -> EvalResult {
    let (key, key_marked) = key.strip_marks();
    let result = match (value, key) {
        (Value::Sensitive(inner), key) => Ok(index(*inner, key, span)?.sensitive()),
        (Value::Unknown, _) | (_, Value::Unknown) => Ok(Value::Unknown),
        (Value::List(items), key) => {
            let i = match &key {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => Number::parse(s).and_then(|n| n.as_i64()),
                _ => None,
            };
            match i {
                Some(i) if i >= 0 && (i as usize) < items.len() => Ok(items[i as usize].clone()),
                Some(i) => Err(Diagnostic::error("Invalid index").at(span).detail(format!(
                    "The given key does not identify an element in this collection value: index {i} is out of range for a list of {} elements.",
                    items.len()
                ))),
                None => Err(type_error(span, "list index", "whole number", &key)),
            }
        }
        (Value::Object(mut map), key) => {
            let k = match key {
                Value::String(s) => s,
                Value::Number(n) => n.to_string(),
                other => return Err(type_error(span, "map key", "string", &other)),
            };
            map.remove(&k).ok_or_else(|| {
                Diagnostic::error("Invalid index").at(span).detail(format!(
                    "The given key does not identify an element in this collection value: there is no element with key \"{k}\"."
                ))
            })
        }
        (Value::Set(_), _) => Err(Diagnostic::error("Invalid index")
            .at(span)
            .detail("Elements of a set are identified only by their value and don't have any separate index or key to select with.")
            .hint("convert it with tolist() first, or use for_each with the set")),
        (Value::Null, _) => Err(Diagnostic::error("Attempt to index null value")
            .at(span)
            .detail("This value is null, so it does not have any indices.")),
        (other, _) => Err(Diagnostic::error("Invalid index")
            .at(span)
            .detail(format!("A {} value cannot be indexed.", other.type_name()))),
    };
    Ok(result?.mark_if(key_marked))
}
