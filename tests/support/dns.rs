//! A fake DNS server on loopback: answers A, AAAA and SRV queries from a table the test
//! edits while it runs, and records every name it is asked for.
//!
//! It runs in its own thread on a std `UdpSocket` bound to `127.0.0.1:0` and stops when the
//! [`FakeDns`] is dropped. Unknown names get NXDOMAIN; known names without a record of the
//! asked type get an empty NOERROR answer.
//!
//! The one place tests set a fake DNS up: [`FakeDns::for_pods`] publishes pods' names,
//! [`FakeDns::resolv_conf`] writes a `resolv.conf` pointing at the server (in a directory the
//! server owns), and [`FakeDns::resolver`] builds the library's resolver asking it.

use std::collections::HashMap;
use std::fs;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use hickory_resolver::proto::op::{Message, MessageType, Query, ResponseCode};
use hickory_resolver::proto::rr::rdata::{A, AAAA, SRV};
use hickory_resolver::proto::rr::{Name, RData, Record, RecordType};
use rtrib::net::resolve::{AddressFamily, NameResolver, ResolverSettings};
use tempfile::TempDir;

/// The search domains of a pod in namespace `dev` of a Kubernetes cluster.
pub const KUBERNETES_SEARCH: &[&str] = &[
    "dev.svc.cluster.local",
    "svc.cluster.local",
    "cluster.local",
];

/// Pod `i`'s fully qualified name (a StatefulSet `redis-app` behind the headless service
/// `redis-service` in namespace `dev`).
pub fn pod_name(i: usize) -> String {
    format!("redis-app-{i}.redis-service.dev.svc.cluster.local")
}

/// How often the server thread looks at the stop flag.
const POLL: Duration = Duration::from_millis(20);

/// The records and the query log, shared with the server thread.
#[derive(Default)]
struct Zone {
    addrs: HashMap<String, Vec<IpAddr>>,
    srv: HashMap<String, Vec<(String, u16)>>,
    queries: Vec<String>,
}

/// A running fake DNS server; stops on drop.
pub struct FakeDns {
    addr: SocketAddr,
    zone: Arc<Mutex<Zone>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    /// Where [`FakeDns::resolv_conf`] writes.
    dir: TempDir,
}

