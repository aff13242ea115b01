//! `format` and `formatlist`: printf-style formatting with Terraform's verbs.
//!
//! Supported: `%%`, `%v` (`%#v` for JSON), `%t`, `%s`, `%q`, `%d`, `%b`, `%o`, `%x`, `%X`,
//! `%e`, `%E`, `%f`, `%F`, `%g`, `%G`; flags `-`, `+`, space, `0`, `#`; a width; a
//! `.precision`; and explicit argument indexes like `%[2]s`. Positions in error messages
//! count characters from 0, as Terraform's do.

use super::args::{self, fail};
use super::format_verbs::{verb_text, Spec};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

/// Widths and precisions beyond this are refused, so a typo cannot allocate gigabytes.
const MAX_WIDTH: usize = 10_000;

pub(super) fn format(args: Vec<Value>) -> Result {
    args::at_least(&args, 1)?;
    let mut args = args.into_iter();
    let spec = args::string(args.next().unwrap_or_default(), "format")?;
    let rest: Vec<Value> = args.collect();
    Ok(Value::String(render(&spec, &rest)?))
}

pub(super) fn formatlist(args: Vec<Value>) -> Result {
    args::at_least(&args, 1)?;
    let mut args = args.into_iter();
    let spec = args::string(args.next().unwrap_or_default(), "format")?;
    let rest: Vec<Value> = args.collect();
    // Lists are iterated in step; other arguments repeat on every line.
    let mut rows: Option<(usize, usize)> = None;
    for (i, arg) in rest.iter().enumerate() {
        if let Some(items) = arg.as_items() {
            match rows {
                None => rows = Some((i, items.len())),
                Some((first, len)) if len != items.len() => {
                    return Err(fail(format!(
                        "argument {} has length {}, which is inconsistent with argument {} of length {len}.",
                        i + 2,
                        items.len(),
                        first + 2
                    )))
                }
                Some(_) => {}
            }
        }
    }
    let count = rows.map_or(1, |(_, len)| len);
    let mut out = Vec::with_capacity(count);
    for row in 0..count {
        let row_args: Vec<Value> = rest
            .iter()
            .map(|arg| match arg.as_items() {
                Some(items) => items.get(row).cloned().unwrap_or_default(),
                None => arg.clone(),
            })
            .collect();
        out.push(Value::String(render(&spec, &row_args)?));
    }
    Ok(Value::List(out))
}

/// Renders a format string against its arguments.
fn render(spec: &str, args: &[Value]) -> std::result::Result<String, CallError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 0;
    let mut reordered = false;
    let mut used = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut s = Spec::default();
        while let Some(&flag) = chars.get(i) {
            match flag {
                '-' => s.minus = true,
                '+' => s.plus = true,
                ' ' => s.space = true,
                '0' => s.zero = true,
                '#' => s.sharp = true,
                _ => break,
            }
            i += 1;
        }
        if let Some(n) = arg_index(&chars, &mut i, start)? {
            next_arg = n;
            reordered = true;
        }
        s.width = count(&chars, &mut i, start)?;
        if chars.get(i) == Some(&'.') {
            i += 1;
            s.precision = Some(count(&chars, &mut i, start)?.unwrap_or(0));
        }
        if let Some(n) = arg_index(&chars, &mut i, start)? {
            next_arg = n;
            reordered = true;
        }
        let Some(&verb) = chars.get(i) else {
            return Err(fail(format!("missing verb at {start} in format string.")));
        };
        i += 1;
        let directive: String = chars[start..i].iter().collect();
        if !"vtsqdboxXeEfFgG".contains(verb) {
            return Err(fail(format!(
                "unrecognized format verb {verb:?} in \"{directive}\" at {start}."
            )));
        }
        let Some(arg) = args.get(next_arg) else {
            return Err(fail(format!(
                "not enough arguments for \"{directive}\" at {start}: need index {} but have {} total.",
                next_arg + 1,
                args.len()
            )));
        };
        let text = verb_text(verb, &s, arg).map_err(|m| {
            fail(format!(
                "unsupported value for \"{directive}\" at {start}: {m}."
            ))
        })?;
        out.push_str(&text);
        next_arg += 1;
        used = used.max(next_arg);
    }
    if !reordered && used < args.len() {
        return Err(fail(if used == 0 {
            "too many arguments; no verbs in format string.".to_string()
        } else {
            format!("too many arguments; only {used} used by format string.")
        }));
    }
    Ok(out)
}

/// Reads digits at `i`; `None` when there are none.
fn count(
    chars: &[char],
    i: &mut usize,
    start: usize,
) -> std::result::Result<Option<usize>, CallError> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.get(*i).and_then(|c| c.to_digit(10)) {
        let next = n.unwrap_or(0) * 10 + d as usize;
        if next > MAX_WIDTH {
            return Err(fail(format!(
                "width or precision at {start} is larger than {MAX_WIDTH}."
            )));
        }
        n = Some(next);
        *i += 1;
    }
    Ok(n)
}

