//! `rtrib sandbox [start|stop]`: a local cluster to try rtrib on — redis-server processes on
//! consecutive 127.0.0.1 ports, formed into a cluster by rtrib's own `create`. A start that
//! fails (a port in use, a server that does not come up, a cluster that does not form) leaves
//! nothing behind: ports are looked at before anything starts, and what was started is
//! stopped again.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cli::{CreateArgs, DiscoveryArgs, PlanOutArgs, SandboxAction, SandboxArgs};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::sandbox::{SandboxRefusal, log_tail, refuse_taken};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::admin::{ping, shut_down_without_saving};
use crate::net::conn::NodeClient;
use crate::output::write_file_atomically;
use crate::steps::formation;

/// How long a started redis-server may take to answer PING.
const START_TIMEOUT: Duration = Duration::from_secs(10);

/// Starts or stops the sandbox.
pub async fn run(context: &Context, args: &SandboxArgs) -> Result<Exit> {
    let last_port = u32::from(args.base_port) + u32::from(args.nodes) - 1;
    if args.nodes == 0 || last_port + 10000 > u32::from(u16::MAX) || args.base_port == 0 {
        return Err(Error::Usage(format!(
            "ports {}-{last_port} do not fit: bus ports (port + 10000) must stay below 65536",
            args.base_port
        )));
    }
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("rtrib-sandbox-{}", args.base_port)));
    let ports: Vec<u16> = (args.base_port..=last_port as u16).collect();
    match args.action {
        SandboxAction::Start => start(context, args, &dir, &ports).await,
        SandboxAction::Stop => stop(context, &dir).await,
    }
}

/// Starts the nodes that are not running yet and forms the cluster. Every port is looked at
/// before anything starts; when the start or the formation fails, the nodes this run started
/// are shut down and the files it created removed: a failed start leaves nothing behind.
async fn start(context: &Context, args: &SandboxArgs, dir: &Path, ports: &[u16]) -> Result<Exit> {
    let server = find_on_path("redis-server").ok_or(SandboxRefusal::NoServer)?;
    let running = survey(context, dir, ports).await?;
    let output = &context.output;
    output.step(&format!(
        "Starting {} redis-server nodes in {}",
        ports.len(),
        dir.display()
    ))?;
    let mut started = Started {
        dir_created: !dir.exists(),
        ports: Vec::new(),
    };
    let formed = async {
        for &port in ports {
            if running.contains(&port) {
                output.line(&format!("{} is already running", local(port)))?;
                continue;
            }
            started.ports.push(port);
            start_node(&server, &dir.join(port.to_string()), port)?;
        }
        for &port in ports {
            wait_for_ping(context, &local(port), &dir.join(port.to_string())).await?;
        }
        form(context, args, ports).await
    }
    .await;
    match formed {
        Ok(exit) => Ok(exit),
        Err(error) => {
            undo(context, dir, &started).await;
            Err(error)
        }
    }
}

/// The ports whose node this sandbox already runs (a node directory under `dir` and a server
/// answering); refused, before anything starts, when any other port or bus port is in use.
async fn survey(context: &Context, dir: &Path, ports: &[u16]) -> Result<Vec<u16>> {
    let mut running = Vec::new();
    let mut taken = Vec::new();
    for &port in ports {
        let ours = dir.join(port.to_string()).exists();
        if ours
            && NodeClient::connect(&local(port), &context.connect)
                .await
                .is_ok()
        {
            running.push(port);
            continue;
        }
        for probed in [port, port + 10000] {
            if std::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, probed)).is_err() {
                taken.push(probed);
            }
        }
    }
    refuse_taken(taken)?;
    Ok(running)
}

/// What a start did, to undo when it fails.
struct Started {
    /// The sandbox directory did not exist before.
    dir_created: bool,
    /// The nodes this run started (or tried to).
    ports: Vec<u16>,
}

/// Writes a node's config in `node_dir` and starts its redis-server (it daemonizes).
fn start_node(server: &Path, node_dir: &Path, port: u16) -> Result<()> {
    std::fs::create_dir_all(node_dir).map_err(|error| {
        Error::io(
            format!("cannot create directory {}", node_dir.display()),
            error,
        )
    })?;
    let config = node_dir.join("redis.conf");
    write_file_atomically(&config, node_config(port, node_dir).as_bytes())
        .map_err(|error| Error::io(format!("cannot write {}", config.display()), error))?;
    let status = std::process::Command::new(server)
        .arg(&config)
        .status()
        .map_err(|error| Error::io(format!("cannot run {}", server.display()), error))?;
    if !status.success() {
        return Err(SandboxRefusal::StartFailed {
            port,
            log: log_tail_of(node_dir),
        }
        .into());
    }
    Ok(())
}

