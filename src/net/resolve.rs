//! In-process name resolution with hickory: no glibc, no NSS, the same answers in a
//! `FROM scratch` image as in a Kubernetes pod.
//!
//! The resolver reads a resolv.conf (`/etc/resolv.conf`, or `RTRIB_RESOLV_CONF`) so that
//! search domains and `options ndots:N` expand short names exactly as the pod's libc would,
//! and it honours `/etc/hosts`. Pods show up in DNS some time after they start, so a name that
//! does not resolve is retried, with a short backoff and an empty cache, until a deadline; the
//! wait is announced on stderr at once (`net::notice`).

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::future::join_all;
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{
    ConnectionConfig, LookupIpStrategy, NameServerConfig, ResolverConfig, ResolverOpts,
};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use hickory_resolver::proto::rr::{Name, RData};
use hickory_resolver::system_conf::parse_resolv_conf;
use tokio::time::{Instant, sleep, timeout};
use tracing::{debug, warn};

use super::addr::{AddrError, Host, NodeAddr};
use crate::cluster::endpoint::Endpoint;
use crate::net::Secs;
use crate::net::notice::Awaited;

/// The resolv.conf read when `RTRIB_RESOLV_CONF` is not set.
const SYSTEM_RESOLV_CONF: &str = "/etc/resolv.conf";
/// Port of a `--dns-server` given without one.
const DNS_PORT: u16 = 53;
/// Wait before the first retry; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// Longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// Which address families a name may resolve to (`-4` / `-6`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AddressFamily {
    /// IPv4 and IPv6; IPv4 addresses are preferred.
    #[default]
    Any,
    /// IPv4 only (`-4`).
    V4,
    /// IPv6 only (`-6`).
    V6,
}

impl AddressFamily {
    fn strategy(self) -> LookupIpStrategy {
        match self {
            AddressFamily::Any => LookupIpStrategy::Ipv4AndIpv6,
            AddressFamily::V4 => LookupIpStrategy::Ipv4Only,
            AddressFamily::V6 => LookupIpStrategy::Ipv6Only,
        }
    }

    fn admits(self, ip: &IpAddr) -> bool {
        match self {
            AddressFamily::Any => true,
            AddressFamily::V4 => ip.is_ipv4(),
            AddressFamily::V6 => ip.is_ipv6(),
        }
    }
}

/// How to build a [`NameResolver`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverSettings {
    /// The resolv.conf to read (from `RTRIB_RESOLV_CONF`); `None` reads `/etc/resolv.conf`.
    /// A given path must exist; a missing `/etc/resolv.conf` only costs a warning.
    pub resolv_conf: Option<PathBuf>,
    /// Name servers from `--dns-server`. When not empty they replace the resolv.conf's
    /// `nameserver` lines; its search domains and options still apply.
    pub dns_servers: Vec<SocketAddr>,
    /// The address families to accept.
    pub family: AddressFamily,
    /// Overall deadline per name, retries included (`--resolve-timeout`).
    pub timeout: Duration,
}

impl Default for ResolverSettings {
    /// `/etc/resolv.conf`, its name servers, both families, 30 s per name.
    fn default() -> Self {
        Self {
            resolv_conf: None,
            dns_servers: Vec::new(),
            family: AddressFamily::Any,
            timeout: Duration::from_secs(30),
        }
    }
}

/// Why a name could not be resolved or the resolver could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    /// The name still had no address when the deadline passed.
    #[error(
        "name {host} did not resolve within {} (last error: {last_error}); check the name, the search domains in /etc/resolv.conf, or --dns-server",
        Secs(.waited)
    )]
    NeverResolved {
        /// The host as typed, without a trailing dot.
        host: String,
        /// How long rtrib tried.
        waited: Duration,
        /// What the last attempt failed with.
        last_error: String,
    },
    /// The resolv.conf could not be read or parsed.
    #[error("cannot use resolver configuration {}: {reason}; point RTRIB_RESOLV_CONF at a readable resolv.conf or unset it", .path.display())]
    Config {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The host is not a valid DNS name.
    #[error("{host:?} is not a valid host name: {reason}")]
    BadName {
        /// The host as given.
        host: String,
        /// What DNS objects to.
        reason: String,
    },
    /// hickory refused the configuration.
    #[error("cannot set up the DNS resolver: {0}")]
    Setup(String),
}

/// Resolves node names to socket addresses, retrying until a deadline.
///
/// Cheap to share by reference; lookups may run concurrently.
#[derive(Debug)]
pub struct NameResolver {
    resolver: TokioResolver,
    family: AddressFamily,
    timeout: Duration,
    /// False when only `/etc/hosts` can answer; retrying is then pointless.
    has_name_servers: bool,
}