/// Reads an explicit `[n]` argument index (one-based in the syntax, zero-based here).
fn arg_index(
    chars: &[char],
    i: &mut usize,
    start: usize,
) -> std::result::Result<Option<usize>, CallError> {
    if chars.get(*i) != Some(&'[') {
        return Ok(None);
    }
    *i += 1;
    let n = count(chars, i, start)?;
    if chars.get(*i) != Some(&']') {
        return Err(fail(format!("unclosed argument index at {start}.")));
    }
    *i += 1;
    match n {
        Some(n) if n >= 1 => Ok(Some(n - 1)),
        _ => Err(fail(format!(
            "invalid argument index at {start}; indexes start at 1."
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn fmt(spec: &str, args: Vec<Value>) -> std::result::Result<String, CallError> {
        render(spec, &args)
    }

    fn failure(r: std::result::Result<String, CallError>) -> String {
        match r {
            Err(CallError::Failed(m)) => m,
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn common_verbs() {
        assert_eq!(
            fmt("Hello, %s!", vec!["Ander".into()]).unwrap(),
            "Hello, Ander!"
        );
        assert_eq!(fmt("%d items", vec![Value::from(3)]).unwrap(), "3 items");
        assert_eq!(fmt("%.2f", vec![Value::from(1.23456)]).unwrap(), "1.23");
        assert_eq!(fmt("%f", vec![Value::from(1)]).unwrap(), "1.000000");
        assert_eq!(fmt("%q", vec![Value::from("a\"b")]).unwrap(), "\"a\\\"b\"");
        assert_eq!(fmt("%t", vec![Value::Bool(true)]).unwrap(), "true");
        assert_eq!(fmt("100%%", vec![]).unwrap(), "100%");
        assert_eq!(
            fmt(
                "%x %X %o %b",
                vec![255.into(), 255.into(), 8.into(), 5.into()]
            )
            .unwrap(),
            "ff FF 10 101"
        );
    }

    #[test]
    fn v_verb_uses_natural_forms() {
        assert_eq!(fmt("%v", vec![Value::from(1.5)]).unwrap(), "1.5");
        assert_eq!(fmt("%v", vec![Value::from("x")]).unwrap(), "x");
        let list = Value::List(vec![Value::from("a"), Value::from(1)]);
        assert_eq!(fmt("%v", vec![list]).unwrap(), "[\"a\",1]");
        assert_eq!(fmt("%#v", vec![Value::from("x")]).unwrap(), "\"x\"");
        assert_eq!(fmt("%v", vec![Value::Null]).unwrap(), "null");
    }

    #[test]
    fn width_and_flags() {
        assert_eq!(fmt("[%5d]", vec![Value::from(42)]).unwrap(), "[   42]");
        assert_eq!(fmt("[%-5d]", vec![Value::from(42)]).unwrap(), "[42   ]");
        assert_eq!(fmt("[%05d]", vec![Value::from(-42)]).unwrap(), "[-0042]");
        assert_eq!(fmt("[%+d]", vec![Value::from(7)]).unwrap(), "[+7]");
        assert_eq!(
            fmt("[%6.2f]", vec![Value::from(1.23456)]).unwrap(),
            "[  1.23]"
        );
        assert_eq!(fmt("[%-4s]", vec![Value::from("ab")]).unwrap(), "[ab  ]");
        assert_eq!(fmt("%.3s", vec![Value::from("abcdef")]).unwrap(), "abc");
        assert_eq!(fmt("%#x", vec![Value::from(255)]).unwrap(), "0xff");
    }

    #[test]
    fn explicit_argument_indexes() {
        let out = fmt("%[2]s %[1]s %s", vec!["a".into(), "b".into()]).unwrap();
        assert_eq!(out, "b a b");
    }

    #[test]
    fn argument_count_errors() {
        let msg = failure(fmt("%s %s", vec!["a".into()]));
        assert_eq!(
            msg,
            "not enough arguments for \"%s\" at 3: need index 2 but have 1 total."
        );
        let msg = failure(fmt("%s", vec!["a".into(), "b".into()]));
        assert_eq!(msg, "too many arguments; only 1 used by format string.");
        assert!(failure(fmt("%y", vec!["a".into()])).contains("unrecognized format verb"));
        assert!(failure(fmt("abc %", vec![])).contains("missing verb"));
        assert!(failure(fmt("%99999999999d", vec![Value::from(1)])).contains("larger than"));
        assert!(failure(fmt("%[0]d", vec![Value::from(1)])).contains("indexes start at 1"));
    }

    #[test]
    fn value_errors_name_the_directive() {
        let msg = failure(fmt("%d", vec![Value::from(1.5)]));
        assert_eq!(
            msg,
            "unsupported value for \"%d\" at 0: a whole number is required."
        );
        let msg = failure(fmt("%s", vec![Value::List(vec![])]));
        assert_eq!(
            msg,
            "unsupported value for \"%s\" at 0: string required, but have list."
        );
        assert!(failure(fmt("%s", vec![Value::Null])).contains("null value"));
    }

    #[test]
    fn formatlist_iterates_lists_in_step() {
        let names = Value::List(vec!["a".into(), "b".into()]);
        let out = call("formatlist", vec!["%s-%s".into(), names, "x".into()]).unwrap();
        assert_eq!(out, Value::List(vec!["a-x".into(), "b-x".into()]));
        let out = call("formatlist", vec!["%s".into(), "only".into()]).unwrap();
        assert_eq!(out, Value::List(vec!["only".into()]));
        let short = Value::List(vec!["a".into()]);
        let long = Value::List(vec!["a".into(), "b".into()]);
        let err = call("formatlist", vec!["%s%s".into(), short, long]).unwrap_err();
        assert_eq!(
            err,
            fail("argument 3 has length 2, which is inconsistent with argument 2 of length 1.")
        );
    }

    #[test]
    fn format_through_call() {
        let out = call(
            "format",
            vec!["%s:%d".into(), "port".into(), Value::from(443)],
        );
        assert_eq!(out, Ok(Value::from("port:443")));
        assert!(call("format", vec![]).is_err());
    }
}
