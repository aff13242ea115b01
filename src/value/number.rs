//! Numbers of the configuration language.
//!
//! Terraform numbers are arbitrary precision; cluster configurations use ports, counts, sizes
//! and CIDR arithmetic, which an `f64` holds exactly up to 2^53. Integers print without a
//! fraction so `"${var.port}"` reads `443`, not `443.0`.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct Number(f64);

impl Number {
    pub fn as_f64(&self) -> f64 {
        self.0
    }

    /// The number as an integer, when it is one.
    pub fn as_i64(&self) -> Option<i64> {
        if self.0.fract() == 0.0 && self.0.abs() < 9.007_199_254_740_992e15 {
            Some(self.0 as i64)
        } else {
            None
        }
    }

    pub fn is_finite(&self) -> bool {
        self.0.is_finite()
    }

    /// Parses a number as written in configuration or in a string conversion.
    pub fn parse(s: &str) -> Option<Number> {
        let t = s.trim();
        if t.is_empty() {
            return None;
        }
        t.parse::<f64>().ok().filter(|n| n.is_finite()).map(Number)
    }

    pub fn to_json(&self) -> serde_json::Value {
        match self.as_i64() {
            Some(i) => serde_json::Value::from(i),
            None => serde_json::Number::from_f64(self.0)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
        }
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number(n as f64)
    }
}

impl From<usize> for Number {
    fn from(n: usize) -> Self {
        Number(n as f64)
    }
}

impl From<f64> for Number {
    fn from(n: f64) -> Self {
        Number(n)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_i64() {
            Some(i) => write!(f, "{i}"),
            None => write!(f, "{}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_print_without_fraction() {
        assert_eq!(Number::from(443.0).to_string(), "443");
        assert_eq!(Number::from(1.5).to_string(), "1.5");
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!(Number::parse("12a").is_none());
        assert!(Number::parse("").is_none());
        assert_eq!(Number::parse(" 7 ").and_then(|n| n.as_i64()), Some(7));
    }
}
