//! The problems a block keeps until its turn to be delivered, held compactly: their texts back
//! to back in one buffer, so that a block of bad rows holds about as many bytes as its rows
//! and makes two allocations, not two per problem (which, freed on another thread, let the
//! allocator's per-thread pools grow with the number of bad rows).

use crate::{Location, Problem, ProblemKind};

/// Where a held problem is; a feature's id is in the text.
#[derive(Clone, Copy, Debug)]
enum HeldLocation {
    File,
    Line(u64),
    Feature { index: usize, has_id: bool },
    Row(u64),
}

#[derive(Clone, Copy, Debug)]
struct HeldProblem {
    kind: ProblemKind,
    location: HeldLocation,
    /// The length of the file's name in the text; `None`: the same file as the problem before.
    file_len: Option<usize>,
    /// The length of the feature's id in the text (0 without one).
    id_len: usize,
    message_len: usize,
}

/// Problems in input order, held compactly.
#[derive(Debug, Default)]
pub(super) struct HeldProblems {
    /// Each problem's file name (unless the same as before), feature id and message.
    text: String,
    entries: Vec<HeldProblem>,
    /// Where the last file name held is in the text.
    last_file: Option<std::ops::Range<usize>>,
}

impl HeldProblems {
    /// Holds `p` after the others.
    pub(super) fn push(&mut self, p: &Problem) {
        let same_file = self.last_file() == Some(p.file.as_str());
        let file_len = (!same_file).then(|| {
            let start = self.text.len();
            self.text.push_str(&p.file);
            self.last_file = Some(start..self.text.len());
            p.file.len()
        });
        let (location, id) = match &p.location {
            Location::File => (HeldLocation::File, None),
            Location::Line(l) => (HeldLocation::Line(*l), None),
            Location::Row(r) => (HeldLocation::Row(*r), None),
            Location::Feature { index, id } => (
                HeldLocation::Feature {
                    index: *index,
                    has_id: id.is_some(),
                },
                id.as_deref(),
            ),
        };
        let id_len = id.map_or(0, str::len);
        self.text.push_str(id.unwrap_or(""));
        self.text.push_str(&p.message);
        self.entries.push(HeldProblem {
            kind: p.kind,
            location,
            file_len,
            id_len,
            message_len: p.message.len(),
        });
    }

    /// The file of the last problem held.
    fn last_file(&self) -> Option<&str> {
        self.text.get(self.last_file.clone()?)
    }

    /// How many problems are held.
    pub(super) fn len(&self) -> usize {
        self.entries.len()
    }

    /// Reads the problems back in order.
    pub(super) fn reader(&self) -> HeldReader<'_> {
        HeldReader {
            held: self,
            entry: 0,
            offset: 0,
        }
    }
}

/// Reads held problems back one at a time into a reused [`Problem`].
pub(super) struct HeldReader<'a> {
    held: &'a HeldProblems,
    entry: usize,
    offset: usize,
}

impl HeldReader<'_> {
    /// The next problem, written into `out` (whose buffers are reused); `false` at the end.
    pub(super) fn next_into(&mut self, out: &mut Problem) -> bool {
        let Some(e) = self.held.entries.get(self.entry) else {
            return false;
        };
        self.entry += 1;
        let mut take = |len: usize| {
            let s = self
                .held
                .text
                .get(self.offset..self.offset + len)
                .unwrap_or("");
            self.offset += len;
            s
        };
        if let Some(len) = e.file_len {
            out.file.clear();
            out.file.push_str(take(len));
        }
        let id = take(e.id_len);
        out.location = match e.location {
            HeldLocation::File => Location::File,
            HeldLocation::Line(l) => Location::Line(l),
            HeldLocation::Row(r) => Location::Row(r),
            HeldLocation::Feature { index, has_id } => Location::Feature {
                index,
                id: has_id.then(|| id.to_string()),
            },
        };
        out.message.clear();
        out.message.push_str(take(e.message_len));
        out.kind = e.kind;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_come_back_as_they_were_held() {
        let problems = [
            Problem::new(
                "a.csv",
                Location::Line(2),
                "latitude \"oops\" is not a number",
            ),
            Problem::new("a.csv", Location::Line(3), "é").with_kind(ProblemKind::Unplaced),
            Problem::new(
                "b.geojson",
                Location::Feature {
                    index: 4,
                    id: Some("f-4".into()),
                },
                "",
            ),
            Problem::new("b.geojson", Location::Feature { index: 5, id: None }, "x"),
            Problem::new("a.csv", Location::File, "whole file"),
            Problem::new("a.parquet", Location::Row(7), "row"),
        ];
        let mut held = HeldProblems::default();
        for p in &problems {
            held.push(p);
        }
        assert_eq!(held.len(), problems.len());
        // The file names are held once per run of problems from one file.
        assert_eq!(
            held.entries.iter().filter(|e| e.file_len.is_some()).count(),
            4
        );
        let mut reader = held.reader();
        let mut out = Problem::new("", Location::File, "");
        for p in &problems {
            assert!(reader.next_into(&mut out));
            assert_eq!(&out, p);
        }
        assert!(!reader.next_into(&mut out));
    }
}
