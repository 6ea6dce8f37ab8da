//! Whether a change has reached every node: do all the nodes' own `CLUSTER NODES` agree on
//! who serves which slot, who replicates whom, and who is a member?
//!
//! A change made on some nodes reaches the others by gossip: a slot's new owner bumps its
//! config epoch and the other nodes (replicas too) adopt the claim when one of its packets
//! reaches them, a few hundred milliseconds later; a replica's new master is learnt from a
//! packet the replica sends. Until then, clients asking a lagging node are sent to the old
//! owner, and a check run on it reports a disagreement. So every command that changes the
//! cluster waits until [`lags`] finds nothing before it judges (see `net::converge`).
//!
//! What counts as the truth, per subject:
//! - **Slots**: the claim a reachable master makes in its own `myself` line (on conflicting
//!   claims, the one with the highest config epoch, as Redis resolves them); for a slot no
//!   reachable master claims, what most views say. A slot open (migrating or importing) in a
//!   node's own view is not compared there: an importing node ignores claims about it until the
//!   move ends, and open slots are the check's business.
//! - **Roles**: what each reachable node says of itself (master, or replica of M).
//! - **Members**: there is no single truth; a node some views list and others do not is
//!   reported with both sides. Handshake entries (a MEET still unanswered) are listed too.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use super::fasthash::{FastMap, FastSet};
use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::view::{NodeEntry, NodeId, NodesView, assignment_groups};

/// One way in which the views do not agree yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lag {
    /// `observer` sees `slots` served by `sees` (`None`: by nobody), where `owner` serves them.
    Slots {
        observer: NodeId,
        slots: Box<SlotSet>,
        sees: Option<NodeId>,
        owner: Option<NodeId>,
    },
    /// `observer` sees `node` as a replica of `sees` (`None`: as a master), where `node` says
    /// it replicates `actual` (`None`: it is a master).
    Role {
        observer: NodeId,
        node: NodeId,
        sees: Option<NodeId>,
        actual: Option<NodeId>,
    },
    /// `member` is listed by the nodes of `known_by` and not by those of `unknown_to`.
    Membership {
        member: NodeId,
        known_by: Vec<NodeId>,
        unknown_to: Vec<NodeId>,
    },
    /// `observer` has a handshake in progress (a MEET not answered yet).
    Handshake { observer: NodeId, count: usize },
}

impl Lag {
    /// The nodes whose views lag (or, for membership, take part in the disagreement).
    pub fn nodes(&self) -> Vec<&NodeId> {
        match self {
            Lag::Slots { observer, .. }
            | Lag::Role { observer, .. }
            | Lag::Handshake { observer, .. } => vec![observer],
            Lag::Membership {
                known_by,
                unknown_to,
                ..
            } => {
                let minority = if unknown_to.len() <= known_by.len() {
                    unknown_to
                } else {
                    known_by
                };
                minority.iter().collect()
            }
        }
    }

    /// The lag as a sentence, naming nodes with `name`.
    pub fn describe(&self, name: &dyn Fn(&NodeId) -> String) -> String {
        let owner = |id: &Option<NodeId>| match id {
            Some(id) => format!("served by {}", name(id)),
            None => "unassigned".to_string(),
        };
        let role = |id: &Option<NodeId>| match id {
            Some(master) => format!("a replica of {}", name(master)),
            None => "a master".to_string(),
        };
        let list = |ids: &[NodeId]| ids.iter().map(name).collect::<Vec<_>>().join(", ");
        match self {
            Lag::Slots {
                observer,
                slots,
                sees,
                owner: actual,
            } => format!(
                "{} still sees slots {slots} as {}; they are {}",
                name(observer),
                owner(sees),
                owner(actual)
            ),
            Lag::Role {
                observer,
                node,
                sees,
                actual,
            } => format!(
                "{} still sees {} as {}; it is {}",
                name(observer),
                name(node),
                role(sees),
                role(actual)
            ),
            Lag::Membership {
                member,
                known_by,
                unknown_to,
            } => format!(
                "{} is known to {} but not to {}",
                name(member),
                list(known_by),
                list(unknown_to)
            ),
            Lag::Handshake { observer, count } => {
                format!("{} has {count} handshake(s) in progress", name(observer))
            }
        }
    }
}