impl NameResolver {
    /// Builds a resolver from the resolv.conf and the `--dns-server` overrides.
    ///
    /// Without any name server (no resolv.conf, or one without `nameserver` lines, and no
    /// `--dns-server`) names are looked up in `/etc/hosts` only, with a warning.
    pub fn new(settings: ResolverSettings) -> Result<Self, ResolveError> {
        let (mut config, mut opts) = read_resolv_conf(settings.resolv_conf.as_deref())?;
        if !settings.dns_servers.is_empty() {
            config.name_servers = settings.dns_servers.iter().map(name_server).collect();
        }
        let has_name_servers = !config.name_servers.is_empty();
        if !has_name_servers {
            warn!(
                "no name server in the resolv.conf and no --dns-server: resolving from /etc/hosts only"
            );
        }
        debug!(
            search = ?config.search.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ndots = opts.ndots,
            name_servers = ?config.name_servers.iter().map(|ns| ns.ip).collect::<Vec<_>>(),
            "resolver configuration"
        );
        opts.ip_strategy = settings.family.strategy();
        // One query may not outlast the whole deadline.
        opts.timeout = opts.timeout.min(settings.timeout);
        let resolver = TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
            .with_options(opts)
            .build()
            .map_err(|e| ResolveError::Setup(e.to_string()))?;
        Ok(Self {
            resolver,
            family: settings.family,
            timeout: settings.timeout,
            has_name_servers,
        })
    }

    /// Resolves a node address to an [`Endpoint`].
    ///
    /// An IP literal is returned as is, without a query and without a name. A host name
    /// gives an endpoint named as typed (without a trailing dot) whose address is the first
    /// one of the preferred family (IPv4 before IPv6 unless restricted).
    pub async fn resolve(&self, addr: &NodeAddr) -> Result<Endpoint, ResolveError> {
        let name = match &addr.host {
            Host::Ip(ip) => return Ok(Endpoint::from_addr(SocketAddr::new(*ip, addr.port))),
            Host::Name(name) => name,
        };
        let ips = self.lookup(name).await?;
        // Keep the DNS order within a family, but take IPv4 first.
        let ip = ips
            .iter()
            .min_by_key(|ip| ip.is_ipv6())
            .copied()
            .expect("lookup returns at least one address");
        Ok(Endpoint {
            name: Some(trim_root(name).to_owned()),
            addr: SocketAddr::new(ip, addr.port),
        })
    }

    /// How long a name is retried before it counts as never resolving (`--resolve-timeout`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Resolves every node address concurrently and returns the endpoints in the same order.
    ///
    /// Waits for all of them; on failure returns the error of the first failing address in
    /// the list.
    pub async fn resolve_all(&self, addrs: &[NodeAddr]) -> Result<Vec<Endpoint>, ResolveError> {
        join_all(addrs.iter().map(|addr| self.resolve(addr)))
            .await
            .into_iter()
            .collect()
    }

    /// Every address of `host` in the allowed families, sorted (IPv4 first) and without
    /// duplicates. Retries like [`resolve`](Self::resolve).
    pub async fn lookup_all(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        let mut ips = self.lookup(host).await?;
        ips.sort();
        ips.dedup();
        Ok(ips)
    }

    /// Looks `host` up until it has at least one address of the allowed families or the
    /// deadline passes.
    async fn lookup(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        self.until_answered(host, |name| async move {
            let lookup = self
                .resolver
                .lookup_ip(name)
                .await
                .map_err(|e| Miss::of(&e))?;
            let ips: Vec<IpAddr> = lookup.iter().filter(|ip| self.family.admits(ip)).collect();
            debug!(host, answered_as = %lookup.query().name(), ?ips, "resolved");
            Ok(ips)
        })
        .await
    }

    /// The targets (`name`, port) of the SRV records of `name`, sorted, retried until there is
    /// at least one or the deadline passes. Target names come without the trailing dot.
    pub async fn lookup_srv(&self, name: &str) -> Result<Vec<(String, u16)>, ResolveError> {
        let mut targets = self
            .until_answered(name, |query| async move {
                let lookup = self
                    .resolver
                    .srv_lookup(query)
                    .await
                    .map_err(|e| Miss::of(&e))?;
                Ok(lookup
                    .answers()
                    .iter()
                    .filter_map(|record| match &record.data {
                        RData::SRV(srv) => {
                            Some((trim_root(&srv.target.to_ascii()).to_owned(), srv.port))
                        }
                        _ => None,
                    })
                    .collect::<Vec<_>>())
            })
            .await?;
        targets.sort();
        targets.dedup();
        Ok(targets)
    }

