//! The lease: one change at a time, judged on what `CLIENT LIST` shows.
//!
//! Every rtrib that is about to change a cluster names a connection of its own to each of the
//! cluster's nodes ([`LeaseName`]: `CLIENT SETNAME rtrib-lease.<token>.<stage>.<command>.<pid>.<host>`),
//! and reads each node's `CLIENT LIST` after it named itself there. The other `rtrib-lease.`
//! names it sees are its contenders ([`sightings`]); [`judge`] says what to do about them:
//!
//! - none: it holds the lease (and renames its connections `held`);
//! - one that holds it already, or one with a lower token: it loses (the command is refused,
//!   naming that one, and its connections close);
//! - only contenders with higher tokens that do not hold it yet: it waits, reading `CLIENT
//!   LIST` again, until they are gone (each of them saw it, or will: they withdraw) — and loses
//!   if one is still there when its patience ends.
//!
//! **Why two never hold it at once.** Say X and Y both hold it, and S is a node both named
//! themselves on. X decided on a reading of S's `CLIENT LIST` that did not show Y, so Y named
//! itself on S after that reading, which came after X named itself on S; the same holds with X
//! and Y swapped: X named itself on S after Y's reading, which came after Y named itself. Each
//! naming would come after the other: impossible. When X and Y see each other, the lower
//! token stays and the higher withdraws, so one of them goes on. Every node shared is enough; a
//! cluster's lease is taken on all its nodes, so any two rtribs share most of them.
//!
//! **No clock is compared.** The holder's "since when" is its connection's `age` and a dead
//! contender is told by its connection's `idle`, both counted by the server.
//!
//! **It vanishes with its holder.** A process that dies (SIGKILL, a deleted pod) closes its
//! sockets and the server forgets its names at once. A connection whose far end vanished
//! without closing it (a node of the network gone) stays open on the server; a holder sends a
//! command every few seconds, so a contender idle for longer than [`STALE_AFTER`] seconds is
//! dead: [`judge`] ignores it and returns it as stale, to be closed.
//!
//! No key is written: the lease lives in connection names only.

use std::cmp::Reverse;
use std::fmt;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::view::NodesView;

/// The first word of every lease name.
pub const PREFIX: &str = "rtrib-lease";

/// A contender whose connection has been idle for more seconds than this (as the server
/// counts) is a dead holder's: a live one sends a command every few seconds.
pub const STALE_AFTER: u64 = 30;

/// Longest command and host parts kept in a name.
const COMMAND_LEN: usize = 32;
const HOST_LEN: usize = 64;

/// A contender's random number: the lower of two contenders that see each other goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Token(u64);

impl Token {
    /// The token `number`.
    pub fn new(number: u64) -> Self {
        Self(number)
    }
}

impl fmt::Display for Token {
    /// Sixteen hex digits: the same order as the numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Whether a contender holds the lease or is still asking for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Named, judging the others.
    Wanted,
    /// It judged that it holds the lease (or went on with `--force-lease`).
    Held,
}

impl Stage {
    fn word(self) -> &'static str {
        match self {
            Stage::Wanted => "want",
            Stage::Held => "held",
        }
    }
}

/// What a lease connection is named: who asks, from where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseName {
    /// The contender's token.
    pub token: Token,
    /// Holding or asking.
    pub stage: Stage,
    /// The rtrib command (`reshard`).
    pub command: String,
    /// The process ID on its host.
    pub pid: u32,
    /// The host it runs on (dots allowed: it comes last).
    pub host: String,
}

impl LeaseName {
    /// The name of a contender asking for the lease; `command` and `host` are cut to what a
    /// connection name may hold (letters, digits, `_`, `-`; the host also `.`; others become
    /// `_`) and to a sensible length.
    pub fn new(token: Token, command: &str, pid: u32, host: &str) -> Self {
        Self {
            token,
            stage: Stage::Wanted,
            command: sanitize(command, false, COMMAND_LEN),
            pid,
            host: sanitize(host, true, HOST_LEN),
        }
    }

    /// The same contender, holding the lease.
    pub fn held(&self) -> Self {
        Self {
            stage: Stage::Held,
            ..self.clone()
        }
    }

    /// The connection name, for `CLIENT SETNAME`.
    pub fn client_name(&self) -> String {
        format!(
            "{PREFIX}.{}.{}.{}.{}.{}",
            self.token,
            self.stage.word(),
            self.command,
            self.pid,
            self.host
        )
    }

