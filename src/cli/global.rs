//! The options every subcommand takes (output, connection, TLS, DNS, logs, confirmation), and
//! the password type that keeps them out of `Debug`.

use std::convert::Infallible;
use std::fmt;
use std::net::SocketAddr;
use std::ops::Deref;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::parse::{parse_connect_timeout, parse_dns_server, parse_duration};
use crate::net::uri::ServerUri;

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text, in the shape redis-cli prints.
    Text,
    /// One JSON document on stdout.
    Json,
    /// Prometheus metrics in the text exposition format (check and info only).
    Prometheus,
}

/// The help's heading of the global options about output, logs and confirmation.
const OUTPUT: &str = "Output options";
/// The help's heading of the global options about connections and credentials.
const CONNECTION: &str = "Connection options";
/// The help's heading of the global TLS options.
const TLS: &str = "TLS options";
/// The help's heading of the global options about name resolution.
const DNS: &str = "DNS options";

/// A password given on the command line: the text as given, which `Debug` never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"***\"")
    }
}

impl FromStr for Secret {
    type Err = Infallible;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(Secret(text.to_string()))
    }
}

impl Deref for Secret {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// Options that apply to every subcommand; they may appear anywhere on the line. `--help`
/// shows them after the subcommand's own options, under their headings.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Output format.
    #[arg(short, long, global = true, help_heading = OUTPUT, value_enum, default_value_t = OutputFormat::Text)]
    pub output: OutputFormat,

    /// ACL user name for AUTH (default: the default user).
    #[arg(long, global = true, help_heading = CONNECTION, value_name = "USER")]
    pub user: Option<String>,

    /// Password for AUTH. Prefer --pass-file or the RTRIB_PASS / VALKEYCLI_AUTH / REDISCLI_AUTH
    /// environment variables (in that order of precedence after this option and -u): arguments
    /// are visible to other users of the machine.
    #[arg(short = 'a', long, global = true, help_heading = CONNECTION, value_name = "PASSWORD")]
    pub pass: Option<Secret>,

    /// Read the password from this file (a mounted Kubernetes secret); trailing CR/LF are
    /// removed.
    #[arg(long, global = true, help_heading = CONNECTION, value_name = "PATH", conflicts_with = "pass")]
    pub pass_file: Option<PathBuf>,

    /// redis-cli's -u: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB], rediss:// for TLS. Only its
    /// user, password and scheme are used (the nodes are the command's arguments), as by
    /// redis-cli with --cluster; --user and --pass take precedence.
    #[arg(short = 'u', long, global = true, help_heading = CONNECTION, value_name = "URI", value_parser = ServerUri::parse)]
    pub uri: Option<ServerUri>,

    /// Connect to the nodes with TLS (implied by the other TLS options).
    #[arg(long, global = true, help_heading = TLS)]
    pub tls: bool,

    /// Verify the nodes' certificates with this CA bundle (PEM) instead of the built-in public
    /// roots.
    #[arg(long, global = true, help_heading = TLS, value_name = "PATH")]
    pub cacert: Option<PathBuf>,

    /// Verify the nodes' certificates with the CA certificates (PEM files) in this directory
    /// instead of the built-in public roots; with --cacert, with both.
    #[arg(long, global = true, help_heading = TLS, value_name = "DIR")]
    pub cacertdir: Option<PathBuf>,

    /// Client certificate (PEM) for nodes that require one (tls-auth-clients yes).
    #[arg(long, global = true, help_heading = TLS, value_name = "PATH", requires = "key")]
    pub cert: Option<PathBuf>,

    /// The client certificate's private key (PEM).
    #[arg(long, global = true, help_heading = TLS, value_name = "PATH", requires = "cert")]
    pub key: Option<PathBuf>,

    /// Server name to send (SNI) and verify when a node's host name is not known (by default
    /// the name it was given by, else its IP address).
    #[arg(long, global = true, help_heading = TLS, value_name = "NAME")]
    pub sni: Option<String>,

