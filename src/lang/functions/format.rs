//! `format` and `formatlist`: printf-style formatting with Terraform's verbs.
//!
//! Supported: `%%`, `%v` (`%#v` for JSON), `%t`, `%s`, `%q`, `%d`, `%b`, `%o`, `%x`, `%X`,
//! `%e`, `%E`, `%f`, `%F`, `%g`, `%G`; flags `-`, `+`, space, `0`, `#`; a width; a
//! `.precision`; and explicit argument indexes like `%[2]s`. Positions in error messages
//! count characters from 0, as Terraform's do.

use super::args::{self, fail};
use super::format_number as num;
use super::CallError;
use crate::value::{Number, Value};

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

#[derive(Default)]
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
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

/// One directive's text, padded to its width.
fn verb_text(verb: char, s: &Spec, arg: &Value) -> std::result::Result<String, String> {
    if arg.is_null() && verb != 'v' {
        return Err("null value cannot be formatted".to_string());
    }
    let (sign, body, numeric) = match verb {
        'v' if s.sharp => (String::new(), super::encoding::json_string(arg), false),
        'v' => (String::new(), plain(arg), false),
        's' => {
            let text = string_of(arg)?;
            let text = match s.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            (String::new(), text, false)
        }
        'q' => (
            String::new(),
            super::encoding::json_quote(&string_of(arg)?),
            false,
        ),
        't' => match arg {
            Value::Bool(b) => (String::new(), b.to_string(), false),
            Value::String(t) if t == "true" || t == "false" => (String::new(), t.clone(), false),
            other => return Err(format!("bool required, but have {}", other.type_name())),
        },
        'd' | 'b' | 'o' | 'x' | 'X' => {
            let n = number_of(arg)?;
            let n = Number::from(n)
                .as_i64()
                .ok_or("a whole number is required")?;
            let magnitude = n.unsigned_abs();
            let body = match verb {
                'b' if s.sharp => format!("0b{magnitude:b}"),
                'b' => format!("{magnitude:b}"),
                'o' if s.sharp => format!("0{magnitude:o}"),
                'o' => format!("{magnitude:o}"),
                'x' if s.sharp => format!("0x{magnitude:x}"),
                'x' => format!("{magnitude:x}"),
                'X' if s.sharp => format!("0X{magnitude:X}"),
                'X' => format!("{magnitude:X}"),
                _ => magnitude.to_string(),
            };
            (sign_of(n < 0, s), body, true)
        }
        _ => {
            let x = number_of(arg)?;
            let magnitude = x.abs();
            let body = match verb {
                'e' | 'E' => num::exponent(magnitude, s.precision, verb == 'E'),
                'g' | 'G' => num::general(magnitude, s.precision, verb == 'G'),
                _ => num::fixed(magnitude, s.precision),
            };
            (sign_of(x < 0.0, s), body, true)
        }
    };
    Ok(pad(&sign, &body, s, numeric))
}

fn sign_of(negative: bool, s: &Spec) -> String {
    if negative {
        "-".into()
    } else if s.plus {
        "+".into()
    } else if s.space {
        " ".into()
    } else {
        String::new()
    }
}

fn pad(sign: &str, body: &str, s: &Spec, numeric: bool) -> String {
    let len = sign.chars().count() + body.chars().count();
    let fill = s.width.unwrap_or(0).saturating_sub(len);
    if s.minus {
        format!("{sign}{body}{}", " ".repeat(fill))
    } else if s.zero && numeric {
        format!("{sign}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign}{body}", " ".repeat(fill))
    }
}

/// `%v` without `#`: primitives as themselves, collections as JSON.
fn plain(arg: &Value) -> String {
    match arg {
        Value::Null => "null".to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => super::encoding::json_string(other),
    }
}

fn string_of(arg: &Value) -> std::result::Result<String, String> {
    match arg {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("string required, but have {}", other.type_name())),
    }
}

fn number_of(arg: &Value) -> std::result::Result<f64, String> {
    match arg {
        Value::Number(n) => Ok(n.as_f64()),
        Value::String(t) => Number::parse(t).map(|n| n.as_f64()).ok_or_else(|| {
            format!(
                "a number is required, but {} is not a number",
                crate::value::quote(t)
            )
        }),
        other => Err(format!("number required, but have {}", other.type_name())),
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