impl fmt::Display for Lag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&|id| id.short().to_string()))
    }
}

/// Everything on which the `views` (each a reachable node's own `CLUSTER NODES`) disagree;
/// empty when the change has reached them all. Deterministic: the same views give the same
/// lags in the same order.
pub fn lags(views: &[&NodesView]) -> Vec<Lag> {
    let views: Vec<&NodesView> = views
        .iter()
        .copied()
        .filter(|view| view.myself().is_some())
        .collect();
    let mut lags = membership_lags(&views);
    lags.extend(slot_lags(&views));
    lags.extend(role_lags(&views));
    lags.extend(views.iter().filter_map(|view| {
        let count = view.entries().filter(|e| e.flags.handshake).count();
        let observer = view.myself()?.id.clone();
        (count > 0).then_some(Lag::Handshake { observer, count })
    }));
    lags
}

/// Whether every slot is claimed by a master among `views` in its own line. Then every master
/// serving slots is to report `cluster_state:ok`: one that still reports `fail` (in its
/// rejoin delay after it got its first slots or came back from a minority, or still flagging
/// another master failing) refuses the clients sent to it, so a change is not over yet.
pub fn every_slot_claimed(views: &[&NodesView]) -> bool {
    let mut claimed = SlotSet::new();
    for me in views.iter().filter_map(|view| view.myself()) {
        if me.is_master() {
            claimed.union_with(&me.slots);
        }
    }
    claimed.len() == SLOT_COUNT
}

/// The owner of every slot as the truth has it (see the module docs); `None`: unassigned.
pub fn slot_truth<'a>(views: &[&'a NodesView]) -> Vec<Option<&'a NodeId>> {
    let mut truth: Vec<Option<(u64, &NodeId)>> = vec![None; SLOT_COUNT];
    let mut claimed = SlotSet::new();
    for view in views {
        let Some(me) = view.myself().filter(|me| me.is_master()) else {
            continue;
        };
        for slot in me.slots.iter() {
            let claim = (me.config_epoch, &me.id);
            let current = &mut truth[usize::from(slot)];
            if current.is_none_or(|held| claim > held) {
                *current = Some(claim);
            }
        }
        claimed.union_with(&me.slots);
    }
    let mut owners: Vec<Option<&NodeId>> = truth
        .into_iter()
        .map(|claim| claim.map(|(_, id)| id))
        .collect();
    let unclaimed = claimed.complement();
    if unclaimed.is_empty() {
        return owners;
    }
    // Per unclaimed slot, the owners the views name (the first line naming one wins in a
    // view, as in `NodesView::owner_of`) and by how many views.
    let mut named: Vec<Vec<(&NodeId, usize)>> = vec![Vec::new(); SLOT_COUNT];
    for view in views {
        let mut earlier = SlotSet::new();
        for entry in view.entries().filter(|e| !e.slots.is_empty()) {
            for slot in entry
                .slots
                .intersection(&unclaimed)
                .difference(&earlier)
                .iter()
            {
                let votes = &mut named[usize::from(slot)];
                match votes.iter_mut().find(|(id, _)| *id == &entry.id) {
                    Some((_, count)) => *count += 1,
                    None => votes.push((&entry.id, 1)),
                }
            }
            earlier.union_with(&entry.slots);
        }
    }
    for slot in unclaimed.iter() {
        let votes = &named[usize::from(slot)];
        let unassigned = views.len() - votes.iter().map(|(_, count)| count).sum::<usize>();
        // The most votes; on a tie, the smallest ID, "unassigned" smallest of all, so it is
        // deterministic.
        let (owner, _) = votes.iter().fold(
            (None, unassigned),
            |(owner, most): (Option<&NodeId>, usize), &(id, count)| {
                if count > most || (count == most && owner.is_some_and(|o| id < o)) {
                    (Some(id), count)
                } else {
                    (owner, most)
                }
            },
        );
        owners[usize::from(slot)] = owner;
    }
    owners
}

