//! What every command needs, built once from the global options: the output, the name
//! resolver and the connection settings.

use crate::cli::GlobalArgs;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::lookup::NodeRef;
use crate::error::Result;
use crate::net::addr::NodeAddr;
use crate::net::conn::ConnectSettings;
use crate::net::resolve::{AddressFamily, NameResolver, ResolverSettings};
use crate::output::Output;

/// The settings of one rtrib run.
pub struct Context {
    /// Where results go.
    pub output: Output,
    /// Turns NODE arguments into addresses.
    pub resolver: NameResolver,
    /// How to open node connections.
    pub connect: ConnectSettings,
}

impl Context {
    /// Builds the context from the global command-line options.
    pub fn new(global: &GlobalArgs) -> Result<Self> {
        let family = if global.ipv4 {
            AddressFamily::V4
        } else if global.ipv6 {
            AddressFamily::V6
        } else {
            AddressFamily::Any
        };
        let resolver = NameResolver::new(ResolverSettings {
            resolv_conf: global.resolv_conf.clone(),
            dns_servers: global.dns_server.clone(),
            family,
            timeout: global.resolve_timeout,
        })?;
        Ok(Self {
            output: Output::new(global.output),
            resolver,
            connect: ConnectSettings {
                connect_timeout: global.connect_timeout,
                command_timeout: global.command_timeout,
                user: global.user.clone(),
                pass: global.pass.clone(),
            },
        })
    }

    /// Reads a reference to a node of the cluster: a node ID or ID prefix (6 to 40 hex digits),
    /// else an address or host name, resolved.
    pub async fn node_ref(&self, text: &str) -> Result<NodeRef> {
        match NodeRef::id(text) {
            Some(id) => Ok(id),
            None => Ok(NodeRef::Addr(self.resolve_node(text).await?.addr)),
        }
    }

    /// Parses a NODE argument and resolves its host name (retrying until the deadline).
    pub async fn resolve_node(&self, node: &str) -> Result<Endpoint> {
        let addr: NodeAddr = node.parse()?;
        Ok(self.resolver.resolve(&addr).await?)
    }
}
