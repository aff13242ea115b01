//! Durations as `time_sleep` writes them: `30s`, `5m`, `1h30m`, `500ms`.

use std::time::Duration;

/// Parses a Go-style duration string.
pub fn parse(s: &str) -> Result<Duration, String> {
    let err = || {
        format!("\"{s}\" is not a duration: write a number and a unit, such as 30s, 5m or 1h30m")
    };
    let mut total = Duration::ZERO;
    let mut rest = s.trim();
    if rest.is_empty() {
        return Err(err());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .ok_or_else(err)?;
        if digits == 0 {
            return Err(err());
        }
        let n: f64 = rest[..digits].parse().map_err(|_| err())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let secs = match &rest[..unit_len] {
            "ms" => n / 1000.0,
            "s" => n,
            "m" => n * 60.0,
            "h" => n * 3600.0,
            _ => return Err(err()),
        };
        total += Duration::from_secs_f64(secs);
        rest = &rest[unit_len..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_durations() {
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("500ms").unwrap(), Duration::from_millis(500));
        assert!(parse("10").is_err());
        assert!(parse("5 minutes").is_err());
    }
}
