//! The cluster as one node sees it: a parsed `CLUSTER NODES` reply.
//!
//! Every node of a Redis Cluster keeps its own table of the cluster (IDs, addresses, roles,
//! failure flags and slot owners) and prints it, one node per line, in reply to
//! `CLUSTER NODES`:
//!
//! ```text
//! <id> <ip:port@cport[,hostname]> <flags> <master|-> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
//! ```
//!
//! [`NodesView::parse`] accepts the forms printed by Redis 3.x to 7.x (and Valkey): 3.x
//! addresses without `@cport`, 7.x `,hostname` suffixes, nodes without an address yet
//! (`:0@0`, `:7000@17000`), IPv6 addresses, and the open-slot tokens `[N->-id]` (migrating)
//! and `[N-<-id]` (importing).
//!
//! Every node prints a line about every node, so a cluster of n nodes answers with n² lines.
//! They are kept small: a line is split into what it says about the node (a [`NodeEntry`]:
//! address, flags, master, epoch, slots) and what it says about the printing node's link to it
//! (a [`Link`]: ping, pong, link state). Views parsed with the same [`EntryPool`] share one
//! [`NodeEntry`] among all the lines that describe a node alike (in a settled cluster, all but
//! its own `myself` line), so each further line costs a pointer and its [`Link`].

use std::collections::BTreeMap;
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault};
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use super::fasthash::{FastHasher, FastMap, FastSet};
use super::slots::{Slot, SlotSet, parse_range, parse_slot};

/// A node's cluster ID: 40 hex characters, chosen by the node when it first starts in cluster
/// mode and kept in its `nodes.conf`. Unlike addresses, it never changes.
#[derive(Clone, PartialEq, Eq, Hash, Ord, PartialOrd, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NodeId(String);

impl NodeId {
    /// Wraps an ID as printed by the server. No validation: the server is trusted to send
    /// its own IDs.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The full ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The first 8 characters, enough to tell nodes apart in messages (the whole ID when
    /// shorter).
    pub fn short(&self) -> &str {
        self.0.get(..8).unwrap_or(&self.0)
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The flags column of a `CLUSTER NODES` line.
///
/// Redis prints them comma-separated in a fixed order (`myself, master, slave, fail?, fail,
/// handshake, noaddr, nofailover`), or `noflags` when there are none.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    /// This line describes the node that printed the reply.
    pub myself: bool,
    /// The node is a master (it may own slots).
    pub master: bool,
    /// The node replicates a master; printed `slave` by every Redis and Valkey so far,
    /// `replica` is accepted too.
    pub replica: bool,
    /// `fail?` (PFAIL): the printing node cannot reach it, but no majority agrees yet.
    pub pfail: bool,
    /// `fail`: a majority of masters agreed the node is down; failover may follow.
    pub fail: bool,
    /// `handshake`: met but not yet confirmed; its ID is still a random placeholder.
    pub handshake: bool,
    /// `noaddr`: the address of the node is unknown.
    pub noaddr: bool,
    /// `nofailover`: a replica configured never to fail over (`cluster-replica-no-failover`).
    pub nofailover: bool,
    /// `noflags`: printed when no other flag is set.
    pub noflags: bool,
    /// Flags this version does not know, kept verbatim in their order.
    pub other: Vec<String>,
}

impl Flags {
    /// Parses the comma-separated flags column. Never fails: unknown words go to
    /// [`Flags::other`].
    pub fn parse(text: &str) -> Self {
        let mut flags = Flags::default();
        for word in text.split(',').filter(|w| !w.is_empty()) {
            match word {
                "myself" => flags.myself = true,
                "master" => flags.master = true,
                "slave" | "replica" => flags.replica = true,
                "fail?" => flags.pfail = true,
                "fail" => flags.fail = true,
                "handshake" => flags.handshake = true,
                "noaddr" => flags.noaddr = true,
                "nofailover" => flags.nofailover = true,
                "noflags" => flags.noflags = true,
                other => flags.other.push(other.to_owned()),
            }
        }
        flags
    }

    /// The flags as Redis prints them, in Redis's order, without `myself` and with `slave`
    /// for replicas; unknown flags last.
    pub fn words(&self) -> Vec<&str> {
        let known = [
            (self.master, "master"),
            (self.replica, "slave"),
            (self.pfail, "fail?"),
            (self.fail, "fail"),
            (self.handshake, "handshake"),
            (self.noaddr, "noaddr"),
            (self.nofailover, "nofailover"),
            (self.noflags, "noflags"),
        ];
        known
            .into_iter()
            .filter_map(|(set, word)| set.then_some(word))
            .chain(self.other.iter().map(String::as_str))
            .collect()
    }
}

impl fmt::Display for Flags {
    /// The [`Flags::words`] joined by commas, as redis-cli shows them (`master`,
    /// `slave`, `master,fail`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.words().join(","))
    }
}

impl Serialize for Flags {
    /// An array of the [`Flags::words`].
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let words = self.words();
        let mut seq = serializer.serialize_seq(Some(words.len()))?;
        for word in words {
            seq.serialize_element(word)?;
        }
        seq.end()
    }
}

/// What one line of `CLUSTER NODES` says about a node: what the printing node believes it is
/// (its link to it aside, see [`Link`]).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeEntry {
    /// The node's cluster ID.
    pub id: NodeId,
    /// The announced IP; `None` before the node learns its own address (a fresh node prints
    /// `:port@cport`) or when it is unknown (`:0@0`).
    pub ip: Option<IpAddr>,
    /// The client port; 0 when unknown.
    pub port: u16,
    /// The cluster bus port (`@cport`); Redis 3.x does not print it, and uses port + 10000.
    pub bus_port: u16,
    /// The `cluster-announce-hostname` (Redis 7.0+), when set.
    pub hostname: Option<String>,
    /// Role and health flags.
    pub flags: Flags,
    /// For a replica, the ID of its master (`-` in the reply means none).
    pub master_id: Option<NodeId>,
    /// The config epoch of the node (for a replica, its master's).
    pub config_epoch: u64,
    /// The slots the node serves, in the printing node's view. Only masters list slots.
    pub slots: SlotSet,
    /// Open slots being migrated away, to the given node (`[N->-id]`). Redis prints these
    /// only on the `myself` line.
    pub migrating: BTreeMap<Slot, NodeId>,
    /// Open slots being imported, from the given node (`[N-<-id]`). Redis prints these only
    /// on the `myself` line.
    pub importing: BTreeMap<Slot, NodeId>,
}

