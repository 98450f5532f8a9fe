//! Arbitrary bytes as an incident table through `IncidentReader`: never a panic; every item is
//! an incident with finite in-range coordinates, a finite non-negative precision and a
//! non-empty date span, or a problem with a message; `records()` and the block API the
//! command line uses (`read_block` + `parser().parse_block` + `check_id`, or without the
//! duplicate-id check `read_block` + `parser().convert_into`) give the same items.
//!
//! The first byte picks the mode: a plain, ACLED or UCDP GED header followed by the rest of
//! the input, or (mode 3) the rest alone. Its high bits pick the block size.
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
    let batch = usize::from(mode >> 2) % 7 + 1;
    let bytes: Vec<u8> = match HEADERS.get(usize::from(mode & 3)) {
        Some(h) => [*h, rest].concat(),
        None => rest.to_vec(),
    };
    check::same_both_ways(&bytes, batch);
});
