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

/// The documented top-level fields of each command's JSON document are there.
#[test]
fn json_documents_carry_the_documented_fields() {
    let nodes = Nodes::start(NodesConfig {
        count: 4,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    nodes.form(3);
    let (seed, replica) = (nodes[0].addr(), nodes[3].addr());
    let master_of_replica = nodes
        .iter()
        .find(|n| {
            nodes[3]
                .cluster_nodes()
                .contains(&format!("slave {}", n.id()))
        })
        .map(|n| n.addr())
        .unwrap();
    let all = nodes.addrs();
    let mut create = vec!["create", "--allow-few-masters"];
    create.extend(all.iter().map(String::as_str));
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            vec!["check", &seed],
            &[
                "seed",
                "healthy",
                "nodes",
                "uncovered_slots",
                "open_slots",
                "findings",
            ],
        ),
        (
            vec!["info", &seed],
            &[
                "masters",
                "total_keys",
                "total_slots",
                "total_replicas",
                "keys_per_slot",
            ],
        ),
        (
            create,
            &["outcome", "nodes", "anti_affinity", "steps", "check"],
        ),
        (
            vec![
                "replicate",
                "--master-addr",
                &master_of_replica,
                "--slave-addr",
                &replica,
            ],
            &["outcome", "master", "replica", "check"],
        ),
        (
            vec!["add-node", &replica, &seed],
            &["outcome", "node", "check"],
        ),
        (
            vec!["heal", &seed],
            &["outcome", "meets", "forgotten", "check"],
        ),
        (
            vec!["wait", &seed],
            &["outcome", "for", "waited_ms", "nodes"],
        ),
        (vec!["call", &seed, "PING"], &["command", "ok", "nodes"]),
        (
            vec!["set-timeout", &seed, "2000"],
            &["milliseconds", "ok", "nodes"],
        ),
        (vec!["check", "127.0.0.1:1"], &["error"]),
    ];
    for (args, fields) in cases {
        let output = crate::support::rtrib()
            .args(&args)
            .args(["-o", "json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stdout))
        });
        for field in fields {
            assert!(
                doc.get(field).is_some(),
                "{args:?}: no {field:?} in {doc:#}"
            );
        }
    }
}
