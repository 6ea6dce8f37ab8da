//! What every command needs, built once from the global options: the output, the name
//! resolver and the connection settings; and the cluster's lease, once a changing command
//! took it, held until the run ends.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::cli::GlobalArgs;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::lookup::{NodeRef, not_an_id};
use crate::error::{Error, Result};
use crate::net::addr::NodeAddr;
use crate::net::conn::{ConnectSettings, TlsSettings};
use crate::net::lease::{self, Lease, LeaseError, Scope};
use crate::net::notice::Awaited;
use crate::net::resolve::{AddressFamily, NameResolver, ResolverSettings};
use crate::net::uri::ServerUri;
use crate::output::{Output, holder_text, lease_warnings};

/// How often `--lease-wait` asks again for a lease another rtrib holds.
const LEASE_RETRY: Duration = Duration::from_secs(1);

/// The settings of one rtrib run.
pub struct Context {
    /// Where results go.
    pub output: Output,
    /// Turns NODE arguments into addresses.
    pub resolver: NameResolver,
    /// How to open node connections.
    pub connect: ConnectSettings,
    /// `--yes`: answer yes to every confirmation.
    pub assume_yes: bool,
    /// `--force-lease`: go on past another rtrib's lease, with a warning.
    force_lease: bool,
    /// `--lease-wait`: how long to wait for another rtrib's lease before refusing.
    lease_wait: Duration,
    /// The cluster's lease, once taken; dropped (released) with the context, at the end.
    lease: Mutex<Option<Lease>>,
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
                user: global
                    .user
                    .clone()
                    .or_else(|| uri_part(global, |u| &u.user)),
                pass: password(global)?,
                tls: tls_settings(global)?,
            },
            assume_yes: global.yes,
            force_lease: global.force_lease,
            lease_wait: global.lease_wait,
            lease: Mutex::new(None),
        })
    }

    /// Takes the lease of the cluster of `seed` (on every node it knows) for `command`, before
    /// the run's first change (see `net::lease`), and holds it until the run ends; refused
    /// (exit 5, naming the holder) while another rtrib holds it, unless `--force-lease`. Once
    /// held, a no-op.
    pub async fn lease_cluster(&self, command: &str, seed: &Endpoint) -> Result<()> {
        self.take_lease(command, Scope::Cluster(seed.clone())).await
    }

    /// [`Self::lease_cluster`] on the nodes given (`create`, `heal`: not a cluster yet, or not
    /// one whose views can be trusted).
    pub async fn lease_nodes(&self, command: &str, nodes: &[Endpoint]) -> Result<()> {
        self.take_lease(command, Scope::Nodes(nodes.to_vec())).await
    }

    async fn take_lease(&self, command: &str, scope: Scope) -> Result<()> {
        let held = |slot: &Option<Lease>| slot.is_some();
        if held(&self.lease.lock().unwrap_or_else(PoisonError::into_inner)) {
            return Ok(());
        }
        let mut awaited =
            Awaited::new("the cluster's lease", self.lease_wait).after(Duration::ZERO);
        let deadline = Instant::now() + self.lease_wait;
        let (lease, report) = loop {
            let error =
                match lease::take(&self.connect, scope.clone(), command, self.force_lease).await {
                    Ok(taken) => break taken,
                    Err(LeaseError::Held(holder)) if Instant::now() < deadline => {
                        awaited.not_yet(|| format!("held by {}", holder_text(&holder)));
                        tokio::time::sleep(LEASE_RETRY.min(deadline - Instant::now())).await;
                        continue;
                    }
                    Err(error) => error,
                };
            return Err(match error {
                LeaseError::Held(holder) => Error::LeaseHeld(holder),
                LeaseError::Node(error) => Error::Node(error),
                LeaseError::Thread(why) => Error::LeaseFailed(why),
            });
        };
        awaited.done();
        for warning in lease_warnings(&report) {
            tracing::warn!("{warning}");
        }
        tracing::info!(
            "took the lease on {} nodes in {} ms",
            report.held_on,
            report.took.as_millis()
        );
        *self.lease.lock().unwrap_or_else(PoisonError::into_inner) = Some(lease);
        Ok(())
    }

    /// Reads a reference to a node of the cluster: a node ID or ID prefix (6 to 40 hex digits),
    /// else an address or host name, resolved.
    pub async fn node_ref(&self, text: &str) -> Result<NodeRef> {
        if let Some(id) = NodeRef::id(text) {
            return Ok(id);
        }
        if let Some(why) = not_an_id(text) {
            return Err(Error::Usage(why));
        }
        Ok(NodeRef::Addr(self.resolve_node(text).await?.addr))
    }

    /// Parses a NODE argument and resolves its host name (retrying until the deadline).
    pub async fn resolve_node(&self, node: &str) -> Result<Endpoint> {
        let addr: NodeAddr = node.parse()?;
        Ok(self.resolver.resolve(&addr).await?)
    }
}

