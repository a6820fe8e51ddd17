//! What was seen at one JSON position, over every value observed there.
//!
//! Counting is commutative: merging the nodes of several captures in any order gives the
//! same node (fields keep the smallest position they were seen at, string values are a
//! set), so what regen learns does not depend on the order of captures or entries.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::secrets;

/// Distinct string values kept per position; more means free text, not an enum.
pub const MAX_VALUES: usize = 128;
/// Longest string kept as a possible enum value.
pub const MAX_VALUE_LEN: usize = 96;

/// Counts of every kind of value seen at a position, and what was inside them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Node {
    /// Values seen here, `null` included.
    pub seen: u64,
    /// `null` values.
    pub nulls: u64,
    /// `true` / `false`.
    pub bools: u64,
    /// Integers.
    pub ints: u64,
    /// Integers that do not fit 32 bits.
    pub wide_ints: u64,
    /// Numbers with a fraction or an exponent, or too big for 64 bits.
    pub floats: u64,
    /// Strings.
    pub strings: u64,
    /// Strings that read as a number (`"1024"`).
    pub numeric_strings: u64,
    /// Distinct short strings (never those under a secret key).
    pub values: Values,
    /// Objects.
    pub objects: u64,
    /// Members of those objects, in first-seen order (sort before use: see [`Node::sorted_fields`]).
    pub fields: Vec<Field>,
    /// Arrays.
    pub arrays: u64,
    /// Every element of those arrays.
    pub items: Option<Box<Node>>,
}

/// One member key of the objects at a position.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The key.
    pub name: Box<str>,
    /// Smallest index at which the key appeared in an object.
    pub pos: u32,
    /// Whether the key names a secret (its string values are never kept).
    pub secret: bool,
    /// Whether the key is written in JSON without escapes (no `"`, `\` or control
    /// characters), so it can be matched against the input as it is.
    pub plain: bool,
    /// What was seen under the key.
    pub node: Node,
}

/// A small, fast hasher for short strings, eight bytes at a time (as rustc's FxHasher);
/// the set is capped, so hash flooding is not a concern.
#[derive(Default)]
pub struct Fx(u64);

impl Fx {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }

    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(w) ^ (rest.len() as u64) << 59);
    }

    #[inline]
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// Distinct string values, up to [`MAX_VALUES`] of at most [`MAX_VALUE_LEN`] bytes
/// (kept as UTF-8 bytes, checked when added).
#[derive(Debug, Default, Clone)]
pub struct Values {
    set: HashSet<Box<[u8]>, BuildHasherDefault<Fx>>,
    overflow: bool,
}

impl PartialEq for Values {
    fn eq(&self, other: &Self) -> bool {
        self.overflow == other.overflow && self.set == other.set
    }
}

impl Values {
    /// Adds a value given as bytes; ignored unless UTF-8.
    pub fn add_bytes(&mut self, s: &[u8]) {
        if self.overflow || self.set.contains(s) {
            return;
        }
        if s.len() > MAX_VALUE_LEN || self.set.len() >= MAX_VALUES {
            self.give_up();
        } else if std::str::from_utf8(s).is_ok() {
            self.set.insert(s.into());
        }
    }

    fn give_up(&mut self) {
        self.overflow = true;
        self.set = HashSet::default();
    }

    /// Too many or too long values were seen to list them.
    pub fn overflowed(&self) -> bool {
        self.overflow
    }

    /// The values, sorted.
    pub fn sorted(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self
            .set
            .iter()
            .filter_map(|s| std::str::from_utf8(s).ok())
            .collect();
        v.sort_unstable();
        v
    }

    fn absorb(&mut self, other: Values) {
        if other.overflow {
            self.give_up();
        }
        if self.overflow {
            return;
        }
        for s in other.set {
            self.add_bytes(&s);
        }
    }
}

/// True when `s` is written as a JSON number (`-12`, `1.5e3`).
pub fn is_numeric(s: &[u8]) -> bool {
    let mut i = usize::from(s.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while s.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return false;
    }
    if s.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return false;
        }
    }
    if matches!(s.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(s.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return false;
        }
    }
    i == s.len()
}

impl Node {
    /// Records `null`.
    pub fn null(&mut self) {
        self.seen += 1;
        self.nulls += 1;
    }

    /// Records a boolean.
    pub fn boolean(&mut self) {
        self.seen += 1;
        self.bools += 1;
    }

    /// Records an integer; `wide` when it does not fit 32 bits.
    pub fn int(&mut self, wide: bool) {
        self.seen += 1;
        self.ints += 1;
        self.wide_ints += u64::from(wide);
    }

    /// Records a number with a fraction or exponent.
    pub fn float(&mut self) {
        self.seen += 1;
        self.floats += 1;
    }

    /// Records a string; `value` is `None` when it must not be kept (a secret) or could
    /// not be decoded.
    pub fn string(&mut self, value: Option<&str>) {
        self.string_bytes(value.map(str::as_bytes));
    }

    /// Records a string given as bytes (see [`Node::string`]).
    pub fn string_bytes(&mut self, value: Option<&[u8]>) {
        self.seen += 1;
        self.strings += 1;
        if let Some(s) = value {
            if s.len() <= 32 && is_numeric(s) {
                self.numeric_strings += 1;
            }
            self.values.add_bytes(s);
        }
    }

    /// Records the start of an object.
    pub fn object(&mut self) {
        self.seen += 1;
        self.objects += 1;
    }

