//! Where a node is: the socket address rtrib talks to, and the name the user knows it by.

use std::fmt;
use std::net::SocketAddr;

use serde::Serialize;

/// A node's address together with the host name it was reached by, when there is one.
///
/// Redis itself only knows IP addresses (`CLUSTER MEET` rejects names), so every node has an
/// `addr`; `name` is what the user typed (a pod's DNS name) or what the node announced with
/// `cluster-announce-hostname`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Endpoint {
    /// The host name, if the node is known by one.
    pub name: Option<String>,
    /// The IP address and client port.
    pub addr: SocketAddr,
}

impl Endpoint {
    /// An endpoint known only by its address.
    pub fn from_addr(addr: SocketAddr) -> Self {
        Self { name: None, addr }
    }
}

impl fmt::Display for Endpoint {
    /// `name (ip:port)` when a name is known, else `ip:port` (IPv6 in brackets).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(name) => write!(f, "{name} ({})", self.addr),
            None => write!(f, "{}", self.addr),
        }
    }
}

/// The order discovered nodes are listed in, so that the choice of masters is predictable:
/// names first — StatefulSet pods by ordinal (`redis-app-2` before `redis-app-10`), other
/// names alphabetically — then addresses, numerically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DiscoveryOrder {
    /// A node known by name.
    Named {
        /// The first label without its ordinal (`redis-app` of `redis-app-2.redis-service`).
        stem: String,
        /// The pod ordinal, when the first label ends in `-N`.
        ordinal: Option<u64>,
        /// The whole name, to break ties.
        name: String,
        /// The port, to break ties.
        port: u16,
    },
    /// A node known only by address.
    Addressed(SocketAddr),
}

impl DiscoveryOrder {
    /// The sort key of a node named `name`.
    pub fn named(name: &str, port: u16) -> Self {
        let label = name.split('.').next().unwrap_or(name);
        let (stem, ordinal) = match label.rsplit_once('-') {
            Some((stem, digits))
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                (stem, digits.parse().ok())
            }
            _ => (label, None),
        };
        DiscoveryOrder::Named {
            stem: stem.to_ascii_lowercase(),
            ordinal,
            name: name.to_ascii_lowercase(),
            port,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_sort_by_ordinal_then_names_then_addresses() {
        let mut keys = [
            DiscoveryOrder::Addressed("10.0.0.9:6379".parse().unwrap()),
            DiscoveryOrder::named("redis-app-10.redis-service.dev.svc.cluster.local", 6379),
            DiscoveryOrder::Addressed("10.0.0.10:6379".parse().unwrap()),
            DiscoveryOrder::named("redis-app-2.redis-service.dev.svc.cluster.local", 6379),
            DiscoveryOrder::named("cache.example", 6379),
            DiscoveryOrder::named("redis-app-0.redis-service.dev.svc.cluster.local", 6379),
        ];
        keys.sort();
        let shown: Vec<String> = keys
            .iter()
            .map(|k| match k {
                DiscoveryOrder::Named { name, .. } => name.split('.').next().unwrap().to_string(),
                DiscoveryOrder::Addressed(addr) => addr.to_string(),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "cache",
                "redis-app-0",
                "redis-app-2",
                "redis-app-10",
                "10.0.0.9:6379",
                "10.0.0.10:6379"
            ]
        );
    }
}
