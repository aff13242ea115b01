//! Lowers hcl-edit's syntax tree into [`Expr`], keeping spans and dropping decor.

use hcl_edit::expr::{self as hx, Expression, TraversalOperator};
use hcl_edit::template::{Directive, Element};
use hcl_edit::Span as _;

use super::ast::{BinaryOp, Expr, ExprKind, ForExpr, TemplatePart, UnaryOp, SPLAT_ITEM};
use crate::diag::{FileId, Span};
use crate::value::{Number, Value};

/// Converts one hcl-edit expression. `fallback` is used where the parser kept no span.
pub fn lower_expr(expr: &Expression, file: FileId, fallback: Span) -> Expr {
    Lowerer { file }.expr(expr, fallback)
}

struct Lowerer {
    file: FileId,
}

impl Lowerer {
    fn span_of(&self, range: Option<std::ops::Range<usize>>, fallback: Span) -> Span {
        range.map_or(fallback, |r| Span::new(self.file, r))
    }

    fn expr(&self, expr: &Expression, fallback: Span) -> Expr {
        let span = self.span_of(expr.span(), fallback);
        let kind = match expr {
            Expression::Null(_) => ExprKind::Literal(Value::Null),
            Expression::Bool(b) => ExprKind::Literal(Value::Bool(*b.value())),
            Expression::Number(n) => {
                let n = n.value();
                let v = n
                    .as_i64()
                    .map(|i| Number::from(i as f64))
                    .or_else(|| n.as_f64().map(Number::from))
                    .unwrap_or_else(|| Number::from(0.0));
                ExprKind::Literal(Value::Number(v))
            }
            Expression::String(s) => ExprKind::Literal(Value::String(s.value().to_string())),
            Expression::Array(items) => {
                ExprKind::Tuple(items.iter().map(|e| self.expr(e, span)).collect())
            }
            Expression::Object(obj) => ExprKind::Object(
                obj.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            hx::ObjectKey::Ident(id) => Expr::literal(
                                Value::String(id.as_str().to_string()),
                                self.span_of(id.span(), span),
                            ),
                            hx::ObjectKey::Expression(e) => self.expr(e, span),
                        };
                        (key, self.expr(v.expr(), span))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => {
                return self.template_expr(self.template_parts(t.iter(), span), span)
            }
            Expression::HeredocTemplate(h) => {
                return self.template_expr(self.template_parts(h.template.iter(), span), span)
            }
            Expression::Parenthesis(p) => return self.expr(p.inner(), span),
            Expression::Variable(v) => ExprKind::Variable(v.as_str().to_string()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr, span)),
                Box::new(self.expr(&c.true_expr, span)),
                Box::new(self.expr(&c.false_expr, span)),
            ),
            Expression::FuncCall(call) => {
                let mut name = String::new();
                for ns in &call.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(call.name.name.as_str());
                ExprKind::Call {
                    name,
                    args: call.args.iter().map(|e| self.expr(e, span)).collect(),
                    expand_final: call.args.expand_final(),
                }
            }
            Expression::Traversal(t) => return self.traversal(t, span),
            Expression::UnaryOp(op) => {
                let o = match op.operator.value() {
                    hx::UnaryOperator::Neg => UnaryOp::Neg,
                    hx::UnaryOperator::Not => UnaryOp::Not,
                };
                ExprKind::Unary(o, Box::new(self.expr(&op.expr, span)))
            }
            Expression::BinaryOp(op) => {
                use hx::BinaryOperator as B;
                let o = match op.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LessEq,
                    B::GreaterEq => BinaryOp::GreaterEq,
                    B::Less => BinaryOp::Less,
                    B::Greater => BinaryOp::Greater,
                    B::Plus => BinaryOp::Add,
                    B::Minus => BinaryOp::Sub,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                };
                ExprKind::Binary(
                    o,
                    Box::new(self.expr(&op.lhs_expr, span)),
                    Box::new(self.expr(&op.rhs_expr, span)),
                )
            }
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: f.intro.value_var.as_str().to_string(),
                collection: self.expr(&f.intro.collection_expr, span),
                key_expr: f.key_expr.as_ref().map(|e| self.expr(e, span)),
                value_expr: self.expr(&f.value_expr, span),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr, span)),
                grouping: f.grouping,
            })),
        };
        Expr { kind, span }
    }

    /// A template that is a single interpolation evaluates to the inner value unchanged,
    /// as in Terraform: `"${var.count}"` stays a number.
    fn template_expr(&self, parts: Vec<TemplatePart>, span: Span) -> Expr {
        match parts.as_slice() {
            [TemplatePart::Interp(inner)] => inner.clone(),
            [] => Expr::literal(Value::String(String::new()), span),
            [TemplatePart::Literal(s)] => Expr::literal(Value::String(s.clone()), span),
            _ => Expr {
                kind: ExprKind::Template(parts),
                span,
            },
        }
    }

    fn template_parts<'a>(
        &self,
        elements: impl Iterator<Item = &'a Element>,
        span: Span,
    ) -> Vec<TemplatePart> {
        let elements: Vec<&Element> = elements.collect();
        let mut parts = Vec::new();
        for (i, el) in elements.iter().enumerate() {
            match el {
                Element::Literal(s) => {
                    let mut text = s.value().to_string();
                    // Strip markers (`~`) on neighbouring interpolations trim this literal.
                    if i > 0 && strips_after(elements[i - 1]) {
                        text = text.trim_start().to_string();
                    }
                    if i + 1 < elements.len() && strips_before(elements[i + 1]) {
                        text = text.trim_end().to_string();
                    }
                    parts.push(TemplatePart::Literal(text));
                }
                Element::Interpolation(interp) => {
                    parts.push(TemplatePart::Interp(self.expr(&interp.expr, span)))
                }
                Element::Directive(d) => parts.push(self.directive(d, span)),
            }
        }
        parts
    }

    fn directive(&self, d: &Directive, span: Span) -> TemplatePart {
        match d {
            Directive::If(d) => {
                // `~` inside a directive trims the whitespace of the body next to it.
                let then_end = match &d.else_expr {
                    Some(e) => e.strip.strip_start(),
                    None => d.endif_expr.strip.strip_start(),
                };
                let then = trimmed(
                    self.template_parts(d.if_expr.template.iter(), span),
                    d.if_expr.strip.strip_end(),
                    then_end,
                );
                let otherwise = d
                    .else_expr
                    .as_ref()
                    .map(|e| {
                        trimmed(
                            self.template_parts(e.template.iter(), span),
                            e.strip.strip_end(),
                            d.endif_expr.strip.strip_start(),
                        )
                    })
                    .unwrap_or_default();
                TemplatePart::If {
                    cond: self.expr(&d.if_expr.cond_expr, span),
                    then,
                    otherwise,
                }
            }
            Directive::For(d) => TemplatePart::For {
                key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().to_string()),
                value_var: d.for_expr.value_var.as_str().to_string(),
                collection: self.expr(&d.for_expr.collection_expr, span),
                body: trimmed(
                    self.template_parts(d.for_expr.template.iter(), span),
                    d.for_expr.strip.strip_end(),
                    d.endfor_expr.strip.strip_start(),
                ),
            },
        }
    }

    fn traversal(&self, t: &hx::Traversal, span: Span) -> Expr {
        let mut current = self.expr(&t.expr, span);
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let mut i = 0;
        while i < ops.len() {
            match ops[i] {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    // Everything after the splat applies to each element.
                    let full = matches!(ops[i], TraversalOperator::FullSplat(_));
                    let mut each = Expr {
                        kind: ExprKind::Variable(SPLAT_ITEM.to_string()),
                        span,
                    };
                    let mut j = i + 1;
                    while j < ops.len() {
                        match ops[j] {
                            TraversalOperator::GetAttr(name) => {
                                each = self.get_attr(each, name.as_str(), span)
                            }
                            TraversalOperator::Index(idx) if full => {
                                each = self.index(each, self.expr(idx, span), span)
                            }
                            TraversalOperator::LegacyIndex(n) if full => {
                                each = self.index(each, number_literal(*n.value(), span), span)
                            }
                            _ => break,
                        }
                        j += 1;
                    }
                    current = Expr {
                        kind: ExprKind::Splat {
                            source: Box::new(current),
                            each: Box::new(each),
                        },
                        span,
                    };
                    i = j;
                    continue;
                }
                TraversalOperator::GetAttr(name) => {
                    current = self.get_attr(current, name.as_str(), span)
                }
                TraversalOperator::Index(idx) => {
                    current = self.index(current, self.expr(idx, span), span)
                }
                TraversalOperator::LegacyIndex(n) => {
                    current = self.index(current, number_literal(*n.value(), span), span)
                }
            }
            i += 1;
        }
        current.span = span;
        current
    }

    fn get_attr(&self, base: Expr, name: &str, span: Span) -> Expr {
        Expr {
            kind: ExprKind::GetAttr(Box::new(base), name.to_string()),
            span,
        }
    }

    fn index(&self, base: Expr, key: Expr, span: Span) -> Expr {
        Expr {
            kind: ExprKind::Index(Box::new(base), Box::new(key)),
            span,
        }
    }
}

/// Trims whitespace at the start and/or end of a directive body, as `~` markers ask.
fn trimmed(mut parts: Vec<TemplatePart>, start: bool, end: bool) -> Vec<TemplatePart> {
    if start {
        if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
            *s = s.trim_start().to_string();
        }
    }
    if end {
        if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
            *s = s.trim_end().to_string();
        }
    }
    parts
}

fn number_literal(n: u64, span: Span) -> Expr {
    Expr::literal(Value::Number(Number::from(n as f64)), span)
}

fn strips_after(el: &Element) -> bool {
    match el {
        Element::Interpolation(i) => i.strip.strip_end(),
        Element::Directive(d) => match &**d {
            Directive::If(d) => d.endif_expr.strip.strip_end(),
            Directive::For(d) => d.endfor_expr.strip.strip_end(),
        },
        Element::Literal(_) => false,
    }
}

fn strips_before(el: &Element) -> bool {
    match el {
        Element::Interpolation(i) => i.strip.strip_start(),
        Element::Directive(d) => match &**d {
            Directive::If(d) => d.if_expr.strip.strip_start(),
            Directive::For(d) => d.for_expr.strip.strip_start(),
        },
        Element::Literal(_) => false,
    }
}