    /// The node of member `name` found at index `pos` of an object; `hint` is where the
    /// previous member was found, as objects at one position usually list their keys in
    /// the same order.
    pub fn field(&mut self, name: &str, pos: u32, hint: &mut usize) -> &mut Field {
        let at = match self.fields.get(*hint) {
            Some(f) if *f.name == *name => *hint,
            _ => match self.fields.iter().position(|f| *f.name == *name) {
                Some(i) => i,
                None => {
                    self.fields.push(Field {
                        name: name.into(),
                        pos,
                        secret: secrets::is_secret_name(name),
                        plain: name.bytes().all(|c| c >= 0x20 && c != b'"' && c != b'\\'),
                        node: Node::default(),
                    });
                    self.fields.len() - 1
                }
            },
        };
        *hint = at + 1;
        let f = &mut self.fields[at];
        f.pos = f.pos.min(pos);
        f
    }

    /// An empty node with the same members (in the same order) and the same known string
    /// values: a fresh node to observe one entry into, which reads faster because keys
    /// are found where they were before and positions known to hold free text stay so.
    pub fn skeleton(&self) -> Node {
        Node {
            values: self.values.clone(),
            fields: self
                .fields
                .iter()
                .map(|f| Field {
                    name: f.name.clone(),
                    pos: f.pos,
                    secret: f.secret,
                    plain: f.plain,
                    node: f.node.skeleton(),
                })
                .collect(),
            items: self.items.as_ref().map(|i| Box::new(i.skeleton())),
            ..Node::default()
        }
    }

    /// Records the start of an array and returns the node of its elements.
    pub fn array(&mut self) -> &mut Node {
        self.seen += 1;
        self.arrays += 1;
        self.items.get_or_insert_with(Box::default)
    }

    /// The node of member `name`, if it was seen.
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.fields
            .iter()
            .find(|f| &*f.name == name)
            .map(|f| &f.node)
    }

    /// Members sorted by first position, then name: the order objects were written in.
    pub fn sorted_fields(&self) -> Vec<&Field> {
        let mut v: Vec<&Field> = self.fields.iter().collect();
        v.sort_by(|a, b| (a.pos, &a.name).cmp(&(b.pos, &b.name)));
        v
    }

    /// How many kinds of non-null values were seen (booleans, numbers, strings, objects,
    /// arrays).
    pub fn kinds(&self) -> usize {
        [
            self.bools,
            self.ints + self.floats,
            self.strings,
            self.objects,
            self.arrays,
        ]
        .iter()
        .filter(|n| **n > 0)
        .count()
    }

    /// The values of every member merged into one node: what a map's values look like.
    pub fn merged_members(&self) -> Node {
        let mut out = Node::default();
        for f in &self.fields {
            out.absorb(f.node.clone());
        }
        out
    }

    /// Adds everything `other` saw.
    pub fn absorb(&mut self, other: Node) {
        self.seen += other.seen;
        self.nulls += other.nulls;
        self.bools += other.bools;
        self.ints += other.ints;
        self.wide_ints += other.wide_ints;
        self.floats += other.floats;
        self.strings += other.strings;
        self.numeric_strings += other.numeric_strings;
        self.values.absorb(other.values);
        self.objects += other.objects;
        self.arrays += other.arrays;
        for f in other.fields {
            match self.fields.iter_mut().find(|g| g.name == f.name) {
                Some(g) => {
                    g.pos = g.pos.min(f.pos);
                    g.node.absorb(f.node);
                }
                None => self.fields.push(f),
            }
        }
        if let Some(items) = other.items {
            match &mut self.items {
                Some(mine) => mine.absorb(*items),
                None => self.items = Some(items),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(keys: &[&str]) -> Node {
        let mut n = Node::default();
        n.object();
        let mut hint = 0;
        for (i, k) in keys.iter().enumerate() {
            n.field(k, i as u32, &mut hint).node.string(Some(k));
        }
        n
    }

    #[test]
    fn merging_is_order_independent() {
        let parts = [obj(&["a", "b"]), obj(&["b", "c"]), obj(&["a", "c", "d"])];
        let mut x = Node::default();
        for p in parts.iter().cloned() {
            x.absorb(p);
        }
        let mut y = Node::default();
        for p in parts.iter().rev().cloned() {
            y.absorb(p);
        }
        let names = |n: &Node| {
            n.sorted_fields()
                .iter()
                .map(|f| (f.name.to_string(), f.pos, f.node.seen))
                .collect::<Vec<_>>()
        };
        assert_eq!(names(&x), names(&y));
        assert_eq!(x.objects, 3);
        assert_eq!(names(&x)[0], ("a".to_string(), 0, 2));
    }

    #[test]
    fn values_overflow_deterministically() {
        let mut a = Values::default();
        let mut b = Values::default();
        for i in 0..MAX_VALUES {
            a.add_bytes(format!("v{i}").as_bytes());
            b.add_bytes(format!("v{}", i + 1).as_bytes());
        }
        assert!(!a.overflowed() && !b.overflowed());
        a.absorb(b);
        assert!(a.overflowed());
        let mut long = Values::default();
        long.add_bytes("x".repeat(MAX_VALUE_LEN + 1).as_bytes());
        assert!(long.overflowed());
    }

    #[test]
    fn secret_keys_are_flagged() {
        let mut n = Node::default();
        let mut hint = 0;
        assert!(n.field("password", 0, &mut hint).secret);
        assert!(!n.field("hostname", 1, &mut hint).secret);
    }

    #[test]
    fn numeric_strings() {
        assert!(is_numeric(b"5368709120"));
        assert!(is_numeric(b"-1.5e3"));
        assert!(!is_numeric(b"1.2.3"));
        assert!(!is_numeric(b"abc"));
        assert!(!is_numeric(b"-"));
        assert!(!is_numeric(b".5"));
        assert!(!is_numeric(b"10.1.0.6"));
        assert!(!is_numeric(b"1e"));
    }
}
