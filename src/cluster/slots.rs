//! Hash slots: Redis Cluster splits the key space into 16384 slots, and every master serves
//! a set of them.
//!
//! [`SlotSet`] is a 2 KiB bitset (allocated on the first slot: an empty set, as every replica
//! has, costs a pointer) with the range notations redis-cli prints, and
//! [`key_slot`] computes the slot of a key exactly like the server's `CLUSTER KEYSLOT`.

use std::fmt;
use std::str::FromStr;

use serde::de::{Deserialize, Deserializer, Error as _};
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// A hash slot number, `0..SLOT_COUNT`.
pub type Slot = u16;

/// The number of hash slots in every Redis Cluster.
pub const SLOT_COUNT: usize = 16384;

const WORDS: usize = SLOT_COUNT / 64;

/// A set of hash slots, stored as a bitset of [`SLOT_COUNT`] bits, on the heap and only once
/// a slot was added.
///
/// Text forms:
/// - [`Display`](fmt::Display) / [`FromStr`]: comma-separated ranges, `0-5460,5462`; the empty
///   set is the empty string.
/// - [`SlotSet::bracketed`]: redis-cli's `[0-5460],[5462]`.
/// - `Debug`: `SlotSet{0-5460,5462}`.
/// - serde: an array of inclusive `[start, end]` pairs, `[[0,5460],[5462,5462]]`.
#[derive(Clone, Default)]
pub struct SlotSet {
    /// `None` exactly when the set is empty, so that [`SlotSet::is_empty`] is a glance.
    bits: Option<Box<[u64; WORDS]>>,
}

/// The words of every set that never held a slot.
static NO_BITS: [u64; WORDS] = [0; WORDS];

impl PartialEq for SlotSet {
    fn eq(&self, other: &Self) -> bool {
        self.words() == other.words()
    }
}

impl Eq for SlotSet {}

impl std::hash::Hash for SlotSet {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.words().hash(state);
    }
}

impl SlotSet {
    /// The empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// All 16384 slots: what a fully covered cluster serves.
    pub fn full() -> Self {
        Self {
            bits: Some(Box::new([u64::MAX; WORDS])),
        }
    }

    /// The slots `start..=end`; empty when `start > end`.
    ///
    /// # Panics
    /// When `end >= 16384` (and `start <= end`).
    pub fn from_range(start: Slot, end: Slot) -> Self {
        let mut set = Self::new();
        set.insert_range(start, end);
        set
    }

    /// Adds `slot`; returns whether it was absent.
    ///
    /// # Panics
    /// When `slot >= 16384`.
    pub fn insert(&mut self, slot: Slot) -> bool {
        let (word, bit) = Self::locate(slot);
        let words = self.words_mut();
        let absent = words[word] & bit == 0;
        words[word] |= bit;
        absent
    }

    /// Removes `slot`; returns whether it was present. Slots `>= 16384` are never present.
    pub fn remove(&mut self, slot: Slot) -> bool {
        if usize::from(slot) >= SLOT_COUNT || !self.contains(slot) {
            return false;
        }
        let (word, bit) = Self::locate(slot);
        let words = self.words_mut();
        words[word] &= !bit;
        if words[word] == 0 && words.iter().all(|&w| w == 0) {
            self.bits = None;
        }
        true
    }

    /// Whether `slot` is in the set. Slots `>= 16384` are never in it.
    pub fn contains(&self, slot: Slot) -> bool {
        usize::from(slot) < SLOT_COUNT && {
            let (word, bit) = Self::locate(slot);
            self.words()[word] & bit != 0
        }
    }

    /// Adds the slots `start..=end`; does nothing when `start > end`.
    ///
    /// # Panics
    /// When `end >= 16384` (and `start <= end`).
    pub fn insert_range(&mut self, start: Slot, end: Slot) {
        if start > end {
            return;
        }
        assert!(
            usize::from(end) < SLOT_COUNT,
            "slot {end} out of range 0-16383"
        );
        let (first, last) = (usize::from(start), usize::from(end));
        let words = self.words_mut();
        for (word, bits) in words
            .iter_mut()
            .enumerate()
            .take(last / 64 + 1)
            .skip(first / 64)
        {
            let lo = if word == first / 64 { first % 64 } else { 0 };
            let hi = if word == last / 64 { last % 64 } else { 63 };
            // Bits lo..=hi set.
            *bits |= (u64::MAX >> (63 - hi)) & (u64::MAX << lo);
        }
    }

