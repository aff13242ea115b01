//! How one `format()` directive renders its argument, following Go's `fmt` (which Terraform's
//! `format` is built on): `%e` prints `1.500000e+03` rather than Rust's `1.5e3`, `%g` switches
//! to exponent form at Go's thresholds, and `0` padding goes after the sign.

use super::encoding;
use crate::value::{Number, Value};

/// Flags, width and precision of one directive.
#[derive(Default)]
pub(super) struct Spec {
    pub(super) minus: bool,
    pub(super) plus: bool,
    pub(super) space: bool,
    pub(super) zero: bool,
    pub(super) sharp: bool,
    pub(super) width: Option<usize>,
    pub(super) precision: Option<usize>,
}

/// One directive's text, padded to its width.
pub(super) fn verb_text(verb: char, s: &Spec, arg: &Value) -> std::result::Result<String, String> {
    if arg.is_null() && verb != 'v' {
        return Err("null value cannot be formatted".to_string());
    }
    let (sign, body, numeric) = match verb {
        'v' if s.sharp => (String::new(), encoding::json_string(arg), false),
        'v' => (String::new(), plain(arg), false),
        's' => {
            let text = string_of(arg)?;
            let text = match s.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text,
            };
            (String::new(), text, false)
        }
        'q' => (String::new(), encoding::json_quote(&string_of(arg)?), false),
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
                'e' | 'E' => exponent(magnitude, s.precision, verb == 'E'),
                'g' | 'G' => general(magnitude, s.precision, verb == 'G'),
                _ => fixed(magnitude, s.precision),
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
        other => encoding::json_string(other),
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

// Number rendering below works on magnitudes; `verb_text` adds the sign and padding.

/// Decimal digits of a number: `0.d1d2d3… × 10^dp`, without trailing zeros (empty for zero).
struct Decimal {
    digits: Vec<u8>,
    dp: i32,
}

impl Decimal {
    /// The shortest digits that read back as `x`, or `x` rounded to `significant` digits.
    fn of(x: f64, significant: Option<usize>) -> Decimal {
        // Rust's `{:e}` is correctly rounded, as Go's strconv is, so the digits agree.
        let s = match significant {
            None => format!("{x:e}"),
            Some(p) => format!("{:.*e}", p.saturating_sub(1), x),
        };
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        let dp = if digits.is_empty() { 0 } else { exp + 1 };
        Decimal { digits, dp }
    }

    fn len(&self) -> i32 {
        self.digits.len() as i32
    }

    fn digit(&self, i: i32) -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.digits.get(i))
            .map_or('0', |&b| b as char)
    }

    /// `d.ddde±XX` with `prec` digits after the point.
    fn exponent_form(&self, prec: usize, upper: bool) -> String {
        let mut s = String::new();
        s.push(self.digit(0));
        if prec > 0 {
            s.push('.');
            for i in 1..=prec {
                s.push(self.digit(i as i32));
            }
        }
        let exp = if self.digits.is_empty() {
            0
        } else {
            self.dp - 1
        };
        s.push(if upper { 'E' } else { 'e' });
        s.push(if exp < 0 { '-' } else { '+' });
        let magnitude = exp.unsigned_abs();
        if magnitude < 10 {
            s.push('0');
        }
        s.push_str(&magnitude.to_string());
        s
    }

    /// `ddd.ddd` with `prec` digits after the point.
    fn fixed_form(&self, prec: usize) -> String {
        let mut s = String::new();
        if self.dp > 0 {
            for i in 0..self.dp {
                s.push(self.digit(i));
            }
        } else {
            s.push('0');
        }
        if prec > 0 {
            s.push('.');
            for i in 0..prec {
                s.push(self.digit(self.dp + i as i32));
            }
        }
        s
    }
}

/// `%f`: fixed point, six decimals unless a precision is given.
fn fixed(x: f64, prec: Option<usize>) -> String {
    format!("{:.*}", prec.unwrap_or(6), x)
}

/// `%e`: exponent form, six decimals unless a precision is given.
fn exponent(x: f64, prec: Option<usize>, upper: bool) -> String {
    let prec = prec.unwrap_or(6);
    Decimal::of(x, Some(prec + 1)).exponent_form(prec, upper)
}

/// `%g`: the shorter of exponent and fixed form, following Go's `strconv` rules.
fn general(x: f64, prec: Option<usize>, upper: bool) -> String {
    let shortest = prec.is_none();
    let (d, mut p) = match prec {
        None => {
            let d = Decimal::of(x, None);
            let n = d.len();
            (d, n)
        }
        Some(p) => {
            let p = p.max(1);
            (Decimal::of(x, Some(p)), p as i32)
        }
    };
    let mut eprec = p;
    if eprec > d.len() && d.len() >= d.dp {
        eprec = d.len();
    }
    // Go decides with precision 6 when printing the shortest form.
    if shortest {
        eprec = 6;
    }
    let exp = d.dp - 1;
    if exp < -4 || exp >= eprec {
        if p > d.len() {
            p = d.len();
        }
        return d.exponent_form((p - 1).max(0) as usize, upper);
    }
    if p > d.dp {
        p = d.len();
    }
    d.fixed_form((p - d.dp).max(0) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exponent_matches_go() {
        assert_eq!(exponent(1500.0, None, false), "1.500000e+03");
        assert_eq!(exponent(0.000123, Some(2), true), "1.23E-04");
        assert_eq!(exponent(0.0, Some(1), false), "0.0e+00");
    }

    #[test]
    fn general_matches_go() {
        assert_eq!(general(100000.0, None, false), "100000");
        assert_eq!(general(1e6, None, false), "1e+06");
        assert_eq!(general(0.0001, None, false), "0.0001");
        assert_eq!(general(0.00001, None, false), "1e-05");
        assert_eq!(general(1.23456, Some(3), false), "1.23");
        assert_eq!(general(1.0, Some(3), false), "1");
        assert_eq!(general(0.0, None, false), "0");
        assert_eq!(general(123456789.0, Some(4), true), "1.235E+08");
    }

    #[test]
    fn fixed_rounds() {
        assert_eq!(fixed(1.23456, Some(2)), "1.23");
        assert_eq!(fixed(2.0, None), "2.000000");
    }
}
