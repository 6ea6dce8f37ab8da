//! The value parsers of the command line: durations (one parser, with what a bare number means
//! per option), counts, slot counts, DNS servers.

use std::net::SocketAddr;
use std::time::Duration;

/// What a duration option makes of a bare number, one without a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BareNumber {
    /// Refused, with a hint to add a unit: the option is rtrib's own, and a number alone would
    /// be read as seconds by some and as milliseconds by others.
    Refused,
    /// Milliseconds: redis-cli's `--cluster-timeout` and set-timeout's argument.
    Milliseconds,
    /// Seconds: valkey-cli's `-t` (connect timeout).
    Seconds,
}

/// The one duration parser: `500ms`, `5s`, `1.5s`, `2m`, `1h`, up to 24h; a bare number is read
/// as `bare` says.
fn parse_duration_as(text: &str, bare: BareNumber) -> Result<Duration, String> {
    let text = text.trim();
    let units: [(&str, f64); 4] = [("ms", 0.001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)];
    let (number, scale) = match units.iter().find(|(unit, _)| text.ends_with(unit)) {
        Some((unit, scale)) => (&text[..text.len() - unit.len()], *scale),
        None => match bare {
            BareNumber::Milliseconds => (text, 0.001),
            BareNumber::Seconds => (text, 1.0),
            BareNumber::Refused if text.parse::<f64>().is_ok() => {
                return Err(format!(
                    "`{text}` has no unit: write {text}s for seconds or {text}ms for milliseconds"
                ));
            }
            BareNumber::Refused => (text, 1.0),
        },
    };
    let value: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("`{text}` is not a duration: write e.g. 500ms, 5s or 2m"))?;
    if !value.is_finite() || value < 0.0 || value * scale > 86_400.0 {
        return Err(format!(
            "`{text}` is out of range: give a duration between 0 and 24h"
        ));
    }
    Ok(Duration::from_secs_f64(value * scale))
}

/// Parses a duration of rtrib's own options: `500ms`, `5s`, `2m`; a bare number is refused.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    parse_duration_as(text, BareNumber::Refused)
}

/// Parses a connect timeout: a duration, or a bare number of seconds as valkey-cli's `-t`
/// reads it; 0 is no limit, as there (24h).
pub(super) fn parse_connect_timeout(text: &str) -> Result<Duration, String> {
    let timeout = parse_duration_as(text, BareNumber::Seconds)?;
    Ok(match timeout.is_zero() {
        true => Duration::from_secs(86_400),
        false => timeout,
    })
}

/// Parses a duration given to an option redis-cli reads in milliseconds (`--cluster-timeout`,
/// set-timeout's argument): a bare number is milliseconds, `5s` and `2m` work too. At least
/// `min_ms`; whole milliseconds are kept.
fn parse_milliseconds(text: &str, min_ms: u64, what: &str) -> Result<u64, String> {
    let ms = parse_duration_as(text, BareNumber::Milliseconds)?.as_millis();
    match u64::try_from(ms) {
        Ok(ms) if ms >= min_ms => Ok(ms),
        _ => Err(format!(
            "`{text}` is too short: {what} must be at least {min_ms} ms"
        )),
    }
}

/// Parses MIGRATE's I/O timeout: milliseconds, as redis-cli's `--cluster-timeout`, or a
/// duration; at least 1 ms.
pub(super) fn parse_migrate_timeout(text: &str) -> Result<u64, String> {
    parse_milliseconds(text, 1, "the MIGRATE timeout")
}

/// Parses a cluster-node-timeout: milliseconds, as redis-cli's set-timeout, or a duration; at
/// least 100 ms.
pub(super) fn parse_node_timeout(text: &str) -> Result<u64, String> {
    parse_milliseconds(text, 100, "cluster-node-timeout")
}

/// Parses reshard's number of slots: 1 or more (more than the sources serve is refused once
/// the cluster is read).
pub(super) fn parse_slot_count(text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(format!(
            "`{text}` is not a number of slots to move: write a whole number, 1 or more"
        )),
    }
}

/// Parses a count (0 or more), with a message that says so.
pub(super) fn parse_count(text: &str) -> Result<usize, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a count: write a whole number, 0 or more"))
}

pub(super) fn parse_dns_server(text: &str) -> Result<SocketAddr, String> {
    crate::net::resolve::parse_dns_server(text).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_and_without_units() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("-1s").is_err());
        assert!(parse_duration("1e9").is_err());
    }

    #[test]
    fn a_bare_number_keeps_redis_clis_meaning_or_is_refused_with_a_hint() {
        assert_eq!(
            parse_duration("3000"),
            Err("`3000` has no unit: write 3000s for seconds or 3000ms for milliseconds".into())
        );
        assert_eq!(parse_migrate_timeout("5000"), Ok(5000));
        assert_eq!(parse_migrate_timeout("5s"), Ok(5000));
        assert_eq!(parse_migrate_timeout("2m"), Ok(120_000));
        assert!(parse_migrate_timeout("0").is_err());
        assert_eq!(parse_node_timeout("5s"), Ok(5000));
        assert_eq!(parse_node_timeout("4321"), Ok(4321));
        assert_eq!(
            parse_node_timeout("99"),
            Err("`99` is too short: cluster-node-timeout must be at least 100 ms".into())
        );
        assert_eq!(
            parse_connect_timeout("1.5"),
            Ok(Duration::from_millis(1500))
        );
        assert_eq!(parse_connect_timeout("0"), Ok(Duration::from_secs(86_400)));
    }
}
