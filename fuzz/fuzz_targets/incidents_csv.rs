//! Arbitrary bytes as an incident table through `IncidentReader`: never a panic; every item is
//! an incident with finite in-range coordinates, a finite non-negative precision and a
//! non-empty date span, or a problem with a message; `records()` and the library pipeline the
//! command line uses (`Borders::classify_table`, every row written), with and without the
//! duplicate-id check, give the same incidents and problems in the same order.
//!
//! The first byte picks the mode: a plain, ACLED or UCDP GED header followed by the rest of
//! the input, or (mode 3) the rest alone.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "incidents_check.rs"]
mod check;

const HEADERS: [&[u8]; 3] = [
    b"id,date,lat,lon,precision_m,kind,summary,fatalities,source_id\n",
    b"event_id_cnty,event_date,time_precision,latitude,longitude,geo_precision,event_type,notes,fatalities,source\n",
    b"id,date_start,date_end,latitude,longitude,where_prec,best,type_of_violence,where_description,source_article\n",
];

fuzz_target!(|input: &[u8]| {
    let Some((&mode, rest)) = input.split_first() else {
        return;
    };
    let bytes: Vec<u8> = match HEADERS.get(usize::from(mode & 3)) {
        Some(h) => [*h, rest].concat(),
        None => rest.to_vec(),
    };
    check::same_both_ways(&bytes);
});