    /// Reads a connection name; `None` when it is not a lease name.
    pub fn parse(name: &str) -> Option<Self> {
        let rest = name.strip_prefix(PREFIX)?.strip_prefix('.')?;
        let mut parts = rest.splitn(5, '.');
        let token = parts.next()?;
        if token.len() != 16 {
            return None;
        }
        let token = Token(u64::from_str_radix(token, 16).ok()?);
        let stage = match parts.next()? {
            "want" => Stage::Wanted,
            "held" => Stage::Held,
            _ => return None,
        };
        let command = parts.next()?.to_string();
        let pid = parts.next()?.parse().ok()?;
        let host = parts.next()?.to_string();
        Some(Self {
            token,
            stage,
            command,
            pid,
            host,
        })
    }
}

/// `text` with every character a connection name may not hold (or that would split the
/// name's parts) replaced by `_`, cut to `limit` characters; `unknown` when empty.
fn sanitize(text: &str, dots: bool, limit: usize) -> String {
    let kept: String = text
        .chars()
        .take(limit)
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' => c,
            '.' if dots => c,
            _ => '_',
        })
        .collect();
    match kept.is_empty() {
        true => "unknown".to_string(),
        false => kept,
    }
}

/// One line of `CLIENT LIST`: the fields the lease reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientLine {
    /// The connection's ID (`CLIENT KILL ID`).
    pub id: u64,
    /// Its name; empty when it has none.
    pub name: String,
    /// Seconds since it was opened.
    pub age: u64,
    /// Seconds since its last command.
    pub idle: u64,
}

/// Parses `CLIENT LIST` text (one connection a line, `key=value` fields separated by spaces;
/// a name cannot hold a space). Lines without a numeric `id` are skipped; a missing `age` or
/// `idle` reads as 0.
pub fn parse_client_list(text: &str) -> Vec<ClientLine> {
    text.lines()
        .filter_map(|line| {
            let mut id = None;
            let mut name = String::new();
            let (mut age, mut idle) = (0, 0);
            for field in line.split(' ') {
                match field.split_once('=') {
                    Some(("id", value)) => id = value.parse().ok(),
                    Some(("name", value)) => name = value.to_string(),
                    Some(("age", value)) => age = value.parse().unwrap_or(0),
                    Some(("idle", value)) => idle = value.parse().unwrap_or(0),
                    _ => {}
                }
            }
            Some(ClientLine {
                id: id?,
                name,
                age,
                idle,
            })
        })
        .collect()
}

/// A contender's connection, seen on one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// The node whose `CLIENT LIST` showed it.
    pub node: Endpoint,
    /// The connection's ID there.
    pub client: u64,
    /// Its name, read.
    pub lease: LeaseName,
    /// Seconds since it was opened.
    pub age: u64,
    /// Seconds since its last command.
    pub idle: u64,
}

impl Sighting {
    /// Whether the connection is a dead holder's (see [`STALE_AFTER`]).
    pub fn is_stale(&self) -> bool {
        self.idle > STALE_AFTER
    }
}

/// The other contenders `node`'s `CLIENT LIST` shows: every lease name but `ours`.
pub fn sightings(node: &Endpoint, client_list: &str, ours: Token) -> Vec<Sighting> {
    parse_client_list(client_list)
        .into_iter()
        .filter_map(|line| {
            let lease = LeaseName::parse(&line.name)?;
            (lease.token != ours).then(|| Sighting {
                node: node.clone(),
                client: line.id,
                lease,
                age: line.age,
                idle: line.idle,
            })
        })
        .collect()
}

/// Another rtrib holding the lease or asking for it, as its connections show it: its name
/// (`held` when any connection says so), the node where its connection is oldest, and that
/// connection's ID and age.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Who, from where.
    pub lease: LeaseName,
    /// The node of its oldest connection.
    pub node: Endpoint,
    /// That connection's ID (for `CLIENT KILL ID` by hand).
    pub client: u64,
    /// Seconds since that connection was opened: how long it has held or asked.
    pub age: u64,
}