/// The slots each view sees served by another node than the truth has it, its own open slots
/// aside. The views that assign slots alike (all of them, once a cluster settled) are
/// compared with the truth once.
fn slot_lags(views: &[&NodesView]) -> Vec<Lag> {
    type Wrong<'a> = BTreeMap<(Option<&'a NodeId>, Option<&'a NodeId>), SlotSet>;
    let truth = slot_truth(views);
    let groups = assignment_groups(views);
    let mut by_group: BTreeMap<usize, Wrong<'_>> = BTreeMap::new();
    let mut lags = Vec::new();
    for (view, group) in views.iter().zip(&groups) {
        let Some(me) = view.myself() else { continue };
        let wrong = by_group.entry(*group).or_insert_with(|| {
            let seen = owners_in(views[*group]);
            let mut wrong: Wrong<'_> = BTreeMap::new();
            for (slot, (sees, actual)) in seen.into_iter().zip(&truth).enumerate() {
                if sees != *actual {
                    // slot < SLOT_COUNT fits a Slot.
                    wrong
                        .entry((sees, *actual))
                        .or_default()
                        .insert(slot as Slot);
                }
            }
            wrong
        });
        for ((sees, owner), slots) in wrong.iter() {
            let mut slots = slots.clone();
            for open in me.migrating.keys().chain(me.importing.keys()) {
                slots.remove(*open);
            }
            if slots.is_empty() {
                continue;
            }
            lags.push(Lag::Slots {
                observer: me.id.clone(),
                slots: Box::new(slots),
                sees: sees.cloned(),
                owner: owner.cloned(),
            });
        }
    }
    lags
}

/// The owner of every slot in one view.
fn owners_in(view: &NodesView) -> Vec<Option<&NodeId>> {
    let mut owners = vec![None; SLOT_COUNT];
    for entry in view.entries() {
        for slot in entry.slots.iter() {
            owners[usize::from(slot)] = Some(&entry.id);
        }
    }
    owners
}

/// Where an observer sees a node's master otherwise than the node itself says, subject by
/// subject, observers in view order.
fn role_lags(views: &[&NodesView]) -> Vec<Lag> {
    // Each subject's own line, by ID (with its position among the views).
    let mut own: FastMap<&NodeId, Vec<(usize, &NodeEntry)>> = FastMap::default();
    for (index, view) in views.iter().enumerate() {
        if let Some(me) = view.myself() {
            own.entry(&me.id).or_default().push((index, me));
        }
    }
    // The subjects each line gets wrong, by entry: the views share their entries, so each
    // distinct line is compared with the subjects' own once.
    let mut wrong: FastMap<*const NodeEntry, Vec<(usize, &NodeEntry)>> = FastMap::default();
    let mut found: Vec<((usize, usize), Lag)> = Vec::new();
    for (at, view) in views.iter().enumerate() {
        let Some(observer) = view.myself() else {
            continue;
        };
        for seen in view.entries() {
            let subjects = wrong.entry(seen).or_insert_with(|| {
                // Not a node that answered: no subject.
                let subjects = own.get(&seen.id).map_or(&[][..], Vec::as_slice);
                subjects
                    .iter()
                    .filter(|(_, me)| seen.master_id != me.master_id)
                    .copied()
                    .collect()
            });
            for &(subject, me) in subjects.iter() {
                if observer.id == me.id {
                    continue;
                }
                found.push((
                    (subject, at),
                    Lag::Role {
                        observer: observer.id.clone(),
                        node: me.id.clone(),
                        sees: seen.master_id.clone(),
                        actual: me.master_id.clone(),
                    },
                ));
            }
        }
    }
    found.sort_by_key(|(order, _)| *order);
    found.into_iter().map(|(_, lag)| lag).collect()
}

