//! Renders numbers for `format()`'s `%e`, `%f` and `%g` verbs the way Go's `fmt` does.
//!
//! Terraform's `format` is built on Go's formatting, so `%e` prints `1.500000e+03` (not Rust's
//! `1.5e3`) and `%g` switches to exponent form at the same thresholds. Everything here works
//! on non-negative numbers; the caller adds the sign and padding.

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
pub(super) fn fixed(x: f64, prec: Option<usize>) -> String {
    format!("{:.*}", prec.unwrap_or(6), x)
}

/// `%e`: exponent form, six decimals unless a precision is given.
pub(super) fn exponent(x: f64, prec: Option<usize>, upper: bool) -> String {
    let prec = prec.unwrap_or(6);
    Decimal::of(x, Some(prec + 1)).exponent_form(prec, upper)
}

/// `%g`: the shorter of exponent and fixed form, following Go's `strconv` rules.
pub(super) fn general(x: f64, prec: Option<usize>, upper: bool) -> String {
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