impl Holder {
    /// The contender of `token` among `sightings`, if it is there.
    fn of(token: Token, sightings: &[&Sighting]) -> Option<Self> {
        let mine: Vec<&&Sighting> = sightings
            .iter()
            .filter(|s| s.lease.token == token)
            .collect();
        let oldest = mine.iter().max_by_key(|s| (s.age, Reverse(s.client)))?;
        let mut lease = oldest.lease.clone();
        if mine.iter().any(|s| s.lease.stage == Stage::Held) {
            lease.stage = Stage::Held;
        }
        Some(Self {
            lease,
            node: oldest.node.clone(),
            client: oldest.client,
            age: oldest.age,
        })
    }
}

/// What a contender does after reading every node's `CLIENT LIST`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Nobody else: it holds the lease.
    Hold,
    /// Only contenders with higher tokens that do not hold it: read again shortly.
    Wait,
    /// This one holds it, or goes first: refuse, naming it.
    Lose(Holder),
}

/// A verdict, and the dead holders' connections it ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// What to do.
    pub verdict: Verdict,
    /// Connections idle past [`STALE_AFTER`]: ignored, to be closed.
    pub stale: Vec<Sighting>,
}

/// Judges one reading of every node's `CLIENT LIST` (the `sightings` of other contenders) for
/// the contender `ours`; `patient` is false once it has waited as long as it will, when a
/// contender still there makes it lose. See the module docs.
pub fn judge(ours: Token, sightings: &[Sighting], patient: bool) -> Judgement {
    let (stale, live): (Vec<&Sighting>, Vec<&Sighting>) =
        sightings.iter().partition(|s| s.is_stale());
    let stale = stale.into_iter().cloned().collect();
    let mut tokens: Vec<Token> = live
        .iter()
        .map(|s| s.lease.token)
        .filter(|&t| t != ours)
        .collect();
    tokens.sort();
    tokens.dedup();
    let contenders: Vec<Holder> = tokens
        .into_iter()
        .filter_map(|token| Holder::of(token, &live))
        .collect();
    let holding = contenders
        .iter()
        .filter(|c| c.lease.stage == Stage::Held)
        .max_by_key(|c| (c.age, Reverse(c.lease.token)));
    let verdict = match (holding, contenders.first()) {
        (_, None) => Verdict::Hold,
        (Some(holder), _) => Verdict::Lose(holder.clone()),
        (None, Some(lowest)) if lowest.lease.token < ours || !patient => {
            Verdict::Lose(lowest.clone())
        }
        (None, Some(_)) => Verdict::Wait,
    };
    Judgement { verdict, stale }
}

