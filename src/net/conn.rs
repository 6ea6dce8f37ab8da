//! One connection per node, with timeouts and credentials, and errors that say which node
//! failed and why.
//!
//! rtrib talks to every node on its own connection (never through a cluster client, which would
//! follow MOVED/ASK redirections silently: for an admin tool those are facts to report).

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::io::AsyncDNSResolver;
use redis::{
    AsyncConnectionConfig, ClientTlsConfig, Cmd, ConnectionAddr, ErrorKind, FromRedisValue,
    IntoConnectionInfo, Pipeline, ProtocolVersion, RedisConnectionInfo, RedisError, RedisFuture,
    ServerErrorKind, TlsCertificates,
};

use crate::cluster::endpoint::Endpoint;
use crate::cluster::info::info_field;
use crate::cluster::server::Server;
use crate::cluster::view::{EntryPool, NodeEntry, NodesView};
use crate::net::Secs;

/// How to open and use node connections. `Debug` shows whether there is a password, never
/// the password.
#[derive(Clone)]
pub struct ConnectSettings {
    /// Bound on TCP connect plus the handshake (AUTH).
    pub connect_timeout: Duration,
    /// Bound on each command's reply.
    pub command_timeout: Duration,
    /// ACL user name (`AUTH user pass`); `None` means the default user.
    pub user: Option<String>,
    /// Password; never printed.
    pub pass: Option<String>,
    /// TLS, when the nodes speak it.
    pub tls: Option<TlsSettings>,
}

impl fmt::Debug for ConnectSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectSettings")
            .field("connect_timeout", &self.connect_timeout)
            .field("command_timeout", &self.command_timeout)
            .field("user", &self.user)
            .field("pass", &self.pass.as_ref().map(|_| "…"))
            .field("tls", &self.tls)
            .finish()
    }
}

/// How to speak TLS to the nodes. The key material is never printed.
#[derive(Clone)]
pub struct TlsSettings {
    /// CA certificates (PEM) to verify the nodes with; `None`: the built-in public roots.
    pub root_cert: Option<Vec<u8>>,
    /// Client certificate and key (PEM) for nodes that require one.
    pub client: Option<(Vec<u8>, Vec<u8>)>,
    /// Server name for nodes known only by address.
    pub sni: Option<String>,
    /// Accept any certificate.
    pub insecure: bool,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("root_cert", &self.root_cert.as_ref().map(|_| "…"))
            .field("client", &self.client.as_ref().map(|_| "…"))
            .field("sni", &self.sni)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// Hands redis-rs the address rtrib already resolved, whatever host name the connection
/// carries for TLS (SNI and certificate checks use the name; the socket uses this address).
struct PinnedAddress(SocketAddr);

impl AsyncDNSResolver for PinnedAddress {
    fn resolve<'a, 'b: 'a>(
        &'a self,
        _host: &'b str,
        _port: u16,
    ) -> RedisFuture<'a, Box<dyn Iterator<Item = SocketAddr> + Send + 'a>> {
        let addr = self.0;
        Box::pin(async move {
            Ok(Box::new(std::iter::once(addr)) as Box<dyn Iterator<Item = SocketAddr> + Send>)
        })
    }
}

/// What to look at when nothing listens at a node's address.
const REFUSED_HINT: &str = "(is redis-server running and listening on this address?)";