impl NodeEntry {
    /// The address clients reach the node at; `None` when no usable address is known (no
    /// IP, port 0, or the `noaddr` flag).
    pub fn addr(&self) -> Option<SocketAddr> {
        match self.ip {
            Some(ip) if self.port != 0 && !self.flags.noaddr => {
                Some(SocketAddr::new(ip, self.port))
            }
            _ => None,
        }
    }

    /// Whether the node is a master (and not, confusingly, also flagged a replica).
    pub fn is_master(&self) -> bool {
        self.flags.master && !self.flags.replica
    }

    /// Whether the node is a replica.
    pub fn is_replica(&self) -> bool {
        self.flags.replica
    }

    /// Whether the node has open (migrating or importing) slots.
    pub fn has_open_slots(&self) -> bool {
        !self.migrating.is_empty() || !self.importing.is_empty()
    }

    /// Parses one non-blank line; the error is a reason, without line context.
    fn parse(line: &str) -> Result<(Self, Link), String> {
        let mut fields = line.split_ascii_whitespace();
        let mut next = |name: &str| fields.next().ok_or_else(|| format!("no {name} field"));
        let id = NodeId::new(next("id")?);
        let address = next("address")?;
        let flags = Flags::parse(next("flags")?);
        let master = next("master")?;
        let ping_sent = next("ping-sent")?;
        let ping_sent = parse_number(ping_sent, "ping-sent")?;
        let pong_recv = parse_number(next("pong-recv")?, "pong-recv")?;
        let config_epoch = parse_number(next("config-epoch")?, "config-epoch")?;
        let connected = parse_link_state(next("link-state")?)?;
        let link = Link {
            ping_sent,
            pong_recv,
            connected,
        };
        let Address {
            ip,
            port,
            bus_port,
            hostname,
        } = Address::parse(address)?;
        let mut entry = NodeEntry {
            id,
            ip,
            port,
            bus_port,
            hostname,
            flags,
            master_id: (master != "-").then(|| NodeId::new(master)),
            config_epoch,
            slots: SlotSet::new(),
            migrating: BTreeMap::new(),
            importing: BTreeMap::new(),
        };
        for token in fields {
            entry.add_slot_token(token)?;
        }
        Ok((entry, link))
    }

    /// Adds `N`, `N-M`, `[N->-id]` or `[N-<-id]`.
    fn add_slot_token(&mut self, token: &str) -> Result<(), String> {
        let bad = |e: &dyn fmt::Display| format!("bad slot {token:?}: {e}");
        if let Some(inner) = token.strip_prefix('[') {
            let inner = inner
                .strip_suffix(']')
                .ok_or_else(|| format!("bad slot {token:?}: no closing bracket"))?;
            let (table, (slot, peer)) = if let Some(parts) = inner.split_once("->-") {
                (&mut self.migrating, parts)
            } else if let Some(parts) = inner.split_once("-<-") {
                (&mut self.importing, parts)
            } else {
                return Err(format!("bad slot {token:?}: neither ->- nor -<-"));
            };
            if peer.is_empty() {
                return Err(format!("bad slot {token:?}: no node ID"));
            }
            table.insert(parse_slot(slot).map_err(|e| bad(&e))?, NodeId::new(peer));
        } else {
            let (start, end) = parse_range(token).map_err(|e| bad(&e))?;
            self.slots.insert_range(start, end);
        }
        Ok(())
    }
}

fn parse_number(text: &str, name: &str) -> Result<u64, String> {
    text.parse().map_err(|_| format!("bad {name} {text:?}"))
}

fn parse_link_state(text: &str) -> Result<bool, String> {
    match text {
        "connected" => Ok(true),
        "disconnected" => Ok(false),
        other => Err(format!("bad link state {other:?}")),
    }
}

/// What one line of `CLUSTER NODES` says about the printing node's link to the node: these
/// change with every ping, so they are kept per line, apart from the shared [`NodeEntry`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Link {
    /// Unix time in ms of the pending PING, 0 when none is pending.
    pub ping_sent: u64,
    /// Unix time in ms of the last PONG received.
    pub pong_recv: u64,
    /// Whether the bus link to the node is up (`connected` / `disconnected`).
    pub connected: bool,
}

/// The [`NodeEntry`]s already parsed, by the node they describe and the line they were parsed
/// from, so that views parsed with the same pool share one entry per distinct description of
/// a node instead of holding a copy per line. Safe to share between concurrent readers
/// (`&EntryPool`).
#[derive(Debug, Default)]
pub struct EntryPool {
    inner: Mutex<Interned>,
}

#[derive(Debug, Default)]
struct Interned {
    /// What the lines parsed so far said about each node, by the hash of its ID (nodes whose
    /// IDs hash alike share a bucket). A line that matches a description is about its node:
    /// the ID is compared with the rest of the line.
    nodes: FastMap<u64, Vec<Described>>,
    /// The number of views parsed with the pool, the one being parsed included.
    views: u64,
    /// The number of lines of the last view parsed: the next one likely has as many.
    last_len: usize,
}

/// The lines about one node parsed with a pool.
#[derive(Debug)]
struct Described {
    id: Box<str>,
    /// The last view (counted by [`Interned::views`]) that listed the node: a view listing it
    /// twice is malformed.
    listed_in: u64,
    /// Its distinct descriptions, oldest first, at most [`Described::KEPT`].
    lines: Vec<Template>,
}

impl Described {
    /// The descriptions of one node kept: a node is described in a handful of ways at once
    /// (its own line, the others' before and after a change), but a pathological cluster
    /// could have a way per view; the oldest is then forgotten (its views keep its entry).
    const KEPT: usize = 16;

