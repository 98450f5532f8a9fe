//! `bordertrack export LAYER`: every layer, its feature counts and its typed values.

use crate::util::{bordertrack, export_geojson, TestResult};

fn features(v: &serde_json::Value) -> &[serde_json::Value] {
    v["features"].as_array().map_or(&[], Vec::as_slice)
}

#[test]
fn status_layer_has_one_feature_per_segment_and_interval_with_dates() -> TestResult {
    let borders = bordertrack::Borders::embedded()?;
    let timelines = borders.timelines(bordertrack::Basis::InForce);
    let expected: usize = (0..borders.dataset().segments().len())
        .map(|i| bordertrack::layers::status_intervals(timelines, i).len())
        .sum();
    let v = export_geojson(&["status"])?;
    let fs = features(&v);
    assert_eq!(fs.len(), expected);
    assert!(fs.len() > borders.dataset().segments().len());
    // Intervals of one segment follow each other: each ends where the next begins.
    let kaz_uzb_01: Vec<_> = fs
        .iter()
        .filter(|f| f["properties"]["segment_id"] == "KAZ-UZB-01")
        .collect();
    assert!(kaz_uzb_01.len() >= 2);
    for pair in kaz_uzb_01.windows(2) {
        assert_eq!(
            pair[0]["properties"]["valid_to"],
            pair[1]["properties"]["valid_from"]
        );
    }
    assert!(kaz_uzb_01[0]["properties"]["valid_from"].is_null());
    assert!(kaz_uzb_01[kaz_uzb_01.len() - 1]["properties"]["valid_to"].is_null());
    let date = kaz_uzb_01[1]["properties"]["valid_from"]
        .as_str()
        .unwrap_or("");
    assert!(
        date.parse::<jiff::civil::Date>().is_ok(),
        "{date:?} is a date"
    );
    assert_eq!(kaz_uzb_01[1]["geometry"]["type"], "LineString");
    Ok(())
}

#[test]
fn status_layer_at_a_date_keeps_the_intervals_in_force_then() -> TestResult {
    let v = export_geojson(&["status", "--as-of", "2002-01-01", "--dyad", "KAZ-UZB"])?;
    let all = export_geojson(&["segments", "--as-of", "2002-01-01", "--dyad", "KAZ-UZB"])?;
    // One interval per segment on a single day, with the status the segments layer gives.
    assert_eq!(features(&v).len(), features(&all).len());
    for (a, b) in features(&v).iter().zip(features(&all)) {
        assert_eq!(a["properties"]["segment_id"], b["properties"]["segment_id"]);
        assert_eq!(
            a["properties"]["delimitation"],
            b["properties"]["delimitation"]
        );
        assert_eq!(
            a["properties"]["demarcation"],
            b["properties"]["demarcation"]
        );
    }
    Ok(())
}

#[test]
fn segments_places_and_instruments_layers_are_typed() -> TestResult {
    let data = bordertrack::Dataset::embedded()?;
    let seg = export_geojson(&["segments", "--as-of", "2024-01-01"])?;
    assert_eq!(features(&seg).len(), data.segments().len());
    assert!(features(&seg)[0]["properties"]["length_km"].is_f64());
    let places = export_geojson(&["places", "--as-of", "2024-01-01"])?;
    assert_eq!(features(&places).len(), data.places().len());
    assert_eq!(features(&places)[0]["geometry"]["type"], "Point");
    let ins = export_geojson(&["instruments"])?;
    assert_eq!(features(&ins).len(), data.instruments().len());
    assert!(features(&ins)[0]["geometry"].is_null());
    let kaz_uzb = export_geojson(&["instruments", "--dyad", "UZB-KAZ"])?;
    assert!(features(&kaz_uzb)
        .iter()
        .all(|f| f["properties"]["dyad"] == "KAZ-UZB"));
    assert!(features(&kaz_uzb).len() < data.instruments().len());
    Ok(())
}

#[test]
fn incidents_layer_is_the_incidents_command() -> TestResult {
    let a = bordertrack(["export", "incidents", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let b = bordertrack(["incidents", "--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(String::from_utf8(a)?, String::from_utf8(b)?);
    Ok(())
}

#[test]
fn on_is_refused_for_layers_without_status() -> TestResult {
    bordertrack(["export", "places", "--on", "delimited"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not to places"));
    Ok(())
}

#[test]
fn basis_chooses_when_an_agreement_counts_in_the_exported_layer() -> TestResult {
    // The 2002 KAZ-UZB agreement on the open sections: signed 2002-09-09, in force
    // 2003-09-05. Between the two, the sections are delimited by signature only.
    let delimitation = |basis: &str| -> Result<Vec<(String, String)>, Box<dyn std::error::Error>> {
        let layer = export_geojson(&[
            "segments",
            "--dyad",
            "KAZ-UZB",
            "--as-of",
            "2003-01-01",
            "--basis",
            basis,
        ])?;
        let mut pairs: Vec<(String, String)> = features(&layer)
            .iter()
            .map(|f| {
                let p = &f["properties"];
                (
                    p["segment_id"].as_str().unwrap_or_default().to_string(),
                    p["delimitation"].as_str().unwrap_or_default().to_string(),
                )
            })
            .collect();
        pairs.sort();
        Ok(pairs)
    };
    let signed = delimitation("signed")?;
    let in_force = delimitation("in-force")?;
    assert!(signed.iter().all(|(_, d)| d == "delimited"), "{signed:?}");
    assert!(
        in_force.iter().any(|(_, d)| d == "disputed"),
        "{in_force:?}"
    );
    assert_eq!(signed.len(), in_force.len());
    Ok(())
}
