//! Encoding functions: `jsonencode`, `jsondecode`, `base64encode`, `base64decode`.
//!
//! JSON is written by hand rather than through `serde_json::to_string` so the output matches
//! Terraform's byte for byte: object keys sorted, no whitespace, and `<`, `>`, `&`, U+2028 and
//! U+2029 escaped as `\u003c` and friends (Go's encoder does this, and configurations that
//! compare rendered policies depend on it). Base64 is the standard alphabet with padding.

use super::args::{self, exactly, fail};
use super::CallError;
use crate::value::Value;

type Result = std::result::Result<Value, CallError>;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn jsonencode(args: Vec<Value>) -> Result {
    let [v] = exactly(args)?;
    Ok(Value::String(json_string(&v)))
}

pub(super) fn jsondecode(args: Vec<Value>) -> Result {
    let [s] = exactly(args)?;
    let s = args::string(s, "str")?;
    let json: serde_json::Value =
        serde_json::from_str(&s).map_err(|e| fail(format!("invalid JSON: {e}.")))?;
    Ok(Value::from_json(&json))
}

pub(super) fn base64encode(args: Vec<Value>) -> Result {
    let [s] = exactly(args)?;
    Ok(Value::String(base64_encode(
        args::string(s, "str")?.as_bytes(),
    )))
}

pub(super) fn base64decode(args: Vec<Value>) -> Result {
    let [s] = exactly(args)?;
    let s = args::string(s, "str")?;
    let bytes = base64_decode(&s).ok_or_else(|| {
        fail(format!(
            "failed to decode base64 data {}.",
            crate::value::quote(&s)
        ))
    })?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| fail("the result of decoding the provided string is not valid UTF-8."))
}

/// A value as compact JSON, Terraform style. Unknowns (which callers rule out) become null.
pub(super) fn json_string(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Null | Value::Unknown => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_json().to_string()),
        Value::String(s) => out.push_str(&json_quote(s)),
        Value::List(items) | Value::Set(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(k));
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
        Value::Sensitive(inner) => write_json(inner, out),
    }
}

/// A string as a JSON string literal, with Go's HTML-safe escapes.
pub(super) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 0x3f) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded standard base64; `None` when the input is not valid. Line breaks are
/// ignored, as Go's decoder ignores them.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let symbols: Vec<u8> = s.bytes().filter(|b| *b != b'\r' && *b != b'\n').collect();
    if !symbols.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(symbols.len() / 4 * 3);
    let chunks = symbols.len() / 4;
    for (index, chunk) in symbols.chunks(4).enumerate() {
        let padding = chunk.iter().rev().take_while(|b| **b == b'=').count();
        // Padding is only allowed at the very end, and at most two characters of it.
        if padding > 2 || (padding > 0 && index + 1 != chunks) {
            return None;
        }
        let mut n: u32 = 0;
        for &b in &chunk[..4 - padding] {
            let sextet = ALPHABET.iter().position(|a| *a == b)?;
            n = (n << 6) | sextet as u32;
        }
        n <<= 6 * padding as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::call_plain as call;
    use super::*;

    #[test]
    fn jsonencode_sorts_keys_and_nests() {
        let v = Value::object([
            ("zone", Value::from("b")),
            (
                "acl",
                Value::List(vec![
                    Value::object([("port", Value::from(443)), ("open", Value::Bool(true))]),
                    Value::Null,
                ]),
            ),
            ("ratio", Value::from(0.5)),
        ]);
        let out = call("jsonencode", vec![v]).unwrap();
        let expected = r#"{"acl":[{"open":true,"port":443},null],"ratio":0.5,"zone":"b"}"#;
        assert_eq!(out, Value::from(expected));
    }

    #[test]
    fn jsonencode_escapes_like_go() {
        let out = call("jsonencode", vec![Value::from("<a & \"b\">\n")]).unwrap();
        assert_eq!(out, Value::from(r#""\u003ca \u0026 \"b\"\u003e\n""#));
    }

    #[test]
    fn jsondecode_round_trips() {
        let out = call(
            "jsondecode",
            vec![Value::from(r#"{"a":[1,"x",true,null]}"#)],
        )
        .unwrap();
        let expected = Value::object([(
            "a",
            Value::List(vec![
                Value::from(1),
                Value::from("x"),
                Value::Bool(true),
                Value::Null,
            ]),
        )]);
        assert_eq!(out, expected);
        match call("jsondecode", vec![Value::from("{nope")]) {
            Err(CallError::Failed(m)) => assert!(m.starts_with("invalid JSON"), "{m}"),
            other => panic!("expected failure, got {other:?}"),
        }
    }

    #[test]
    fn base64_round_trips() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
        ] {
            assert_eq!(
                call("base64encode", vec![Value::from(plain)]),
                Ok(Value::from(encoded))
            );
            assert_eq!(
                call("base64decode", vec![Value::from(encoded)]),
                Ok(Value::from(plain))
            );
        }
        let out = call("base64decode", vec![Value::from("SGVsbG8gV29ybGQ=")]);
        assert_eq!(out, Ok(Value::from("Hello World")));
    }

    #[test]
    fn base64decode_rejects_bad_input() {
        for bad in ["Zg", "Zg=a", "Z===", "Zg==Zg==", "Zm9*"] {
            assert!(
                call("base64decode", vec![Value::from(bad)]).is_err(),
                "{bad}"
            );
        }
        // Valid base64 of bytes that are not UTF-8.
        let err = call("base64decode", vec![Value::from("/w==")]).unwrap_err();
        assert!(matches!(err, CallError::Failed(m) if m.contains("UTF-8")));
    }
}
