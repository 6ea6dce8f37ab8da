//! The NODE argument: `host:port`, `ip:port` or `[v6addr]:port`, each with an optional
//! `@busport` suffix as Redis prints it in `CLUSTER NODES`.
//!
//! Parsing checks the syntax only; names are resolved later by
//! [`NameResolver`](super::resolve::NameResolver). Every error names the bad input and says
//! how to write it instead.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// Longest host name DNS can carry, without the trailing dot.
const MAX_NAME_LEN: usize = 253;
/// Longest single label of a host name.
const MAX_LABEL_LEN: usize = 63;

/// The host part of a node address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// An IPv4 or IPv6 literal; it is used as is, without a DNS query.
    Ip(IpAddr),
    /// A host name as typed, including a trailing dot if one was given (a trailing dot makes
    /// the resolver skip the search domains).
    Name(String),
}

impl fmt::Display for Host {
    /// IPv6 addresses are written in brackets, as in a node address.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Host::Ip(IpAddr::V6(ip)) => write!(f, "[{ip}]"),
            Host::Ip(IpAddr::V4(ip)) => write!(f, "{ip}"),
            Host::Name(name) => f.write_str(name),
        }
    }
}

/// A node as given on the command line: host, client port and, optionally, the cluster bus
/// port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeAddr {
    /// The host name or IP address.
    pub host: Host,
    /// The client port (never 0).
    pub port: u16,
    /// The cluster bus port from an `@busport` suffix, kept but not needed by rtrib.
    pub bus_port: Option<u16>,
}

impl fmt::Display for NodeAddr {
    /// `host:port`, `[v6]:port`, with `@busport` when one was given.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.host, self.port)?;
        if let Some(bus) = self.bus_port {
            write!(f, "@{bus}")?;
        }
        Ok(())
    }
}

/// Why a NODE argument (or a `--dns-server` value) could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddrError {
    /// The argument is empty.
    #[error("empty node address: write host:port, e.g. redis-0:6379")]
    Empty,
    /// There is no `:port`, or nothing after the colon.
    #[error("\"{input}\" has no port: write host:port, e.g. {host}:6379")]
    MissingPort {
        /// The argument as given.
        input: String,
        /// The host part, written back in the example.
        host: String,
    },
    /// Nothing before `:port`.
    #[error("\"{input}\" has no host before the port: write host:port, e.g. redis-0:6379")]
    EmptyHost {
        /// The argument as given.
        input: String,
    },
    /// The port is not a decimal number.
    #[error(
        "\"{input}\": port \"{port}\" is not a number: write host:port with a port from 1 to 65535"
    )]
    BadPort {
        /// The argument as given.
        input: String,
        /// The text after the colon.
        port: String,
    },
    /// The port is 0.
    #[error("\"{input}\": port 0 cannot be used: write a port from 1 to 65535")]
    ZeroPort {
        /// The argument as given.
        input: String,
    },
    /// The port is above 65535.
    #[error("\"{input}\": port {port} is out of range: write a port from 1 to 65535")]
    PortOutOfRange {
        /// The argument as given.
        input: String,
        /// The port as written.
        port: String,
    },
    /// An IPv6 address without brackets, which makes its port ambiguous.
    #[error("\"{input}\": write IPv6 addresses in brackets: [::1]:7000")]
    Ipv6WithoutBrackets {
        /// The argument as given.
        input: String,
    },
    /// The text in brackets is not an IPv6 address.
    #[error(
        "\"{input}\": \"{addr}\" is not an IPv6 address: only IPv6 addresses go in brackets, e.g. [::1]:7000"
    )]
    BadIpv6 {
        /// The argument as given.
        input: String,
        /// The text between the brackets.
        addr: String,
    },
    /// A `[` without its `]`, or text other than `:port` after the `]`.
    #[error("\"{input}\" has an unclosed or misplaced bracket: write IPv6 addresses as [::1]:7000")]
    UnclosedBracket {
        /// The argument as given.
        input: String,
    },
    /// The host name contains a character DNS names cannot have.
    #[error("\"{input}\": host name contains {ch:?}: use only letters, digits, '-', '_' and '.'")]
    BadHostChar {
        /// The argument as given.
        input: String,
        /// The first offending character.
        ch: char,
    },
    /// The host name has valid characters but an invalid shape.
    #[error("\"{input}\": invalid host name: {reason}")]
    BadHostName {
        /// The argument as given.
        input: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The `@busport` suffix is not a port from 1 to 65535.
    #[error(
        "\"{input}\": cluster bus port \"{bus}\" is not valid: write host:port@busport with a bus port from 1 to 65535, or leave out @busport"
    )]
    BadBusPort {
        /// The argument as given.
        input: String,
        /// The text after the `@`.
        bus: String,
    },
    /// A `--dns-server` value that is not an IP address with an optional port.
    #[error(
        "\"{input}\" is not a DNS server address: write an IP address with an optional port, e.g. 10.0.0.10, 10.0.0.10:5353 or [::1]:53"
    )]
    BadDnsServer {
        /// The value as given.
        input: String,
    },
}

