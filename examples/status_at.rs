//! Embed the library: load a dataset and ask the status of a stretch of border at a date.
//!
//! ```text
//! cargo run --example status_at                      # KAZ-UZB, 1 January 2002, embedded data
//! cargo run --example status_at -- KAZ-UZB 2003-10    # another date (a month is a span)
//! cargo run --example status_at -- XAA-XBB 2002 tests/fixtures/tiny
//! ```

use bordertrack::query::Resolved;
use bordertrack::{Basis, Borders, Dyad, PartialDate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dyad: Dyad = args.next().as_deref().unwrap_or("KAZ-UZB").parse()?;
    let date: PartialDate = args.next().as_deref().unwrap_or("2002-01-01").parse()?;
    let borders = match args.next() {
        Some(dir) => Borders::load(dir)?,
        None => Borders::embedded()?,
    };
    let data = borders.dataset();

    println!("{dyad} as of {date} (changes counted from entry into force):");
    for (i, seg) in data.segments().iter().enumerate() {
        if seg.dyad != dyad {
            continue;
        }
        let status = borders.status(i, date.span(), Basis::InForce);
        let provenance = match &status.delimitation {
            Resolved::Known { since: Some(e), .. } => {
                let ins = borders
                    .change(e.by)
                    .and_then(|c| c.instrument_id.as_deref())
                    .and_then(|id| data.instrument(id));
                match ins {
                    Some(ins) => format!("since {} by {:?}", e.effective, ins.title),
                    None => format!("since {}", e.effective),
                }
            }
            Resolved::Known { since: None, .. } => "no recorded change".to_string(),
            Resolved::Ambiguous { .. } => status.ambiguity(),
        };
        println!(
            "  {:<12} {:>9.1} km  {:<11} {:<11} {}  ({})",
            seg.id,
            seg.length_m() / 1000.0,
            status.delimitation_word(),
            status.demarcation_word(),
            seg.name,
            provenance
        );
    }
    Ok(())
}