    /// The number of slots in the set.
    pub fn len(&self) -> usize {
        self.words().iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set has no slot.
    pub fn is_empty(&self) -> bool {
        self.bits.is_none()
    }

    /// The slots in ascending order.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            set: self,
            word: 0,
            current: self.words()[0],
        }
    }

    /// The maximal runs of consecutive slots, as inclusive `(start, end)` pairs, ascending.
    pub fn ranges(&self) -> Ranges<'_> {
        Ranges { set: self, from: 0 }
    }

    /// Adds every slot of `other` to `self`.
    pub fn union_with(&mut self, other: &SlotSet) {
        if other.bits.is_none() {
            return;
        }
        for (a, b) in self.words_mut().iter_mut().zip(other.words()) {
            *a |= b;
        }
    }

    /// The slots in both sets.
    pub fn intersection(&self, other: &SlotSet) -> SlotSet {
        self.zip_with(other, |a, b| a & b)
    }

    /// The slots of `self` that are not in `other`.
    pub fn difference(&self, other: &SlotSet) -> SlotSet {
        self.zip_with(other, |a, b| a & !b)
    }

    /// The slots not in the set.
    pub fn complement(&self) -> SlotSet {
        Self::of_words(Box::new(self.words().map(|w| !w)))
    }

    /// redis-cli's notation (`clusterManagerNodeSlotsString`): each range in brackets,
    /// `[0-5460],[5462]`; the empty set is the empty string.
    pub fn bracketed(&self) -> String {
        let mut out = String::new();
        for (i, (start, end)) in self.ranges().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            push_range(&mut out, start, end);
            out.push(']');
        }
        out
    }

    fn zip_with(&self, other: &SlotSet, op: impl Fn(u64, u64) -> u64) -> SlotSet {
        let mut words = Box::new([0; WORDS]);
        for (o, (a, b)) in words.iter_mut().zip(self.words().iter().zip(other.words())) {
            *o = op(*a, *b);
        }
        Self::of_words(words)
    }

    /// The set of the slots set in `words` (none held when there are none).
    fn of_words(words: Box<[u64; WORDS]>) -> SlotSet {
        SlotSet {
            bits: words.iter().any(|&w| w != 0).then_some(words),
        }
    }

    /// The bits; those of the empty set when none were allocated.
    fn words(&self) -> &[u64; WORDS] {
        self.bits.as_deref().unwrap_or(&NO_BITS)
    }

    /// The bits, to change; allocated (empty) on the first call.
    fn words_mut(&mut self) -> &mut [u64; WORDS] {
        self.bits.get_or_insert_with(|| Box::new([0; WORDS]))
    }

    /// The word index and bit mask of `slot`; panics when out of range.
    fn locate(slot: Slot) -> (usize, u64) {
        let slot = usize::from(slot);
        assert!(slot < SLOT_COUNT, "slot {slot} out of range 0-16383");
        (slot / 64, 1 << (slot % 64))
    }

    /// The first slot `>= from` whose membership equals `member`, if any.
    fn next_with(&self, from: usize, member: bool) -> Option<usize> {
        if from >= SLOT_COUNT {
            return None;
        }
        let mut word = from / 64;
        let flip = if member { 0 } else { u64::MAX };
        let words = self.words();
        let mut bits = (words[word] ^ flip) & (u64::MAX << (from % 64));
        loop {
            if bits != 0 {
                return Some(word * 64 + bits.trailing_zeros() as usize);
            }
            word += 1;
            if word == WORDS {
                return None;
            }
            bits = words[word] ^ flip;
        }
    }
}

fn push_range(out: &mut String, start: Slot, end: Slot) {
    use fmt::Write as _;
    // Writing to a String cannot fail.
    let _ = if start == end {
        write!(out, "{start}")
    } else {
        write!(out, "{start}-{end}")
    };
}

/// Ascending iterator over the slots of a [`SlotSet`], from [`SlotSet::iter`].
#[derive(Debug, Clone)]
pub struct Iter<'a> {
    set: &'a SlotSet,
    word: usize,
    current: u64,
}

impl Iterator for Iter<'_> {
    type Item = Slot;

    fn next(&mut self) -> Option<Slot> {
        while self.current == 0 {
            self.word += 1;
            if self.word >= WORDS {
                return None;
            }
            self.current = self.set.words()[self.word];
        }
        let bit = self.current.trailing_zeros() as usize;
        self.current &= self.current - 1;
        // word < 256 and bit < 64, so the slot is < 16384 and fits a u16.
        Some((self.word * 64 + bit) as Slot)
    }
}

