//! String functions: `join`, `split`, `replace`, `trim*`, `substr`, case changes and tests.
//!
//! Lengths and offsets count characters (Unicode scalar values), not bytes, so slicing can
//! never split a character. `format` and `formatlist` live in `format.rs`.

use super::args::{self, exactly, fail, invalid};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

/// Applies `f` to the single string argument.
fn map_string(args: Vec<Value>, f: impl FnOnce(&str) -> String) -> Result {
    let [s] = exactly(args)?;
    Ok(Value::String(f(&args::string(s, "str")?)))
}

/// Applies a test to a string and a second string argument named `param`.
fn test_pair(args: Vec<Value>, param: &str, f: impl FnOnce(&str, &str) -> bool) -> Result {
    let [s, other] = exactly(args)?;
    let s = args::string(s, "str")?;
    let other = args::string(other, param)?;
    Ok(Value::Bool(f(&s, &other)))
}

pub(super) fn join(args: Vec<Value>) -> Result {
    args::at_least(&args, 2)?;
    let mut args = args.into_iter();
    let sep = args::string(args.next().unwrap_or_default(), "separator")?;
    let mut parts = Vec::new();
    for list in args {
        for (i, item) in args::items(list, "lists")?.into_iter().enumerate() {
            if item.is_null() {
                return Err(fail(format!(
                    "element {i} is null; cannot concatenate null values."
                )));
            }
            parts.push(args::string(item, "lists")?);
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

pub(super) fn split(args: Vec<Value>) -> Result {
    let [sep, s] = exactly(args)?;
    let sep = args::string(sep, "separator")?;
    let s = args::string(s, "str")?;
    let parts: Vec<Value> = if sep.is_empty() {
        // Like Go's strings.Split: an empty separator splits into characters.
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::from).collect()
    };
    Ok(Value::List(parts))
}

pub(super) fn lower(args: Vec<Value>) -> Result {
    map_string(args, str::to_lowercase)
}

pub(super) fn upper(args: Vec<Value>) -> Result {
    map_string(args, str::to_uppercase)
}

pub(super) fn title(args: Vec<Value>) -> Result {
    map_string(args, |s| {
        let mut out = String::with_capacity(s.len());
        let mut after_separator = true;
        for c in s.chars() {
            if after_separator {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            after_separator = is_word_separator(c);
        }
        out
    })
}

/// Word boundaries as Go's `strings.Title` (which Terraform uses) sees them.
fn is_word_separator(c: char) -> bool {
    if c.is_ascii() {
        !(c.is_ascii_alphanumeric() || c == '_')
    } else if c.is_alphanumeric() {
        false
    } else {
        c.is_whitespace()
    }
}

pub(super) fn replace(args: Vec<Value>) -> Result {
    let [s, substr, replacement] = exactly(args)?;
    let s = args::string(s, "str")?;
    let substr = args::string(substr, "substr")?;
    let replacement = args::string(replacement, "replace")?;
    if substr.len() > 1 && substr.starts_with('/') && substr.ends_with('/') {
        // Terraform treats "/…/" as a regular expression. We have no regex engine, and
        // replacing the literal text instead would silently do something else.
        return Err(invalid(
            "substr",
            format!(
                "{} is a regular expression pattern, which clusterform's replace() does not support; pass the plain text to replace instead",
                crate::value::quote(&substr)
            ),
        ));
    }
    Ok(Value::String(s.replace(&substr, &replacement)))
}

pub(super) fn trimspace(args: Vec<Value>) -> Result {
    map_string(args, |s| s.trim().to_string())
}

pub(super) fn trim(args: Vec<Value>) -> Result {
    let [s, cutset] = exactly(args)?;
    let s = args::string(s, "str")?;
    let cutset = args::string(cutset, "cutset")?;
    Ok(Value::from(s.trim_matches(|c| cutset.contains(c))))
}

pub(super) fn trimprefix(args: Vec<Value>) -> Result {
    let [s, prefix] = exactly(args)?;
    let s = args::string(s, "str")?;
    let prefix = args::string(prefix, "prefix")?;
    Ok(Value::from(s.strip_prefix(prefix.as_str()).unwrap_or(&s)))
}

pub(super) fn trimsuffix(args: Vec<Value>) -> Result {
    let [s, suffix] = exactly(args)?;
    let s = args::string(s, "str")?;
    let suffix = args::string(suffix, "suffix")?;
    Ok(Value::from(s.strip_suffix(suffix.as_str()).unwrap_or(&s)))
}

pub(super) fn substr(args: Vec<Value>) -> Result {
    let [s, offset, length] = exactly(args)?;
    let s = args::string(s, "str")?;
    let offset = args::integer(&offset, "offset")?;
    let length = args::integer(&length, "length")?;
    let chars: Vec<char> = s.chars().collect();
    let total = chars.len() as i64;
    // A negative offset counts back from the end; one past the start clamps to the start.
    let start = if offset < 0 {
        (total + offset).max(0)
    } else {
        offset.min(total)
    };
    // Any negative length means "to the end", as in Terraform (documented as -1).
    let end = if length < 0 {
        total
    } else {
        start.saturating_add(length).min(total)
    };
    Ok(Value::String(
        chars[start as usize..end as usize].iter().collect(),
    ))
}

pub(super) fn startswith(args: Vec<Value>) -> Result {
    test_pair(args, "prefix", |s, p| s.starts_with(p))
}

pub(super) fn endswith(args: Vec<Value>) -> Result {
    test_pair(args, "suffix", |s, p| s.ends_with(p))
}

pub(super) fn strcontains(args: Vec<Value>) -> Result {
    test_pair(args, "substr", |s, p| s.contains(p))
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    fn strings(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| Value::from(*x)).collect())
    }

    #[test]
    fn join_and_split_round_trip() {
        let out = call("join", vec![s(", "), strings(&["a", "b"]), strings(&["c"])]);
        assert_eq!(out, Ok(s("a, b, c")));
        assert_eq!(
            call("split", vec![s(","), s("a,b,,c")]),
            Ok(strings(&["a", "b", "", "c"]))
        );
        assert_eq!(call("split", vec![s(","), s("")]), Ok(strings(&[""])));
        assert_eq!(
            call("split", vec![s(""), s("ab")]),
            Ok(strings(&["a", "b"]))
        );
        let with_null = Value::List(vec![s("a"), Value::Null]);
        let err = call("join", vec![s(","), with_null]);
        assert_eq!(
            err,
            Err(fail("element 1 is null; cannot concatenate null values."))
        );
    }

    #[test]
    fn case_changes() {
        assert_eq!(call("lower", vec![s("HeLLo")]), Ok(s("hello")));
        assert_eq!(call("upper", vec![s("straße")]), Ok(s("STRASSE")));
        assert_eq!(
            call("title", vec![s("hello world-wide web_site")]),
            Ok(s("Hello World-Wide Web_site"))
        );
    }

    #[test]
    fn replace_substring_and_refuse_regex() {
        assert_eq!(
            call("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]),
            Ok(s("1 - 2 - 3"))
        );
        let err = call("replace", vec![s("abc"), s("/b+/"), s("x")]);
        match err {
            Err(CallError::Failed(m)) => assert!(m.contains("regular expression"), "{m}"),
            other => panic!("expected failure, got {other:?}"),
        }
        // A lone slash is plain text.
        assert_eq!(
            call("replace", vec![s("a/b"), s("/"), s("-")]),
            Ok(s("a-b"))
        );
    }

    #[test]
    fn trimming() {
        assert_eq!(call("trimspace", vec![s("  hi \n")]), Ok(s("hi")));
        assert_eq!(call("trim", vec![s("?!hello?!"), s("!?")]), Ok(s("hello")));
        assert_eq!(
            call("trimprefix", vec![s("helloworld"), s("hello")]),
            Ok(s("world"))
        );
        assert_eq!(call("trimprefix", vec![s("hello"), s("x")]), Ok(s("hello")));
        assert_eq!(
            call("trimsuffix", vec![s("helloworld"), s("world")]),
            Ok(s("hello"))
        );
    }

    #[test]
    fn substr_counts_characters() {
        let sub = |str: &str, off: i64, len: i64| {
            call("substr", vec![s(str), Value::from(off), Value::from(len)])
        };
        assert_eq!(sub("hello world", 1, 4), Ok(s("ello")));
        assert_eq!(sub("hello world", -5, -1), Ok(s("world")));
        assert_eq!(sub("héllo", 1, 2), Ok(s("él")));
        assert_eq!(sub("abc", 10, 2), Ok(s("")));
        assert_eq!(sub("abc", -10, 2), Ok(s("ab")));
        assert_eq!(sub("abc", 1, 1_000_000_000_000_000), Ok(s("bc")));
    }

    #[test]
    fn string_tests() {
        assert_eq!(
            call("startswith", vec![s("hello"), s("he")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call("endswith", vec![s("hello"), s("he")]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            call("strcontains", vec![s("hello"), s("ll")]),
            Ok(Value::Bool(true))
        );
        assert!(call("startswith", vec![s("hello")]).is_err());
    }
}
