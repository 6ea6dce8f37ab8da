//! Scripts written for `redis-cli --cluster` or redis-trib.rb work with only the command name
//! changed: the spellings (`--cluster create`, `--cluster-replicas`, `yes |` on the prompt),
//! the grep for `All 16384 slots covered`, and re-runs on pod restarts.

use std::process::Command;

use crate::support::cluster::{Layout, Nodes, NodesConfig};

/// An init script in the style of Bitnami's redis-cluster image (`librediscluster.sh`), as
/// written for redis-cli; `CLI` is the only thing changed.
const BITNAMI_STYLE_INIT: &str = r#"
set -o errexit -o nounset -o pipefail
CLI="$1"; shift
nodes=("$@")
# Wait for every node to answer (plain redis-cli, not --cluster).
for node in "${nodes[@]}"; do
    while [[ "$(redis-cli -h "${node%:*}" -p "${node##*:}" ping)" != "PONG" ]]; do sleep 0.1; done
done
yes yes | "$CLI" --cluster create "${nodes[@]}" --cluster-replicas 1 || true
check="$("$CLI" --cluster check "${nodes[0]}")"
if [[ $check =~ "All 16384 slots covered" ]]; then
    echo "Cluster correctly created"
else
    echo "The cluster was not created"; exit 1
fi
"#;

/// redis-trib.rb's spelling, with the confirmation piped in.
const TRIB_STYLE_INIT: &str = r#"
set -o errexit -o nounset -o pipefail
CLI="$1"; shift
echo yes | "$CLI" create --replicas 1 "$@"
"$CLI" check "$1" | grep -q "All 16384 slots covered"
echo ok
"#;

fn run_script(script: &str, cli: &str, nodes: &Nodes) -> (i32, String) {
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg("init")
        .arg(cli)
        .args(nodes.addrs())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn assert_formed(nodes: &Nodes) {
    for node in nodes.iter() {
        assert_eq!(
            node.cluster_info_field("cluster_state"),
            "ok",
            "{}",
            node.addr()
        );
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "6");
        assert_eq!(node.cluster_info_field("cluster_size"), "3");
    }
}

#[test]
fn a_bitnami_style_init_script_runs_with_only_the_command_name_changed() {
    let nodes = Nodes::start(NodesConfig {
        count: 6,
        layout: Layout::LoopbackIps,
        ..NodesConfig::default()
    });
    let rtrib = env!("CARGO_BIN_EXE_rtrib");
    let (code, output) = run_script(BITNAMI_STYLE_INIT, rtrib, &nodes);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Cluster correctly created"), "{output}");
    assert_formed(&nodes);
    // The pod restarts and the init script runs again: still fine, nothing changed.
    let epoch = nodes[0].cluster_info_field("cluster_current_epoch");
    let (code, output) = run_script(BITNAMI_STYLE_INIT, rtrib, &nodes);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("already formed"), "{output}");
    assert_eq!(nodes[0].cluster_info_field("cluster_current_epoch"), epoch);
}

#[test]
fn a_redis_trib_style_script_runs_with_only_the_command_name_changed() {
    let nodes = Nodes::start(NodesConfig {
        count: 6,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    let (code, output) = run_script(TRIB_STYLE_INIT, env!("CARGO_BIN_EXE_rtrib"), &nodes);
    assert_eq!(code, 0, "{output}");
    assert_formed(&nodes);
}