/// Why a node could not be used. Every variant names the node.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// Nothing listens at the address.
    #[error(
        "Could not connect to Redis at {node}: Connection refused {}",
        REFUSED_HINT
    )]
    Refused { node: Endpoint },
    /// The node did not answer in time.
    #[error("{node}: timed out after {} while {during}", Secs(.after))]
    Timeout {
        node: Endpoint,
        during: &'static str,
        after: Duration,
    },
    /// The credentials were rejected, or the node needs some.
    #[error("{node}: authentication failed ({detail}); check --user/--pass or REDISCLI_AUTH")]
    AuthFailed { node: Endpoint, detail: String },
    /// The node runs without `cluster-enabled yes`.
    #[error(
        "{node}: is not configured as a cluster node (start redis-server with cluster-enabled yes)"
    )]
    NotClusterEnabled { node: Endpoint },
    /// The node is still loading its data set from disk.
    #[error("{node}: is loading its dataset into memory; retry when it is ready")]
    Loading { node: Endpoint },
    /// A command was answered with an error.
    #[error("{node}: {command} failed: {detail}")]
    Command {
        node: Endpoint,
        command: String,
        detail: String,
    },
    /// The reply made no sense (not a Redis server, or an unexpected shape).
    #[error("{node}: unexpected reply to {command}: {detail}")]
    Protocol {
        node: Endpoint,
        command: String,
        detail: String,
    },
    /// Any other I/O failure (reset, unreachable network, ...).
    #[error(
        "{node}: {detail} (is this a Redis server, and does it speak TLS only when --tls is given?)"
    )]
    Io { node: Endpoint, detail: String },
}

impl NodeError {
    /// The node this error is about.
    pub fn node(&self) -> &Endpoint {
        match self {
            NodeError::Refused { node }
            | NodeError::Timeout { node, .. }
            | NodeError::AuthFailed { node, .. }
            | NodeError::NotClusterEnabled { node }
            | NodeError::Loading { node }
            | NodeError::Command { node, .. }
            | NodeError::Protocol { node, .. }
            | NodeError::Io { node, .. } => node,
        }
    }

    /// The reason alone, without the node's address (for per-node listings).
    pub fn reason(&self) -> String {
        if let NodeError::Refused { .. } = self {
            // The message starts with redis-cli's words, which name the node first.
            return format!("connection refused {REFUSED_HINT}");
        }
        let text = self.to_string();
        let prefix = format!("{}: ", self.node());
        text.strip_prefix(&prefix).unwrap_or(&text).to_string()
    }

    /// Classifies a redis-rs error raised while `during` on `node`.
    fn classify(
        node: &Endpoint,
        error: RedisError,
        during: &'static str,
        command: &str,
        timeout: Duration,
    ) -> Self {
        let node = node.clone();
        let detail = error
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| error.to_string());
        if error.is_connection_refusal() {
            return NodeError::Refused { node };
        }
        if error.is_timeout() {
            return NodeError::Timeout {
                node,
                during,
                after: timeout,
            };
        }
        match (error.kind(), error.code()) {
            (ErrorKind::AuthenticationFailed, _) | (_, Some("NOAUTH" | "WRONGPASS")) => {
                NodeError::AuthFailed { node, detail }
            }
            (ErrorKind::Server(ServerErrorKind::BusyLoading), _) | (_, Some("LOADING")) => {
                NodeError::Loading { node }
            }
            _ if detail.contains("cluster support disabled") => {
                NodeError::NotClusterEnabled { node }
            }
            (ErrorKind::Parse | ErrorKind::UnexpectedReturnType, _) => NodeError::Protocol {
                node,
                command: command.to_string(),
                detail,
            },
            (ErrorKind::Io, _) => NodeError::Io {
                node,
                detail: error.to_string(),
            },
            _ if error.code().is_some() => NodeError::Command {
                node,
                command: command.to_string(),
                detail: format!("{} {detail}", error.code().unwrap_or_default()),
            },
            _ => NodeError::Io {
                node,
                detail: error.to_string(),
            },
        }
    }
}

/// An open connection to one node. Clones share the connection (requests are pipelined on
/// it), so several tasks can talk to the node at once.
#[derive(Clone)]
pub struct NodeClient {
    endpoint: Endpoint,
    connection: MultiplexedConnection,
    command_timeout: Duration,
}

