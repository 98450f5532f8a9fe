//! Embed the spatial engine: classify the incidents of a CSV file and print those that fell on
//! stretches not yet demarcated at the time, with the stretch and its status.
//!
//! ```text
//! cargo run --example on_undemarcated -- incidents.csv            # embedded dataset
//! cargo run --example on_undemarcated -- incidents.csv my-dataset 5km
//! ```
//!
//! The CSV may be plain (`id,date,lat,lon[,precision_m,…]`), an ACLED export or a UCDP GED
//! table. Bad rows are reported on stderr and skipped.

use bordertrack::io::{parse_distance_m, IncidentReader};
use bordertrack::query::IncidentQuery;
use bordertrack::{Basis, Borders, StatusFilter};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .ok_or("usage: on_undemarcated FILE.csv [DATASET_DIR] [DISTANCE]")?;
    let borders = match args.next() {
        Some(dir) => Borders::load(dir)?,
        None => Borders::embedded()?,
    };
    let within_m = parse_distance_m(args.next().as_deref().unwrap_or("1km"))?;

    // Each incident at its own date, of any dyad, keeping possible matches.
    let query = IncidentQuery {
        filter: "not_demarcated".parse::<StatusFilter>()?,
        ..IncidentQuery::within(within_m)
    };
    let mut reader = IncidentReader::from_path(&file)?;
    for row in reader.records() {
        let incident = match row {
            Ok(i) => i,
            Err(problem) => {
                eprintln!("{problem}");
                continue;
            }
        };
        if let Some(m) = borders.classify(&incident, &query, Basis::InForce)? {
            let segment = borders
                .segment(m.located.segment_index)
                .ok_or("a match names a segment of the dataset")?;
            println!(
                "{} {} on {} ({}) {:.0} m away, km {:.1}: {} / {}",
                incident.id,
                incident.date,
                segment.id,
                segment.name,
                m.located.distance_m,
                m.located.chainage_m / 1000.0,
                m.status.delimitation_word(),
                m.status.demarcation_word()
            );
        }
    }
    Ok(())
}