impl FakeDns {
    /// Starts a server on a free port of 127.0.0.1.
    pub fn start() -> FakeDns {
        let socket = UdpSocket::bind("127.0.0.1:0").expect("bind the fake DNS server");
        socket
            .set_read_timeout(Some(POLL))
            .expect("set the fake DNS read timeout");
        let addr = socket.local_addr().expect("fake DNS local address");
        let zone = Arc::new(Mutex::new(Zone::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = thread::spawn({
            let zone = Arc::clone(&zone);
            let stop = Arc::clone(&stop);
            move || serve(&socket, &zone, &stop)
        });
        FakeDns {
            addr,
            zone,
            stop,
            thread: Some(thread),
            dir: TempDir::new().expect("a directory for resolv.conf"),
        }
    }

    /// Starts a server where pod `i`'s name ([`pod_name`]) resolves to the `i`th of `ips`.
    pub fn for_pods(ips: impl IntoIterator<Item = IpAddr>) -> FakeDns {
        let dns = FakeDns::start();
        for (i, ip) in ips.into_iter().enumerate() {
            dns.set(&pod_name(i), &[ip]);
        }
        dns
    }

    /// The server's address, for `--dns-server` / `ResolverSettings::dns_servers`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Makes `name` (without trailing dot, any case) resolve to `ips` (A and AAAA records).
    pub fn set(&self, name: &str, ips: &[IpAddr]) {
        self.zone().addrs.insert(key(name), ips.to_vec());
    }

    /// Removes the address records of `name`.
    pub fn remove(&self, name: &str) {
        self.zone().addrs.remove(&key(name));
    }

    /// Makes `name` answer SRV queries with `(target, port)` records.
    pub fn set_srv(&self, name: &str, targets: &[(&str, u16)]) {
        let targets = targets.iter().map(|&(t, p)| (t.to_owned(), p)).collect();
        self.zone().srv.insert(key(name), targets);
    }

    /// Every name asked so far, in order, lower case and without trailing dot (one entry per
    /// query, so an A and an AAAA query for the same name appear twice).
    pub fn queries(&self) -> Vec<String> {
        self.zone().queries.clone()
    }

    /// Writes the server's own `resolv.conf` pointing at its IP, with the given search domains
    /// and `options ndots:N`, and returns its path. resolv.conf has no port syntax: pass
    /// [`addr`](Self::addr) as a DNS server as well.
    pub fn resolv_conf(&self, search: &[&str], ndots: u8) -> PathBuf {
        let path = self.dir.path().join("resolv.conf");
        let mut text = format!("nameserver {}\n", self.addr.ip());
        if !search.is_empty() {
            text += &format!("search {}\n", search.join(" "));
        }
        text += &format!("options ndots:{ndots}\n");
        fs::write(&path, text).expect("write resolv.conf");
        path
    }

    /// The library's resolver asking this server only, with the given search list, ndots,
    /// address family and deadline.
    pub fn resolver(
        &self,
        search: &[&str],
        ndots: u8,
        family: AddressFamily,
        timeout: Duration,
    ) -> NameResolver {
        NameResolver::new(ResolverSettings {
            resolv_conf: Some(self.resolv_conf(search, ndots)),
            dns_servers: vec![self.addr()],
            family,
            timeout,
        })
        .expect("build the resolver")
    }

    fn zone(&self) -> MutexGuard<'_, Zone> {
        self.zone.lock().expect("fake DNS zone lock")
    }
}

impl Drop for FakeDns {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The table key for a name: lower case, no trailing dot.
fn key(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// Answers datagrams until `stop` is set.
fn serve(socket: &UdpSocket, zone: &Mutex<Zone>, stop: &AtomicBool) {
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::Relaxed) {
        let Ok((len, peer)) = socket.recv_from(&mut buf) else {
            continue; // read timeout: look at the stop flag again
        };
        let Ok(request) = Message::from_vec(&buf[..len]) else {
            continue;
        };
        if request.metadata.message_type != MessageType::Query {
            continue;
        }
        let response = answer(&request, &mut zone.lock().expect("fake DNS zone lock"));
        if let Ok(bytes) = response.to_vec() {
            let _ = socket.send_to(&bytes, peer);
        }
    }
}

/// Builds the response to one request from the zone, logging the asked names.
fn answer(request: &Message, zone: &mut Zone) -> Message {
    let mut response = Message::response(request.metadata.id, request.metadata.op_code);
    response.metadata.recursion_desired = request.metadata.recursion_desired;
    response.metadata.recursion_available = true;
    response.add_queries(request.queries.clone());
    for query in &request.queries {
        let name = key(&query.name().to_ascii());
        zone.queries.push(name.clone());
        let known = zone.addrs.contains_key(&name) || zone.srv.contains_key(&name);
        if !known {
            response.metadata.response_code = ResponseCode::NXDomain;
            continue;
        }
        response.add_answers(records(query, zone.addrs.get(&name), zone.srv.get(&name)));
    }
    response
}

/// The records answering `query`, with TTL 0 so that nothing stays cached.
fn records(
    query: &Query,
    addrs: Option<&Vec<IpAddr>>,
    srv: Option<&Vec<(String, u16)>>,
) -> Vec<Record> {
    let data: Vec<RData> = match query.query_type() {
        RecordType::A => addrs
            .into_iter()
            .flatten()
            .filter_map(|ip| match ip {
                IpAddr::V4(ip) => Some(RData::A(A(*ip))),
                IpAddr::V6(_) => None,
            })
            .collect(),
        RecordType::AAAA => addrs
            .into_iter()
            .flatten()
            .filter_map(|ip| match ip {
                IpAddr::V6(ip) => Some(RData::AAAA(AAAA(*ip))),
                IpAddr::V4(_) => None,
            })
            .collect(),
        RecordType::SRV => srv
            .into_iter()
            .flatten()
            .map(|(target, port)| {
                let target = Name::from_ascii(format!("{}.", key(target)))
                    .expect("SRV target is a valid name");
                RData::SRV(SRV::new(0, 0, *port, target))
            })
            .collect(),
        _ => Vec::new(),
    };
    data.into_iter()
        .map(|rdata| Record::from_rdata(query.name().clone(), 0, rdata))
        .collect()
}