    /// Marks the node listed by view `view`; a reason when it already was.
    fn list_in(&mut self, view: u64, id: &str) -> Result<(), String> {
        if self.listed_in == view {
            return Err(format!("node {id} listed twice"));
        }
        self.listed_in = view;
        Ok(())
    }
}

/// A line parsed in full, with the [`NodeEntry`] it gave and where its link columns stand: a
/// later line equal to it byte for byte but for those columns says the same about the node,
/// and only its link columns are read.
#[derive(Debug)]
struct Template {
    line: Box<str>,
    /// The byte ranges of ping-sent, pong-recv and link-state in `line`.
    links: [Range<usize>; 3],
    entry: Arc<NodeEntry>,
}

impl Template {
    /// The template of `line`, which parsed into `entry` (so it has all its columns).
    fn new(line: &str, entry: Arc<NodeEntry>) -> Self {
        let mut columns = tokens(line).skip(4);
        let mut next = || columns.next().unwrap_or_default();
        let (ping_sent, pong_recv, _epoch, link_state) = (next(), next(), next(), next());
        Template {
            line: line.into(),
            links: [ping_sent, pong_recv, link_state],
            entry,
        }
    }

    /// The link columns of `line` when it is this template's line but for them.
    fn links_of(&self, line: &str) -> Option<Link> {
        let [ping, pong, state] = &self.links;
        let line = line.as_bytes();
        let mut at = 0;
        let ping_sent = self.token_after(line, &mut at, 0..ping.start)?;
        let pong_recv = self.token_after(line, &mut at, ping.end..pong.start)?;
        let link_state = self.token_after(line, &mut at, pong.end..state.start)?;
        let connected = match link_state {
            b"connected" => true,
            b"disconnected" => false,
            _ => return None,
        };
        (line[at..] == self.line.as_bytes()[state.end..]).then_some(Link {
            ping_sent: decimal(ping_sent)?,
            pong_recv: decimal(pong_recv)?,
            connected,
        })
    }

    /// The token of `line` that follows, at `*at`, the bytes `same` of the template's line;
    /// `*at` moves past it. `None` when `line` has other bytes there.
    fn token_after<'a>(
        &self,
        line: &'a [u8],
        at: &mut usize,
        same: Range<usize>,
    ) -> Option<&'a [u8]> {
        let same = &self.line.as_bytes()[same];
        let start = *at + same.len();
        if line.get(*at..start)? != same {
            return None;
        }
        let end = line[start..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(line.len(), |length| start + length);
        *at = end;
        Some(&line[start..end])
    }
}

/// The number `digits` spell when they are decimal digits only, and it fits: how a reused
/// line's link columns are read (anything else, a `+` sign included, goes to the full parser).
fn decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |number, &digit| {
        let digit = digit.wrapping_sub(b'0');
        if digit > 9 {
            return None;
        }
        number.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

/// The byte ranges of the whitespace-separated tokens of `line`.
fn tokens(line: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = line.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        let start = at + bytes[at..].iter().position(|b| !b.is_ascii_whitespace())?;
        at = bytes[start..]
            .iter()
            .position(u8::is_ascii_whitespace)
            .map_or(bytes.len(), |length| start + length);
        Some(start..at)
    })
}

impl EntryPool {
    /// The number of distinct entries the pool holds.
    pub fn len(&self) -> usize {
        self.lock()
            .nodes
            .values()
            .flatten()
            .map(|node| node.lines.len())
            .sum()
    }

    /// Whether nothing was parsed with the pool yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Interned> {
        // The pool only caches parsed entries: one left by a panicking parser is still valid.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Interned {
    /// Parses one non-blank line of view number `view`, reusing the entry of an earlier line
    /// that describes the node in the same words; the same errors as [`NodeEntry::parse`],
    /// then a node listed twice in the view.
    fn parse_line(&mut self, line: &str, view: u64) -> Result<(Arc<NodeEntry>, Link), String> {
        let id = tokens(line).next().map_or("", |id| &line[id]);
        let hash = BuildHasherDefault::<FastHasher>::default().hash_one(id);
        for node in self.nodes.get_mut(&hash).into_iter().flatten() {
            let reused = node.lines.iter().find_map(|template| {
                let link = template.links_of(line)?;
                Some((Arc::clone(&template.entry), link))
            });
            if let Some(reused) = reused {
                node.list_in(view, id)?;
                return Ok(reused);
            }
        }
        // A new description, or a malformed line: the full parser says what is wrong.
        let (entry, link) = NodeEntry::parse(line)?;
        let entry = Arc::new(entry);
        let bucket = self.nodes.entry(hash).or_default();
        let at = match bucket.iter().position(|node| &*node.id == id) {
            Some(at) => at,
            None => {
                bucket.push(Described {
                    id: id.into(),
                    listed_in: 0,
                    lines: Vec::new(),
                });
                bucket.len() - 1
            }
        };
        let node = &mut bucket[at];
        node.list_in(view, id)?;
        if node.lines.len() == Described::KEPT {
            node.lines.remove(0);
        }
        node.lines.push(Template::new(line, Arc::clone(&entry)));
        Ok((entry, link))
    }
}

/// The address column, `ip:port@cport[,hostname[,aux=value...]]`.
struct Address {
    ip: Option<IpAddr>,
    port: u16,
    bus_port: u16,
    hostname: Option<String>,
}

