//! `bordertrack init` and the importers that write whole dataset directories
//! (`import natural-earth`, `import lsib`, `import geojson`), on the excerpts of
//! `tests/fixtures/import/`: each result must validate and answer the other commands.

use crate::util::{cell, csv_rows, fixture, stdout_of, TestResult, Workdir};

fn arg(name: &str) -> String {
    fixture("import").join(name).display().to_string()
}

/// The segment ids `segments --data DIR ARGS...` lists.
fn segment_ids(
    w: &Workdir,
    dir: &str,
    args: &[&str],
) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let mut all = vec!["segments", "--data", dir];
    all.extend_from_slice(args);
    let (_, rows) = csv_rows(&stdout_of(&mut w.bordertrack(all))?)?;
    rows.iter()
        .map(|r| cell(r, "segment_id").map(str::to_string))
        .collect()
}

/// Runs `import natural-earth FILE --date 2022-05-12 MORE... -o ne` on the excerpt `name`.
fn import_natural_earth(w: &Workdir, name: &str, more: &[&str]) -> TestResult {
    let file = arg(name);
    let mut all = vec!["import", "natural-earth", &file, "--date", "2022-05-12"];
    all.extend_from_slice(more);
    all.extend_from_slice(&["-o", "ne"]);
    stdout_of(&mut w.bordertrack(all))?;
    Ok(())
}

fn validates(w: &Workdir, dir: &str) -> TestResult {
    let out = w.bordertrack(["validate", "--data", dir]).output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        out.status.success(),
        "{}{stderr}",
        String::from_utf8(out.stdout)?
    );
    assert!(stderr.contains("dataset is valid"), "{stderr}");
    Ok(())
}

