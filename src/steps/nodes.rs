//! What commands that take a list of NODEs share: parse the arguments, refuse one node given
//! twice, connect to every node and read its own view, concurrently.

use futures_util::future::join_all;

use crate::cli::DiscoveryArgs;
use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::net::addr::NodeAddr;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::discover::{Discovery, discover};
use crate::net::form::Member;

/// Parses every NODE argument; the same argument given twice is a usage error.
pub fn parse_nodes(nodes: &[String]) -> Result<Vec<NodeAddr>> {
    let addrs = nodes
        .iter()
        .map(|node| node.parse::<NodeAddr>())
        .collect::<Result<Vec<_>, _>>()?;
    for (i, node) in nodes.iter().enumerate() {
        if nodes[..i].contains(node) {
            return Err(Error::Usage(format!("{node} is given twice")));
        }
    }
    Ok(addrs)
}

/// The NODE arguments, or — with `--from-dns` / `--from-srv` — the nodes found in DNS, in
/// pod-ordinal (else address) order.
pub async fn listed_or_discovered(
    context: &Context,
    nodes: &[String],
    discovery: &DiscoveryArgs,
) -> Result<Vec<NodeAddr>> {
    let source =
        Discovery::from_options(discovery.from_dns.as_deref(), discovery.from_srv.as_deref())?;
    match source {
        Some(source) => {
            let resolver = &context.resolver;
            Ok(discover(resolver, &source, discovery.expect, resolver.timeout()).await?)
        }
        None => parse_nodes(nodes),
    }
}

/// Two names that resolve to the same address are one node given twice: a usage error.
pub fn refuse_repeated_addresses(endpoints: &[Endpoint]) -> Result<()> {
    for (i, endpoint) in endpoints.iter().enumerate() {
        if let Some(first) = endpoints[..i].iter().find(|e| e.addr == endpoint.addr) {
            return Err(Error::Usage(format!(
                "{first} and {endpoint} are the same node"
            )));
        }
    }
    Ok(())
}

/// Connects to every endpoint concurrently; the first failure (in list order) wins.
pub async fn connect_all(endpoints: &[Endpoint], context: &Context) -> Result<Vec<NodeClient>> {
    let clients = join_all(
        endpoints
            .iter()
            .map(|e| NodeClient::connect(e, &context.connect)),
    )
    .await;
    Ok(clients.into_iter().collect::<Result<Vec<_>, _>>()?)
}

/// Every node's own `CLUSTER NODES` and key count, concurrently.
pub async fn read_snapshots(clients: &[NodeClient]) -> Result<Vec<NodeSnapshot>> {
    let snapshots = join_all(clients.iter().map(|client| async move {
        let (view, keys) = client.read_view().await?;
        Ok::<_, NodeError>(NodeSnapshot {
            endpoint: client.endpoint().clone(),
            view,
            keys,
        })
    }))
    .await;
    Ok(snapshots.into_iter().collect::<Result<Vec<_>, _>>()?)
}

/// The clients as cluster members, with the ID and bus port each node reported.
pub fn members(clients: Vec<NodeClient>, snapshots: &[NodeSnapshot]) -> Vec<Member> {
    clients
        .into_iter()
        .zip(snapshots)
        .map(|(client, snapshot)| Member {
            client,
            id: snapshot.id().cloned().unwrap_or_else(|| NodeId::new("")),
            bus_port: snapshot.bus_port(),
        })
        .collect()
}