/// Members some views list and others do not. Counting first: in a settled cluster every
/// view lists every member, and nothing more is built.
fn membership_lags(views: &[&NodesView]) -> Vec<Lag> {
    let listed = |view: &&&NodesView| view.myself().is_some();
    // Counted by entry first: the views share their entries.
    let mut by_entry: FastMap<*const NodeEntry, (&NodeId, usize)> = FastMap::default();
    for view in views.iter().filter(listed) {
        for entry in view.entries().filter(|e| !e.flags.handshake) {
            by_entry.entry(entry).or_insert((&entry.id, 0)).1 += 1;
        }
    }
    let mut counts: FastMap<&NodeId, usize> = FastMap::default();
    for (id, count) in by_entry.into_values() {
        *counts.entry(id).or_default() += count;
    }
    let total = views.iter().filter(listed).count();
    let mut known: BTreeMap<&NodeId, Vec<NodeId>> = counts
        .into_iter()
        .filter(|(_, count)| *count < total)
        .map(|(id, _)| (id, Vec::new()))
        .collect();
    if known.is_empty() {
        return Vec::new();
    }
    for view in views {
        let Some(me) = view.myself() else { continue };
        for entry in view.entries().filter(|e| !e.flags.handshake) {
            if let Some(known_by) = known.get_mut(&entry.id) {
                known_by.push(me.id.clone());
            }
        }
    }
    let observers: Vec<&NodeId> = views
        .iter()
        .filter_map(|v| v.myself().map(|me| &me.id))
        .collect();
    let mut lags = Vec::new();
    for (member, mut known_by) in known {
        let knowing: FastSet<&NodeId> = known_by.iter().collect();
        let unknown_to: Vec<NodeId> = observers
            .iter()
            .filter(|observer| !knowing.contains(*observer))
            .map(|observer| (*observer).clone())
            .collect();
        if !unknown_to.is_empty() {
            known_by.sort();
            lags.push(Lag::Membership {
                member: member.clone(),
                known_by,
                unknown_to,
            });
        }
    }
    lags
}

/// For every lagging observer, the node whose packet would tell it what it lacks: a slot's
/// owner, or a node whose role it has wrong. Sending `CLUSTER MEET <observer>` on that node
/// makes it send its header (its slots, epoch and role) to the observer at once, instead of
/// at its next ping. Pairs are `(teller, observer)`, deduplicated, in a stable order.
pub fn tellers(lags: &[Lag]) -> Vec<(NodeId, NodeId)> {
    let mut pairs: Vec<(NodeId, NodeId)> = lags
        .iter()
        .filter_map(|lag| match lag {
            Lag::Slots {
                observer,
                owner: Some(owner),
                ..
            } => Some((owner.clone(), observer.clone())),
            Lag::Role { observer, node, .. } => Some((node.clone(), observer.clone())),
            _ => None,
        })
        // An owner that lags about its own slots has dropped its claim: telling it its own
        // header changes nothing (see [`dropped_claims`]).
        .filter(|(teller, observer)| teller != observer)
        .collect();
    pairs.sort();
    pairs.dedup();
    pairs
}

/// Open-slot markers replicas show that their masters no longer have, by master (ID order):
/// the slots each master is to close again so that its replicas follow. Valkey 8 and later
/// replicate `CLUSTER SETSLOT`, so a replica repeats its master's MIGRATING/IMPORTING markers;
/// a master SIGKILLed after its replica had a marker but before its own `nodes.conf` comes back
/// without it, and the replica keeps it for good (a full resync carries no slot states, and a
/// replica refuses `SETSLOT`: "Please use SETSLOT only with masters"). The master's own
/// `SETSLOT <slot> STABLE` changes nothing on the master and, replicated, clears the replica's
/// marker. Only replicas whose master's own view is among `views` count, and only slots that
/// master has no marker for: a slot the master has open is a move still under way.
pub fn stale_replica_markers(views: &[&NodesView]) -> BTreeMap<NodeId, SlotSet> {
    let mine: Vec<&NodeEntry> = views.iter().filter_map(|view| view.myself()).collect();
    let mut stale: BTreeMap<NodeId, SlotSet> = BTreeMap::new();
    for replica in mine
        .iter()
        .filter(|me| me.is_replica() && me.has_open_slots())
    {
        let Some(master) = mine
            .iter()
            .find(|me| me.is_master() && Some(&me.id) == replica.master_id.as_ref())
        else {
            continue;
        };
        for slot in replica.migrating.keys().chain(replica.importing.keys()) {
            if !master.migrating.contains_key(slot) && !master.importing.contains_key(slot) {
                stale.entry(master.id.clone()).or_default().insert(*slot);
            }
        }
    }
    stale
}