impl Address {
    fn parse(text: &str) -> Result<Self, String> {
        // Neither IPs nor host names contain `,` or `@`, so split those off first. After the
        // host name, `nodes.conf` (never a client reply) has `key=value` fields.
        let mut parts = text.split(',');
        let main = parts.next().unwrap_or_default();
        let hostname = parts
            .next()
            .filter(|h| !h.is_empty() && !h.contains('='))
            .map(str::to_owned);
        let (host_port, bus) = match main.rsplit_once('@') {
            Some((host_port, bus)) => (host_port, Some(bus)),
            None => (main, None),
        };
        // IPv6 addresses contain `:` too; the port follows the last one.
        let (host, port) = host_port
            .rsplit_once(':')
            .ok_or_else(|| format!("bad address {text:?}: no port"))?;
        let port: u16 = port
            .parse()
            .map_err(|_| format!("bad port {port:?} in address {text:?}"))?;
        let bus_port = match bus {
            Some(bus) => bus
                .parse()
                .map_err(|_| format!("bad bus port {bus:?} in address {text:?}"))?,
            // Redis 3.x: the bus port is always port + 10000.
            None if port == 0 => 0,
            None => port
                .checked_add(10000)
                .ok_or_else(|| format!("port {port} has no bus port (port + 10000)"))?,
        };
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let ip = if host.is_empty() {
            None
        } else {
            Some(
                host.parse()
                    .map_err(|_| format!("bad IP {host:?} in address {text:?}"))?,
            )
        };
        Ok(Address {
            ip,
            port,
            bus_port,
            hostname,
        })
    }
}

/// A `CLUSTER NODES` reply that could not be parsed.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
#[error("CLUSTER NODES line {line} is malformed ({reason}): {text}")]
pub struct ParseError {
    /// The 1-based line number, counting blank lines.
    pub line: usize,
    /// The line as received (without its line ending).
    pub text: String,
    /// What is wrong with it.
    pub reason: String,
}

/// One node's `CLUSTER NODES` reply: its view of the whole cluster, line by line in the order
/// the node printed them (Redis's order is arbitrary: a hash table's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodesView {
    lines: Vec<Line>,
    /// The index of the `myself` line.
    myself: Option<usize>,
}

/// One line: the entry, shared with the other lines of the pool that say the same, and the
/// printing node's link to the node.
#[derive(Clone, Debug, PartialEq)]
struct Line {
    entry: Arc<NodeEntry>,
    link: Link,
}

impl NodesView {
    /// Parses a reply. Accepts `\n` or `\r\n` line endings and ignores blank lines; fails on
    /// the first malformed line or a node ID listed twice.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_in(text, &EntryPool::default())
    }

    /// [`NodesView::parse`], sharing with every view parsed with `pool` the entries that
    /// describe a node in the same words.
    pub fn parse_in(text: &str, pool: &EntryPool) -> Result<Self, ParseError> {
        let mut pool = pool.lock();
        pool.views += 1;
        let view = pool.views;
        let mut lines = Vec::with_capacity(pool.last_len);
        for (index, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.trim().is_empty() {
                continue;
            }
            let (entry, link) = pool.parse_line(line, view).map_err(|reason| ParseError {
                line: index + 1,
                text: line.to_owned(),
                reason,
            })?;
            lines.push(Line { entry, link });
        }
        pool.last_len = lines.len();
        Ok(Self::from_lines(lines))
    }

    fn from_lines(lines: Vec<Line>) -> Self {
        let myself = lines.iter().position(|l| l.entry.flags.myself);
        NodesView { lines, myself }
    }

    /// The entries, in the order the node printed them.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = &NodeEntry> + Clone {
        self.lines.iter().map(|line| &*line.entry)
    }

    /// The entries with the printing node's link to each, in the order it printed them.
    pub fn links(&self) -> impl ExactSizeIterator<Item = (&NodeEntry, &Link)> + Clone {
        self.lines.iter().map(|line| (&*line.entry, &line.link))
    }

    /// The number of lines.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether the view lists no node.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The line describing the node that printed the reply.
    pub fn myself(&self) -> Option<&NodeEntry> {
        self.myself.map(|at| &*self.lines[at].entry)
    }

    /// The line about node `id`. A scan of the view: judgments over many views look nodes up
    /// in maps of their own.
    pub fn get(&self, id: &NodeId) -> Option<&NodeEntry> {
        self.entries().find(|e| &e.id == id)
    }

    /// Adds the lines of `other` (for tests building views by hand).
    pub fn extend(&mut self, other: NodesView) {
        self.lines.extend(other.lines);
        *self = Self::from_lines(std::mem::take(&mut self.lines));
    }

    /// The entry about `id`, to change (copied out of the pool first when shared), for tests
    /// building views by hand.
    pub fn entry_mut(&mut self, id: &NodeId) -> Option<&mut NodeEntry> {
        let line = self.lines.iter_mut().find(|line| &line.entry.id == id)?;
        Some(Arc::make_mut(&mut line.entry))
    }

    /// The node serving `slot` in this view; `None` when the slot is unassigned.
    pub fn owner_of(&self, slot: Slot) -> Option<&NodeId> {
        self.entries()
            .find(|e| e.slots.contains(slot))
            .map(|e| &e.id)
    }

    /// A string that is equal for two views exactly when they assign the same slots to the
    /// same nodes (redis-cli's `clusterManagerGetConfigSignature`).
    ///
    /// Each node owning at least one slot contributes `<id>:<ranges>` (ranges as
    /// `0-5460,5462`, open-slot tokens excluded); the parts are sorted and joined with `|`.
    /// Addresses, flags and epochs are not part of it. A view without any slot owner gives
    /// the empty string.
    pub fn config_signature(&self) -> String {
        let mut parts: Vec<String> = self
            .entries()
            .filter(|e| !e.slots.is_empty())
            .map(|e| format!("{}:{}", e.id, e.slots))
            .collect();
        parts.sort();
        parts.join("|")
    }
}