/// The nodes of `view` (the seed's `CLUSTER NODES`) to take the lease on besides the seed:
/// every other node with an address, but those still in handshake and those the seed
/// suspects or knows to be failing (a hung node would hold the lease up for a whole command
/// timeout).
pub fn lease_nodes(view: &NodesView) -> Vec<Endpoint> {
    view.entries()
        .filter(|e| !e.flags.myself && !e.flags.handshake && !e.flags.noaddr)
        .filter(|e| !e.flags.fail && !e.flags.pfail)
        .filter_map(|e| {
            Some(Endpoint {
                name: e.hostname.clone(),
                addr: e.addr()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    fn node(port: u16) -> Endpoint {
        Endpoint::from_addr(([127, 0, 0, 1], port).into())
    }

    fn seen(token: u64, stage: Stage, age: u64, idle: u64) -> Sighting {
        let mut lease = LeaseName::new(Token(token), "reshard", 4242, "web-1");
        lease.stage = stage;
        Sighting {
            node: node(7000),
            client: token,
            lease,
            age,
            idle,
        }
    }

    #[test]
    fn a_name_is_written_and_read_back() {
        let name = LeaseName::new(Token(0xab), "rebalance-roles", 17, "web-1.example.com");
        assert_eq!(
            name.client_name(),
            "rtrib-lease.00000000000000ab.want.rebalance-roles.17.web-1.example.com"
        );
        assert_eq!(LeaseName::parse(&name.client_name()), Some(name.clone()));
        let held = name.held();
        assert!(held.client_name().contains(".held."));
        assert_eq!(LeaseName::parse(&held.client_name()), Some(held));
        let odd = LeaseName::new(Token(1), "re shard.x", 1, "höst name\n");
        assert_eq!(odd.command, "re_shard_x");
        assert_eq!(odd.host, "h_st_name_");
        assert_eq!(LeaseName::new(Token(1), "", 1, "").host, "unknown");
        for other in [
            "",
            "rtrib-lease",
            "rtrib-lease.",
            "rtrib-lease.zz.want.a.1.h",
            "rtrib-lease.00000000000000ab.gone.a.1.h",
            "rtrib-lease.00000000000000ab.want.a.x.h",
            "rtrib-leases.00000000000000ab.want.a.1.h",
            "myapp",
        ] {
            assert_eq!(LeaseName::parse(other), None, "{other}");
        }
    }

    #[test]
    fn client_list_lines_are_read() {
        let text = "id=3 addr=127.0.0.1:50466 laddr=127.0.0.1:6379 fd=8 name= age=12 idle=0 \
                    flags=N db=0 cmd=client|list\n\
                    id=7 addr=10.0.0.9:4000 fd=9 name=rtrib-lease.00000000000000ab.held.fix.9.h \
                    age=40 idle=31 flags=N\n\
                    garbage line\n\
                    id=x name=a\n";
        let lines = parse_client_list(text);
        assert_eq!(
            lines,
            [
                ClientLine {
                    id: 3,
                    name: String::new(),
                    age: 12,
                    idle: 0
                },
                ClientLine {
                    id: 7,
                    name: "rtrib-lease.00000000000000ab.held.fix.9.h".into(),
                    age: 40,
                    idle: 31
                },
            ]
        );
        let others = sightings(&node(7000), text, Token(1));
        assert_eq!(others.len(), 1);
        assert!(others[0].is_stale());
        assert_eq!(others[0].lease.command, "fix");
        assert!(sightings(&node(7000), text, Token(0xab)).is_empty());
    }

    #[test]
    fn alone_it_holds_a_holder_or_a_lower_token_wins_a_higher_one_is_waited_for() {
        assert_eq!(judge(Token(5), &[], true).verdict, Verdict::Hold);
        let lower = [seen(2, Stage::Wanted, 0, 0)];
        assert!(
            matches!(judge(Token(5), &lower, true).verdict, Verdict::Lose(h) if h.lease.token == Token(2))
        );
        let higher = [seen(9, Stage::Wanted, 0, 0)];
        assert_eq!(judge(Token(5), &higher, true).verdict, Verdict::Wait);
        assert!(matches!(
            judge(Token(5), &higher, false).verdict,
            Verdict::Lose(_)
        ));
        let holding = [seen(9, Stage::Held, 30, 1), seen(2, Stage::Wanted, 0, 0)];
        assert!(
            matches!(judge(Token(5), &holding, true).verdict, Verdict::Lose(h) if h.lease.token == Token(9) && h.age == 30)
        );
    }

    #[test]
    fn a_stale_contender_is_ignored_and_returned() {
        let dead = seen(2, Stage::Held, 3600, STALE_AFTER + 1);
        let judgement = judge(Token(5), std::slice::from_ref(&dead), true);
        assert_eq!(judgement.verdict, Verdict::Hold);
        assert_eq!(judgement.stale, [dead]);
        let quiet = seen(2, Stage::Held, 3600, STALE_AFTER);
        assert!(matches!(
            judge(Token(5), &[quiet], true).verdict,
            Verdict::Lose(_)
        ));
    }

    #[test]
    fn a_holder_seen_on_several_nodes_is_named_by_its_oldest_connection() {
        let mut young = seen(9, Stage::Wanted, 3, 0);
        young.node = node(7001);
        young.client = 70;
        let old = seen(9, Stage::Held, 40, 0);
        let judgement = judge(Token(5), &[young, old.clone()], true);
        let Verdict::Lose(holder) = judgement.verdict else {
            panic!("not refused");
        };
        assert_eq!(
            (holder.node, holder.age, holder.lease.stage),
            (old.node, 40, Stage::Held)
        );
    }

    #[test]
    fn the_lease_is_taken_on_every_usable_node_of_the_view() {
        let view = NodesView::parse(
            "a 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460\n\
             b 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-10922\n\
             c 127.0.0.1:7002@17002 slave b 0 0 2 connected\n\
             d 127.0.0.1:7003@17003 master,fail - 0 0 3 disconnected\n\
             g 127.0.0.1:7005@17005 master,fail? - 0 0 5 connected\n\
             e 127.0.0.1:7004@17004 handshake - 0 0 0 connected\n\
             f :0@0 master,noaddr - 0 0 4 disconnected\n",
        )
        .unwrap();
        assert_eq!(lease_nodes(&view), [node(7001), node(7002)]);
    }

    /// One contender of the model below: where it stands in the protocol.
    #[derive(Debug, Clone)]
    enum Step {
        /// Naming itself on node `next`.
        Naming { next: usize },
        /// Reading node `next`'s list; `seen` so far; `polls` readings finished.
        Listing {
            next: usize,
            seen: Vec<Sighting>,
            polls: usize,
        },
        /// Holding; releases after `left` more steps.
        Holding { left: usize },
        /// Gone: lost, or released.
        Gone,
    }

    /// Readings a contender of the model makes before its patience ends.
    const PATIENCE: usize = 3;

    /// Runs the protocol for contenders `tokens` on `nodes` nodes, each step taken by the
    /// contender `schedule` picks (servers execute commands one at a time); returns the most
    /// contenders that held the lease at once, and the tokens that held it.
    fn run_model(
        tokens: &[u64],
        nodes: usize,
        schedule: &[usize],
        hold: usize,
    ) -> (usize, Vec<u64>) {
        let mut names: Vec<BTreeMap<u64, Stage>> = vec![BTreeMap::new(); nodes];
        let mut steps: Vec<Step> = vec![Step::Naming { next: 0 }; tokens.len()];
        let mut most = 0;
        let mut holders = Vec::new();
        let mut picks = schedule.iter().cycle();
        // Each contender goes through the nodes in an order of its own.
        let order = |token: u64, step: usize| (step + token as usize) % nodes;
        for _ in 0..schedule.len() * 8 + tokens.len() * nodes * 40 {
            if steps.iter().all(|s| matches!(s, Step::Gone)) {
                break;
            }
            // The contender picked, or the next one still there.
            let picked = picks.next().copied().unwrap_or(0);
            let Some(who) = (0..tokens.len())
                .map(|i| (picked + i) % tokens.len())
                .find(|&c| !matches!(steps[c], Step::Gone))
            else {
                break;
            };
            let token = tokens[who];
            steps[who] = match std::mem::replace(&mut steps[who], Step::Gone) {
                Step::Naming { next } => {
                    names[order(token, next)].insert(token, Stage::Wanted);
                    match next + 1 == nodes {
                        true => Step::Listing {
                            next: 0,
                            seen: Vec::new(),
                            polls: 0,
                        },
                        false => Step::Naming { next: next + 1 },
                    }
                }
                Step::Listing {
                    next,
                    mut seen,
                    polls,
                } => {
                    let at = order(token, next);
                    seen.extend(names[at].iter().filter(|(t, _)| **t != token).map(
                        |(t, stage)| {
                            let mut s = seen_on(*t, *stage);
                            s.node = node(7000 + at as u16);
                            s
                        },
                    ));
                    if next + 1 < nodes {
                        Step::Listing {
                            next: next + 1,
                            seen,
                            polls,
                        }
                    } else {
                        match judge(Token(token), &seen, polls + 1 < PATIENCE).verdict {
                            Verdict::Hold => {
                                holders.push(token);
                                for names in &mut names {
                                    names.insert(token, Stage::Held);
                                }
                                Step::Holding { left: hold }
                            }
                            Verdict::Wait => Step::Listing {
                                next: 0,
                                seen: Vec::new(),
                                polls: polls + 1,
                            },
                            Verdict::Lose(_) => {
                                for names in &mut names {
                                    names.remove(&token);
                                }
                                Step::Gone
                            }
                        }
                    }
                }
                Step::Holding { left: 0 } => {
                    for names in &mut names {
                        names.remove(&token);
                    }
                    Step::Gone
                }
                Step::Holding { left } => Step::Holding { left: left - 1 },
                Step::Gone => Step::Gone,
            };
            let holding = steps
                .iter()
                .filter(|s| matches!(s, Step::Holding { .. }))
                .count();
            most = most.max(holding);
        }
        (most, holders)
    }

    fn seen_on(token: u64, stage: Stage) -> Sighting {
        seen(token, stage, 0, 0)
    }

    proptest! {
        #[test]
        fn a_name_survives_any_command_and_host(
            token in any::<u64>(),
            command in ".{0,40}",
            pid in any::<u32>(),
            host in ".{0,80}",
        ) {
            let name = LeaseName::new(Token(token), &command, pid, &host);
            let text = name.client_name();
            prop_assert!(text.bytes().all(|b| b.is_ascii_graphic()));
            prop_assert_eq!(LeaseName::parse(&text), Some(name));
        }

        #[test]
        fn reading_any_text_never_panics(text in "(?s).{0,400}", name in "(?s).{0,80}") {
            let _ = parse_client_list(&text);
            let _ = LeaseName::parse(&name);
            let _ = sightings(&node(7000), &text, Token(1));
        }

        #[test]
        fn never_two_holders_at_once(
            tokens in proptest::collection::btree_set(any::<u64>(), 1..5),
            nodes in 1usize..4,
            schedule in proptest::collection::vec(any::<usize>(), 1..200),
            hold in 0usize..30,
        ) {
            let tokens: Vec<u64> = tokens.into_iter().collect();
            let (most, _) = run_model(&tokens, nodes, &schedule, hold);
            prop_assert!(most <= 1, "{most} held the lease at once");
        }

        #[test]
        fn taking_turns_someone_holds_it(
            tokens in proptest::collection::btree_set(any::<u64>(), 1..5),
            nodes in 1usize..4,
            hold in 0usize..30,
        ) {
            let tokens: Vec<u64> = tokens.into_iter().collect();
            let turns: Vec<usize> = (0..tokens.len()).collect();
            let (most, holders) = run_model(&tokens, nodes, &turns, hold);
            prop_assert_eq!(most, 1);
            prop_assert!(holders.contains(&tokens[0]), "{:?} held it, not the lowest", holders);
        }

        #[test]
        fn contenders_that_all_see_each_other_leave_exactly_one_the_lowest(
            tokens in proptest::collection::btree_set(any::<u64>(), 1..6),
            nodes in 1usize..4,
            order in proptest::collection::vec(any::<usize>(), 1..50),
        ) {
            let tokens: Vec<u64> = tokens.into_iter().collect();
            // Everyone names itself everywhere first: each then sees all the others.
            let mut names: Vec<BTreeMap<u64, Stage>> = vec![BTreeMap::new(); nodes];
            for names in &mut names {
                names.extend(tokens.iter().map(|t| (*t, Stage::Wanted)));
            }
            let view = |names: &[BTreeMap<u64, Stage>], ours: u64| -> Vec<Sighting> {
                names
                    .iter()
                    .flat_map(|n| n.iter().filter(|(t, _)| **t != ours).map(|(t, s)| seen_on(*t, *s)))
                    .collect()
            };
            let first: Vec<Verdict> = tokens
                .iter()
                .map(|&t| judge(Token(t), &view(&names, t), true).verdict)
                .collect();
            let lowest = tokens[0];
            for (t, verdict) in tokens.iter().zip(&first) {
                match *t == lowest {
                    true => prop_assert!(matches!(verdict, Verdict::Hold | Verdict::Wait)),
                    false => prop_assert!(matches!(verdict, Verdict::Lose(_))),
                }
            }
            // The losers withdraw, in any order; the lowest then holds.
            let mut losers: Vec<u64> = tokens[1..].to_vec();
            for pick in order {
                if losers.is_empty() {
                    break;
                }
                let gone = losers.remove(pick % losers.len());
                for names in &mut names {
                    names.remove(&gone);
                }
                prop_assert!(!matches!(judge(Token(lowest), &view(&names, lowest), true).verdict, Verdict::Lose(_)));
            }
            for gone in losers {
                for names in &mut names {
                    names.remove(&gone);
                }
            }
            prop_assert_eq!(judge(Token(lowest), &view(&names, lowest), true).verdict, Verdict::Hold);
        }

        #[test]
        fn a_newcomer_never_wins_while_a_holder_is_there(
            holder in any::<u64>(),
            newcomer in any::<u64>(),
            age in 0u64..100_000,
            idle in 0..=STALE_AFTER,
            patient in any::<bool>(),
        ) {
            prop_assume!(holder != newcomer);
            let sighting = seen(holder, Stage::Held, age, idle);
            prop_assert!(matches!(
                judge(Token(newcomer), &[sighting], patient).verdict,
                Verdict::Lose(h) if h.lease.token == Token(holder)
            ));
        }
    }
}