#[test]
fn init_writes_an_empty_dataset_that_validates_and_never_touches_a_non_empty_dir() -> TestResult {
    let w = Workdir::new()?;
    stdout_of(&mut w.bordertrack(["init", "new"]))?;
    validates(&w, "new")?;
    let readme = std::fs::read_to_string(w.join("new/README.md"))?;
    for name in [
        "sources.csv",
        "status.csv",
        "segments.geojson",
        "incidents.csv",
    ] {
        assert!(readme.contains(name), "README says nothing of {name}");
    }
    let header = std::fs::read_to_string(w.join("new/status.csv"))?;
    assert_eq!(
        header,
        "segment_id,date,delimitation,demarcation,instrument_id,source_id,note\n"
    );
    assert!(segment_ids(&w, "new", &[])?.is_empty());
    // a second init over it is refused and changes nothing
    let out = w.bordertrack(["init", "new"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("not empty"));
    assert_eq!(std::fs::read_to_string(w.join("new/status.csv"))?, header);
    // an empty directory is fine
    std::fs::create_dir(w.join("empty"))?;
    stdout_of(&mut w.bordertrack(["init", "empty"]))?;
    validates(&w, "empty")
}

#[test]
fn the_natural_earth_excerpt_gives_a_dataset_that_validates_and_answers() -> TestResult {
    let w = Workdir::new()?;
    import_natural_earth(
        &w,
        "natural-earth-excerpt.geojson",
        &["--ne-version", "5.1.1"],
    )?;
    validates(&w, "ne")?;
    // five features, the Danish-German one in two pieces
    let all = segment_ids(&w, "ne", &["--as-of", "2023-01-01"])?;
    assert_eq!(
        all,
        [
            "CAN-USA-01",
            "DEU-DNK-01",
            "DEU-DNK-02",
            "DEU-POL-01",
            "IRN-IRQ-01",
            "NOR-SWE-01"
        ]
    );
    // "Indefinite (please verify)" is undelimited; no line of the excerpt is disputed
    let undelimited = segment_ids(&w, "ne", &["--on", "undelimited", "--as-of", "2023"])?;
    assert_eq!(undelimited, ["CAN-USA-01"]);
    assert!(segment_ids(&w, "ne", &["--on", "disputed", "--as-of", "2023"])?.is_empty());
    // before the release date nothing is known
    let before = segment_ids(&w, "ne", &["--on", "undelimited", "--as-of", "2020"])?;
    assert!(before.is_empty(), "{before:?}");
    // every status row cites Natural Earth, whose row gives version and URL
    let (_, status) = csv_rows(&std::fs::read_to_string(w.join("ne/status.csv"))?)?;
    assert_eq!(status.len(), 6);
    assert!(status.iter().all(|r| r["source_id"] == "natural-earth"));
    let (_, sources) = csv_rows(&std::fs::read_to_string(w.join("ne/sources.csv"))?)?;
    assert!(sources[0]["title"].contains("5.1.1"));
    assert!(sources[0]["url"].starts_with("https://www.naturalearthdata.com/"));
    // the output directory is never written over
    let file = arg("natural-earth-excerpt.geojson");
    let out = w
        .bordertrack([
            "import",
            "natural-earth",
            &file,
            "--date",
            "2022",
            "-o",
            "ne",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

/// Real Natural Earth lines with `FEATURECLA` "Disputed (please verify)" (Hala'ib on the
/// Egypt–Sudan line, a stretch of the Croatia–Slovenia line): the imported dataset validates,
/// `segments --on disputed` lists exactly those two and not the Egypt–Sudan line along 22°N
/// beside them, and Egypt's own view (`FCLASS_EG`) of the Hala'ib line becomes a claim.
#[test]
fn the_natural_earth_disputed_excerpt_answers_segments_on_disputed() -> TestResult {
    let w = Workdir::new()?;
    import_natural_earth(
        &w,
        "natural-earth-disputed-excerpt.geojson",
        &["--ne-version", "5.1.1"],
    )?;
    validates(&w, "ne")?;
    let all = segment_ids(&w, "ne", &["--as-of", "2023-01-01"])?;
    assert_eq!(all, ["EGY-SDN-01", "EGY-SDN-02", "HRV-SVN-01"]);
    let disputed = segment_ids(&w, "ne", &["--on", "disputed", "--as-of", "2023"])?;
    assert_eq!(disputed, ["EGY-SDN-02", "HRV-SVN-01"]);
    let egypt = segment_ids(
        &w,
        "ne",
        &["--on", "disputed", "--as-of", "2023", "--pov", "EGY"],
    )?;
    assert_eq!(
        egypt,
        ["HRV-SVN-01"],
        "Egypt does not hold its line disputed"
    );
    let claims = std::fs::read_to_string(w.join("ne/claims.geojson"))?;
    assert!(claims.contains("\"party\":\"EGY\"") && claims.contains("EGY-SDN-02"));
    Ok(())
}

#[test]
fn the_synthetic_lsib_lines_give_a_dataset_that_validates_and_answers() -> TestResult {
    let w = Workdir::new()?;
    let file = arg("lsib-synthetic.geojson");
    stdout_of(&mut w.bordertrack([
        "import",
        "lsib",
        &file,
        "--date",
        "2013-03-08",
        "-o",
        "lsib",
    ]))?;
    validates(&w, "lsib")?;
    // FIPS TI is Tajikistan, KG Kyrgyzstan: the "other line" is disputed
    let disputed = segment_ids(&w, "lsib", &["--on", "disputed", "--as-of", "2014"])?;
    assert_eq!(disputed, ["KGZ-TJK-01"]);
    // "Indefinite" in the label: both pieces of the MultiLineString are undelimited
    let undelimited = segment_ids(&w, "lsib", &["--on", "undelimited", "--as-of", "2014"])?;
    assert_eq!(undelimited, ["KGZ-UZB-01", "KGZ-UZB-02"]);
    let (_, status) = csv_rows(&std::fs::read_to_string(w.join("lsib/status.csv"))?)?;
    assert!(status.iter().all(|r| r["source_id"] == "lsib"));
    assert!(status[0]["note"].contains("LSIB STATUS: International Boundary"));
    // read as ISO alpha-2, TI is no country: refused, naming the code, nothing written
    let out = w
        .bordertrack([
            "import", "lsib", &file, "--date", "2013", "--codes", "alpha2", "-o", "iso",
        ])
        .output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("\"TI\" (TAJIKISTAN)"), "{stderr}");
    assert!(!w.join("iso").exists());
    // ... unless a code map gives it
    w.write("map.csv", "code,alpha3\nTI,TJK\n")?;
    stdout_of(&mut w.bordertrack([
        "import",
        "lsib",
        &file,
        "--date",
        "2013",
        "--codes",
        "alpha2",
        "--code-map",
        "map.csv",
        "-o",
        "iso",
    ]))?;
    validates(&w, "iso")
}

#[test]
fn generic_lines_are_read_through_a_column_mapping() -> TestResult {
    let w = Workdir::new()?;
    let common = [
        "--status-values",
        "Agreed=delimited,Claimed=disputed",
        "--precision",
        "1km",
        "--source-id",
        "syn",
        "--source-title",
        "Synthetic lines",
        "--source-publisher",
        "bordertrack tests",
        "--source-url",
        "https://example.org/synthetic",
    ];
    let mut args = vec![
        "import".to_string(),
        "geojson".into(),
        arg("lines-synthetic.geojson"),
        "--map".into(),
        "left=A,right=B,status=S,date=SINCE,note=N".into(),
        "--date".into(),
        "2020".into(),
        "-o".into(),
        "g".into(),
    ];
    args.extend(common.iter().map(|s| s.to_string()));
    stdout_of(&mut w.bordertrack(&args))?;
    validates(&w, "g")?;
    let (_, status) = csv_rows(&std::fs::read_to_string(w.join("g/status.csv"))?)?;
    // the line's own date, or --date where it has none; alpha-2 "kg" read as KGZ
    assert_eq!(status[0]["segment_id"], "KAZ-UZB-01");
    assert_eq!(status[0]["date"], "2002-10-09");
    assert_eq!(status[1]["segment_id"], "KGZ-TJK-01");
    assert_eq!(status[1]["date"], "2020");
    assert_eq!(
        segment_ids(&w, "g", &["--on", "disputed", "--as-of", "2021"])?,
        ["KGZ-TJK-01"]
    );
    assert!(segment_ids(&w, "g", &["--on", "delimited", "--as-of", "2002-10-08"])?.is_empty());
    // without the value map the words are not statuses: every bad line is reported
    args.retain(|a| a != "Agreed=delimited,Claimed=disputed" && a != "--status-values");
    args[8] = "g2".into();
    let out = w.bordertrack(&args).output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("\"Agreed\"") && stderr.contains("\"Claimed\""),
        "{stderr}"
    );
    // the real Natural Earth excerpt, read generically
    stdout_of(&mut w.bordertrack([
        "import",
        "geojson",
        &arg("natural-earth-excerpt.geojson"),
        "--map",
        "left=ADM0_A3_L,right=ADM0_A3_R,status=FEATURECLA",
        "--status-values",
        "Indefinite (please verify)=undelimited,International boundary (verify)=unknown",
        "--date",
        "2022",
        "--precision",
        "2km",
        "--source-id",
        "ne",
        "--source-title",
        "Natural Earth",
        "--source-publisher",
        "Natural Earth",
        "--source-url",
        "https://www.naturalearthdata.com/",
        "-o",
        "ne",
    ]))?;
    validates(&w, "ne")?;
    assert_eq!(
        segment_ids(&w, "ne", &["--on", "undelimited", "--as-of", "2023"])?,
        ["CAN-USA-01"]
    );
    Ok(())
}

#[test]
fn points_of_view_from_natural_earth_answer_segments_as_each_party_held_them() -> TestResult {
    let w = Workdir::new()?;
    import_natural_earth(&w, "natural-earth-views-synthetic.geojson", &[])?;
    validates(&w, "ne")?;
    let claims: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(w.join("ne/claims.geojson"))?)?;
    // CHN's differing view of KGZ-TJK, IND's of IND-PAK; RUS and PAK agree with the class,
    // ISO is no country
    let parties: Vec<&str> = claims["features"]
        .as_array()
        .ok_or("features")?
        .iter()
        .filter_map(|f| f["properties"]["party"].as_str())
        .collect();
    assert_eq!(parties, ["IND", "CHN"]);
    let on = |pov: Option<&str>, status: &str| {
        let mut a = vec!["--on", status, "--as-of", "2023"];
        if let Some(p) = pov {
            a.extend(["--pov", p]);
        }
        segment_ids(&w, "ne", &a)
    };
    // the line of control is disputed in the dataset's own words
    assert_eq!(on(None, "disputed")?, ["IND-PAK-01"]);
    // as China held it, the Kyrgyz-Tajik line is disputed too; as Russia held it, not
    assert_eq!(on(Some("CHN"), "disputed")?, ["IND-PAK-01", "KGZ-TJK-01"]);
    assert_eq!(on(Some("RUS"), "disputed")?, ["IND-PAK-01"]);
    // before the views were recorded, nothing differs
    let before = segment_ids(
        &w,
        "ne",
        &["--on", "disputed", "--as-of", "2021", "--pov", "CHN"],
    )?;
    assert!(before.is_empty(), "{before:?}");
    Ok(())
}

#[test]
fn a_claim_with_its_own_line_gives_that_line_as_the_party_held_it() -> TestResult {
    let w = Workdir::new()?;
    import_natural_earth(&w, "natural-earth-views-synthetic.geojson", &[])?;
    // a hand-made claim: KGZ drew its own line for 2020-2021
    w.write(
        "ne/claims.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "geometry":{"type":"LineString","coordinates":[[0.0,0.01],[0.1,0.01]]},
          "properties":{"id":"kgz-own","party":"KGZ","segment_id":"KGZ-TJK-01",
            "delimitation":"disputed","valid_from":"2020","valid_to":"2021",
            "source_id":"natural-earth","note":"synthetic"}}]}"#,
    )?;
    validates(&w, "ne")?;
    let geojson = stdout_of(&mut w.bordertrack([
        "segments",
        "--data",
        "ne",
        "--as-of",
        "2021-06-01",
        "--pov",
        "KGZ",
        "--dyad",
        "KGZ-TJK",
        "--format",
        "geojson",
    ]))?;
    let v: serde_json::Value = serde_json::from_str(&geojson)?;
    let f = &v["features"][0];
    assert_eq!(f["properties"]["delimitation"], "disputed");
    assert_eq!(f["geometry"]["coordinates"][0][1], 0.01);
    // after the claim ends, the dataset's own line and status
    let geojson = stdout_of(&mut w.bordertrack([
        "segments", "--data", "ne", "--as-of", "2023", "--pov", "KGZ", "--dyad", "KGZ-TJK",
        "--format", "geojson",
    ]))?;
    let v: serde_json::Value = serde_json::from_str(&geojson)?;
    assert_eq!(v["features"][0]["properties"]["delimitation"], "unknown");
    assert_eq!(v["features"][0]["geometry"]["coordinates"][0][1], 0.0);
    // a claim naming an unknown segment is a validation problem
    w.write(
        "ne/claims.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,
          "properties":{"id":"x","party":"KGZ","segment_id":"NOPE","delimitation":"disputed",
            "source_id":"natural-earth"}}]}"#,
    )?;
    let out = w.bordertrack(["validate", "--data", "ne"]).output()?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stdout)?.contains("unknown segment_id \"NOPE\""));
    Ok(())
}