/// Iterator over the maximal inclusive ranges of a [`SlotSet`], from [`SlotSet::ranges`].
#[derive(Debug, Clone)]
pub struct Ranges<'a> {
    set: &'a SlotSet,
    from: usize,
}

impl Iterator for Ranges<'_> {
    type Item = (Slot, Slot);

    fn next(&mut self) -> Option<(Slot, Slot)> {
        let start = self.set.next_with(self.from, true)?;
        let end = self
            .set
            .next_with(start, false)
            .map_or(SLOT_COUNT - 1, |after| after - 1);
        self.from = end + 1;
        // Both are < 16384.
        Some((start as Slot, end as Slot))
    }
}

impl<'a> IntoIterator for &'a SlotSet {
    type Item = Slot;
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl fmt::Display for SlotSet {
    /// Comma-separated ranges, `0-5460,5462`; the empty set prints nothing.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (start, end)) in self.ranges().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if start == end {
                write!(f, "{start}")?;
            } else {
                write!(f, "{start}-{end}")?;
            }
        }
        Ok(())
    }
}

impl fmt::Debug for SlotSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SlotSet{{{self}}}")
    }
}

/// Why a slot list such as `0-5460,5462` could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotParseError {
    /// A piece is not a decimal number.
    #[error("{0:?} is not a slot number")]
    NotANumber(String),
    /// A slot is 16384 or more.
    #[error("slot {0} is out of range 0-16383")]
    OutOfRange(String),
    /// A range ends before it starts.
    #[error("slot range {start}-{end} ends before it starts")]
    Reversed {
        /// The first slot written.
        start: Slot,
        /// The last slot written.
        end: Slot,
    },
}

/// Parses one slot number, `0..16384`.
pub fn parse_slot(text: &str) -> Result<Slot, SlotParseError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || !trimmed.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SlotParseError::NotANumber(text.to_owned()));
    }
    match trimmed.parse::<Slot>() {
        Ok(slot) if usize::from(slot) < SLOT_COUNT => Ok(slot),
        _ => Err(SlotParseError::OutOfRange(trimmed.to_owned())),
    }
}

/// Parses `N` or `N-M` into an inclusive range, rejecting `N > M`.
pub fn parse_range(text: &str) -> Result<(Slot, Slot), SlotParseError> {
    let (start, end) = match text.split_once('-') {
        Some((start, end)) => (parse_slot(start)?, parse_slot(end)?),
        None => {
            let slot = parse_slot(text)?;
            (slot, slot)
        }
    };
    if start > end {
        return Err(SlotParseError::Reversed { start, end });
    }
    Ok((start, end))
}

impl FromStr for SlotSet {
    type Err = SlotParseError;

    /// Parses the [`Display`](fmt::Display) form: `N` or `N-M` pieces separated by commas,
    /// in any order, overlaps allowed. The empty (or all-blank) string is the empty set.
    fn from_str(text: &str) -> Result<Self, SlotParseError> {
        let mut set = SlotSet::new();
        if text.trim().is_empty() {
            return Ok(set);
        }
        for piece in text.split(',') {
            let (start, end) = parse_range(piece)?;
            set.insert_range(start, end);
        }
        Ok(set)
    }
}

impl FromIterator<Slot> for SlotSet {
    /// Collects slots.
    ///
    /// # Panics
    /// On a slot `>= 16384`.
    fn from_iter<I: IntoIterator<Item = Slot>>(iter: I) -> Self {
        let mut set = SlotSet::new();
        set.extend(iter);
        set
    }
}

impl Extend<Slot> for SlotSet {
    /// Adds slots.
    ///
    /// # Panics
    /// On a slot `>= 16384`.
    fn extend<I: IntoIterator<Item = Slot>>(&mut self, iter: I) {
        for slot in iter {
            self.insert(slot);
        }
    }
}

impl<'de> Deserialize<'de> for SlotSet {
    /// The serialized form: inclusive `[start, end]` pairs, each within 0-16383.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let pairs = Vec::<[u32; 2]>::deserialize(deserializer)?;
        let mut set = SlotSet::new();
        for [start, end] in pairs {
            if start > end || end as usize >= SLOT_COUNT {
                return Err(D::Error::custom(format!(
                    "[{start}, {end}] is not a slot range within 0-{}",
                    SLOT_COUNT - 1
                )));
            }
            set.insert_range(start as Slot, end as Slot);
        }
        Ok(set)
    }
}

