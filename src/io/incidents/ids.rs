//! The set of incident ids seen so far, for reporting duplicates while streaming.
//!
//! Ids are appended to one text arena and indexed by a hash table that stores each id's hash
//! beside its place in the arena, so growing the table never revisits the ids themselves and
//! no id needs an allocation of its own. Memory is the ids' bytes plus about 40–75 bytes per
//! distinct id (table slots at hashbrown's load factor).

use std::hash::BuildHasher;

use hashbrown::hash_table::{Entry, HashTable};

/// One id: its hash, its bytes in the arena, and where it was first seen.
struct Slot {
    hash: u64,
    start: usize,
    end: usize,
    at: u64,
}

/// Distinct ids and where each was first seen (a line or a feature index).
#[derive(Default)]
pub(crate) struct SeenIds {
    arena: String,
    table: HashTable<Slot>,
    hasher: foldhash::fast::RandomState,
}

impl SeenIds {
    /// Records `id` as seen at `at`, or returns where it was first seen.
    pub(crate) fn first_seen(&mut self, id: &str, at: u64) -> Option<u64> {
        let hash = self.hasher.hash_one(id.as_bytes());
        let arena = &self.arena;
        let same = |s: &Slot| s.hash == hash && arena.get(s.start..s.end) == Some(id);
        match self.table.entry(hash, same, |s| s.hash) {
            Entry::Occupied(e) => Some(e.get().at),
            Entry::Vacant(e) => {
                let start = self.arena.len();
                self.arena.push_str(id);
                e.insert(Slot {
                    hash,
                    start,
                    end: self.arena.len(),
                    at,
                });
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_first_sighting_only() {
        let mut s = SeenIds::default();
        assert_eq!(s.first_seen("A", 2), None);
        assert_eq!(s.first_seen("B", 3), None);
        assert_eq!(s.first_seen("AB", 4), None);
        assert_eq!(s.first_seen("A", 5), Some(2));
        assert_eq!(s.first_seen("AB", 6), Some(4));
        assert_eq!(s.first_seen("", 7), None);
        assert_eq!(s.first_seen("", 8), Some(7));
        for i in 0..10_000u64 {
            assert_eq!(s.first_seen(&format!("id{i}"), i), None);
        }
        for i in 0..10_000u64 {
            assert_eq!(s.first_seen(&format!("id{i}"), 0), Some(i));
        }
    }
}