    /// Forgets every cached answer, so the next lookup asks the name server again (used while
    /// waiting for more records to appear).
    pub fn forget_answers(&self) {
        self.resolver.clear_cache();
    }

    /// Runs `query` for `host` until it returns a non-empty answer or the deadline passes,
    /// retrying with a growing backoff and without the cache (negative answers are cached).
    /// The first miss is announced on stderr at once, with the deadline
    /// (`waiting up to 30s for NAME to resolve (NXDOMAIN so far)`).
    async fn until_answered<T, F, Fut>(&self, host: &str, query: F) -> Result<Vec<T>, ResolveError>
    where
        F: Fn(Name) -> Fut,
        Fut: Future<Output = Result<Vec<T>, Miss>>,
    {
        // Relaxed: Swarm names such as `tasks.stack_redis` have underscores, which hickory's
        // default (IDNA) conversion rejects.
        let name = Name::from_str_relaxed(host).map_err(|e| ResolveError::BadName {
            host: host.to_owned(),
            reason: e.to_string(),
        })?;
        let start = Instant::now();
        let deadline = start + self.timeout;
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1u32;
        let mut last_error: Option<Miss> = None;
        let mut awaited = Awaited::new(format!("{} to resolve", trim_root(host)), self.timeout)
            .after(Duration::ZERO);
        loop {
            debug!(host, attempt, "looking up");
            let left = deadline.saturating_duration_since(Instant::now());
            let error = match timeout(left, query(name.clone())).await {
                Ok(Ok(answer)) if !answer.is_empty() => {
                    awaited.done();
                    return Ok(answer);
                }
                Ok(Ok(_)) => Miss::NoRecords,
                Ok(Err(error)) => error,
                // Cut off by the deadline: an earlier answer says more than this.
                Err(_) => last_error.take().unwrap_or(Miss::TimedOut),
            };
            debug!(host, attempt, %error, "lookup failed");
            let left = deadline.saturating_duration_since(Instant::now());
            if !self.has_name_servers || left.is_zero() {
                return Err(ResolveError::NeverResolved {
                    host: trim_root(host).to_owned(),
                    waited: start.elapsed(),
                    last_error: error.to_string(),
                });
            }
            awaited.not_yet(|| format!("{} so far", error.so_far()));
            last_error = Some(error);
            self.resolver.clear_cache();
            sleep(backoff.min(left)).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
            attempt += 1;
        }
    }
}

/// Parses a `--dns-server` value: an IP address with an optional port (default 53);
/// IPv6 with a port goes in brackets.
///
/// `10.0.0.10`, `10.0.0.10:5353`, `::1`, `[::1]:53` are accepted; host names are not.
pub fn parse_dns_server(s: &str) -> Result<SocketAddr, AddrError> {
    let bad = || AddrError::BadDnsServer { input: s.into() };
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, DNS_PORT));
    }
    if let Some(ip) = s.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
        let ip = ip.parse::<IpAddr>().map_err(|_| bad())?;
        return Ok(SocketAddr::new(ip, DNS_PORT));
    }
    match s.parse::<SocketAddr>() {
        Ok(addr) if addr.port() == 0 => Err(AddrError::ZeroPort { input: s.into() }),
        Ok(addr) => Ok(addr),
        Err(_) => Err(bad()),
    }
}

/// Reads the resolv.conf into hickory's configuration.
///
/// A missing or unreadable `/etc/resolv.conf` yields an empty configuration (hosts file
/// only); a file named by `RTRIB_RESOLV_CONF` must be readable.
fn read_resolv_conf(path: Option<&Path>) -> Result<(ResolverConfig, ResolverOpts), ResolveError> {
    let explicit = path.is_some();
    let path = path.unwrap_or(Path::new(SYSTEM_RESOLV_CONF));
    let config_error = |reason: String| ResolveError::Config {
        path: path.to_owned(),
        reason,
    };
    let mut text = match std::fs::read(path) {
        Ok(text) => text,
        Err(err) if explicit => return Err(config_error(describe_io(&err))),
        Err(err) => {
            warn!(
                path = %path.display(),
                "cannot read the resolv.conf ({}): resolving from /etc/hosts unless --dns-server is given",
                describe_io(&err)
            );
            return Ok((ResolverConfig::default(), ResolverOpts::default()));
        }
    };
    // hickory rejects a file without `nameserver` lines, yet its search domains and ndots
    // must still apply with --dns-server. Parse with a placeholder server appended last,
    // then drop it.
    text.extend_from_slice(b"\nnameserver 127.0.0.1\n");
    let (mut config, opts) = parse_resolv_conf(&text).map_err(|e| config_error(e.to_string()))?;
    config.name_servers.pop();
    debug!(path = %path.display(), "read the resolv.conf");
    Ok((config, opts))
}