/// Forms the cluster with rtrib's own `create`, without asking.
async fn form(context: &Context, args: &SandboxArgs, ports: &[u16]) -> Result<Exit> {
    let create = CreateArgs {
        nodes: ports.iter().map(|p| local(*p).addr.to_string()).collect(),
        discovery: DiscoveryArgs::default(),
        replicas: args.replicas,
        host_of: Vec::new(),
        allow_few_masters: true,
        dry_run: false,
        wait_timeout: Duration::from_secs(60),
        wait_sync: false,
        plan: PlanOutArgs { plan_out: None },
    };
    let exit = formation::create(context, &create, true).await?;
    context.output.line(&format!(
        "\nSandbox ready: 127.0.0.1:{}-{}. Try: rtrib check 127.0.0.1:{}\nStop it with: rtrib sandbox stop{}",
        ports[0],
        ports[ports.len() - 1],
        ports[0],
        if ports[0] == 7000 { String::new() } else { format!(" --base-port {}", ports[0]) }
    ))?;
    Ok(exit)
}

/// Shuts down the nodes a failed start started and removes what it created: the whole
/// directory when it made it, else the started nodes' directories. Failures here are
/// warnings: the start's own error is the one to report.
async fn undo(context: &Context, dir: &Path, started: &Started) {
    for &port in &started.ports {
        shut_down(context, port).await;
    }
    let created: Vec<PathBuf> = match started.dir_created {
        true => vec![dir.to_path_buf()],
        false => started
            .ports
            .iter()
            .map(|port| dir.join(port.to_string()))
            .collect(),
    };
    for path in created.iter().filter(|path| path.exists()) {
        if let Err(error) = std::fs::remove_dir_all(path) {
            tracing::warn!("cannot remove {}: {error}", path.display());
        }
    }
    if !started.ports.is_empty() {
        let _ = context.output.line(&format!(
            "Shut down the {} node(s) this start began and removed their files",
            started.ports.len()
        ));
    }
}

/// `SHUTDOWN NOSAVE` to the node on `port`; whether it answered the connection.
async fn shut_down(context: &Context, port: u16) -> bool {
    let Ok(client) = NodeClient::connect(&local(port), &context.connect).await else {
        return false;
    };
    shut_down_without_saving(&client).await;
    true
}

/// The last lines of a node's log, for an error message: `: its log ends: ...`.
fn log_tail_of(node_dir: &Path) -> String {
    log_tail(&std::fs::read_to_string(node_dir.join("redis.log")).unwrap_or_default())
}

/// Shuts down the nodes this sandbox started — those with a directory under `dir` — and
/// removes `dir`. Whatever else listens on nearby ports is left alone.
async fn stop(context: &Context, dir: &Path) -> Result<Exit> {
    let ports = sandbox_ports(dir)?;
    let mut stopped = Vec::new();
    for port in ports {
        if shut_down(context, port).await {
            stopped.push(port.to_string());
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .map_err(|error| Error::io(format!("cannot remove {}", dir.display()), error))?;
    }
    let ports = if stopped.is_empty() {
        "none".to_string()
    } else {
        stopped.join(", ")
    };
    context.output.step(&format!(
        "Stopped {} node(s) (127.0.0.1 ports: {ports}) and removed {}",
        stopped.len(),
        dir.display()
    ))?;
    Ok(Exit::Ok)
}

/// The ports of the nodes a sandbox directory holds (one subdirectory per port).
fn sandbox_ports(dir: &Path) -> Result<Vec<u16>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let mut ports: Vec<u16> = std::fs::read_dir(dir)
        .map_err(|error| Error::io(format!("cannot read directory {}", dir.display()), error))?
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .collect();
    ports.sort_unstable();
    Ok(ports)
}

fn local(port: u16) -> Endpoint {
    Endpoint::from_addr((std::net::Ipv4Addr::LOCALHOST, port).into())
}

/// A small config for one sandbox node: daemonized, no persistence, cluster-enabled.
fn node_config(port: u16, dir: &Path) -> String {
    format!(
        "port {port}\nbind 127.0.0.1\ndaemonize yes\ndir {dir}\npidfile {dir}/redis.pid\n\
         logfile {dir}/redis.log\ncluster-enabled yes\ncluster-config-file nodes.conf\n\
         cluster-node-timeout 5000\nsave \"\"\nappendonly no\n",
        dir = dir.display()
    )
}

/// Waits until the node started in `node_dir` answers PING, up to [`START_TIMEOUT`]; else the
/// last error, with the end of its log.
async fn wait_for_ping(context: &Context, endpoint: &Endpoint, node_dir: &Path) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        let answer = match NodeClient::connect(endpoint, &context.connect).await {
            Ok(client) => ping(&client).await,
            Err(error) => Err(error),
        };
        match answer {
            Ok(_) => return Ok(()),
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => {
                return Err(SandboxRefusal::Silent {
                    endpoint: endpoint.clone(),
                    secs: START_TIMEOUT.as_secs(),
                    error: error.to_string(),
                    log: log_tail_of(node_dir),
                }
                .into());
            }
        }
    }
}

fn find_on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    })
}