/// Groups `views` by the way they assign slots: two views in one group give every slot the
/// same owner (their [config signatures](NodesView::config_signature) are equal and neither
/// names two owners of one slot). Returns, for each view, the index of the first view of its
/// group, so a judgment of slot owners can be made once per group instead of once per view:
/// in a settled cluster, all views are one group. Linear in the lines, with one hash of each
/// distinct slot set (views parsed with one [`EntryPool`] share their entries).
pub fn assignment_groups(views: &[&NodesView]) -> Vec<usize> {
    /// The first view of each group, with its slot owners by ID and their addresses (a view
    /// sharing an owner's entry agrees on it without a look at its ID), by fingerprint.
    type Firsts<'a> = FastMap<u64, Vec<(usize, Owners<'a>)>>;
    type Owners<'a> = (
        FastMap<&'a NodeId, &'a NodeEntry>,
        FastSet<*const NodeEntry>,
    );
    let hasher = BuildHasherDefault::<FastHasher>::default();
    // Hash of (ID, slots) by entry address: the entries are shared, the hashing is not redone.
    let mut hashed: FastMap<*const NodeEntry, u64> = FastMap::default();
    let mut firsts: Firsts<'_> = FastMap::default();
    let mut groups = Vec::with_capacity(views.len());
    for (index, view) in views.iter().enumerate() {
        let mut fingerprint = 0u64;
        let mut owners = 0usize;
        for entry in view.entries().filter(|e| !e.slots.is_empty()) {
            owners += 1;
            let hash = *hashed
                .entry(entry as *const NodeEntry)
                .or_insert_with(|| hasher.hash_one((&entry.id, &entry.slots)));
            fingerprint = fingerprint.wrapping_add(hash);
        }
        let candidates = firsts.entry(fingerprint).or_default();
        let same = candidates.iter().find(|(_, (first, shared))| {
            first.len() == owners
                && view.entries().filter(|e| !e.slots.is_empty()).all(|e| {
                    shared.contains(&(e as *const NodeEntry))
                        || first.get(&e.id).is_some_and(|f| f.slots == e.slots)
                })
        });
        match same {
            Some((first, _)) => groups.push(*first),
            None => {
                groups.push(index);
                let claimed: usize = view.entries().map(|e| e.slots.len()).sum();
                let mut union = SlotSet::new();
                for entry in view.entries() {
                    union.union_with(&entry.slots);
                }
                // A view naming two owners of a slot is alone in its group: which one it
                // means depends on its line order.
                if claimed == union.len() {
                    let first: FastMap<&NodeId, &NodeEntry> = view
                        .entries()
                        .filter(|e| !e.slots.is_empty())
                        .map(|e| (&e.id, e))
                        .collect();
                    let shared = first.values().map(|e| *e as *const NodeEntry).collect();
                    candidates.push((index, (first, shared)));
                }
            }
        }
    }
    groups
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! `CLUSTER NODES` replies captured from real servers, shared by the tests of this
    //! module and of `check`.
    //!
    //! Node IDs of the 7.0 cluster: A (30740) `8a0c812f…`, B (30741, announces host name
    //! `node-b.example`) `fb014d36…`, C (30742) `91a906f2…`; their replicas (30743, 30744,
    //! 30745) `440700f8…`, `62120e78…` and `7a670cdc…`.

    /// ID of master A.
    pub const ID_A: &str = "8a0c812f4463fa3076e188d221cd0f8b8b7b10ec";
    /// ID of master B.
    pub const ID_B: &str = "fb014d367ca3cbe7adea1db395f490d8609c8b63";
    /// ID of master C.
    pub const ID_C: &str = "91a906f2d78278e8949af3320e111d6995f058b8";
    /// ID of A's replica.
    pub const ID_A_REPLICA: &str = "440700f8602f314527574ddae569acb64c89dd4e";
    /// ID of B's replica.
    pub const ID_B_REPLICA: &str = "62120e7819c648bb28c4d87134ae767f5a442184";
    /// ID of C's replica.
    pub const ID_C_REPLICA: &str = "7a670cdc72e81e8454910030c4b60555d71dac38";

    /// Redis 7.0.15, `127.0.0.1:30740`: 3 masters + 3 replicas (open-slot tokens removed).
    pub const HEALTHY_A: &str = "\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320779260 0 connected\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 myself,master - 0 1795320778000 1 connected 0-5460\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320779059 5 connected\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320779059 1 connected\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320779461 5 connected 10923-16383\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320779059 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, `127.0.0.1:30741`: 3 masters + 3 replicas (open-slot tokens removed).
    pub const HEALTHY_B: &str = "\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320779059 5 connected\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example myself,master - 0 1795320779000 0 connected 5461-10922\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320779260 1 connected 0-5460\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320779461 5 connected 10923-16383\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320779059 1 connected\n\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320779260 0 connected\n\
";

    /// Redis 7.0.15, `127.0.0.1:30742`: 3 masters + 3 replicas (open-slot tokens removed).
    pub const HEALTHY_C: &str = "\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320779059 1 connected\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320779059 5 connected\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 myself,master - 0 1795320778000 5 connected 10923-16383\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320779260 1 connected 0-5460\n\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320779260 0 connected\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320779260 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, `127.0.0.1:30743`: 3 masters + 3 replicas (open-slot tokens removed).
    pub const HEALTHY_A_REPLICA: &str = "\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320779073 0 connected\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 myself,slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320779000 1 connected\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320779073 5 connected\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320779375 5 connected 10923-16383\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320779073 1 connected 0-5460\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320779274 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, `127.0.0.1:30744`: 3 masters + 3 replicas (open-slot tokens removed).
    pub const HEALTHY_B_REPLICA: &str = "\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320782288 5 connected 10923-16383\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320782087 1 connected\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320782288 5 connected\n\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 myself,slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320782000 0 connected\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320782288 1 connected 0-5460\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320782087 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, `127.0.0.1:30745`: 3 masters + 3 replicas (open-slot tokens removed).
    pub const HEALTHY_C_REPLICA: &str = "\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320782389 5 connected 10923-16383\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320782288 1 connected 0-5460\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 myself,slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320782000 5 connected\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320782288 0 connected 5461-10922\n\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320782087 0 connected\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320782087 1 connected\n\
";

    /// The six views of the healthy cluster, masters first.
    pub const ALL_HEALTHY: [&str; 6] = [
        HEALTHY_A,
        HEALTHY_B,
        HEALTHY_C,
        HEALTHY_A_REPLICA,
        HEALTHY_B_REPLICA,
        HEALTHY_C_REPLICA,
    ];

    /// Redis 7.0.15, master A migrating slots 609 and 610 to B.
    pub const OPEN_A: &str = "\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320779260 0 connected\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 myself,master - 0 1795320778000 1 connected 0-5460 [609->-fb014d367ca3cbe7adea1db395f490d8609c8b63] [610->-fb014d367ca3cbe7adea1db395f490d8609c8b63]\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320779059 5 connected\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320779059 1 connected\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320779461 5 connected 10923-16383\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320779059 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, master B importing slots 609 and 610 from A.
    pub const OPEN_B: &str = "\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave 91a906f2d78278e8949af3320e111d6995f058b8 0 1795320779059 5 connected\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example myself,master - 0 1795320779000 0 connected 5461-10922 [609-<-8a0c812f4463fa3076e188d221cd0f8b8b7b10ec] [610-<-8a0c812f4463fa3076e188d221cd0f8b8b7b10ec]\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320779260 1 connected 0-5460\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320779461 5 connected 10923-16383\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320779059 1 connected\n\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320779260 0 connected\n\
";

    /// Redis 7.0.15, A's replica seeing master C as `fail?` and C's replica as `fail`.
    pub const PFAIL_A_REPLICA: &str = "\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320795368 0 connected\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 myself,slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320796000 1 connected\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave,fail 91a906f2d78278e8949af3320e111d6995f058b8 1795320783092 1795320782087 5 disconnected\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master,fail? - 1795320794060 1795320793054 5 disconnected 10923-16383\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320796176 1 connected 0-5460\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320796075 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, A seeing master C and C's replica as `fail` (open slots still there).
    pub const FAIL_A: &str = "\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320801406 0 connected\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 myself,master - 0 1795320800000 1 connected 0-5460 [609->-fb014d367ca3cbe7adea1db395f490d8609c8b63] [610->-fb014d367ca3cbe7adea1db395f490d8609c8b63]\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave,fail 91a906f2d78278e8949af3320e111d6995f058b8 1795320783082 1795320782076 5 disconnected\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320801204 1 connected\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master,fail - 1795320794060 1795320793054 5 disconnected 10923-16383\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example master - 0 1795320801103 0 connected 5461-10922\n\
";

    /// Redis 7.0.15, B right after `CLUSTER MEET` to a port nobody listens on.
    pub const HANDSHAKE_B: &str = "\
52cd55018c85c25b723f7e992d2acb8284e819b8 127.0.0.1:30747@40747 handshake - 0 0 0 disconnected\n\
7a670cdc72e81e8454910030c4b60555d71dac38 127.0.0.1:30745@40745 slave,fail 91a906f2d78278e8949af3320e111d6995f058b8 1795320783080 1795320782074 5 disconnected\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 127.0.0.1:30741@40741,node-b.example myself,master - 0 1795320793000 0 connected 5461-10922 [609-<-8a0c812f4463fa3076e188d221cd0f8b8b7b10ec] [610-<-8a0c812f4463fa3076e188d221cd0f8b8b7b10ec]\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:30740@40740 master - 0 1795320793348 1 connected 0-5460\n\
91a906f2d78278e8949af3320e111d6995f058b8 127.0.0.1:30742@40742 master - 0 1795320793046 5 connected 10923-16383\n\
440700f8602f314527574ddae569acb64c89dd4e 127.0.0.1:30743@40743 slave 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 1795320793146 1 connected\n\
62120e7819c648bb28c4d87134ae767f5a442184 127.0.0.1:30744@40744 slave fb014d367ca3cbe7adea1db395f490d8609c8b63 0 1795320793347 0 connected\n\
";

    /// Redis 7.0.15, a node that has never met another: no IP yet.
    pub const FRESH: &str = "\
42866b94fbe51c729f3d36170169b84ba8a00ce5 :30746@40746 myself,master - 0 0 0 connected\n\
";

    /// Redis 3.2 as shown in the `CLUSTER NODES` documentation of that era: no `@cport`.
    pub const REDIS3: &str = "\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002 master - 0 1426238316232 2 connected 5461-10922
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 127.0.0.1:30003 master - 0 1426238318243 3 connected 10923-16383
6ec23923021cf3ffec47632106199cb7f496ce01 127.0.0.1:30005 slave 67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 0 1426238316232 5 connected
824fe116063bc5fcf9f4ffd895bc17aee7731ac3 127.0.0.1:30006 slave 292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 0 1426238317741 6 connected
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001 myself,master - 0 0 1 connected 0-5460
";
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;

    fn id(s: &str) -> NodeId {
        NodeId::new(s)
    }

    #[test]
    fn redis7_healthy_master_view() {
        let view = NodesView::parse(HEALTHY_A).unwrap();
        assert_eq!(view.len(), 6);
        let me = view.myself().unwrap();
        assert_eq!(me.id, id(ID_A));
        assert_eq!(me.addr(), Some("127.0.0.1:30740".parse().unwrap()));
        assert_eq!(me.bus_port, 40740);
        assert!(me.is_master() && !me.is_replica());
        assert_eq!(me.flags.to_string(), "master");
        assert_eq!(me.slots, SlotSet::from_range(0, 5460));
        assert_eq!(me.config_epoch, 1);
        assert!(view.links().all(|(_, link)| link.connected));
        assert_eq!(me.master_id, None);

        let b = view.get(&id(ID_B)).unwrap();
        assert_eq!(b.hostname.as_deref(), Some("node-b.example"));
        assert_eq!(b.port, 30741);
        assert_eq!(b.bus_port, 40741);
        assert!(!b.flags.myself);

        let replica = view.get(&id(ID_B_REPLICA)).unwrap();
        assert!(replica.is_replica() && !replica.is_master());
        assert_eq!(replica.master_id, Some(id(ID_B)));
        assert_eq!(replica.flags.to_string(), "slave");
        assert!(replica.slots.is_empty());

        assert_eq!(view.owner_of(0), Some(&id(ID_A)));
        assert_eq!(view.owner_of(5461), Some(&id(ID_B)));
        assert_eq!(view.owner_of(16383), Some(&id(ID_C)));
        assert_eq!(view.owner_of(16384), None);
    }

    #[test]
    fn all_healthy_views_agree() {
        let signatures: Vec<String> = ALL_HEALTHY
            .iter()
            .map(|text| NodesView::parse(text).unwrap().config_signature())
            .collect();
        assert_eq!(
            signatures[0],
            format!("{ID_A}:0-5460|{ID_C}:10923-16383|{ID_B}:5461-10922")
        );
        assert!(signatures.iter().all(|s| s == &signatures[0]));
        // Open-slot tokens are not part of the signature.
        assert_eq!(
            NodesView::parse(OPEN_A).unwrap().config_signature(),
            signatures[0]
        );
    }

    #[test]
    fn replica_myself_line() {
        let view = NodesView::parse(HEALTHY_A_REPLICA).unwrap();
        let me = view.myself().unwrap();
        assert_eq!(me.id, id(ID_A_REPLICA));
        assert!(me.flags.myself && me.is_replica());
        assert_eq!(me.flags.to_string(), "slave");
        assert_eq!(me.master_id, Some(id(ID_A)));
    }

    #[test]
    fn migrating_and_importing_tokens() {
        let a = NodesView::parse(OPEN_A).unwrap();
        let me = a.myself().unwrap();
        assert_eq!(me.slots, SlotSet::from_range(0, 5460));
        assert_eq!(
            me.migrating,
            BTreeMap::from([(609, id(ID_B)), (610, id(ID_B))])
        );
        assert!(me.importing.is_empty());
        assert!(me.has_open_slots());

        let b = NodesView::parse(OPEN_B).unwrap();
        let me = b.myself().unwrap();
        assert_eq!(me.slots, SlotSet::from_range(5461, 10922));
        assert_eq!(
            me.importing,
            BTreeMap::from([(609, id(ID_A)), (610, id(ID_A))])
        );
        assert!(me.migrating.is_empty());
    }

    #[test]
    fn failure_flags() {
        let view = NodesView::parse(PFAIL_A_REPLICA).unwrap();
        let c = view.get(&id(ID_C)).unwrap();
        assert!(c.flags.pfail && !c.flags.fail && c.is_master());
        assert_eq!(c.flags.to_string(), "master,fail?");
        let (_, link) = view.links().find(|(e, _)| e.id == id(ID_C)).unwrap();
        assert!(!link.connected);
        assert_eq!(link.ping_sent, 1795320794060);
        assert_eq!(c.slots, SlotSet::from_range(10923, 16383));
        let c_replica = view.get(&id(ID_C_REPLICA)).unwrap();
        assert!(c_replica.flags.fail && c_replica.is_replica());
        assert_eq!(c_replica.flags.to_string(), "slave,fail");

        let view = NodesView::parse(FAIL_A).unwrap();
        let c = view.get(&id(ID_C)).unwrap();
        assert_eq!(c.flags.to_string(), "master,fail");
        assert_eq!(
            serde_json::to_value(&c.flags).unwrap(),
            serde_json::json!(["master", "fail"])
        );
    }

    #[test]
    fn handshake_node() {
        let view = NodesView::parse(HANDSHAKE_B).unwrap();
        let (node, link) = view.links().next().unwrap();
        assert!(node.flags.handshake && !node.is_master() && !node.is_replica());
        assert_eq!(node.flags.to_string(), "handshake");
        assert_eq!(node.addr(), Some("127.0.0.1:30747".parse().unwrap()));
        assert_eq!(
            (link.ping_sent, link.pong_recv, node.config_epoch),
            (0, 0, 0)
        );
    }

    #[test]
    fn fresh_node_has_no_ip() {
        let view = NodesView::parse(FRESH).unwrap();
        let me = view.myself().unwrap();
        assert_eq!(me.ip, None);
        assert_eq!((me.port, me.bus_port), (30746, 40746));
        assert_eq!(me.addr(), None);
        assert_eq!(view.config_signature(), "");
    }

    #[test]
    fn redis3_without_bus_port() {
        let view = NodesView::parse(REDIS3).unwrap();
        let me = view.myself().unwrap();
        assert_eq!(me.addr(), Some("127.0.0.1:30001".parse().unwrap()));
        assert_eq!(me.bus_port, 40001);
        assert_eq!(me.hostname, None);
        assert_eq!(view.len(), 6);
        assert_eq!(
            view.owner_of(6000),
            Some(&id("67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1"))
        );
    }

    #[test]
    fn noaddr_and_unknown_address() {
        let text = "\
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :0@0 master,fail,noaddr - 1426238317239 1426238316232 3 disconnected 10923-16383
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:7001@17001 myself,slave,nofailover e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 0 3 connected
292f8b365bb7edb5e285caf0b7e6ddc7265d2f4f 10.0.0.9:7002@17002 noflags - 0 0 0 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 10.0.0.8:7003@17003 master,noaddr - 0 0 0 disconnected
";
        let view = NodesView::parse(text).unwrap();
        let lost = view.entries().next().unwrap();
        assert_eq!((lost.ip, lost.port, lost.bus_port), (None, 0, 0));
        assert_eq!(lost.addr(), None);
        assert_eq!(lost.flags.to_string(), "master,fail,noaddr");
        let me = view.myself().unwrap();
        assert!(me.flags.nofailover);
        assert_eq!(me.flags.to_string(), "slave,nofailover");
        assert!(view.entries().nth(2).unwrap().flags.noflags);
        assert_eq!(view.entries().nth(2).unwrap().flags.to_string(), "noflags");
        // An IP is printed, but noaddr means it is not to be trusted.
        assert_eq!(view.entries().nth(3).unwrap().addr(), None);
    }

    #[test]
    fn ipv6_hostnames_and_crlf() {
        let text = "\r\n\
8a0c812f4463fa3076e188d221cd0f8b8b7b10ec ::1:7000@17000,redis-0.redis.svc myself,master - 0 0 1 connected 0-100 200\r\n\
\r\n\
fb014d367ca3cbe7adea1db395f490d8609c8b63 fd00::2:7000@17000, replica,unknownflag 8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 0 0 1 connected\r\n\
91a906f2d78278e8949af3320e111d6995f058b8 [fd00::3]:7000@17000,redis-2,shard-id=abc master - 0 0 2 connected 101-199\r\n";
        let view = NodesView::parse(text).unwrap();
        let me = view.myself().unwrap();
        assert_eq!(me.addr(), Some("[::1]:7000".parse().unwrap()));
        assert_eq!(me.hostname.as_deref(), Some("redis-0.redis.svc"));
        assert_eq!(me.slots.to_string(), "0-100,200");
        let replica = view.entries().nth(1).unwrap();
        assert_eq!(replica.addr(), Some("[fd00::2]:7000".parse().unwrap()));
        assert_eq!(replica.hostname, None);
        assert!(replica.is_replica());
        assert_eq!(replica.flags.other, ["unknownflag"]);
        assert_eq!(replica.flags.to_string(), "slave,unknownflag");
        let bracketed = view.entries().nth(2).unwrap();
        assert_eq!(bracketed.addr(), Some("[fd00::3]:7000".parse().unwrap()));
        assert_eq!(bracketed.hostname.as_deref(), Some("redis-2"));
    }

    #[test]
    fn node_id_helpers() {
        let node = id(ID_A);
        assert_eq!(node.short(), "8a0c812f");
        assert_eq!(node.to_string(), ID_A);
        assert_eq!(id("abc").short(), "abc");
        assert_eq!(serde_json::to_string(&node).unwrap(), format!("\"{ID_A}\""));
    }

    #[test]
    fn malformed_lines() {
        let good = "8a0c812f4463fa3076e188d221cd0f8b8b7b10ec 127.0.0.1:7000@17000 myself,master - 0 0 1 connected";
        let cases = [
            ("abc 127.0.0.1:7000@17000 master", "no master field"),
            (
                "abc 127.0.0.1:x@17000 master - 0 0 1 connected",
                "bad port \"x\" in address \"127.0.0.1:x@17000\"",
            ),
            (
                "abc 127.0.0.1@17000 master - 0 0 1 connected",
                "bad address \"127.0.0.1@17000\": no port",
            ),
            (
                "abc 127.0.0.1:7000@y master - 0 0 1 connected",
                "bad bus port \"y\" in address \"127.0.0.1:7000@y\"",
            ),
            (
                "abc host.example:7000@17000 master - 0 0 1 connected",
                "bad IP \"host.example\" in address \"host.example:7000@17000\"",
            ),
            (
                "abc 127.0.0.1:60000 master - 0 0 1 connected",
                "port 60000 has no bus port (port + 10000)",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - x 0 1 connected",
                "bad ping-sent \"x\"",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - 0 0 1 up",
                "bad link state \"up\"",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - 0 0 1 connected 16384",
                "bad slot \"16384\": slot 16384 is out of range 0-16383",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - 0 0 1 connected 9-3",
                "bad slot \"9-3\": slot range 9-3 ends before it starts",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - 0 0 1 connected [5->-abc",
                "bad slot \"[5->-abc\": no closing bracket",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - 0 0 1 connected [5-abc]",
                "bad slot \"[5-abc]\": neither ->- nor -<-",
            ),
            (
                "abc 127.0.0.1:7000@17000 master - 0 0 1 connected [5->-]",
                "bad slot \"[5->-]\": no node ID",
            ),
        ];
        for (line, reason) in cases {
            let text = format!("{good}\n\n{line}\n");
            let error = NodesView::parse(&text).unwrap_err();
            assert_eq!(
                error,
                ParseError {
                    line: 3,
                    text: line.to_owned(),
                    reason: reason.to_owned()
                },
                "{line}"
            );
        }
        let error = NodesView::parse(&format!("{good}\n{good}")).unwrap_err();
        assert_eq!(error.line, 2);
        assert_eq!(
            error.to_string(),
            format!("CLUSTER NODES line 2 is malformed (node {ID_A} listed twice): {good}")
        );
    }

    #[test]
    fn views_parsed_with_one_pool_share_the_entries_they_agree_on() {
        let pool = EntryPool::default();
        let texts = ALL_HEALTHY;
        let views: Vec<NodesView> = texts
            .iter()
            .map(|text| NodesView::parse_in(text, &pool).unwrap())
            .collect();
        // Six nodes, each described alike by the five others, and once by itself.
        assert_eq!(pool.len(), 12);
        let a_in =
            |view: &NodesView| view.entries().find(|e| e.id == id(ID_A)).unwrap() as *const _;
        assert_eq!(a_in(&views[1]), a_in(&views[2]));
        assert_ne!(a_in(&views[0]), a_in(&views[1]), "A's own line says myself");
        // Parsed alone or shared, a view is the same, link figures included.
        for (view, text) in views.iter().zip(texts) {
            assert_eq!(view, &NodesView::parse(text).unwrap());
        }
        let links: Vec<u64> = views[1].links().map(|(_, link)| link.pong_recv).collect();
        assert_eq!(links[2], 1795320779260);
        // A shared line with a bad link column fails as it would alone.
        let bad = HEALTHY_B.replace(
            "0 1795320779260 1 connected 0-5460",
            "0 x 1 connected 0-5460",
        );
        let alone = NodesView::parse(&bad).unwrap_err();
        assert_eq!(NodesView::parse_in(&bad, &pool).unwrap_err(), alone);
        assert_eq!(alone.reason, "bad pong-recv \"x\"");
        // A link column the reused line's reading does not take (a sign) goes to the full
        // parser, which accepts it.
        let signed = HEALTHY_B.replace(
            "0 1795320779260 1 connected",
            "+0 1795320779260 1 connected",
        );
        assert_eq!(
            NodesView::parse_in(&signed, &pool).unwrap(),
            NodesView::parse(&signed).unwrap()
        );
        let bad = HEALTHY_B.replace("1 connected 0-5460", "1 up 0-5460");
        assert_eq!(
            NodesView::parse_in(&bad, &pool).unwrap_err().reason,
            "bad link state \"up\""
        );
    }

    #[test]
    fn empty_reply() {
        let view = NodesView::parse("\n\r\n").unwrap();
        assert!(view.is_empty());
        assert!(view.myself().is_none());
    }
}