/// A name server at `addr`, over UDP with TCP for truncated answers.
fn name_server(addr: &SocketAddr) -> NameServerConfig {
    let mut udp = ConnectionConfig::udp();
    udp.port = addr.port();
    let mut tcp = ConnectionConfig::tcp();
    tcp.port = addr.port();
    NameServerConfig::new(addr.ip(), true, vec![udp, tcp])
}

/// Why one lookup gave no address.
#[derive(Debug)]
enum Miss {
    /// The name does not exist (yet).
    NxDomain,
    /// The name exists without a record of the kind asked.
    NoRecords,
    /// No answer in time.
    TimedOut,
    /// Anything else, described.
    Other(String),
}

impl Miss {
    fn of(err: &NetError) -> Self {
        if err.is_nx_domain() {
            Miss::NxDomain
        } else if err.is_no_records_found() {
            Miss::NoRecords
        } else if matches!(err, NetError::Timeout) {
            Miss::TimedOut
        } else {
            Miss::Other(err.to_string())
        }
    }

    /// In a wait's notice: `(NXDOMAIN so far)`.
    fn so_far(&self) -> &str {
        match self {
            Miss::NxDomain => "NXDOMAIN",
            Miss::NoRecords => "no record",
            Miss::TimedOut => "no answer",
            Miss::Other(text) => text,
        }
    }
}

/// One line, for the error message.
impl std::fmt::Display for Miss {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Miss::NxDomain => f.write_str("no such name (NXDOMAIN)"),
            Miss::NoRecords => f.write_str("no record found"),
            Miss::TimedOut => f.write_str("timed out"),
            Miss::Other(text) => f.write_str(text),
        }
    }
}

/// An I/O error without the `(os error N)` suffix.
fn describe_io(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}

/// The name without the trailing dot that marks it fully qualified.
fn trim_root(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_server_forms() {
        assert_eq!(
            parse_dns_server("10.0.0.10"),
            Ok("10.0.0.10:53".parse().unwrap())
        );
        assert_eq!(
            parse_dns_server("10.0.0.10:5353"),
            Ok("10.0.0.10:5353".parse().unwrap())
        );
        assert_eq!(
            parse_dns_server("[::1]:53"),
            Ok("[::1]:53".parse().unwrap())
        );
        assert_eq!(parse_dns_server("::1"), Ok("[::1]:53".parse().unwrap()));
        assert_eq!(parse_dns_server("[::1]"), Ok("[::1]:53".parse().unwrap()));
        for bad in [
            "",
            "dns.local",
            "dns.local:53",
            "10.0.0.10:",
            "10.0.0.10:x",
            "[::1]:99999",
        ] {
            assert!(
                matches!(parse_dns_server(bad), Err(AddrError::BadDnsServer { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            parse_dns_server("10.0.0.10:0"),
            Err(AddrError::ZeroPort { .. })
        ));
    }

    #[test]
    fn never_resolved_message() {
        let err = ResolveError::NeverResolved {
            host: "redis-app-9.redis-service".into(),
            waited: Duration::from_millis(2_003),
            last_error: "no record found".into(),
        };
        assert_eq!(
            err.to_string(),
            "name redis-app-9.redis-service did not resolve within 2s (last error: no record found); \
             check the name, the search domains in /etc/resolv.conf, or --dns-server"
        );
    }

    #[test]
    fn seconds_to_a_tenth() {
        assert_eq!(Secs(&Duration::from_millis(1_500)).to_string(), "1.5s");
        assert_eq!(Secs(&Duration::from_millis(999)).to_string(), "1s");
        assert_eq!(Secs(&Duration::from_secs(30)).to_string(), "30s");
        assert_eq!(Secs(&Duration::ZERO).to_string(), "0s");
    }

    #[test]
    fn resolv_conf_without_name_server_keeps_search_and_ndots() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("resolv.conf");
        std::fs::write(
            &path,
            "search dev.svc.cluster.local cluster.local\noptions ndots:5\n",
        )
        .unwrap();
        let (config, opts) = read_resolv_conf(Some(&path)).unwrap();
        assert!(config.name_servers.is_empty());
        assert_eq!(config.search.len(), 2);
        assert_eq!(opts.ndots, 5);
    }

    #[test]
    fn explicit_missing_resolv_conf_is_an_error() {
        let path = Path::new("/nonexistent/rtrib/resolv.conf");
        let err = read_resolv_conf(Some(path)).unwrap_err();
        assert!(matches!(&err, ResolveError::Config { path: p, .. } if p == path));
        assert!(
            err.to_string()
                .contains("/nonexistent/rtrib/resolv.conf: no such file"),
            "{err}"
        );
    }
}
