//! Finding the nodes in DNS instead of listing them: the addresses of a Kubernetes headless
//! Service (or Docker Swarm's `tasks.<service>`), or the targets of SRV records — waiting, when
//! told how many to expect, until that many exist (pods appear in DNS one by one).

use std::time::Duration;

use tokio::time::{Instant, sleep};

use crate::cluster::endpoint::DiscoveryOrder;
use crate::net::Secs;
use crate::net::addr::{AddrError, Host, NodeAddr};
use crate::net::notice::Awaited;
use crate::net::resolve::{NameResolver, ResolveError};

/// How long to wait before asking DNS again while fewer nodes than expected exist.
const RETRY_INTERVAL: Duration = Duration::from_millis(200);

/// Where to find the nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Discovery {
    /// Every address of a name (A/AAAA records), all on one port.
    Addresses { host: String, port: u16 },
    /// The targets and ports of a name's SRV records.
    Srv { name: String },
}

impl Discovery {
    /// `--from-dns HOST:PORT` or `--from-srv NAME`; `None` when neither is given.
    pub fn from_options(
        from_dns: Option<&str>,
        from_srv: Option<&str>,
    ) -> Result<Option<Self>, AddrError> {
        if let Some(text) = from_dns {
            let addr: NodeAddr = text.parse()?;
            return Ok(Some(Discovery::Addresses {
                host: addr.host.to_string(),
                port: addr.port,
            }));
        }
        Ok(from_srv.map(|name| Discovery::Srv {
            name: name.to_string(),
        }))
    }
}

/// Why discovery found no usable list of nodes.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// The name never resolved.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// Fewer nodes than expected existed when the deadline passed.
    #[error(
        "found {found} node(s) in DNS after {}, expected {expected}: {listed}; \
         are all pods up (rtrib wait), or is --expect wrong?",
        Secs(.waited)
    )]
    TooFew {
        found: usize,
        expected: usize,
        waited: Duration,
        listed: String,
    },
    /// More nodes than expected exist.
    #[error("found {found} node(s) in DNS, expected {expected}: {listed}; fix --expect")]
    TooMany {
        found: usize,
        expected: usize,
        listed: String,
    },
}

/// The nodes `discovery` finds, in [`DiscoveryOrder`]. With `expect`, waits (up to `timeout`)
/// until exactly that many exist; more is an error.
pub async fn discover(
    resolver: &NameResolver,
    discovery: &Discovery,
    expect: Option<usize>,
    timeout: Duration,
) -> Result<Vec<NodeAddr>, DiscoverError> {
    let start = Instant::now();
    let mut awaited = expect.map(|n| Awaited::new(format!("{n} nodes in DNS"), timeout));
    loop {
        let nodes = find(resolver, discovery).await?;
        let listed = || {
            nodes
                .iter()
                .map(NodeAddr::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match expect {
            None => return Ok(nodes),
            Some(expected) if nodes.len() == expected => {
                if let Some(awaited) = &awaited {
                    awaited.done();
                }
                return Ok(nodes);
            }
            Some(expected) if nodes.len() > expected => {
                return Err(DiscoverError::TooMany {
                    found: nodes.len(),
                    expected,
                    listed: listed(),
                });
            }
            Some(expected) if start.elapsed() >= timeout => {
                return Err(DiscoverError::TooFew {
                    found: nodes.len(),
                    expected,
                    waited: start.elapsed(),
                    listed: listed(),
                });
            }
            Some(expected) => {
                tracing::debug!(
                    found = nodes.len(),
                    expected,
                    "waiting for more nodes in DNS"
                );
                if let Some(awaited) = &mut awaited {
                    awaited.not_yet(|| format!("{} so far", nodes.len()));
                }
                resolver.forget_answers();
                sleep(RETRY_INTERVAL).await;
            }
        }
    }
}

/// One look at DNS, sorted.
async fn find(
    resolver: &NameResolver,
    discovery: &Discovery,
) -> Result<Vec<NodeAddr>, ResolveError> {
    let mut nodes: Vec<(DiscoveryOrder, NodeAddr)> = match discovery {
        Discovery::Addresses { host, port } => resolver
            .lookup_all(host)
            .await?
            .into_iter()
            .map(|ip| {
                let key = DiscoveryOrder::Addressed((ip, *port).into());
                (
                    key,
                    NodeAddr {
                        host: Host::Ip(ip),
                        port: *port,
                        bus_port: None,
                    },
                )
            })
            .collect(),
        Discovery::Srv { name } => resolver
            .lookup_srv(name)
            .await?
            .into_iter()
            .map(|(target, port)| {
                let key = DiscoveryOrder::named(&target, port);
                (
                    key,
                    NodeAddr {
                        host: Host::Name(target),
                        port,
                        bus_port: None,
                    },
                )
            })
            .collect(),
    };
    nodes.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(nodes.into_iter().map(|(_, node)| node).collect())
}
