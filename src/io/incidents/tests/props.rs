//! Property tests: no input, however malformed, panics the reader.

use proptest::prelude::*;

use super::*;

fn run(bytes: &[u8]) -> usize {
    match IncidentReader::from_reader(bytes, "p") {
        Ok(mut r) => r.records().take(100_000).count(),
        Err(e) => {
            assert!(!e.to_string().is_empty());
            0
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        run(&bytes);
        let mut json = b"{\"type\":\"FeatureCollection\",\"features\":[".to_vec();
        json.extend_from_slice(&bytes);
        run(&json);
    }

    #[test]
    fn csv_like_text_never_panics_and_yields_at_most_one_item_per_line(
        header in prop::sample::select(vec![
            "id,date,lat,lon,precision_m,fatalities,summary",
            "id;date;lat;lon",
            ACLED_HEADER,
            UCDP_HEADER,
        ]),
        body in "([A-Za-z0-9 .,;\t\"\\-/:é\u{feff}]{0,40}(\r?\n)){0,30}",
    ) {
        let input = format!("{header}\n{body}");
        let lines = input.matches('\n').count() + 1;
        let n = run(input.as_bytes());
        prop_assert!(n <= lines);
    }

    #[test]
    fn geojson_like_text_never_panics(
        body in "[\\[\\]{}\",:0-9a-zA-Z. \n-]{0,200}",
    ) {
        run(format!("{{\"type\":\"FeatureCollection\",\"features\":[{body}").as_bytes());
        run(format!("{{{body}").as_bytes());
    }
}
