//! Rows (and GeoJSON features) longer than the limit (issue 15): at the default limit of
//! 16 MiB, a row far longer is reported and skipped, the rows after it are read, and the memory the reader takes stays
//! within a small multiple of the limit. The long row comes from a generator and is never in
//! memory as a whole; the memory is counted by this test binary's allocator, per thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Read;

use bordertrack::io::{IncidentReader, DEFAULT_MAX_ROW_BYTES};

/// The system allocator, counting the bytes live on each thread and their peak.
struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    // During a thread's teardown the counters may be gone: that thread is not measured.
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

fn size(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

// SAFETY: every call is passed on to the system allocator unchanged; only counts are kept.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's guarantees for `layout` hold for the system allocator.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            count(size(layout.size()));
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            count(size(layout.size()));
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by the system allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        count(-size(layout.size()));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` was allocated by the system allocator with `layout`.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            count(size(new_size) - size(layout.size()));
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most bytes live on this thread while `f` runs, above those live before it.
fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(before));
    let out = f();
    let peak = PEAK.with(Cell::get) - before;
    (out, usize::try_from(peak).unwrap_or(0))
}

/// A CSV table whose row 3 holds a quoted field of `long` bytes, made up as it is read.
struct LongField {
    parts: [Vec<u8>; 2],
    long: usize,
    /// Bytes given so far.
    at: usize,
}

impl LongField {
    fn new(long: usize) -> LongField {
        LongField {
            parts: [
                b"id,date,lat,lon,summary\nA,2006,41,69,before\nB,2006,41,69,\"".to_vec(),
                b"\"\nC,2006,41,69,after\n".to_vec(),
            ],
            long,
            at: 0,
        }
    }
}

impl Read for LongField {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let (head, tail) = (&self.parts[0], &self.parts[1]);
        let n = if self.at < head.len() {
            let part = &head[self.at..];
            let n = part.len().min(buf.len());
            buf[..n].copy_from_slice(&part[..n]);
            n
        } else if self.at < head.len() + self.long {
            let n = (head.len() + self.long - self.at).min(buf.len());
            buf[..n].fill(b'x');
            n
        } else {
            let part = tail.get(self.at - head.len() - self.long..).unwrap_or(&[]);
            let n = part.len().min(buf.len());
            buf[..n].copy_from_slice(&part[..n]);
            n
        };
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_field_four_times_the_default_limit_is_skipped_in_bounded_memory() {
    let long = 4 * DEFAULT_MAX_ROW_BYTES;
    let (rows, peak) = peak_bytes(|| {
        let mut reader =
            IncidentReader::from_reader(LongField::new(long), "long.csv").expect("a plain header");
        let rows: Vec<String> = reader
            .records()
            .map(|r| match r {
                Ok(incident) => incident.id,
                Err(problem) => problem.to_string(),
            })
            .collect();
        rows
    });
    assert_eq!(
        rows,
        [
            "A",
            "long.csv:3: row longer than 16 MiB, the limit for one row; skipped",
            "C"
        ]
    );
    // Holding the row would take at least its 64 MiB; the reader keeps at most the limit
    // and one read ahead.
    assert!(
        peak < 2 * DEFAULT_MAX_ROW_BYTES,
        "{peak} bytes at the peak, for a limit of {DEFAULT_MAX_ROW_BYTES}"
    );
}

/// A GeoJSON collection whose feature 1 has a summary of `long` bytes, made up as it is read.
fn long_feature(long: usize) -> LongField {
    let point = |id: &str| {
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"Point","coordinates":[69.0,41.5]}},"properties":{{"id":"{id}","date":"2006","summary":"#
        )
    };
    LongField {
        parts: [
            format!(
                "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\"before\"}}}},\n{}\"",
                point("A"),
                point("B")
            )
            .into_bytes(),
            format!("\"}}}},\n{}\"after\"}}}}\n]}}\n", point("C")).into_bytes(),
        ],
        long,
        at: 0,
    }
}

#[test]
fn a_geojson_feature_four_times_the_default_limit_is_skipped_in_bounded_memory() {
    let long = 4 * DEFAULT_MAX_ROW_BYTES;
    let (rows, peak) = peak_bytes(|| {
        let mut reader = IncidentReader::from_reader(long_feature(long), "long.geojson")
            .expect("a FeatureCollection");
        let rows: Vec<String> = reader
            .records()
            .map(|r| match r {
                Ok(incident) => incident.id,
                Err(problem) => problem.to_string(),
            })
            .collect();
        rows
    });
    assert_eq!(
        rows,
        [
            "A",
            "long.geojson: feature 1: feature longer than 16 MiB, the limit for one feature; \
             skipped",
            "C"
        ]
    );
    assert!(
        peak < 2 * DEFAULT_MAX_ROW_BYTES,
        "{peak} bytes at the peak, for a limit of {DEFAULT_MAX_ROW_BYTES}"
    );
}