    /// Do not verify the nodes' certificates (testing only: anyone can pretend to be a node).
    #[arg(long, global = true, help_heading = TLS)]
    pub insecure: bool,

    /// How long to wait for a TCP connection and AUTH (e.g. 500ms, 2s; a bare number is
    /// seconds, as valkey-cli's -t, and 0 no limit).
    #[arg(short = 't', long, global = true, help_heading = CONNECTION, value_name = "DURATION", default_value = "2s", value_parser = parse_connect_timeout, allow_hyphen_values = true)]
    pub connect_timeout: Duration,

    /// How long to wait for each command's reply.
    #[arg(long, global = true, help_heading = CONNECTION, value_name = "DURATION", default_value = "5s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub command_timeout: Duration,

    /// How long to keep retrying a host name that does not resolve yet (pods appear in DNS
    /// late).
    #[arg(long, global = true, help_heading = DNS, value_name = "DURATION", default_value = "30s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub resolve_timeout: Duration,

    /// Ask this DNS server instead of the resolv.conf name servers (search domains and ndots
    /// still come from resolv.conf). Repeatable; port 53 unless given.
    #[arg(
        long,
        global = true,
        help_heading = DNS,
        env = "RTRIB_DNS_SERVER",
        value_delimiter = ',',
        value_name = "IP[:PORT]",
        value_parser = parse_dns_server
    )]
    pub dns_server: Vec<SocketAddr>,

    /// Read name servers, search domains and ndots from this file instead of /etc/resolv.conf.
    #[arg(long, global = true, help_heading = DNS, env = "RTRIB_RESOLV_CONF", value_name = "PATH")]
    pub resolv_conf: Option<PathBuf>,

    /// Resolve host names to IPv4 addresses only.
    #[arg(short = '4', global = true, help_heading = DNS, conflicts_with = "ipv6")]
    pub ipv4: bool,

    /// Resolve host names to IPv6 addresses only.
    #[arg(short = '6', global = true, help_heading = DNS)]
    pub ipv6: bool,

    /// Log more to stderr (-v: info, -vv: debug, -vvv: trace). RTRIB_LOG overrides.
    #[arg(short, long, global = true, help_heading = OUTPUT, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// No progress on stderr: neither the bar (on a terminal) nor the progress lines (without
    /// one), nor the notices of what rtrib waits for. Errors and warnings still show.
    #[arg(short, long, global = true, help_heading = OUTPUT)]
    pub quiet: bool,

    /// Answer yes to the confirmation of create, reshard, rebalance and fix (also
    /// REDISCLI_CLUSTER_YES=1); every other command accepts it and has nothing to ask.
    #[arg(
        short = 'y',
        long,
        global = true,
        help_heading = OUTPUT,
        visible_alias = "cluster-yes",
        env = "REDISCLI_CLUSTER_YES",
        value_parser = clap::builder::FalseyValueParser::new()
    )]
    pub yes: bool,

    /// Ask for the password on the terminal, without echo (redis-cli's --askpass); an error
    /// without a terminal.
    #[arg(long, global = true, help_heading = CONNECTION, conflicts_with_all = ["pass", "pass_file"])]
    pub askpass: bool,

    /// Go on although another rtrib holds the cluster's lease (it is changing the cluster),
    /// with a warning naming it: only for a holder stopped for good.
    #[arg(long, global = true, help_heading = CONNECTION)]
    pub force_lease: bool,

    /// While another rtrib holds the cluster's lease, wait for it up to this long (e.g. 2m)
    /// instead of refusing at once: for hooks that may meet each other (two pods' preStop
    /// failovers during a node drain, a reconcile Job and a rollout).
    #[arg(long, global = true, help_heading = CONNECTION, value_name = "DURATION", value_parser = parse_duration, default_value = "0s")]
    pub lease_wait: Duration,
}
