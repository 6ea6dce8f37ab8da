//! Nodes named as a Kubernetes StatefulSet names its pods, behind the fake DNS: node N is
//! `redis-app-N.redis-service.dev.svc.cluster.local`, on its own loopback IP at port 6379.

use std::path::PathBuf;

use super::cluster::{Layout, Nodes, NodesConfig, RedisNode};
use super::dns::{FakeDns, KUBERNETES_SEARCH, pod_name};
use super::servers::Server;

/// The nodes, their DNS server and a resolv.conf with the pod's search domains.
pub struct Pods {
    /// The redis-server processes, in pod order.
    pub nodes: Nodes,
    /// Serves every pod's name; edit it to move or hide a pod.
    pub dns: FakeDns,
    resolv_conf: PathBuf,
}

impl Pods {
    /// Starts `count` empty pods and publishes their names.
    pub fn start(count: usize) -> Self {
        Self::start_on(Server::from_env(), count)
    }

    /// Starts `count` empty pods running `server` and publishes their names.
    pub fn start_on(server: Server, count: usize) -> Self {
        let nodes = Nodes::start(NodesConfig::on(server, count, Layout::LoopbackIps));
        let dns = FakeDns::for_pods(nodes.iter().map(RedisNode::ip));
        let resolv_conf = dns.resolv_conf(KUBERNETES_SEARCH, 5);
        Self {
            nodes,
            dns,
            resolv_conf,
        }
    }

    /// Pod `i`'s fully qualified name.
    pub fn fqdn(i: usize) -> String {
        pod_name(i)
    }

    /// `fqdn:6379` of every pod, as NODE arguments.
    pub fn node_args(&self) -> Vec<String> {
        (0..self.nodes.len())
            .map(|i| format!("{}:6379", Self::fqdn(i)))
            .collect()
    }

    /// rtrib, resolving through this DNS server with the pod's search domains.
    pub fn rtrib(&self) -> assert_cmd::Command {
        let mut command = super::rtrib();
        command.envs(self.resolver_env());
        command
    }

    /// The environment that makes rtrib resolve through this DNS server with the pod's
    /// search domains (for a process the test spawns and reads while it runs).
    pub fn resolver_env(&self) -> [(&'static str, String); 2] {
        [
            (
                "RTRIB_RESOLV_CONF",
                self.resolv_conf.to_string_lossy().into_owned(),
            ),
            ("RTRIB_DNS_SERVER", self.dns.addr().to_string()),
        ]
    }
}