impl NodeClient {
    /// Connects (and authenticates) to `endpoint` within `settings.connect_timeout`.
    pub async fn connect(
        endpoint: &Endpoint,
        settings: &ConnectSettings,
    ) -> Result<Self, NodeError> {
        let mut redis_settings = RedisConnectionInfo::default()
            .set_protocol(ProtocolVersion::RESP2)
            .set_skip_set_lib_name();
        if let Some(user) = &settings.user {
            redis_settings = redis_settings.set_username(user);
        }
        if let Some(pass) = &settings.pass {
            redis_settings = redis_settings.set_password(pass);
        }
        let ip = endpoint.addr.ip().to_string();
        let port = endpoint.addr.port();
        let address = match &settings.tls {
            None => ConnectionAddr::Tcp(ip, port),
            Some(tls) => ConnectionAddr::TcpTls {
                host: endpoint
                    .name
                    .clone()
                    .or_else(|| tls.sni.clone())
                    .unwrap_or(ip),
                port,
                insecure: tls.insecure,
                tls_params: None,
            },
        };
        let fail = |error: RedisError| {
            NodeError::classify(
                endpoint,
                error,
                "connecting",
                "AUTH",
                settings.connect_timeout,
            )
        };
        let info = address
            .into_connection_info()
            .map_err(fail)?
            .set_redis_settings(redis_settings);
        let client = match &settings.tls {
            None => redis::Client::open(info),
            Some(tls) => redis::Client::build_with_tls(
                info,
                TlsCertificates {
                    client_tls: tls.client.clone().map(|(client_cert, client_key)| {
                        ClientTlsConfig {
                            client_cert,
                            client_key,
                        }
                    }),
                    root_cert: tls.root_cert.clone(),
                },
            ),
        }
        .map_err(fail)?;
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(settings.connect_timeout))
            .set_response_timeout(Some(settings.command_timeout))
            .set_dns_resolver(PinnedAddress(endpoint.addr));
        let connection = match client
            .get_multiplexed_async_connection_with_config(&config)
            .await
        {
            Ok(connection) => connection,
            Err(error) => {
                let mut failure = fail(error);
                if let NodeError::AuthFailed { detail, .. } = &mut failure
                    && let Some(words) = auth_refusal(endpoint, settings).await
                {
                    *detail = words;
                }
                return Err(failure);
            }
        };
        tracing::debug!(node = %endpoint, "connected");
        Ok(Self {
            endpoint: endpoint.clone(),
            connection,
            command_timeout: settings.command_timeout,
        })
    }

    /// The node this client talks to.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// Sends one command and converts its reply.
    pub async fn query<T: FromRedisValue>(&self, cmd: &Cmd) -> Result<T, NodeError> {
        let name = command_name(cmd);
        tracing::trace!(node = %self.endpoint, command = %name, "sending");
        cmd.query_async(&mut self.connection.clone())
            .await
            .map_err(|e| self.error(e, "waiting for a reply", &name))
    }

    /// Sends a pipeline in one round trip; the first failing command fails the call.
    pub async fn pipeline<T: FromRedisValue>(&self, pipe: &Pipeline) -> Result<T, NodeError> {
        tracing::trace!(
            node = %self.endpoint,
            commands = pipe.cmd_iter().count(),
            first = %pipe.cmd_iter().next().map(command_name).unwrap_or_default(),
            "sending pipeline"
        );
        pipe.query_async(&mut self.connection.clone())
            .await
            .map_err(|error| {
                let (index, error) = first_failure(error);
                let name = pipe
                    .cmd_iter()
                    .nth(index)
                    .map(command_name)
                    .unwrap_or_default();
                self.error(error, "waiting for a reply", &name)
            })
    }

    /// The node's own `CLUSTER NODES`, parsed, and its key count (`DBSIZE`), in one round
    /// trip.
    pub async fn read_view(&self) -> Result<(NodesView, u64), NodeError> {
        self.read_view_in(&EntryPool::default()).await
    }

    /// [`Self::read_view`], the view parsed into `pool` (shared with the other nodes' views).
    pub async fn read_view_in(&self, pool: &EntryPool) -> Result<(NodesView, u64), NodeError> {
        let mut pipe = redis::pipe();
        pipe.cmd("CLUSTER").arg("NODES").cmd("DBSIZE");
        let (text, keys): (String, u64) = self.pipeline(&pipe).await?;
        Ok((self.parse_view(&text, pool)?, keys))
    }

    /// The node's view, parsed into `pool`, and its `cluster_state` (`CLUSTER INFO`; `unknown`
    /// when the reply lacks it), in one round trip.
    pub async fn read_view_and_state_in(
        &self,
        pool: &EntryPool,
    ) -> Result<(NodesView, String), NodeError> {
        let mut pipe = redis::pipe();
        pipe.cmd("CLUSTER").arg("NODES").cmd("CLUSTER").arg("INFO");
        let (text, info): (String, String) = self.pipeline(&pipe).await?;
        let state = info_field(&info, "cluster_state").unwrap_or("unknown");
        Ok((self.parse_view(&text, pool)?, state.to_string()))
    }

    /// [`Self::read_view_in`] and the server the node runs (`INFO server`), in one round trip.
    pub async fn read_view_and_server(
        &self,
        pool: &EntryPool,
    ) -> Result<(NodesView, u64, Option<Server>), NodeError> {
        let mut pipe = redis::pipe();
        pipe.cmd("CLUSTER")
            .arg("NODES")
            .cmd("DBSIZE")
            .cmd("INFO")
            .arg("server");
        let (text, keys, info): (String, u64, String) = self.pipeline(&pipe).await?;
        Ok((
            self.parse_view(&text, pool)?,
            keys,
            Server::from_info(&info),
        ))
    }

    fn parse_view(&self, text: &str, pool: &EntryPool) -> Result<NodesView, NodeError> {
        NodesView::parse_in(text, pool).map_err(|e| NodeError::Protocol {
            node: self.endpoint.clone(),
            command: "CLUSTER NODES".into(),
            detail: e.to_string(),
        })
    }

    /// Like [`Self::read_view`], with the node's own (`myself`) line taken out of the view.
    pub async fn read_myself(&self) -> Result<(NodeEntry, NodesView, u64), NodeError> {
        let (view, keys) = self.read_view().await?;
        let myself = view.myself().cloned().ok_or_else(|| NodeError::Protocol {
            node: self.endpoint.clone(),
            command: "CLUSTER NODES".into(),
            detail: "no line is flagged myself".into(),
        })?;
        Ok((myself, view, keys))
    }

    fn error(&self, error: RedisError, during: &'static str, command: &str) -> NodeError {
        NodeError::classify(&self.endpoint, error, during, command, self.command_timeout)
    }
}

