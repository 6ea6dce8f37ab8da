//! `import`'s source cluster, judged without I/O: it must be another cluster than the one
//! imported into, and every master of it serving slots must be reachable.

use super::endpoint::Endpoint;
use super::topology::Topology;

/// Why `import` will not read a source cluster; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceRefusal {
    /// The source is a node of the cluster imported into.
    #[error(
        "the source {from} is a node of the cluster imported into (to move keys between \
         masters, reshard); nothing was changed"
    )]
    SameCluster {
        /// The source, as given.
        from: Endpoint,
    },
    /// A master of the source serving slots is unreachable.
    #[error(
        "the source cluster's master {master} is unreachable: its keys would be missed; \
         nothing was changed"
    )]
    MasterUnreachable {
        /// The master.
        master: Endpoint,
    },
}

/// Refuses a `source` cluster (read from `from`) that shares a node with `target`.
pub fn refuse_same_cluster(
    source: &Topology,
    target: &Topology,
    from: &Endpoint,
) -> Result<(), SourceRefusal> {
    match source
        .nodes
        .iter()
        .any(|node| target.node(node.id()).is_some())
    {
        true => Err(SourceRefusal::SameCluster { from: from.clone() }),
        false => Ok(()),
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::fixtures::{self, three_masters};

    #[test]
    fn a_source_sharing_a_node_with_the_target_is_refused() {
        let from = Endpoint::from_addr(([127, 0, 0, 1], 7000).into());
        let other = fixtures::masters(&[("x", "0-16383")]);
        assert_eq!(refuse_same_cluster(&other, &three_masters(), &from), Ok(()));
        assert_eq!(
            refuse_same_cluster(&three_masters(), &three_masters(), &from)
                .unwrap_err()
                .to_string(),
            "the source 127.0.0.1:7000 is a node of the cluster imported into (to move keys \
             between masters, reshard); nothing was changed"
        );
        let down = SourceRefusal::MasterUnreachable { master: from };
        assert_eq!(
            down.to_string(),
            "the source cluster's master 127.0.0.1:7000 is unreachable: its keys would be \
             missed; nothing was changed"
        );
    }
}