/// A credential of `-u URI`, when given.
fn uri_part(global: &GlobalArgs, part: impl Fn(&ServerUri) -> &Option<String>) -> Option<String> {
    global.uri.as_ref().and_then(|uri| part(uri).clone())
}

/// The password, from the first of: `--askpass`, `--pass`, `-u`'s, `--pass-file`,
/// `RTRIB_PASS`, `VALKEYCLI_AUTH`, `REDISCLI_AUTH`.
fn password(global: &GlobalArgs) -> Result<Option<String>> {
    if global.askpass {
        return ask_password(
            "Please input password",
            "--askpass",
            "--pass-file, RTRIB_PASS or REDISCLI_AUTH",
        )
        .map(Some);
    }
    let given = global
        .pass
        .as_ref()
        .map(|secret| secret.0.clone())
        .or_else(|| uri_part(global, |u| &u.pass));
    read_password(
        given.as_deref(),
        global
            .pass_file
            .as_deref()
            .map(|path| ("--pass-file", path)),
        &["RTRIB_PASS", "VALKEYCLI_AUTH", "REDISCLI_AUTH"],
    )
}

/// A password from the first of: the option's value, the secret file (named by its option, for
/// errors), the first non-empty environment variable of `variables`. A secret file's trailing
/// CR/LF (as mounted Kubernetes secrets often have) is removed.
pub fn read_password(
    value: Option<&str>,
    file: Option<(&str, &Path)>,
    variables: &[&str],
) -> Result<Option<String>> {
    if let Some(pass) = value {
        return Ok(Some(pass.to_string()));
    }
    if let Some((option, path)) = file {
        let content = std::fs::read_to_string(path).map_err(|error| {
            Error::Usage(format!("cannot read {option} {}: {error}", path.display()))
        })?;
        return Ok(Some(content.trim_end_matches(['\r', '\n']).to_string()));
    }
    Ok(variables
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty())))
}

/// Reads a password on the terminal for `option` (see [`crate::prompt::password`]); without a
/// terminal, a usage error naming `instead`, the other ways to give it.
pub fn ask_password(prompt: &str, option: &'static str, instead: &'static str) -> Result<String> {
    crate::prompt::password(prompt, option, instead)
        .map_err(|error| Error::Usage(error.to_string()))
}

/// TLS settings when any TLS option is given; the PEM files are read here, once.
fn tls_settings(global: &GlobalArgs) -> Result<Option<TlsSettings>> {
    let wanted = global.tls
        || global.uri.as_ref().is_some_and(|uri| uri.tls)
        || global.cacert.is_some()
        || global.cacertdir.is_some()
        || global.cert.is_some()
        || global.sni.is_some()
        || global.insecure;
    if !wanted {
        return Ok(None);
    }
    let read = |option: &str, path: &std::path::Path| {
        std::fs::read(path).map_err(|error| {
            Error::Usage(format!("cannot read {option} {}: {error}", path.display()))
        })
    };
    let mut roots = global
        .cacert
        .as_deref()
        .map(|path| read("--cacert", path))
        .transpose()?;
    if let Some(dir) = &global.cacertdir {
        roots
            .get_or_insert_with(Vec::new)
            .extend(certificates_in(dir)?);
    }
    let client = match (&global.cert, &global.key) {
        (Some(cert), Some(key)) => Some((read("--cert", cert)?, read("--key", key)?)),
        _ => None,
    };
    Ok(Some(TlsSettings {
        root_cert: roots,
        client,
        sni: global.sni.clone(),
        insecure: global.insecure,
    }))
}

/// The PEM certificates of the files in `dir` (`--cacertdir`, as OpenSSL's hashed directories
/// hold them), concatenated; other files are skipped. A directory without one is an error.
fn certificates_in(dir: &Path) -> Result<Vec<u8>> {
    let unreadable = |error: std::io::Error| {
        Error::Usage(format!(
            "cannot read --cacertdir {}: {error}",
            dir.display()
        ))
    };
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(unreadable)?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    paths.sort();
    let mut bundle = Vec::new();
    for path in paths {
        // Subdirectories and unreadable entries are not certificates.
        let Ok(content) = std::fs::read(&path) else {
            continue;
        };
        if content
            .windows(PEM_CERTIFICATE.len())
            .any(|w| w == PEM_CERTIFICATE)
        {
            bundle.extend_from_slice(&content);
            bundle.push(b'\n');
        }
    }
    if bundle.is_empty() {
        return Err(Error::Usage(format!(
            "--cacertdir {} holds no PEM certificate",
            dir.display()
        )));
    }
    Ok(bundle)
}

/// The line that opens a PEM certificate.
const PEM_CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----";
