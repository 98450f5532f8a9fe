//! `bordertrack import polygons` on the synthetic country files of `tests/fixtures/import/`.

use serde_json::Value;

use crate::util::{fixture, TestResult, Workdir};

fn arg(name: &str) -> String {
    fixture("import").join(name).display().to_string()
}

/// (id, part, precision_m, source_id, coordinates) of a feature written.
type Feature = (String, u64, f64, String, Value);

/// Each feature written.
fn features(path: &std::path::Path) -> Result<Vec<Feature>, Box<dyn std::error::Error>> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let mut out = Vec::new();
    for f in v["features"].as_array().ok_or("no features")? {
        let p = &f["properties"];
        out.push((
            p["id"].as_str().ok_or("id")?.to_string(),
            p["part"].as_u64().ok_or("part")?,
            p["precision_m"].as_f64().ok_or("precision_m")?,
            p["source_id"].as_str().ok_or("source_id")?.to_string(),
            f["geometry"]["coordinates"].clone(),
        ));
    }
    Ok(out)
}

#[test]
fn features_without_an_iso_code_are_refused_and_nothing_is_written() -> TestResult {
    let w = Workdir::new()?;
    let out = w
        .bordertrack([
            "import",
            "polygons",
            &arg("polygons.geojson"),
            "--precision",
            "100m",
            "--tolerance",
            "100m",
            "--source-id",
            "s",
            "-o",
            "segments.geojson",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    let file = arg("polygons.geojson");
    assert!(
        stderr.contains(&format!(
            "{file}: feature 3: no ISO 3166-1 code in its properties or id (no code): left out"
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!(
        "{file}: feature 4 (id \"XKX\"): no officially assigned ISO 3166-1 code (id = \"XKX\" is not one) (user-assigned code): left out"
    )), "{stderr}");
    assert!(!w.join("segments.geojson").exists());
    Ok(())
}

#[test]
fn geojson_polygons_give_dyad_lines_cut_by_the_cuts_file() -> TestResult {
    let w = Workdir::new()?;
    let out = w
        .bordertrack([
            "import",
            "polygons",
            &arg("polygons.geojson"),
            "--precision",
            "100m",
            "--tolerance",
            "100m",
            "--source-id",
            "s",
            "--leave-out-uncoded",
            "--cuts",
            &arg("cuts.csv"),
            "-o",
            "segments.geojson",
        ])
        .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.ends_with("bordertrack: 5 segments in 3 dyads; 2 features left out\n"),
        "{stderr}"
    );
    let got = features(&w.join("segments.geojson"))?;
    let ids: Vec<&str> = got.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        ids,
        [
            "KAZ-KGZ-01",
            "KAZ-UZB-01",
            "KAZ-UZB-02",
            "KAZ-UZB-03",
            "KGZ-UZB-01"
        ]
    );
    // KAZ (west) on the left: the shared side runs north, cut at (1, 0.5)
    assert_eq!(got[1].4, serde_json::json!([[1.0, 0.0], [1.0, 0.5]]));
    assert_eq!(got[2].4, serde_json::json!([[1.0, 0.5], [1.0, 1.0]]));
    assert_eq!((got[1].2, got[1].3.as_str()), (100.0, "s"));
    assert_eq!((got[2].2, got[2].3.as_str()), (5000.0, "synthetic"));
    // the UZB polygon laid over KAZ is part 2: a closed ring, clockwise (KAZ outside, on the left)
    let ring = got[3].4.as_array().ok_or("ring")?;
    assert_eq!(got[3].1, 2);
    assert_eq!(ring.first(), ring.last());
    assert_eq!(ring[1], serde_json::json!([0.4, 0.6]));
    // KAZ-KGZ runs west along y = 1 (KAZ to the south, on the left)
    assert_eq!(got[0].4, serde_json::json!([[1.0, 1.0], [0.0, 1.0]]));
    Ok(())
}

#[test]
fn topojson_with_iso_numeric_ids_gives_the_shared_arc() -> TestResult {
    let w = Workdir::new()?;
    w.bordertrack([
        "import",
        "polygons",
        &arg("polygons.topojson"),
        "--precision",
        "2km",
        "--tolerance",
        "10m",
        "--source-id",
        "ne",
        "-o",
        "out.geojson",
    ])
    .assert()
    .success();
    let got = features(&w.join("out.geojson"))?;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, "KAZ-UZB-01");
    assert_eq!(got[0].2, 2000.0);
    assert_eq!(
        got[0].4,
        serde_json::json!([[1.0, 0.0], [1.0, 0.5], [1.0, 1.0]])
    );
    Ok(())
}

#[test]
fn bad_cuts_are_all_reported_and_an_input_is_never_overwritten() -> TestResult {
    let w = Workdir::new()?;
    let out = w
        .bordertrack([
            "import",
            "polygons",
            &arg("polygons.topojson"),
            "--precision",
            "2km",
            "--source-id",
            "ne",
            "--cuts",
            &arg("bad-cuts.csv"),
            "-o",
            "out.geojson",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    let cuts = arg("bad-cuts.csv");
    assert!(
        stderr.contains(&format!("{cuts}:4: KAZ-UZB has 1 part(s) in")),
        "{stderr}"
    );
    assert!(
        stderr.contains("KAZ-UZB part 1: line 2: break (3, 3) is"),
        "{stderr}"
    );
    assert!(!w.join("out.geojson").exists());
    let copy = w.write("countries.json", std::fs::read(arg("polygons.topojson"))?)?;
    let before = std::fs::read(&copy)?;
    let out = w
        .bordertrack([
            "import",
            "polygons",
            "countries.json",
            "--precision",
            "2km",
            "--source-id",
            "ne",
            "-o",
            "countries.json",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("refusing to overwrite an input file"));
    assert_eq!(std::fs::read(&copy)?, before);
    Ok(())
}