/// The server's own words for refusing the credentials of `settings` (`WRONGPASS invalid
/// username-password pair...`, `ERR AUTH <password> called without any password configured
/// for the default user...`), which redis-rs replaces with its own: asked again with `AUTH` sent
/// by hand on a connection made without credentials. `None` when that goes otherwise.
async fn auth_refusal(endpoint: &Endpoint, settings: &ConnectSettings) -> Option<String> {
    let pass = settings.pass.as_ref()?;
    let anonymous = ConnectSettings {
        user: None,
        pass: None,
        ..settings.clone()
    };
    let client = Box::pin(NodeClient::connect(endpoint, &anonymous))
        .await
        .ok()?;
    let mut auth = redis::cmd("AUTH");
    if let Some(user) = &settings.user {
        auth.arg(user);
    }
    auth.arg(pass);
    let refusal = auth
        .query_async::<()>(&mut client.connection.clone())
        .await
        .err()?;
    let words = [refusal.code(), refusal.detail()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (!words.is_empty()).then_some(words)
}

/// A pipeline's error carries one server error per failed command; the first one (and its
/// command's position) says what went wrong. Other errors are returned as they are.
fn first_failure(error: RedisError) -> (usize, RedisError) {
    match error
        .clone()
        .into_server_errors()
        .and_then(|errors| errors.first().cloned())
    {
        Some((index, first)) => (index, first.into()),
        None => (0, error),
    }
}

/// The command's first two words as they were given (`CLUSTER NODES`, `GET someKey:abc`),
/// for messages.
fn command_name(cmd: &Cmd) -> String {
    cmd.args_iter()
        .take(2)
        .filter_map(|arg| match arg {
            redis::Arg::Simple(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_password() {
        let settings = ConnectSettings {
            connect_timeout: Duration::from_secs(1),
            command_timeout: Duration::from_secs(1),
            user: Some("admin".into()),
            pass: Some("hunter2".into()),
            tls: None,
        };
        let shown = format!("{settings:?}");
        assert!(shown.contains("admin"), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