/// `stats --pov` counts each segment as the party held it, as `segments --pov` lists it: the
/// view's delimitation, its own line's length, and an ambiguous delimitation for a span the
/// view covers only in part.
#[test]
fn stats_take_a_point_of_view_as_segments_do() -> TestResult {
    let w = Workdir::new()?;
    import_natural_earth(&w, "natural-earth-views-synthetic.geojson", &[])?;
    let stats = |args: &[&str]| -> Result<Vec<(String, f64)>, Box<dyn std::error::Error>> {
        let mut all = vec!["stats", "--data", "ne", "--dyad", "KGZ-TJK"];
        all.extend_from_slice(args);
        let (header, rows) = csv_rows(&stdout_of(&mut w.bordertrack(all))?)?;
        let row = rows.first().ok_or("one row")?;
        header
            .iter()
            .filter(|h| h.ends_with("_km"))
            .map(|h| Ok((h.clone(), cell(row, h)?.parse::<f64>()?)))
            .collect()
    };
    let get = |s: &[(String, f64)], name: &str| {
        s.iter()
            .find(|(h, _)| h == name)
            .map(|(_, v)| *v)
            .ok_or(format!("no column {name}"))
    };
    // China's view (Natural Earth's fclass_chn) has the Kyrgyz-Tajik line disputed.
    let own = stats(&["--as-of", "2023"])?;
    let chn = stats(&["--as-of", "2023", "--pov", "CHN"])?;
    let length = get(&own, "length_km")?;
    assert!(length > 0.0);
    assert_eq!(get(&own, "disputed_km")?, 0.0);
    assert_eq!(get(&chn, "disputed_km")?, length);
    assert_eq!(get(&chn, "length_km")?, length);
    // Russia's view is the dataset's; before the views were recorded, China's is too.
    assert_eq!(stats(&["--as-of", "2023", "--pov", "RUS"])?, own);
    assert_eq!(
        stats(&["--as-of", "2021", "--pov", "CHN"])?,
        stats(&["--as-of", "2021"])?
    );
    // A view with a line of its own: its length, from June 2020 to 2021.
    w.write(
        "ne/claims.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
          "geometry":{"type":"LineString","coordinates":[[0.0,0.01],[0.1,0.01]]},
          "properties":{"id":"kgz-own","party":"KGZ","segment_id":"KGZ-TJK-01",
            "delimitation":"disputed","valid_from":"2020-06","valid_to":"2021",
            "source_id":"natural-earth","note":"synthetic"}}]}"#,
    )?;
    validates(&w, "ne")?;
    let kgz = stats(&["--as-of", "2021-03-01", "--pov", "KGZ"])?;
    // 0.1 degree of longitude at the equator, geodesic on WGS84: 11.132 km.
    let line_km = get(&kgz, "length_km")?;
    assert!((line_km - 11.132).abs() < 0.001, "{line_km}");
    assert_eq!(get(&kgz, "disputed_km")?, line_km);
    // 2020 is covered only from June: neither the view nor the dataset holds all year.
    let year = stats(&["--as-of", "2020", "--pov", "KGZ"])?;
    assert_eq!(
        get(&year, "delimitation_ambiguous_km")?,
        get(&year, "length_km")?
    );
    assert_eq!(get(&year, "disputed_km")?, 0.0);
    // Another party's view leaves the dataset's statuses and line.
    assert_eq!(
        stats(&["--as-of", "2021-03-01", "--pov", "TJK"])?,
        stats(&["--as-of", "2021-03-01"])?
    );
    Ok(())
}
