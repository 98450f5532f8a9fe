//! Checks shared by the incident-reader targets.

use bordertrack::io::IncidentReader;
use bordertrack::{Error, Incident, Problem};

/// Opens `input`; `None` when the reader rejects it as a whole, after checking that the
/// rejection is an `Invalid` error listing problems with messages.
pub fn open(input: &[u8]) -> Option<IncidentReader<&[u8]>> {
    match IncidentReader::from_reader(input, "fuzz.in") {
        Ok(r) => Some(r),
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
pub fn via_records(input: &[u8]) -> Option<Vec<Result<Incident, Problem>>> {
    let mut reader = open(input)?;
    let items: Vec<_> = reader.records().collect();
    items.iter().for_each(check_item);
    Some(items)
}

/// All items through the block API the command line uses (`read_block`,
/// `parser().parse_block`, `check_id`), in blocks of about `batch * 16` bytes of CSV or
/// `batch` GeoJSON features.
pub fn via_batches(input: &[u8], batch: usize) -> Option<Vec<Result<Incident, Problem>>> {
    let mut reader = open(input)?;
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

/// `records()` and the block API agree item for item.
pub fn same_both_ways(input: &[u8], batch: usize) {
    let one = via_records(input);
    let two = via_batches(input, batch);
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
