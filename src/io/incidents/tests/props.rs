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

    /// Converting blocks into a vector kept from block to block gives the incidents and the
    /// problems, in row order, that lending one incident row after row gives.
    #[test]
    fn converting_into_a_kept_vector_gives_each_row_s_rows(
        header in prop::sample::select(vec![
            "id,date,lat,lon,precision_m,fatalities,summary",
            "id;date;lat;lon",
            ACLED_HEADER,
        ]),
        body in "([A-Za-z0-9 .,;\"\\-:]{0,30}(\r?\n)){0,30}",
        good in prop::collection::vec((-89.0..89.0f64, -179.0..179.0f64), 0..20),
        block_bytes in 1usize..300,
    ) {
        let mut input = format!("{header}\n{body}");
        for (k, (lat, lon)) in good.iter().enumerate() {
            let sep = if header.contains(';') { ";" } else { "," };
            input.push_str(&["G", &k.to_string(), sep, "2006-04-19", sep, &lat.to_string(), sep,
                &lon.to_string(), "\n"].concat());
        }
        let json = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{POINT},{},{}]}}",
            r#"{"type":"Feature","geometry":null,"properties":{"id":"G3","date":"2006"}}"#,
            POINT.replace("G1", "G2"),
        );
        // The features read one by one, the way that shares nothing with blocks.
        let features: Vec<Result<Incident, String>> = IncidentReader::from_reader(json.as_bytes(), "p")
            .map(|mut r| r.records().map(|r| r.map_err(|p| p.to_string())).collect())
            .unwrap_or_default();
        prop_assert_eq!(features.len(), 3);
        for text in [input, json] {
            let mut all = Vec::new();
            let open = || IncidentReader::from_reader(text.as_bytes(), "p");
            let (Ok(mut lent), Ok(mut kept)) = (open(), open()) else {
                continue;
            };
            let (by_row, into) = (lent.parser(), kept.parser());
            // Left over from an earlier block: overwritten, never seen.
            let mut incidents = vec![crate::io::incidents::convert::blank_incident(); 3];
            incidents[1].id = "left over".to_string();
            loop {
                let (a, b) = (lent.read_block(block_bytes, 7), kept.read_block(block_bytes, 7));
                let (Some(a), Some(b)) = (a, b) else {
                    prop_assert!(lent.read_block(1, 1).is_none() && kept.read_block(1, 1).is_none());
                    break;
                };
                let mut want = Vec::new();
                by_row.each_row(a, |_, r| want.push(r.cloned().map_err(|p| p.to_string())));
                let mut problems = Vec::new();
                let n = into.convert_into(b, &mut incidents, |before, p| {
                    problems.push((before, p.to_string()));
                });
                let mut got = Vec::new();
                let mut problems = problems.into_iter().peekable();
                for (i, inc) in incidents.iter().take(n).enumerate() {
                    while let Some((_, p)) = problems.next_if(|(before, _)| *before <= i) {
                        got.push(Err(p));
                    }
                    got.push(Ok(inc.clone()));
                }
                got.extend(problems.map(|(_, p)| Err(p)));
                prop_assert_eq!(&got, &want);
                all.extend(got);
            }
            if text.starts_with('{') {
                prop_assert_eq!(&all, &features);
            }
        }
    }
}
