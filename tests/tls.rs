//! TLS on every connection: nodes that speak only TLS to clients and on the cluster bus
//! (`tls-port`, `tls-cluster yes`), with certificates made for the test by openssl; `backup`'s
//! replication connections included.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::cluster::{Layout, Nodes, NodesConfig};
use crate::support::rtrib;

/// The TLS client port of every node (each node has its own loopback IP).
const TLS_PORT: u16 = 6380;
/// The name the nodes' certificate is issued to.
const SERVER_NAME: &str = "redis.test";

/// A CA and one certificate for `SERVER_NAME`, valid as server and client certificate.
struct Certificates {
    dir: tempfile::TempDir,
}

impl Certificates {
    fn make() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let openssl = |args: &[&str]| {
            let status = Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .stderr(std::process::Stdio::null())
                .status()
                .expect("openssl is installed");
            assert!(status.success(), "openssl {args:?}");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=rtrib test CA",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "node.key",
            "-out",
            "node.csr",
            "-subj",
            "/CN=redis.test",
        ]);
        std::fs::write(
            dir.path().join("ext"),
            format!("subjectAltName=DNS:{SERVER_NAME}\n"),
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "node.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "node.crt",
            "-days",
            "2",
            "-extfile",
            "ext",
        ]);
        // A CA nobody used, to show that verification really happens.
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "other.key",
            "-out",
            "other.crt",
            "-days",
            "2",
            "-subj",
            "/CN=another CA",
        ]);
        Self { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn tls_nodes(count: usize, certs: &Certificates, auth_clients: &str) -> Nodes {
    let file = |name: &str| certs.path(name).display().to_string();
    Nodes::start(NodesConfig {
        count,
        layout: Layout::LoopbackIps,
        extra: vec![
            ("tls-port".into(), TLS_PORT.to_string()),
            ("tls-cluster".into(), "yes".into()),
            ("tls-replication".into(), "yes".into()),
            ("tls-cert-file".into(), file("node.crt")),
            ("tls-key-file".into(), file("node.key")),
            ("tls-ca-cert-file".into(), file("ca.crt")),
            ("tls-auth-clients".into(), auth_clients.into()),
        ],
        ..NodesConfig::default()
    })
}

fn tls_addrs(nodes: &Nodes) -> Vec<String> {
    nodes
        .iter()
        .map(|n| format!("{}:{TLS_PORT}", n.ip()))
        .collect()
}

fn tls_args(cacert: &Path) -> Vec<String> {
    vec![
        "--tls".into(),
        "--cacert".into(),
        cacert.display().to_string(),
        "--sni".into(),
        SERVER_NAME.into(),
    ]
}

#[test]
fn create_and_check_speak_tls_and_verify_certificates() {
    let certs = Certificates::make();
    let nodes = tls_nodes(6, &certs, "optional");
    let addrs = tls_addrs(&nodes);
    let output = rtrib()
        .arg("create")
        .args(&addrs)
        .args(["--replicas", "1", "--yes"])
        .args(tls_args(&certs.path("ca.crt")))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // The servers agree: formed, over the TLS bus.
    for node in nodes.iter() {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "6");
    }

    let json = rtrib()
        .args(["check", &addrs[2], "-o", "json"])
        .args(tls_args(&certs.path("ca.crt")))
        .output()
        .unwrap();
    assert_eq!(json.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["healthy"], true);
    for node in doc["nodes"].as_array().unwrap() {
        assert!(node["addr"].as_str().unwrap().ends_with(":6380"), "{node}");
    }

    // A CA that did not sign the certificates: refused, naming the node.
    let wrong_ca = rtrib()
        .args(["check", &addrs[0]])
        .args(tls_args(&certs.path("other.crt")))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&wrong_ca.stderr);
    assert_eq!(wrong_ca.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains(&addrs[0]) && stderr.to_lowercase().contains("certificate"),
        "{stderr}"
    );

    // backup's own replication connections speak TLS too, to masters and to replicas.
    let backups = tempfile::tempdir().unwrap();
    for from in ["masters", "replicas"] {
        let dir = backups.path().join(from);
        let output = rtrib()
            .args([
                "backup",
                &addrs[0],
                &dir.display().to_string(),
                "--from",
                from,
            ])
            .args(tls_args(&certs.path("ca.crt")))
            .args(["-o", "json"])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
        let files = doc["files"].as_array().unwrap();
        assert_eq!(files.len(), 3, "{doc:#}");
        for file in files {
            assert!(file["source"]["addr"].as_str().unwrap().ends_with(":6380"));
            assert_eq!(file["source_role"], from.trim_end_matches('s'));
            let path = dir.join(file["file"].as_str().unwrap());
            let reader = rtrib::rdb::RdbReader::new(std::fs::File::open(path).unwrap()).unwrap();
            assert!(reader.last().unwrap().is_ok());
        }
    }

    // --insecure skips verification.
    rtrib()
        .args(["check", &addrs[0], "--tls", "--insecure"])
        .assert()
        .code(0);

    // Plain text to a TLS port is no conversation.
    let plain = rtrib()
        .args([
            "check",
            &addrs[0],
            "--connect-timeout",
            "1s",
            "--command-timeout",
            "1s",
        ])
        .output()
        .unwrap();
    assert!(matches!(plain.status.code(), Some(3 | 4)), "{plain:?}");

    // redis-cli's spelling: --cacertdir (a directory of PEM files, others skipped), rediss://
    // in -u for TLS, and --tls-ciphers dropped with a warning (rustls has its own suites).
    let trusted = tempfile::tempdir().unwrap();
    std::fs::copy(certs.path("ca.crt"), trusted.path().join("ca.pem")).unwrap();
    std::fs::write(trusted.path().join("README"), "not a certificate").unwrap();
    let untrusted = tempfile::tempdir().unwrap();
    std::fs::copy(certs.path("other.crt"), untrusted.path().join("other.pem")).unwrap();
    let line = |dir: &Path, first: &[&str]| {
        let mut line: Vec<String> = first.iter().map(|s| s.to_string()).collect();
        line.extend(["--cacertdir".into(), dir.display().to_string()]);
        line.extend(["--sni".into(), SERVER_NAME.into(), "--tls-ciphers".into()]);
        line.extend(["HIGH".into(), "--cluster".into(), "check".into()]);
        line.push(addrs[1].clone());
        rtrib().args(line).output().unwrap()
    };
    let checked = line(trusted.path(), &["--tls"]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert_eq!(checked.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: --tls-ciphers is ignored"),
        "{stderr}"
    );
    let by_uri = line(trusted.path(), &["-u", "rediss://10.0.0.1:6380"]);
    assert_eq!(by_uri.status.code(), Some(0), "{by_uri:?}");
    let refused = line(untrusted.path(), &["--tls"]);
    assert_eq!(refused.status.code(), Some(3), "{refused:?}");
}

#[test]
fn nodes_that_require_client_certificates_get_them() {
    let certs = Certificates::make();
    let nodes = tls_nodes(3, &certs, "yes");
    let addrs = tls_addrs(&nodes);
    let client = |extra: &[String]| {
        rtrib()
            .arg("create")
            .args(&addrs)
            .arg("--yes")
            .args(tls_args(&certs.path("ca.crt")))
            .args(extra)
            .output()
            .unwrap()
    };
    let refused = client(&[]);
    assert_eq!(refused.status.code(), Some(3), "{refused:?}");
    assert_eq!(nodes[0].cluster_info_field("cluster_known_nodes"), "1");
    let cert = [
        "--cert".to_string(),
        certs.path("node.crt").display().to_string(),
        "--key".to_string(),
        certs.path("node.key").display().to_string(),
    ];
    let created = client(&cert);
    assert_eq!(
        created.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert_eq!(nodes[0].cluster_info_field("cluster_state"), "ok");
}