impl FromStr for NodeAddr {
    type Err = AddrError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        if input.is_empty() {
            return Err(AddrError::Empty);
        }
        let (addr, bus_port) = match input.rsplit_once('@') {
            Some((addr, bus)) => (addr, Some(parse_bus_port(input, bus)?)),
            None => (input, None),
        };
        let (host, port) = if let Some(bracketed) = addr.strip_prefix('[') {
            let (ip, rest) =
                bracketed
                    .split_once(']')
                    .ok_or_else(|| AddrError::UnclosedBracket {
                        input: input.into(),
                    })?;
            let ip = Ipv6Addr::from_str(ip).map_err(|_| AddrError::BadIpv6 {
                input: input.into(),
                addr: ip.into(),
            })?;
            let host = Host::Ip(IpAddr::V6(ip));
            let port = match rest.strip_prefix(':') {
                Some(port) => port,
                None if rest.is_empty() => "",
                None => {
                    return Err(AddrError::UnclosedBracket {
                        input: input.into(),
                    });
                }
            };
            (host, port)
        } else {
            match addr.split_once(':') {
                Some((_, rest)) if rest.contains(':') => {
                    return Err(AddrError::Ipv6WithoutBrackets {
                        input: input.into(),
                    });
                }
                Some(("", _)) => {
                    return Err(AddrError::EmptyHost {
                        input: input.into(),
                    });
                }
                Some((host, port)) => (parse_host(input, host)?, port),
                None => (parse_host(input, addr)?, ""),
            }
        };
        if port.is_empty() {
            return Err(AddrError::MissingPort {
                input: input.into(),
                host: host.to_string(),
            });
        }
        let port = parse_port(input, port)?;
        Ok(NodeAddr {
            host,
            port,
            bus_port,
        })
    }
}

/// Parses a client port: decimal, 1 to 65535.
fn parse_port(input: &str, port: &str) -> Result<u16, AddrError> {
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AddrError::BadPort {
            input: input.into(),
            port: port.into(),
        });
    }
    match port.parse::<u16>() {
        Ok(0) => Err(AddrError::ZeroPort {
            input: input.into(),
        }),
        Ok(port) => Ok(port),
        Err(_) => Err(AddrError::PortOutOfRange {
            input: input.into(),
            port: port.into(),
        }),
    }
}

/// Parses the text after `@`: decimal, 1 to 65535.
fn parse_bus_port(input: &str, bus: &str) -> Result<u16, AddrError> {
    match bus.parse::<u16>() {
        Ok(port) if port != 0 && bus.bytes().all(|b| b.is_ascii_digit()) => Ok(port),
        _ => Err(AddrError::BadBusPort {
            input: input.into(),
            bus: bus.into(),
        }),
    }
}

