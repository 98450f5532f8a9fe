//! Checks shared by the incident-reader targets.

use bordertrack::io::IncidentReader;
use bordertrack::{Error, Incident, Problem};

/// Opens `input`, checking duplicate ids or not; `None` when the reader rejects it as a
/// whole, after checking that the rejection is an `Invalid` error listing problems with
/// messages.
pub fn open(input: &[u8], check_ids: bool) -> Option<IncidentReader<&[u8]>> {
    match IncidentReader::from_reader(input, "fuzz.in") {
        Ok(r) => Some(r.check_duplicate_ids(check_ids)),
        Err(Error::Invalid(problems)) => {
            assert!(!problems.is_empty(), "a rejection without problems");
            for p in &problems {
                assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
                let _ = p.to_string();
            }
            None
        }
        Err(e) => panic!("unexpected error kind from an in-memory input: {e}"),
    }
}

/// Every item: an incident within range, or a problem with a message.
pub fn check_item(item: &Result<Incident, Problem>) {
    match item {
        Ok(i) => {
            let (lon, lat) = (i.point.x(), i.point.y());
            assert!(
                lon.is_finite() && (-180.0..=180.0).contains(&lon),
                "longitude {lon} accepted"
            );
            assert!(
                lat.is_finite() && (-90.0..=90.0).contains(&lat),
                "latitude {lat} accepted"
            );
            assert!(
                i.precision_m.is_finite() && i.precision_m >= 0.0,
                "precision_m {} accepted",
                i.precision_m
            );
            assert!(i.date.first <= i.date.last, "empty date span {:?}", i.date);
        }
        Err(p) => {
            assert!(!p.message.trim().is_empty(), "empty message: {p:?}");
            let _ = p.to_string();
        }
    }
}

/// All items through `records()`, checked.
pub fn via_records(input: &[u8], check_ids: bool) -> Option<Vec<Result<Incident, Problem>>> {
    let mut reader = open(input, check_ids)?;
    let items: Vec<_> = reader.records().collect();
    items.iter().for_each(check_item);
    Some(items)
}

/// All items through the block API the command line uses (`read_block`,
/// `parser().parse_block`, `check_id`), in blocks of about `batch * 16` bytes of CSV or
/// `batch` GeoJSON features.
pub fn via_batches(input: &[u8], batch: usize) -> Option<Vec<Result<Incident, Problem>>> {
    let mut reader = open(input, true)?;
    let parser = reader.parser();
    let mut items = Vec::new();
    let mut rows = Vec::new();
    while let Some(block) = reader.read_block(batch * 16, batch) {
        rows.clear();
        // A block of blank lines holds no rows.
        parser.parse_block(block, &mut rows);
        for mut row in rows.drain(..) {
            reader.check_id(&mut row);
            items.push(row.incident);
        }
    }
    Some(items)
}

/// All items through the path the command line takes without the duplicate-id check
/// (`read_block`, `parser().convert_into`, incidents reused from block to block), in blocks
/// as [`via_batches`] reads them.
pub fn via_conversion(input: &[u8], batch: usize) -> Option<Vec<Result<Incident, Problem>>> {
    let mut reader = open(input, false)?;
    let parser = reader.parser();
    let mut items = Vec::new();
    let mut incidents = Vec::new();
    while let Some(block) = reader.read_block(batch * 16, batch) {
        let mut problems = Vec::new();
        let n = parser.convert_into(block, &mut incidents, |before, p| {
            problems.push((before, p))
        });
        assert!(
            n <= incidents.len(),
            "{n} incidents claimed, {} held",
            incidents.len()
        );
        let mut problems = problems.into_iter().peekable();
        for (i, incident) in incidents.iter().take(n).enumerate() {
            while let Some((_, p)) = problems.next_if(|(before, _)| *before <= i) {
                items.push(Err(p));
            }
            items.push(Ok(incident.clone()));
        }
        for (before, p) in problems {
            assert!(before <= n, "a problem after {before} of {n} incidents");
            items.push(Err(p));
        }
    }
    Some(items)
}

/// `records()` and the block APIs agree item for item: with the duplicate-id check, the
/// rows of `parse_block`; without it, the incidents of `convert_into`.
pub fn same_both_ways(input: &[u8], batch: usize) {
    same(via_records(input, true), via_batches(input, batch));
    same(via_records(input, false), via_conversion(input, batch));
}

/// Both readings opened the input or neither did, and they give the same items.
fn same(one: Option<Vec<Result<Incident, Problem>>>, two: Option<Vec<Result<Incident, Problem>>>) {
    match (one, two) {
        (None, None) => {}
        (Some(a), Some(b)) => {
            assert_eq!(
                a.len(),
                b.len(),
                "records() and read_block() disagree on the count"
            );
            for (x, y) in a.iter().zip(&b) {
                match (x, y) {
                    (Ok(i), Ok(j)) => assert_eq!(i, j),
                    (Err(p), Err(q)) => assert_eq!(p.to_string(), q.to_string()),
                    _ => panic!("records() gave {x:?}, read_block() gave {y:?}"),
                }
            }
        }
        _ => panic!("the two readers disagree on opening the same input"),
    }
}
