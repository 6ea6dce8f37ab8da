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
