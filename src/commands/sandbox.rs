//! `rtrib sandbox [start|stop]`: a local cluster to try rtrib on — redis-server processes on
//! consecutive 127.0.0.1 ports, formed into a cluster by rtrib's own `create`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::cli::{CreateArgs, DiscoveryArgs, PlanOutArgs, SandboxAction, SandboxArgs};
use crate::cluster::endpoint::Endpoint;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::conn::NodeClient;

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

async fn start(context: &Context, args: &SandboxArgs, dir: &Path, ports: &[u16]) -> Result<Exit> {
    let server = find_on_path("redis-server").ok_or_else(|| {
        Error::Refused(
            "redis-server is not on the PATH: install Redis first \
             (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)"
                .to_string(),
        )
    })?;
    let output = &context.output;
    output.step(&format!(
        "Starting {} redis-server nodes in {}",
        ports.len(),
        dir.display()
    ))?;
    for &port in ports {
        let endpoint = local(port);
        let node_dir = dir.join(port.to_string());
        if NodeClient::connect(&endpoint, &context.connect)
            .await
            .is_ok()
        {
            if !node_dir.exists() {
                return Err(Error::Refused(format!(
                    "port {port} is already in use by a server this sandbox did not start: \
                     choose another --base-port"
                )));
            }
            output.line(&format!("{endpoint} is already running"))?;
            continue;
        }
        std::fs::create_dir_all(&node_dir)?;
        let config = node_dir.join("redis.conf");
        std::fs::write(&config, node_config(port, &node_dir))?;
        let status = std::process::Command::new(&server).arg(&config).status()?;
        if !status.success() {
            return Err(Error::Refused(format!(
                "redis-server failed to start on port {port}: see {}",
                node_dir.join("redis.log").display()
            )));
        }
    }
    for &port in ports {
        wait_for_ping(context, &local(port)).await?;
    }
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
    let exit = super::create::create(context, &create, true).await?;
    output.line(&format!(
        "\nSandbox ready: 127.0.0.1:{}-{}. Try: rtrib check 127.0.0.1:{}\nStop it with: rtrib sandbox stop{}",
        ports[0],
        ports[ports.len() - 1],
        ports[0],
        if ports[0] == 7000 { String::new() } else { format!(" --base-port {}", ports[0]) }
    ))?;
    Ok(exit)
}

/// Shuts down the nodes this sandbox started — those with a directory under `dir` — and
/// removes `dir`. Whatever else listens on nearby ports is left alone.
async fn stop(context: &Context, dir: &Path) -> Result<Exit> {
    let ports = sandbox_ports(dir)?;
    let mut stopped = Vec::new();
    for port in ports {
        if let Ok(client) = NodeClient::connect(&local(port), &context.connect).await {
            // The node closes the connection instead of replying: an error here is success.
            let _ = client
                .query::<()>(redis::cmd("SHUTDOWN").arg("NOSAVE"))
                .await;
            stopped.push(port.to_string());
        }
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
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
    let mut ports: Vec<u16> = std::fs::read_dir(dir)?
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

async fn wait_for_ping(context: &Context, endpoint: &Endpoint) -> Result<()> {
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        match NodeClient::connect(endpoint, &context.connect).await {
            Ok(client) if client.query::<String>(&redis::cmd("PING")).await.is_ok() => {
                return Ok(());
            }
            Ok(_) | Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Ok(client) => {
                client.query::<String>(&redis::cmd("PING")).await?;
                return Ok(());
            }
            Err(error) => return Err(error.into()),
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
