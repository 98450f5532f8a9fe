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
    let file = arg("natural-earth-excerpt.geojson");
    stdout_of(&mut w.bordertrack([
        "import",
        "natural-earth",
        &file,
        "--date",
        "2022-05-12",
        "--ne-version",
        "5.1.1",
        "-o",
        "ne",
    ]))?;
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
