//! Naming a node of a known topology: by full ID, by an unambiguous ID prefix of at least six
//! characters, or by address (a host name is resolved to an address before it gets here).

use std::fmt;
use std::net::SocketAddr;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::NodeId;

/// The shortest ID prefix accepted: shorter ones collide too easily to be typed safely.
pub const MIN_ID_PREFIX: usize = 6;

/// How the user named a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NodeRef {
    /// A full node ID or a prefix of one (lowercase hex).
    Id(String),
    /// The node's client address.
    Addr(SocketAddr),
}

impl NodeRef {
    /// Reads `text` as an ID or ID prefix when it is 6 to 40 hex digits; `None` otherwise (the
    /// caller then treats it as an address or name).
    pub fn id(text: &str) -> Option<NodeRef> {
        let is_id = (MIN_ID_PREFIX..=40).contains(&text.len())
            && text.bytes().all(|b| b.is_ascii_hexdigit());
        is_id.then(|| NodeRef::Id(text.to_ascii_lowercase()))
    }
}

/// Why `text` names no node when it looks like an ID (hex digits only) but is not one: shorter
/// than [`MIN_ID_PREFIX`] or longer than an ID. `None` for anything else, an address or name
/// included.
pub fn not_an_id(text: &str) -> Option<String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    match text.len() {
        length if length < MIN_ID_PREFIX => Some(format!(
            "{text} is too short for a node ID prefix: give at least {MIN_ID_PREFIX} characters \
             of the node's ID (rtrib check lists them), or its host:port"
        )),
        length if length > 40 => Some(format!(
            "{text} is not a node ID: it has {length} characters, an ID has 40"
        )),
        _ => None,
    }
}

impl fmt::Display for NodeRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeRef::Id(id) => write!(f, "node ID {id}"),
            NodeRef::Addr(addr) => write!(f, "node {addr}"),
        }
    }
}

/// A node a command needs is not at hand: rtrib holds no connection to it, or the cluster does
/// not know it. Each variant keeps the words the command always used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Absent {
    /// A master named by its address has no connection (`add-node --replica`).
    #[error("{0} is not reachable")]
    NotReachable(Endpoint),
    /// A node named by its ID has no connection (re-pointing replicas).
    #[error("node {0} is not reachable")]
    NodeNotReachable(NodeId),
    /// A replica named by its address has no connection (`failover`).
    #[error("{0} is unreachable")]
    Unreachable(Endpoint),
    /// A replica named by its ID has no connection (`rebalance-roles`).
    #[error("node {0} is unreachable")]
    NodeUnreachable(NodeId),
    /// A plan names a node the cluster does not have (`apply` of a del-node plan).
    #[error("node {0} is not in the cluster")]
    NotInCluster(NodeId),
}

/// Why a reference names no single node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    /// Nothing matches.
    #[error("No such {reference} in the cluster; list the nodes with rtrib check")]
    NotFound { reference: NodeRef },
    /// A prefix matches several IDs.
    #[error("{reference} is ambiguous: it matches {}; give more characters", .matches.iter().map(NodeId::to_string).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        reference: NodeRef,
        matches: Vec<NodeId>,
    },
}

impl Topology {
    /// The node `reference` names.
    pub fn find(&self, reference: &NodeRef) -> Result<&NodeReport, LookupError> {
        let matches: Vec<&NodeReport> = match reference {
            NodeRef::Id(prefix) => self
                .nodes
                .iter()
                .filter(|n| n.entry.id.as_str().starts_with(prefix.as_str()))
                .collect(),
            NodeRef::Addr(addr) => self
                .nodes
                .iter()
                .filter(|n| n.endpoint.addr == *addr || n.entry.addr() == Some(*addr))
                .collect(),
        };
        match matches.as_slice() {
            [only] => Ok(only),
            [] => Err(LookupError::NotFound {
                reference: reference.clone(),
            }),
            several => Err(LookupError::Ambiguous {
                reference: reference.clone(),
                matches: several.iter().map(|n| n.entry.id.clone()).collect(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::endpoint::Endpoint;
    use crate::cluster::topology::NodeState;
    use crate::cluster::view::NodesView;

    fn topology() -> Topology {
        let view = NodesView::parse(
            "aaaaaa1111111111111111111111111111111111 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-8191\n\
             aaaaaa2222222222222222222222222222222222 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n\
             bbbbbb3333333333333333333333333333333333 127.0.0.1:7002@17002 slave aaaaaa1111111111111111111111111111111111 0 0 1 connected\n",
        )
        .unwrap();
        let nodes = view
            .entries()
            .map(|entry| crate::cluster::topology::NodeReport {
                entry: entry.clone(),
                endpoint: Endpoint::from_addr(entry.addr().unwrap()),
                state: NodeState::NotContacted {
                    reason: "test".into(),
                },
            })
            .collect();
        Topology {
            seed: view.entries().next().unwrap().id.clone(),
            nodes,
        }
    }

    #[test]
    fn hex_too_short_or_too_long_for_an_id_says_so() {
        let short = not_an_id("fc1c").unwrap();
        assert!(
            short.contains("too short") && short.contains('6'),
            "{short}"
        );
        assert!(
            not_an_id(&"a".repeat(41))
                .unwrap()
                .contains("41 characters")
        );
        assert_eq!(not_an_id("fc1c12"), None);
        assert_eq!(not_an_id("redis-0"), None);
        assert_eq!(not_an_id("10.0.0.1:6379"), None);
    }

    #[test]
    fn ids_prefixes_and_addresses_name_nodes() {
        let t = topology();
        let by_prefix = t.find(&NodeRef::id("bbbbbb").unwrap()).unwrap();
        assert_eq!(by_prefix.entry.port, 7002);
        let full = "aaaaaa2222222222222222222222222222222222";
        assert_eq!(
            t.find(&NodeRef::id(full).unwrap()).unwrap().entry.port,
            7001
        );
        let addr = NodeRef::Addr("127.0.0.1:7001".parse().unwrap());
        assert_eq!(t.find(&addr).unwrap().entry.id.as_str(), full);
    }

    #[test]
    fn ambiguous_short_and_unknown_references_are_refused() {
        let t = topology();
        let err = t.find(&NodeRef::id("aaaaaa").unwrap()).unwrap_err();
        assert!(matches!(err, LookupError::Ambiguous { ref matches, .. } if matches.len() == 2));
        assert!(err.to_string().contains("give more characters"));
        assert_eq!(NodeRef::id("aaaaa"), None, "five characters are not an ID");
        assert_eq!(NodeRef::id("redis-0"), None);
        assert!(matches!(
            t.find(&NodeRef::id("cccccc").unwrap()),
            Err(LookupError::NotFound { .. })
        ));
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::fixtures::id;

    #[test]
    fn absent_nodes_keep_each_command_s_words() {
        let at = Endpoint::from_addr(([127, 0, 0, 1], 7000).into());
        let a = id("a");
        assert_eq!(
            Absent::NotReachable(at.clone()).to_string(),
            "127.0.0.1:7000 is not reachable"
        );
        assert_eq!(
            Absent::Unreachable(at).to_string(),
            "127.0.0.1:7000 is unreachable"
        );
        assert_eq!(
            Absent::NodeNotReachable(a.clone()).to_string(),
            format!("node {a} is not reachable")
        );
        assert_eq!(
            Absent::NodeUnreachable(a.clone()).to_string(),
            format!("node {a} is unreachable")
        );
        assert_eq!(
            Absent::NotInCluster(a.clone()).to_string(),
            format!("node {a} is not in the cluster")
        );
    }
}