/// Parses an unbracketed host: an IPv4 literal or an RFC 1123 host name (with `_` allowed).
fn parse_host(input: &str, host: &str) -> Result<Host, AddrError> {
    if host.is_empty() {
        return Err(AddrError::EmptyHost {
            input: input.into(),
        });
    }
    if let Ok(ip) = Ipv4Addr::from_str(host) {
        return Ok(Host::Ip(IpAddr::V4(ip)));
    }
    if let Some(ch) = host
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(AddrError::BadHostChar {
            input: input.into(),
            ch,
        });
    }
    let bad = |reason| AddrError::BadHostName {
        input: input.into(),
        reason,
    };
    let name = host.strip_suffix('.').unwrap_or(host);
    if name.len() > MAX_NAME_LEN {
        return Err(bad("longer than 253 characters"));
    }
    let labels: Vec<&str> = name.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(bad("empty label: a leading dot or two dots in a row"));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(bad("a label is longer than 63 characters"));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(bad("a label starts or ends with '-'"));
        }
    }
    if labels
        .iter()
        .all(|label| label.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad("it looks like an IPv4 address but is not a valid one"));
    }
    Ok(Host::Name(host.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<NodeAddr, AddrError> {
        s.parse()
    }

    fn name(host: &str, port: u16, bus_port: Option<u16>) -> NodeAddr {
        NodeAddr {
            host: Host::Name(host.into()),
            port,
            bus_port,
        }
    }

    fn ip(host: &str, port: u16, bus_port: Option<u16>) -> NodeAddr {
        NodeAddr {
            host: Host::Ip(host.parse().unwrap()),
            port,
            bus_port,
        }
    }

    #[test]
    fn accepts_host_names() {
        assert_eq!(parse("redis-0:6379"), Ok(name("redis-0", 6379, None)));
        assert_eq!(
            parse("redis-app-0.redis-service:7000"),
            Ok(name("redis-app-0.redis-service", 7000, None))
        );
        assert_eq!(
            parse("redis-0.redis.dev.svc.cluster.local.:6379"),
            Ok(name("redis-0.redis.dev.svc.cluster.local.", 6379, None))
        );
        assert_eq!(
            parse("tasks.redis_cluster:6379"),
            Ok(name("tasks.redis_cluster", 6379, None))
        );
        assert_eq!(
            parse("_redis._tcp.redis:6379"),
            Ok(name("_redis._tcp.redis", 6379, None))
        );
        assert_eq!(parse("Redis-0:65535"), Ok(name("Redis-0", 65535, None)));
        assert_eq!(parse("1redis:1"), Ok(name("1redis", 1, None)));
    }

    #[test]
    fn accepts_ip_literals() {
        assert_eq!(parse("10.0.0.1:7000"), Ok(ip("10.0.0.1", 7000, None)));
        assert_eq!(parse("[::1]:7000"), Ok(ip("::1", 7000, None)));
        assert_eq!(parse("[fd00::1:2]:6379"), Ok(ip("fd00::1:2", 6379, None)));
        assert_eq!(
            parse("[::ffff:10.0.0.1]:6379"),
            Ok(ip("::ffff:10.0.0.1", 6379, None))
        );
    }

    #[test]
    fn accepts_and_keeps_bus_port() {
        assert_eq!(
            parse("redis-0:6379@16379"),
            Ok(name("redis-0", 6379, Some(16379)))
        );
        assert_eq!(
            parse("10.0.0.1:7000@17000"),
            Ok(ip("10.0.0.1", 7000, Some(17000)))
        );
        assert_eq!(parse("[::1]:7000@17000"), Ok(ip("::1", 7000, Some(17000))));
    }

    #[test]
    fn displays_as_parsed() {
        for s in [
            "redis-0:6379",
            "redis-0.redis.:6379",
            "10.0.0.1:7000@17000",
            "[::1]:7000",
            "[fd00::1]:7000@17000",
        ] {
            assert_eq!(parse(s).unwrap().to_string(), s);
        }
    }

    #[test]
    fn rejects_empty_input_and_host() {
        assert_eq!(parse(""), Err(AddrError::Empty));
        assert!(matches!(parse(":6379"), Err(AddrError::EmptyHost { .. })));
        assert!(matches!(
            parse(":6379@16379"),
            Err(AddrError::EmptyHost { .. })
        ));
    }

    #[test]
    fn rejects_missing_port() {
        let err = parse("redis-0").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#""redis-0" has no port: write host:port, e.g. redis-0:6379"#
        );
        assert!(matches!(
            parse("redis-0:"),
            Err(AddrError::MissingPort { .. })
        ));
        assert!(matches!(
            parse("10.0.0.1"),
            Err(AddrError::MissingPort { .. })
        ));
        let err = parse("[::1]").unwrap_err();
        assert!(matches!(err, AddrError::MissingPort { .. }));
        assert!(err.to_string().contains("e.g. [::1]:6379"), "{err}");
    }

    #[test]
    fn rejects_bad_ports() {
        assert!(matches!(
            parse("redis-0:abc"),
            Err(AddrError::BadPort { .. })
        ));
        assert!(matches!(
            parse("redis-0:+1"),
            Err(AddrError::BadPort { .. })
        ));
        assert!(matches!(
            parse("redis-0:-1"),
            Err(AddrError::BadPort { .. })
        ));
        assert!(matches!(
            parse("redis-0:63 79"),
            Err(AddrError::BadPort { .. })
        ));
        assert!(matches!(
            parse("redis-0:0"),
            Err(AddrError::ZeroPort { .. })
        ));
        assert!(matches!(parse("[::1]:0"), Err(AddrError::ZeroPort { .. })));
        let err = parse("redis-0:65536").unwrap_err();
        assert!(matches!(err, AddrError::PortOutOfRange { .. }));
        assert!(err.to_string().contains("65536"), "{err}");
        assert!(matches!(
            parse("redis-0:99999999999999999999"),
            Err(AddrError::PortOutOfRange { .. })
        ));
    }

    #[test]
    fn rejects_ipv6_without_brackets() {
        let err = parse("::1:7000").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#""::1:7000": write IPv6 addresses in brackets: [::1]:7000"#
        );
        assert!(matches!(
            parse("fd00::1"),
            Err(AddrError::Ipv6WithoutBrackets { .. })
        ));
    }

    #[test]
    fn rejects_bad_brackets() {
        assert!(matches!(
            parse("[::1:7000"),
            Err(AddrError::UnclosedBracket { .. })
        ));
        assert!(matches!(
            parse("[::1]7000"),
            Err(AddrError::UnclosedBracket { .. })
        ));
        assert!(matches!(
            parse("[10.0.0.1]:7000"),
            Err(AddrError::BadIpv6 { .. })
        ));
        assert!(matches!(
            parse("[redis-0]:7000"),
            Err(AddrError::BadIpv6 { .. })
        ));
        assert!(matches!(parse("[]:7000"), Err(AddrError::BadIpv6 { .. })));
    }

    #[test]
    fn rejects_bad_host_characters() {
        let err = parse("redis 0:6379").unwrap_err();
        assert_eq!(
            err,
            AddrError::BadHostChar {
                input: "redis 0:6379".into(),
                ch: ' '
            }
        );
        assert!(err.to_string().contains("' '"), "{err}");
        for s in [
            "redis/0:6379",
            "rédis:6379",
            "redis*:6379",
            "http://redis:6379",
        ] {
            assert!(
                matches!(
                    parse(s),
                    Err(AddrError::BadHostChar { .. } | AddrError::Ipv6WithoutBrackets { .. })
                ),
                "{s}"
            );
        }
        assert!(matches!(
            parse("redis/0:6379"),
            Err(AddrError::BadHostChar { ch: '/', .. })
        ));
    }

    #[test]
    fn rejects_bad_host_names() {
        let long_label = format!("{}:6379", "a".repeat(64));
        let long_name = format!("{}:6379", ["abcdefghi"; 26].join("."));
        for s in [
            ".redis:6379",
            "redis..svc:6379",
            "-redis:6379",
            "redis-:6379",
            "redis.-svc:6379",
            "..:6379",
            "999.1.1.1:6379",
            "10.0.0:6379",
            long_label.as_str(),
            long_name.as_str(),
        ] {
            assert!(
                matches!(
                    parse(s),
                    Err(AddrError::BadHostName { .. } | AddrError::BadHostChar { .. })
                ),
                "{s}: {:?}",
                parse(s)
            );
        }
        // 63-character labels and 253-character names are fine.
        assert!(parse(&format!("{}:6379", "a".repeat(63))).is_ok());
        let max_name = format!("{}.{}", ["abcdefghi"; 25].join("."), "a".repeat(3));
        assert_eq!(max_name.len(), 253);
        assert!(parse(&format!("{max_name}:6379")).is_ok());
        assert!(parse(&format!("{max_name}.:6379")).is_ok());
    }

    #[test]
    fn rejects_bad_bus_ports() {
        for s in [
            "redis-0:6379@",
            "redis-0:6379@0",
            "redis-0:6379@x",
            "redis-0:6379@70000",
            "redis-0:6379@+5",
            "[::1]:7000@",
        ] {
            assert!(matches!(parse(s), Err(AddrError::BadBusPort { .. })), "{s}");
        }
        assert!(
            parse("redis-0:6379@x")
                .unwrap_err()
                .to_string()
                .contains("leave out @busport")
        );
    }
}