impl Serialize for SlotSet {
    /// An array of inclusive `[start, end]` pairs, `[[0,5460],[5462,5462]]`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(None)?;
        for (start, end) in self.ranges() {
            seq.serialize_element(&[start, end])?;
        }
        seq.end()
    }
}

/// The hash slot of `key`, as `CLUSTER KEYSLOT` computes it.
///
/// The slot is CRC16-XMODEM of the key, masked to 14 bits. Hash tags: when the key contains a
/// `{` followed later by a `}` with at least one byte between them, only the bytes between the
/// first `{` and the first `}` after it are hashed, so `{user1000}.following` and
/// `{user1000}.followers` land in the same slot. An empty tag (`a{}b`) hashes the whole key.
pub fn key_slot(key: &[u8]) -> Slot {
    let hashed = hash_tag(key).unwrap_or(key);
    crc16::State::<crc16::XMODEM>::calculate(hashed) & 0x3FFF
}

/// The hash tag of `key`, as [`key_slot`] finds it: the bytes between the first `{` and the
/// first `}` after it, when there is at least one.
pub fn hash_tag(key: &[u8]) -> Option<&[u8]> {
    let open = key.iter().position(|&b| b == b'{')?;
    let rest = &key[open + 1..];
    match rest.iter().position(|&b| b == b'}') {
        Some(0) | None => None,
        Some(close) => Some(&rest[..close]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_set_emptied_holds_no_bits() {
        let mut set = SlotSet::from_range(5, 6);
        set.remove(5);
        assert!(!set.is_empty());
        set.remove(6);
        assert!(set.is_empty() && set.bits.is_none());
        let some = SlotSet::from_range(0, 99);
        for empty in [
            some.difference(&some),
            some.intersection(&SlotSet::from_range(100, 200)),
            SlotSet::full().complement(),
        ] {
            assert!(empty.is_empty() && empty.bits.is_none());
            assert_eq!(empty, SlotSet::new());
        }
        assert!(!some.complement().is_empty());
    }

    #[test]
    fn key_slot_matches_redis() {
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"123456789"), 12739);
        assert_eq!(key_slot(b"{user1000}.following"), 3443);
        assert_eq!(key_slot(b"{user1000}.followers"), 3443);
        assert_eq!(key_slot(b"a{}b"), 13694);
        assert_eq!(key_slot(b"{}{x}"), 3257);
        assert_eq!(key_slot(b"x{foo}y{z}"), key_slot(b"foo"));
        assert_eq!(key_slot(b""), 0);
    }

    #[test]
    fn ranges_and_text_forms() {
        let mut set = SlotSet::from_range(0, 5460);
        set.insert(5462);
        assert_eq!(set.len(), 5462);
        assert_eq!(set.ranges().collect::<Vec<_>>(), [(0, 5460), (5462, 5462)]);
        assert_eq!(set.to_string(), "0-5460,5462");
        assert_eq!(set.bracketed(), "[0-5460],[5462]");
        assert_eq!(format!("{set:?}"), "SlotSet{0-5460,5462}");
        assert_eq!("0-5460,5462".parse::<SlotSet>(), Ok(set.clone()));
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            "[[0,5460],[5462,5462]]"
        );
    }

    #[test]
    fn empty_and_full() {
        let empty = SlotSet::new();
        assert!(empty.is_empty());
        assert_eq!(empty.to_string(), "");
        assert_eq!(empty.bracketed(), "");
        assert_eq!("".parse::<SlotSet>(), Ok(SlotSet::new()));
        assert_eq!(serde_json::to_string(&empty).unwrap(), "[]");
        let full = SlotSet::full();
        assert_eq!(full.len(), SLOT_COUNT);
        assert_eq!(full.to_string(), "0-16383");
        assert_eq!(full.complement(), empty);
        assert_eq!(SlotSet::from_range(0, 16383), full);
        assert_eq!(SlotSet::from_range(5, 4), empty);
    }

    #[test]
    fn an_emptied_set_is_the_empty_set() {
        use std::hash::BuildHasher;
        let mut set = SlotSet::from_range(5, 6);
        assert!(set.remove(5) && set.remove(6));
        assert!(set.is_empty());
        assert_eq!(set, SlotSet::new());
        assert_eq!(set.intersection(&SlotSet::full()), SlotSet::new());
        let hasher = std::collections::hash_map::RandomState::new();
        assert_eq!(hasher.hash_one(&set), hasher.hash_one(SlotSet::new()));
        assert_eq!(SlotSet::new().complement(), SlotSet::full());
        let mut union = SlotSet::new();
        union.union_with(&SlotSet::new());
        assert_eq!(union.to_string(), "");
    }

    #[test]
    fn edges_of_words() {
        let set: SlotSet = [0, 63, 64, 127, 128, 16383].into_iter().collect();
        assert_eq!(set.to_string(), "0,63-64,127-128,16383");
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 63, 64, 127, 128, 16383]);
        assert!(set.contains(16383));
        assert!(!set.contains(16384));
        assert_eq!(SlotSet::from_range(63, 64).len(), 2);
        let mut set = set;
        assert!(set.remove(63));
        assert!(!set.remove(63));
        assert!(!set.remove(20000));
        assert!(!set.insert(0));
        assert!(set.insert(1));
    }

    #[test]
    fn parse_errors() {
        assert_eq!(
            "1,x".parse::<SlotSet>(),
            Err(SlotParseError::NotANumber("x".into()))
        );
        assert_eq!(
            "16384".parse::<SlotSet>(),
            Err(SlotParseError::OutOfRange("16384".into()))
        );
        assert_eq!(
            "5-3".parse::<SlotSet>(),
            Err(SlotParseError::Reversed { start: 5, end: 3 })
        );
        assert!("1,,2".parse::<SlotSet>().is_err());
        assert!("-3".parse::<SlotSet>().is_err());
        assert!("+3".parse::<SlotSet>().is_err());
        assert!("99999999999999999999999".parse::<SlotSet>().is_err());
    }

    #[test]
    #[should_panic(expected = "out of range")]
    fn insert_out_of_range_panics() {
        SlotSet::new().insert(16384);
    }

    fn slot_set() -> impl Strategy<Value = SlotSet> {
        prop_oneof![
            proptest::collection::vec(0..SLOT_COUNT as Slot, 0..200)
                .prop_map(|v| v.into_iter().collect::<SlotSet>()),
            proptest::collection::vec((0..SLOT_COUNT as Slot, 0..3000u16), 0..6).prop_map(|v| {
                let mut set = SlotSet::new();
                for (start, len) in v {
                    let end = start.saturating_add(len).min(SLOT_COUNT as Slot - 1);
                    set.insert_range(start, end);
                }
                set
            }),
        ]
    }

    proptest! {
        #[test]
        fn display_from_str_round_trip(set in slot_set()) {
            prop_assert_eq!(set.to_string().parse::<SlotSet>(), Ok(set.clone()));
        }

        #[test]
        fn ranges_cover_exactly_the_set(set in slot_set()) {
            let mut rebuilt = SlotSet::new();
            let mut previous_end: Option<Slot> = None;
            for (start, end) in set.ranges() {
                prop_assert!(start <= end);
                // Maximal and ascending: a gap of at least one slot between ranges.
                if let Some(prev) = previous_end {
                    prop_assert!(start > prev + 1);
                }
                previous_end = Some(end);
                rebuilt.insert_range(start, end);
            }
            prop_assert_eq!(rebuilt, set);
        }

        #[test]
        fn len_counts_iter(set in slot_set()) {
            prop_assert_eq!(set.len(), set.iter().count());
            prop_assert_eq!(set.is_empty(), set.iter().next().is_none());
            let slots: Vec<Slot> = set.iter().collect();
            prop_assert!(slots.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(slots.iter().all(|&s| set.contains(s)));
        }

        #[test]
        fn set_algebra(a in slot_set(), b in slot_set()) {
            let mut union = a.clone();
            union.union_with(&b);
            let inter = a.intersection(&b);
            // |A ∪ B| = |A| + |B| - |A ∩ B|
            prop_assert_eq!(union.len() + inter.len(), a.len() + b.len());
            // (A \ B) ∪ (A ∩ B) = A, and the two are disjoint.
            let diff = a.difference(&b);
            prop_assert!(diff.intersection(&inter).is_empty());
            let mut back = diff.clone();
            back.union_with(&inter);
            prop_assert_eq!(&back, &a);
            // A \ B = A ∩ ¬B, and ¬¬A = A.
            prop_assert_eq!(&diff, &a.intersection(&b.complement()));
            prop_assert_eq!(&a.complement().complement(), &a);
            prop_assert_eq!(a.len() + a.complement().len(), SLOT_COUNT);
            prop_assert!(b.difference(&union).is_empty());
        }
    }
}
