//! Finds the references an expression makes, for the dependency graph and for checks.

use crate::diag::Span;
use crate::lang::ast::{Expr, ExprKind, TemplatePart, SPLAT_ITEM};

/// Calls `f` with the static attribute chain (`["aws_vpc", "main", "id"]`) and span of every
/// reference in `expr`. Names bound by `for` expressions and splats are not references.
pub fn walk_references(expr: &Expr, f: &mut dyn FnMut(&[String], Span)) {
    let mut bound = vec![SPLAT_ITEM.to_string()];
    walk(expr, &mut bound, f);
}

fn chain(expr: &Expr) -> Option<(String, Vec<String>)> {
    match &expr.kind {
        ExprKind::Variable(name) => Some((name.clone(), vec![name.clone()])),
        ExprKind::GetAttr(base, attr) => {
            let (root, mut parts) = chain(base)?;
            parts.push(attr.clone());
            Some((root, parts))
        }
        ExprKind::Index(base, _) => chain(base),
        _ => None,
    }
}

fn walk(expr: &Expr, bound: &mut Vec<String>, f: &mut dyn FnMut(&[String], Span)) {
    match &expr.kind {
        ExprKind::Literal(_) => {}
        ExprKind::Variable(name) => {
            if !bound.contains(name) {
                f(std::slice::from_ref(name), expr.span);
            }
        }
        ExprKind::GetAttr(..) | ExprKind::Index(..) => {
            if let Some((root, parts)) = chain(expr) {
                if !bound.contains(&root) {
                    f(&parts, expr.span);
                }
            }
            // Index keys may themselves hold references.
            let mut cur = expr;
            loop {
                match &cur.kind {
                    ExprKind::GetAttr(base, _) => cur = base,
                    ExprKind::Index(base, key) => {
                        walk(key, bound, f);
                        cur = base;
                    }
                    ExprKind::Variable(_) => break,
                    _ => {
                        walk(cur, bound, f);
                        break;
                    }
                }
            }
        }
        ExprKind::Template(parts) => walk_template(parts, bound, f),
        ExprKind::Tuple(items) => items.iter().for_each(|e| walk(e, bound, f)),
        ExprKind::Object(entries) => entries.iter().for_each(|(k, v)| {
            walk(k, bound, f);
            walk(v, bound, f);
        }),
        ExprKind::Splat { source, each } => {
            walk(source, bound, f);
            walk(each, bound, f);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|e| walk(e, bound, f)),
        ExprKind::Conditional(c, t, e) => {
            walk(c, bound, f);
            walk(t, bound, f);
            walk(e, bound, f);
        }
        ExprKind::Unary(_, e) => walk(e, bound, f),
        ExprKind::Binary(_, l, r) => {
            walk(l, bound, f);
            walk(r, bound, f);
        }
        ExprKind::For(fe) => {
            walk(&fe.collection, bound, f);
            let depth = bound.len();
            bound.extend(fe.key_var.iter().cloned());
            bound.push(fe.value_var.clone());
            if let Some(k) = &fe.key_expr {
                walk(k, bound, f);
            }
            walk(&fe.value_expr, bound, f);
            if let Some(c) = &fe.cond {
                walk(c, bound, f);
            }
            bound.truncate(depth);
        }
    }
}

fn walk_template(
    parts: &[TemplatePart],
    bound: &mut Vec<String>,
    f: &mut dyn FnMut(&[String], Span),
) {
    for part in parts {
        match part {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interp(e) => walk(e, bound, f),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                walk(cond, bound, f);
                walk_template(then, bound, f);
                walk_template(otherwise, bound, f);
            }
            TemplatePart::For {
                key_var,
                value_var,
                collection,
                body,
            } => {
                walk(collection, bound, f);
                let depth = bound.len();
                bound.extend(key_var.iter().cloned());
                bound.push(value_var.clone());
                walk_template(body, bound, f);
                bound.truncate(depth);
            }
        }
    }
}
