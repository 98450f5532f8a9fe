//! The files of `tests/fixtures/tiny`, a valid dataset, shared by the dataset fuzz targets.

/// Each file of the tiny dataset with its name.
pub const TINY: [(&str, &[u8]); 6] = [
    (
        "sources.csv",
        include_bytes!("../../tests/fixtures/tiny/sources.csv"),
    ),
    (
        "instruments.csv",
        include_bytes!("../../tests/fixtures/tiny/instruments.csv"),
    ),
    (
        "segments.geojson",
        include_bytes!("../../tests/fixtures/tiny/segments.geojson"),
    ),
    (
        "status.csv",
        include_bytes!("../../tests/fixtures/tiny/status.csv"),
    ),
    (
        "places.geojson",
        include_bytes!("../../tests/fixtures/tiny/places.geojson"),
    ),
    (
        "incidents.csv",
        include_bytes!("../../tests/fixtures/tiny/incidents.csv"),
    ),
];