/// Slots that a reachable master has dropped from its own view while every other view still
/// lists it as their owner and no reachable master claims them: nobody serves them, and
/// nothing in the cluster bus will ever give them back (the owner would have to claim them,
/// and it believes another node does; that node does not claim them either). Redis before
/// 7.2 can end up here when a late `UPDATE` or ping from a slot's previous owner reaches the
/// new owner after its `SETSLOT NODE` (redis/redis#12344); Redis 7.0.13-7.0.15 and
/// 7.2.0-7.2.3 also when a slot's owner kept a stale "not claimed by its owner" mark from an
/// earlier move (redis/redis#12564, fixed in 7.2.4), and then the keys it held there are
/// deleted when it drops the slot: reclaiming serves the slot again, it cannot bring them
/// back. A slot open (migrating or
/// importing) in any view is left alone: a move is still under way. By owner, in ID order.
pub fn dropped_claims(views: &[&NodesView]) -> BTreeMap<NodeId, SlotSet> {
    let views: Vec<&NodesView> = views
        .iter()
        .copied()
        .filter(|view| view.myself().is_some())
        .collect();
    // Slots some master claims, or some node has open: not candidates.
    let mut claimed_or_open = SlotSet::new();
    for view in &views {
        let Some(me) = view.myself() else { continue };
        if me.is_master() {
            for slot in me.slots.iter() {
                claimed_or_open.insert(slot);
            }
        }
        for slot in me.migrating.keys().chain(me.importing.keys()) {
            claimed_or_open.insert(*slot);
        }
    }
    let candidates = claimed_or_open.complement();
    if candidates.is_empty() {
        return BTreeMap::new();
    }
    // The owner tables of the views, one per group of views that assign slots alike, and how
    // many views each stands for.
    let groups = assignment_groups(&views);
    let mut firsts = groups.clone();
    firsts.sort_unstable();
    firsts.dedup();
    let tables: Vec<(Vec<Option<&NodeId>>, usize)> = firsts
        .iter()
        .map(|first| {
            let members = groups.iter().filter(|g| *g == first).count();
            (owners_in(views[*first]), members)
        })
        .collect();
    let table_of = |view: usize| firsts.binary_search(&groups[view]).map(|t| &tables[t].0);
    let mut dropped: BTreeMap<NodeId, SlotSet> = BTreeMap::new();
    for slot in candidates.iter() {
        let at = usize::from(slot);
        for (index, view) in views.iter().enumerate() {
            let Some(me) = view.myself().filter(|me| me.is_master()) else {
                continue;
            };
            let others = views.len() - 1;
            let naming = |table: &Vec<Option<&NodeId>>| table[at] == Some(&me.id);
            let naming_all: usize = tables
                .iter()
                .filter(|(table, _)| naming(table))
                .map(|(_, members)| members)
                .sum();
            let naming_me = naming_all - usize::from(table_of(index).is_ok_and(naming));
            if others > 0 && naming_me == others {
                dropped.entry(me.id.clone()).or_default().insert(slot);
                break;
            }
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const R: &str = "cccccccccccccccccccccccccccccccccccccccc";

    /// A view of three nodes: masters A and B, replica R of A, as `me` prints it, with the
    /// slots `a` and `b` and epochs 1 and 2.
    fn view(me: &str, a: &str, b: &str, r_master: &str, extra: &str) -> NodesView {
        let flag = |id: &str| if id == me { "myself," } else { "" };
        let text = format!(
            "{A} 127.0.0.1:7000@17000 {}master - 0 0 1 connected {a}\n\
             {B} 127.0.0.1:7001@17001 {}master - 0 0 2 connected {b}\n\
             {R} 127.0.0.1:7002@17002 {}{} {r_master} 0 0 1 connected\n{extra}",
            flag(A),
            flag(B),
            flag(R),
            if r_master == "-" { "master" } else { "slave" },
        );
        NodesView::parse(&text).unwrap()
    }

    fn id(text: &str) -> NodeId {
        NodeId::new(text)
    }

    #[test]
    fn every_slot_is_claimed_only_by_masters_in_their_own_lines() {
        let (a, b) = (
            view(A, "0-8000", "8001-16383", A, ""),
            view(B, "0-8000", "8001-16383", A, ""),
        );
        assert!(every_slot_claimed(&[&a, &b]));
        // Without B's own view, nobody claims B's slots: A's view of B is no claim.
        assert!(!every_slot_claimed(&[&a]));
        // A replica's own view claims nothing, and a slot no master holds is unclaimed.
        let r = view(R, "0-8000", "8001-16383", A, "");
        assert!(!every_slot_claimed(&[&a, &r]));
        let (a, b) = (
            view(A, "0-8000", "8001-16382", A, ""),
            view(B, "0-8000", "8001-16382", A, ""),
        );
        assert!(!every_slot_claimed(&[&a, &b]));
    }

    #[test]
    fn a_replica_marker_its_master_lost_is_stale() {
        // R, replica of A, still shows 100 migrating and 200 importing; A has 200 open only.
        let text = |me_r: bool| {
            format!(
                "{A} 127.0.0.1:7000@17000 {}master - 0 0 1 connected 0-8191 [200-<-{B}]\n\
                 {B} 127.0.0.1:7001@17001 master - 0 0 2 connected 8192-16383\n\
                 {R} 127.0.0.1:7002@17002 {}slave {A} 0 0 1 connected{}\n",
                if me_r { "" } else { "myself," },
                if me_r { "myself," } else { "" },
                if me_r {
                    format!(" [100->-{B}] [200-<-{B}]")
                } else {
                    String::new()
                },
            )
        };
        let a = NodesView::parse(&text(false)).unwrap();
        let r = NodesView::parse(&text(true)).unwrap();
        let stale = stale_replica_markers(&[&a, &r]);
        assert_eq!(stale.len(), 1);
        assert_eq!(stale[&id(A)].iter().collect::<Vec<_>>(), [100]);
        // Without its master's own view, nothing is judged.
        assert!(stale_replica_markers(&[&r]).is_empty());
    }

    #[test]
    fn a_master_that_dropped_its_own_slot_is_found() {
        // Everyone else lists 0-99 on B; B itself believes A serves them, and A does not
        // claim them: nobody serves 0-99.
        let views = [
            view(A, "100-8191", "0-99 8192-16383", A, ""),
            view(B, "0-8191", "8192-16383", A, ""),
            view(R, "100-8191", "0-99 8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        let dropped = dropped_claims(&refs);
        assert_eq!(dropped.len(), 1);
        assert_eq!(dropped[&id(B)].to_string(), "0-99");
    }

    #[test]
    fn a_claimed_an_open_or_a_disputed_slot_is_not_a_dropped_claim() {
        // A lagging replica only: B claims its slots.
        let views = [
            view(A, "100-8191", "0-99 8192-16383", A, ""),
            view(B, "100-8191", "0-99 8192-16383", A, ""),
            view(R, "0-8191", "8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert!(dropped_claims(&refs).is_empty());
        // Not every other view names B.
        let views = [
            view(A, "100-8191", "8192-16383", A, ""),
            view(B, "0-8191", "8192-16383", A, ""),
            view(R, "100-8191", "0-99 8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert!(dropped_claims(&refs).is_empty());
        // Slot 5 is being imported by B: a move is under way.
        let views = [
            view(A, "100-8191", "0-99 8192-16383", A, ""),
            view(B, "0-8191", &format!("8192-16383 [5-<-{A}]"), A, ""),
            view(R, "100-8191", "0-99 8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert_eq!(dropped_claims(&refs)[&id(B)].len(), 99);
    }

    #[test]
    fn identical_views_agree() {
        let views = [
            view(A, "0-8191", "8192-16383", A, ""),
            view(B, "0-8191", "8192-16383", A, ""),
            view(R, "0-8191", "8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert_eq!(lags(&refs), []);
    }

    #[test]
    fn a_replica_that_has_not_heard_of_a_move_lags_about_exactly_those_slots() {
        // B took 0-99 from A (epoch 2 > 1); the replica still sees them on A.
        let views = [
            view(A, "100-8191", "0-99 8192-16383", A, ""),
            view(B, "100-8191", "0-99 8192-16383", A, ""),
            view(R, "0-8191", "8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert_eq!(
            lags(&refs),
            [Lag::Slots {
                observer: id(R),
                slots: Box::new(SlotSet::from_range(0, 99)),
                sees: Some(id(A)),
                owner: Some(id(B)),
            }]
        );
        assert_eq!(tellers(&lags(&refs)), [(id(B), id(R))]);
        let text = lags(&refs)[0].to_string();
        assert_eq!(
            text,
            "cccccccc still sees slots 0-99 as served by aaaaaaaa; they are served by bbbbbbbb"
        );
    }

    #[test]
    fn a_slot_open_on_the_observer_is_not_compared() {
        let importing = format!(
            "{B} 127.0.0.1:7001@17001 myself,master - 0 0 2 connected 8192-16383 [5-<-{A}]\n"
        );
        let b_view = NodesView::parse(&format!(
            "{A} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-8191\n{importing}\
             {R} 127.0.0.1:7002@17002 slave {A} 0 0 1 connected\n"
        ))
        .unwrap();
        // A has given slot 5 away in its own view already; B still imports it.
        let views = [
            view(A, "0-4 6-8191", "8192-16383", A, ""),
            b_view,
            view(R, "0-4 6-8191", "8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert!(
            lags(&refs)
                .iter()
                .all(|lag| !matches!(lag, Lag::Slots { observer, .. } if *observer == id(B))),
            "{:?}",
            lags(&refs)
        );
    }

    #[test]
    fn a_role_change_not_yet_seen_is_named() {
        // R was promoted (a master now, by its own account); B still sees it as A's replica.
        let views = [
            view(A, "0-8191", "8192-16383", "-", ""),
            view(B, "0-8191", "8192-16383", A, ""),
            view(R, "0-8191", "8192-16383", "-", ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        assert_eq!(
            lags(&refs),
            [Lag::Role {
                observer: id(B),
                node: id(R),
                sees: Some(id(A)),
                actual: None,
            }]
        );
        assert_eq!(tellers(&lags(&refs)), [(id(R), id(B))]);
    }

    #[test]
    fn members_and_handshakes_disagreements_are_reported_both_ways() {
        let d = "dddddddddddddddddddddddddddddddddddddddd";
        let e = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        let extra = format!("{d} 127.0.0.1:7003@17003 master - 0 0 0 connected\n");
        let shake = format!("{e} 127.0.0.1:7009@17009 handshake - 0 0 0 disconnected\n");
        let views = [
            view(A, "0-8191", "8192-16383", A, &extra),
            view(B, "0-8191", "8192-16383", A, &shake),
            view(R, "0-8191", "8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        let found = lags(&refs);
        assert_eq!(
            found,
            [
                Lag::Membership {
                    member: id(d),
                    known_by: vec![id(A)],
                    unknown_to: vec![id(B), id(R)],
                },
                Lag::Handshake {
                    observer: id(B),
                    count: 1
                }
            ]
        );
        assert_eq!(found[0].nodes(), [&id(A)], "the minority is named");
        assert!(tellers(&found).is_empty());
    }

    #[test]
    fn conflicting_claims_go_to_the_highest_epoch() {
        // A (epoch 1) and B (epoch 2) both claim 0-9 in their own lines.
        let views = [
            view(A, "0-8191", "8192-16383", A, ""),
            view(B, "10-8191", "0-9 8192-16383", A, ""),
        ];
        let refs: Vec<&NodesView> = views.iter().collect();
        let truth = slot_truth(&refs);
        assert_eq!(truth[5], Some(&id(B)));
        assert_eq!(truth[10], Some(&id(A)));
        assert_eq!(
            lags(&refs),
            [Lag::Slots {
                observer: id(A),
                slots: Box::new(SlotSet::from_range(0, 9)),
                sees: Some(id(A)),
                owner: Some(id(B)),
            }]
        );
    }
}
