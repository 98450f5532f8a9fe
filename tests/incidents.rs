//! `bordertrack incidents` and `bordertrack locate`: matching, statuses at the incident's date,
//! input layouts, bad rows, output formats, determinism and interrupted runs.

use std::collections::HashMap;
use std::time::Duration;

use bordertrack::Dataset;
use geo::{Distance, Geodesic, InterpolatePoint, Point};
use serde_json::Value;

use crate::util::{cell, csv_rows, num, stdout_of, tiny, BoxError, Row, TestResult, Workdir};

/// The classification columns, after the table's own.
const CLASSIFICATION_HEADER: &str = "segment_id,dyad,distance_m,chainage_km,side,delimitation,demarcation,instrument_id,ambiguity,regimes,certainty,alternatives,date_start,date_end";

/// `bordertrack incidents in.csv --data DATA ARGS…`, run in `dir`.
fn on_in_csv(dir: &Workdir, data: &str, args: &[&str]) -> assert_cmd::Command {
    let mut all = vec!["incidents", "in.csv", "--data", data];
    all.extend_from_slice(args);
    dir.bordertrack(all)
}

/// Runs `incidents` and returns its CSV rows keyed by incident id.
fn incidents(dir: &Workdir, args: &[&str]) -> Result<HashMap<String, Row>, BoxError> {
    let mut all = vec!["incidents", "--format", "csv"];
    all.extend_from_slice(args);
    let text = stdout_of(&mut dir.bordertrack(&all))?;
    // The table's own columns, then the classification's under any prefix.
    let header: Vec<&str> = text.lines().next().unwrap_or_default().split(',').collect();
    let tail = &header[header
        .len()
        .saturating_sub(CLASSIFICATION_HEADER.split(',').count())..];
    let prefix = tail[0]
        .strip_suffix("segment_id")
        .ok_or("no segment_id column")?;
    let unprefixed: Vec<&str> = tail.iter().filter_map(|c| c.strip_prefix(prefix)).collect();
    assert_eq!(unprefixed.join(","), CLASSIFICATION_HEADER);
    let (_, rows) = csv_rows(&text)?;
    let mut by_id = HashMap::new();
    for r in rows {
        let id = cell(&r, "id").or_else(|_| cell(&r, "event_id_cnty"))?;
        by_id.insert(id.to_string(), r);
    }
    Ok(by_id)
}

/// The distance from `p` to the tiny dataset's line (69°E from 41°N to 42°N), found here by
/// dense sampling along the geodesic, independently of the index.
fn oracle_distance_m(p: Point<f64>) -> f64 {
    let (a, b) = (Point::new(69.0, 41.0), Point::new(69.0, 42.0));
    let mut best = f64::INFINITY;
    let mut best_t = 0.0;
    for i in 0..=20_000 {
        let t = i as f64 / 20_000.0;
        let d = Geodesic.distance(p, Geodesic.point_at_ratio_between(a, b, t));
        if d < best {
            best = d;
            best_t = t;
        }
    }
    // Refine around the best sample.
    let (mut lo, mut hi) = ((best_t - 1e-4).max(0.0), (best_t + 1e-4).min(1.0));
    for _ in 0..100 {
        let m1 = lo + (hi - lo) / 3.0;
        let m2 = hi - (hi - lo) / 3.0;
        let f = |t| Geodesic.distance(p, Geodesic.point_at_ratio_between(a, b, t));
        if f(m1) < f(m2) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    best.min(Geodesic.distance(p, Geodesic.point_at_ratio_between(a, b, (lo + hi) / 2.0)))
}

#[test]
fn kuanshy_2006_is_on_a_delimited_but_undemarcated_kaz_uzb_stretch() -> TestResult {
    let dir = Workdir::new()?;
    let rows = incidents(&dir, &[])?;
    let k = rows
        .get("kaz-uzb-2006-04-19-kuanshy")
        .ok_or("the Kuanshy incident is not reported")?;
    assert_eq!(cell(k, "date")?, "2006-04-19");
    assert_eq!(cell(k, "dyad")?, "KAZ-UZB");
    assert_eq!(cell(k, "delimitation")?, "delimited");
    assert_eq!(cell(k, "demarcation")?, "in_progress");
    assert_eq!(cell(k, "side")?, "KAZ");
    // It is among the incidents on stretches not (yet) demarcated, and not on demarcated ones
    // nor on unmarked ones (`undemarcated`: demarcation none).
    assert!(
        incidents(&dir, &["--on", "not_demarcated"])?.contains_key("kaz-uzb-2006-04-19-kuanshy")
    );
    assert!(!incidents(&dir, &["--on", "undemarcated"])?.contains_key("kaz-uzb-2006-04-19-kuanshy"));
    assert!(!incidents(&dir, &["--on", "demarcated"])?.contains_key("kaz-uzb-2006-04-19-kuanshy"));
    Ok(())
}

/// A point on the Bagys section (KAZ-UZB-06), one of the four left open in 2001.
fn bagys_point() -> Result<Point<f64>, BoxError> {
    let data = Dataset::embedded()?;
    let seg = data.segment("KAZ-UZB-06").ok_or("no KAZ-UZB-06")?;
    assert!(seg.name.contains("Bagys"), "KAZ-UZB-06 is {:?}", seg.name);
    let c = seg.line.0[seg.line.0.len() / 2];
    Ok(Point::from(c))
}

#[test]
fn an_open_section_is_disputed_before_the_2002_agreement_takes_effect() -> TestResult {
    let dir = Workdir::new()?;
    let p = bagys_point()?;
    let body = format!(
        "id,date,lat,lon\nbefore,2002-01-15,{y},{x}\nafter,2004-01-15,{y},{x}\nyear,2003,{y},{x}\nsigned,2002-10-01,{y},{x}\n",
        x = p.x(),
        y = p.y()
    );
    dir.write("in.csv", body)?;
    let rows = incidents(&dir, &["in.csv"])?;
    let r = |id: &str| rows.get(id).ok_or(format!("{id} not reported"));
    assert_eq!(cell(r("before")?, "segment_id")?, "KAZ-UZB-06");
    assert_eq!(cell(r("before")?, "delimitation")?, "disputed");
    assert_eq!(cell(r("before")?, "instrument_id")?, "kaz-uzb-2001-treaty");
    assert_eq!(cell(r("after")?, "delimitation")?, "delimited");
    // 2003 straddles the entry into force (2003-09-05): ambiguous, never guessed.
    assert_eq!(cell(r("year")?, "delimitation")?, "ambiguous");
    assert!(cell(r("year")?, "ambiguity")?.contains("disputed|delimited"));
    // Counted from entry into force, 1 October 2002 is still disputed; from signature, not.
    assert_eq!(cell(r("signed")?, "delimitation")?, "disputed");
    let signed = incidents(&dir, &["in.csv", "--basis", "signed"])?;
    assert_eq!(cell(&signed["signed"], "delimitation")?, "delimited");
    // --on not_delimited (undelimited or disputed) keeps the early one only.
    let open = incidents(&dir, &["in.csv", "--on", "not_delimited"])?;
    assert!(open.contains_key("before") && !open.contains_key("after"));
    assert!(
        open.contains_key("year"),
        "an ambiguous status that may match is kept"
    );
    Ok(())
}

#[test]
fn distance_chainage_and_side_match_an_independent_computation() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // East of the line (which runs north along 69°E, XAA on the left, XBB on the right) and
    // west of it; one beyond the end, nearest to the last vertex.
    let pts = [
        ("east", 69.01, 41.5),
        ("west", 68.98, 41.95),
        ("north", 69.0, 42.003),
    ];
    let mut body = String::from("id,date,lat,lon\n");
    for (id, x, y) in pts {
        body.push_str(&format!("{id},2010-01-01,{y},{x}\n"));
    }
    dir.write("in.csv", body)?;
    let rows = incidents(&dir, &["in.csv", "--data", &data, "--within", "5km"])?;
    for (id, x, y) in pts {
        let r = rows.get(id).ok_or(format!("{id} not reported"))?;
        let expected = oracle_distance_m(Point::new(x, y));
        let got = num(r, "distance_m")?;
        assert!(
            (got - expected).abs() <= 0.06,
            "{id}: {got} m vs {expected} m"
        );
    }
    assert_eq!(cell(&rows["east"], "side")?, "XBB");
    assert_eq!(cell(&rows["west"], "side")?, "XAA");
    assert_eq!(cell(&rows["west"], "segment_id")?, "XAA-XBB-2");
    // Chainage runs on across segments: the end of the dyad is at its full length.
    let full_km = crate::util::geodesic_km(&[(69.0, 41.0), (69.0, 42.0)]);
    assert!((num(&rows["north"], "chainage_km")? - full_km).abs() < 0.0005);
    // The east point's chainage is the length from the start to its foot (~41.5°N).
    let foot_km = crate::util::geodesic_km(&[(69.0, 41.0), (69.0, 41.5)]);
    assert!((num(&rows["east"], "chainage_km")? - foot_km).abs() < 0.01);
    Ok(())
}

#[test]
fn within_plus_location_precision_decides_a_match() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // ~1.7 km east of the line.
    dir.write(
        "in.csv",
        "id,date,lat,lon,precision_m\nexact,2010-01-01,41.5,69.02,0\nvague,2010-01-01,41.5,69.02,1000\n",
    )?;
    let rows = incidents(&dir, &["in.csv", "--data", &data, "--within", "1km"])?;
    assert!(!rows.contains_key("exact"));
    assert!(rows.contains_key("vague"));
    let all = incidents(
        &dir,
        &["in.csv", "--data", &data, "--within", "1km", "--all"],
    )?;
    assert_eq!(cell(&all["exact"], "segment_id")?, "");
    assert_eq!(cell(&all["exact"], "delimitation")?, "");
    Ok(())
}

#[test]
fn acled_and_ucdp_layouts_are_recognised_with_their_precision_codes() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // 0.2° east of the line is about 16.8 km: matched only through geo_precision 2 (25 km).
    dir.write(
        "acled.csv",
        "event_id_cnty,event_date,year,time_precision,event_type,latitude,longitude,geo_precision,source,notes,fatalities\n\
         KAZ1,19 April 2006,2006,3,Battles,41.5,69.2,2,Paper,note,1\n\
         KAZ2,19 April 2006,2006,1,Battles,41.5,69.2,1,Paper,note,0\n",
    )?;
    let rows = incidents(&dir, &["acled.csv", "--data", &data])?;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (
            cell(&rows["KAZ1"], "date_start")?,
            cell(&rows["KAZ1"], "date_end")?
        ),
        ("2006-04-01", "2006-04-30"),
        "time_precision 3 is the month"
    );
    // ACLED's own columns come through unchanged.
    assert_eq!(cell(&rows["KAZ1"], "event_date")?, "19 April 2006");
    assert_eq!(cell(&rows["KAZ1"], "notes")?, "note");
    dir.write(
        "ged.csv",
        "id,year,type_of_violence,latitude,longitude,where_prec,date_prec,date_start,date_end,best\n\
         7,2006,1,41.5,69.01,1,1,2006-04-19 00:00:00.000,2006-04-21 00:00:00.000,2\n",
    )?;
    // UCDP's own date_start and date_end clash with the classification's: prefixed bt_ by
    // default, with a warning.
    let out = dir
        .bordertrack(["incidents", "ged.csv", "--data", &data])
        .output()?;
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8(out.stderr)?.contains("warning: ged.csv:"));
    let rows = incidents(&dir, &["ged.csv", "--data", &data])?;
    assert_eq!(cell(&rows["7"], "date_start")?, "2006-04-19 00:00:00.000");
    assert_eq!(
        (
            cell(&rows["7"], "bt_date_start")?,
            cell(&rows["7"], "bt_date_end")?
        ),
        ("2006-04-19", "2006-04-21")
    );
    Ok(())
}

#[test]
fn bad_rows_are_reported_with_their_line_and_skipped_or_fatal_under_strict() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write(
        "in.csv",
        "id,date,lat,lon\ngood,2010-01-01,41.5,69.001\nbad,19/04/2006,41.5,69.001\nswap,2010-01-01,120.5,41.5\n",
    )?;
    let out = on_in_csv(&dir, &data, &["--format", "csv"]).output()?;
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("in.csv:3: date 19/04/2006 not understood"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.csv:4:") && stderr.contains("swapped"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 incident read, 1 on a matching stretch, 2 bad rows skipped"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8(out.stdout)?.lines().count(), 2);

    let out = on_in_csv(&dir, &data, &["--strict", "-o", "out.csv"]).output()?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)?.contains("in.csv:3:"));
    assert!(
        !dir.join("out.csv").exists(),
        "no output under --strict failure"
    );
    let leftovers = std::fs::read_dir(dir.path())?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".bordertrack-"))
        .count();
    assert_eq!(leftovers, 0, "temporary output removed");
    Ok(())
}

#[test]
fn repeated_ids_are_reported_with_check_ids() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write(
        "in.csv",
        "id,date,lat,lon\nA,2010-01-01,41.5,69.001\nA,2010-01-02,41.6,69.001\n",
    )?;
    let out = on_in_csv(&dir, &data, &["--check-ids", "--format", "csv"]).output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("in.csv:3: duplicate id \"A\" (first used at line 2)"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn geojson_output_is_points_with_the_same_properties() -> TestResult {
    let dir = Workdir::new()?;
    let text = stdout_of(&mut dir.bordertrack(["incidents", "--format", "geojson"]))?;
    let v: Value = serde_json::from_str(&text)?;
    assert_eq!(v["type"], "FeatureCollection");
    let features = v["features"].as_array().ok_or("no features")?;
    assert!(!features.is_empty());
    for f in features {
        assert_eq!(f["geometry"]["type"], "Point");
        let props = f["properties"].as_object().ok_or("no properties")?;
        for c in "id,date,lat,lon"
            .split(',')
            .chain(CLASSIFICATION_HEADER.split(','))
        {
            assert!(props.contains_key(c), "missing {c}");
        }
        assert!(props["distance_m"].is_number());
    }
    Ok(())
}

/// `n` deterministic incidents scattered around the tiny dataset's line.
fn scattered(n: usize) -> String {
    let mut s = String::from("id,date,lat,lon,precision_m\n");
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..n {
        let lat = 40.9 + 1.2 * next();
        let lon = 68.8 + 0.4 * next();
        let year = 1995 + (next() * 30.0) as u32;
        s.push_str(&format!(
            "i{i},{year}-06,{lat:.6},{lon:.6},{}\n",
            (next() * 3.0) as u32 * 500
        ));
    }
    s
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write("in.csv", scattered(70_000))?;
    let run = |threads: &str| -> Result<Vec<u8>, BoxError> {
        let out = on_in_csv(
            &dir,
            &data,
            &["--within", "3km", "--all", "--format", "csv"],
        )
        .env("RAYON_NUM_THREADS", threads)
        .output()?;
        assert!(out.status.success());
        Ok(out.stdout)
    };
    let one = run("1")?;
    assert_eq!(one, run("2")?);
    assert_eq!(one, run("3")?);
    assert_eq!(String::from_utf8(one)?.lines().count(), 70_001);
    Ok(())
}

#[test]
fn repeated_ids_are_found_across_blocks_whatever_the_thread_count() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // About 2.4 MB: several blocks of at most 1 MiB, the repeat of line 7's id in the last.
    let mut text = scattered(60_000);
    text.push_str("i5,2010-01,41.5,69.0,0\n");
    dir.write("in.csv", text)?;
    let run = |threads: &str| -> Result<(Vec<u8>, String), BoxError> {
        let out = on_in_csv(&dir, &data, &["--check-ids", "--all", "--format", "csv"])
            .env("RAYON_NUM_THREADS", threads)
            .output()?;
        Ok((out.stdout, String::from_utf8(out.stderr)?))
    };
    let (one, stderr) = run("1")?;
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert_eq!(
        lines[0],
        "in.csv:60002: duplicate id \"i5\" (first used at line 7)"
    );
    assert!(lines[1].starts_with("bordertrack: 60000 incidents read, "));
    assert!(lines[1].ends_with(", 1 bad row skipped"), "{stderr}");
    assert_eq!(String::from_utf8(one.clone())?.lines().count(), 60_001);
    assert_eq!((one, stderr), run("2")?);
    Ok(())
}

#[test]
fn a_quoted_field_longer_than_a_block_is_read_whole() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // A summary of 1.2 MB over 100,000 lines (more than the largest block, 1 MiB), then a
    // bad row: its line must count them.
    let summary = "some words,\n".repeat(100_000);
    dir.write(
        "in.csv",
        format!(
            "id,date,lat,lon,summary\nA,2010-01,41.5,69.0,\"{summary}\"\nB,2010-01,x,69.0,\n\
             C,2010-01,41.5,69.0,\n"
        ),
    )?;
    let out = on_in_csv(&dir, &data, &["--all", "--format", "csv"]).output()?;
    let (_, rows) = csv_rows(&String::from_utf8(out.stdout)?)?;
    let ids: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, "id"))
        .collect::<Result<_, _>>()?;
    assert_eq!(ids, ["A", "C"]);
    // The long summary comes through whole.
    assert_eq!(cell(&rows[0], "summary")?, summary);
    assert_eq!(
        String::from_utf8(out.stderr)?,
        "in.csv:100003: latitude \"x\" is not a number\n\
         bordertrack: 2 incidents read, 2 on a matching stretch, 1 bad row skipped\n"
    );
    Ok(())
}

#[cfg(unix)]
#[test]
fn writing_to_dev_null_leaves_it_a_device() -> TestResult {
    use std::os::unix::fs::FileTypeExt;
    let dir = Workdir::new()?;
    let out = dir.bordertrack(["incidents", "-o", "/dev/null"]).output()?;
    assert!(out.status.success());
    assert!(std::fs::metadata("/dev/null")?.file_type().is_char_device());
    Ok(())
}

#[test]
fn stdin_is_read_with_a_dash() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    let out = dir
        .bordertrack(["incidents", "-", "--data", &data, "--format", "csv"])
        .write_stdin("id,date,lat,lon\nS,2010-01-01,41.5,69.001\n")
        .output()?;
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout)?.contains("\nS,2010-01-01,"));
    Ok(())
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_output_file() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write("big.csv", scattered(1_500_000))?;
    let mut child = std::process::Command::new(crate::util::bin_path())
        .current_dir(dir.path())
        .args(["incidents", "big.csv", "--data", &data, "-o", "out.csv"])
        .stderr(std::process::Stdio::piped())
        .spawn()?;
    std::thread::sleep(Duration::from_millis(300));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()?;
    assert!(killed.success());
    let status = child.wait()?;
    if status.success() {
        // Finished before the signal arrived: nothing to check on this machine.
        eprintln!("note: run finished before the interrupt; test inconclusive");
        return Ok(());
    }
    assert_eq!(status.code(), Some(130));
    assert!(!dir.join("out.csv").exists());
    let leftovers = std::fs::read_dir(dir.path())?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".bordertrack-"))
        .count();
    assert_eq!(leftovers, 0);
    Ok(())
}

#[test]
fn locate_reports_the_nearest_segment_side_and_status() -> TestResult {
    let dir = Workdir::new()?;
    // Saryagash (lon, lat).
    let text = stdout_of(&mut dir.bordertrack([
        "locate",
        "69.16667",
        "41.46667",
        "--as-of",
        "2006-04-19",
        "--format",
        "csv",
    ]))?;
    let (header, rows) = csv_rows(&text)?;
    assert_eq!(
        header.join(","),
        format!("id,date,lat,lon,{CLASSIFICATION_HEADER}")
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(cell(&rows[0], "dyad")?, "KAZ-UZB");
    assert_eq!(cell(&rows[0], "side")?, "KAZ");
    assert_eq!(cell(&rows[0], "date")?, "2006-04-19");
    assert_eq!(cell(&rows[0], "demarcation")?, "in_progress");
    // Every segment within 50 km, nearest first.
    let text = stdout_of(&mut dir.bordertrack([
        "locate", "69.16667", "41.46667", "--within", "50km", "--format", "csv",
    ]))?;
    let (_, rows) = csv_rows(&text)?;
    assert!(rows.len() >= 2);
    let d: Vec<f64> = rows
        .iter()
        .map(|r| num(r, "distance_m"))
        .collect::<Result<_, _>>()?;
    assert!(d.windows(2).all(|w| w[0] <= w[1]));
    // Negative coordinates are numbers, not flags; out-of-range latitude is a usage error.
    let data = tiny();
    assert!(dir
        .bordertrack(["locate", "--data", &data, "-69.0", "-41.0"])
        .output()?
        .status
        .success());
    let out = dir.bordertrack(["locate", "69.0", "95.0"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    Ok(())
}

/// Issue 14: an incident that names its dyad is searched for on that dyad's segments only. The
/// 27 Kazakh nationals detained in 2009 are placed at Nukus (precision 400 km), nearer the
/// Turkmen–Uzbek line than the Kazakh–Uzbek one.
#[test]
fn an_incident_naming_its_dyad_is_placed_on_that_dyad_or_on_none() -> TestResult {
    let dir = Workdir::new()?;
    let rows = incidents(&dir, &["--all"])?;
    let detained = rows
        .get("kaz-uzb-2009-02-27-detained")
        .ok_or("the detention of the 27 is not listed")?;
    let dyad = cell(detained, "dyad")?;
    assert!(dyad == "KAZ-UZB" || dyad.is_empty(), "{detained:?}");
    // The same point in a plain table: with its dyad named (either order), on KAZ-UZB; with the
    // column empty, every line is searched and the nearest is the Turkmen–Uzbek one.
    dir.write(
        "in.csv",
        "id,date,lat,lon,precision_m,dyad\n\
         named,2009-02,42.46472,59.60222,400000,UZB-KAZ\n\
         unnamed,2009-02,42.46472,59.60222,400000,\n\
         elsewhere,2009-02,42.46472,59.60222,400000,KAZ-CHN\n",
    )?;
    // The table's own dyad column stays; the classification's is prefixed.
    let rows = incidents(&dir, &["in.csv", "--all", "--prefix", "bt_"])?;
    let row = |id: &str| rows.get(id).ok_or(format!("{id} not listed"));
    assert_eq!(cell(row("named")?, "dyad")?, "UZB-KAZ");
    assert_eq!(cell(row("named")?, "bt_dyad")?, "KAZ-UZB");
    assert_eq!(cell(row("unnamed")?, "bt_dyad")?, "TKM-UZB");
    // A dyad whose line is 1,000 km away: on no line.
    assert_eq!(cell(row("elsewhere")?, "bt_segment_id")?, "");
    Ok(())
}

/// A GeoJSON table's `dyad` property restricts the search as the CSV `dyad` column does: the
/// same three incidents as in the plain-table case above give the same answers.
#[test]
fn a_geojson_dyad_property_restricts_the_search_as_the_csv_column_does() -> TestResult {
    let dir = Workdir::new()?;
    let feature = |id: &str, dyad: &str| {
        format!(
            r#"{{"type": "Feature", "properties": {{"id": "{id}", "date": "2009-02",
            "precision_m": 400000{dyad}}}, "geometry": {{"type": "Point",
            "coordinates": [59.60222, 42.46472]}}}}"#
        )
    };
    dir.write(
        "in.geojson",
        format!(
            r#"{{"type": "FeatureCollection", "features": [{}, {}, {}, {}]}}"#,
            feature("named", r#", "dyad": "UZB-KAZ""#),
            feature("unnamed", ""),
            feature("null", r#", "dyad": null"#),
            feature("elsewhere", r#", "dyad": "KAZ-CHN""#),
        ),
    )?;
    dir.write(
        "in.csv",
        "id,date,lat,lon,precision_m,dyad\n\
         named,2009-02,42.46472,59.60222,400000,UZB-KAZ\n\
         unnamed,2009-02,42.46472,59.60222,400000,\n\
         null,2009-02,42.46472,59.60222,400000,\n\
         elsewhere,2009-02,42.46472,59.60222,400000,KAZ-CHN\n",
    )?;
    let from_geojson = incidents(&dir, &["in.geojson", "--all", "--prefix", "bt_"])?;
    let from_csv = incidents(&dir, &["in.csv", "--all", "--prefix", "bt_"])?;
    for id in ["named", "unnamed", "null", "elsewhere"] {
        let g = from_geojson
            .get(id)
            .ok_or(format!("{id} not listed (GeoJSON)"))?;
        let c = from_csv.get(id).ok_or(format!("{id} not listed (CSV)"))?;
        for column in [
            "segment_id",
            "dyad",
            "distance_m",
            "certainty",
            "alternatives",
        ] {
            let column = format!("bt_{column}");
            assert_eq!(cell(g, &column)?, cell(c, &column)?, "{id} {column}");
        }
    }
    let row = |id: &str| from_geojson.get(id).ok_or(format!("{id} not listed"));
    assert_eq!(cell(row("named")?, "bt_dyad")?, "KAZ-UZB");
    assert_eq!(cell(row("unnamed")?, "bt_dyad")?, "TKM-UZB");
    assert_eq!(cell(row("elsewhere")?, "bt_segment_id")?, "");
    Ok(())
}

/// `--from`/`--to` keep the incidents whose date span meets the range: a month is kept by a
/// range that touches any of its days, the ends are inclusive, a bad row is still reported,
/// and the summary counts those left out.
#[test]
fn from_and_to_keep_the_incidents_whose_dates_meet_the_range() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write(
        "in.csv",
        "id,date,lat,lon\n\
         may-31,2004-05-31,41.5,69.001\n\
         june,2004-06,41.5,69.001\n\
         july-1,2004-07-01,41.5,69.001\n\
         bad,2004-13,41.5,69.001\n",
    )?;
    let ids = |args: &[&str]| -> Result<(Vec<String>, String), BoxError> {
        let mut all = vec!["--format", "csv", "--all"];
        all.extend_from_slice(args);
        let out = on_in_csv(&dir, &data, &all).output()?;
        let (_, rows) = csv_rows(&String::from_utf8(out.stdout)?)?;
        let ids = rows
            .iter()
            .map(|r| cell(r, "id").map(str::to_string))
            .collect::<Result<_, _>>()?;
        Ok((ids, String::from_utf8(out.stderr)?))
    };
    let (kept, stderr) = ids(&["--from", "2004-06-30"])?;
    assert_eq!(kept, ["june", "july-1"]);
    assert!(stderr.contains("in.csv:5: "), "{stderr}");
    assert!(
        stderr.contains("2 incidents read, 2 on a matching stretch, 1 bad row skipped, 1 outside --from/--to left out"),
        "{stderr}"
    );
    assert_eq!(ids(&["--to", "2004-06-01"])?.0, ["may-31", "june"]);
    assert_eq!(ids(&["--from", "2004-06", "--to", "2004-06"])?.0, ["june"]);
    assert_eq!(ids(&["--to", "2004-05-31"])?.0, ["may-31"]);
    assert_eq!(ids(&["--from", "2005"])?.0, Vec::<String>::new());
    // A range that ends before it begins is a usage error.
    let out = on_in_csv(&dir, &data, &["--from", "2005", "--to", "2004"]).output()?;
    assert_eq!(out.status.code(), Some(2));
    // Without FILE, the dataset's own incidents (the tiny one has 2002-01-10 and 2006-04-19).
    let out = dir
        .bordertrack([
            "incidents",
            "--data",
            &data,
            "--format",
            "csv",
            "--all",
            "--from",
            "2006",
        ])
        .output()?;
    let (_, rows) = csv_rows(&String::from_utf8(out.stdout)?)?;
    let own: Vec<&str> = rows
        .iter()
        .map(|r| cell(r, "id"))
        .collect::<Result<_, _>>()?;
    assert_eq!(own, ["spring"]);
    Ok(())
}

#[test]
fn a_bad_dyad_is_a_bad_row() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write(
        "in.csv",
        "id,date,lat,lon,dyad\ngood,2010-01-01,41.5,69.001,XAA-XBB\nsame,2010-01-01,41.5,69.001,XAA-XAA\nnot,2010-01-01,41.5,69.001,XAAXBB\n",
    )?;
    // The table's own dyad column clashes with the classification's: a warning, and the
    // classification's columns are prefixed.
    let out = on_in_csv(&dir, &data, &["--format", "csv"]).output()?;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8(out.stderr)?.contains("column \"dyad\" of the same name"),
        "a clash is reported"
    );
    assert!(String::from_utf8(out.stdout)?.contains(",bt_dyad,"));
    let out = on_in_csv(&dir, &data, &["--format", "csv", "--prefix", "bt_"]).output()?;
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("in.csv:3: dyad \"XAA-XAA\": a dyad needs two different countries\n")
            && stderr.contains("in.csv:4: dyad \"XAAXBB\": not a dyad (two alpha-3 codes"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 incident read, 1 on a matching stretch, 2 bad rows skipped"),
        "{stderr}"
    );
    Ok(())
}

/// Issue 14: the "Bagys republic" protest of December 2001 is placed at Saryagash with a
/// precision of 45 km. Its nearest stretch is a delimited one 2.9 km away, but the disputed
/// Bagys section is also within its reach: the match is only possible, and says so.
#[test]
fn the_bagys_republic_protest_is_possible_with_the_disputed_section_as_an_alternative() -> TestResult
{
    let dir = Workdir::new()?;
    let rows = incidents(&dir, &[])?;
    let r = rows
        .get("kaz-uzb-2001-12-bagys-republic")
        .ok_or("the Bagys republic protest is not reported")?;
    assert_eq!(cell(r, "certainty")?, "possible");
    let alternatives = cell(r, "alternatives")?;
    let entries: Vec<(&str, &str)> = alternatives
        .split(';')
        .filter_map(|e| e.rsplit_once(':'))
        .collect();
    assert!(
        entries.contains(&("KAZ-UZB-06", "disputed/none")),
        "{alternatives}"
    );
    assert_ne!(cell(r, "segment_id")?, "KAZ-UZB-06");
    // Kept only among possible matches: --certain drops it.
    assert!(!incidents(&dir, &["--certain"])?.contains_key("kaz-uzb-2001-12-bagys-republic"));
    Ok(())
}

#[test]
fn a_match_is_certain_only_when_both_precisions_and_every_day_fit() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    // XAA-XBB-1 runs along 69°E (stated precision 10 m); 69.001°E at 41.5°N is about 84 m
    // east of it. Field work began there in 2004-04, so the year 2004 straddles a change.
    dir.write(
        "in.csv",
        "id,date,lat,lon,precision_m\n\
         exact,2010-01-01,41.5,69.001,\n\
         vague,2010-01-01,41.5,69.001,2000\n\
         year,2004,41.5,69.001,\n",
    )?;
    let rows = incidents(&dir, &["in.csv", "--data", &data])?;
    let certainty = |id: &str| -> Result<String, BoxError> {
        Ok(cell(rows.get(id).ok_or(format!("{id} not listed"))?, "certainty")?.to_string())
    };
    assert_eq!(certainty("exact")?, "certain");
    assert_eq!(certainty("vague")?, "possible");
    assert_eq!(certainty("year")?, "possible");
    for id in ["exact", "vague", "year"] {
        assert_eq!(cell(&rows[id], "alternatives")?, "", "{id}");
    }
    // Asked for delimited stretches, the year is certain: its delimitation did not change.
    let rows = incidents(&dir, &["in.csv", "--data", &data, "--on", "delimited"])?;
    assert_eq!(cell(&rows["year"], "certainty")?, "certain");
    // --certain keeps the certain ones only.
    let kept = incidents(&dir, &["in.csv", "--data", &data, "--certain"])?;
    let mut ids: Vec<&String> = kept.keys().collect();
    ids.sort();
    assert_eq!(ids, ["exact"]);
    // A wider --within covers the vague one's whole uncertainty.
    let wide = incidents(
        &dir,
        &["in.csv", "--data", &data, "--within", "3km", "--certain"],
    )?;
    assert!(wide.contains_key("vague"), "{wide:?}");
    Ok(())
}

/// Issue 14: the Fergana clashes of 2021–2022 lie on stretches whose status the dataset does
/// not know; `--on unknown` finds them, and no word that names a known status does.
#[test]
fn on_unknown_finds_the_incidents_on_stretches_of_unknown_status() -> TestResult {
    let dir = Workdir::new()?;
    // At the point of the September 2022 Batken clash: then disputed with demarcation none,
    // both known; after the 2025 treaty took effect, delimited with demarcation unknown (its
    // start was not found).
    let known = incidents(&dir, &[])?;
    let clash = known
        .get("kgz-tjk-2022-09-14-batken")
        .ok_or("the September 2022 Batken clash is not reported")?;
    let (lon, lat) = (
        cell(clash, "lon")?.to_string(),
        cell(clash, "lat")?.to_string(),
    );
    dir.write(
        "in.csv",
        format!(
            "id,date,lat,lon,dyad\nclash,2022-09-14,{lat},{lon},KGZ-TJK\nlater,2025-06-01,{lat},{lon},KGZ-TJK\n"
        ),
    )?;
    let unknown = incidents(&dir, &["in.csv", "--on", "unknown", "--prefix", "bt_"])?;
    let later = unknown
        .get("later")
        .ok_or("the 2025 point is not on a stretch of unknown demarcation")?;
    assert_eq!(cell(later, "bt_demarcation")?, "unknown", "{later:?}");
    assert!(!unknown.contains_key("clash"), "{unknown:?}");
    for r in unknown.values() {
        assert!(
            cell(r, "bt_delimitation")? == "unknown" || cell(r, "bt_demarcation")? == "unknown",
            "{r:?}"
        );
    }
    for word in ["undemarcated", "not_demarcated", "demarcated"] {
        let rows = incidents(&dir, &["in.csv", "--on", word, "--prefix", "bt_"])?;
        assert!(!rows.contains_key("later"), "{word}");
    }
    Ok(())
}

#[cfg(unix)]
#[test]
fn the_progress_spinner_shows_rows_and_rows_per_second_on_a_terminal_only() -> TestResult {
    // util-linux's `script` runs the command on a pseudo-terminal and copies what it shows.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("note: `script` (util-linux) is not installed; the terminal check is skipped");
        return Ok(());
    }
    let dir = Workdir::new()?;
    let input = dir.write("in.csv", "id,date,lat,lon\nS,2010-01-01,41.5,69.001\n")?;
    let out = dir.join("out.csv");
    let command = format!(
        "'{}' incidents '{}' --data '{}' -o '{}'",
        crate::util::bin_path().display(),
        input.display(),
        tiny(),
        out.display()
    );
    let shown = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .output()?;
    assert!(shown.status.success(), "{shown:?}");
    let shown = String::from_utf8_lossy(&shown.stdout);
    assert!(
        shown.contains("classifying incidents: ")
            && shown.contains(" rows read (")
            && shown.contains("/s)"),
        "{shown}"
    );
    // Not on a terminal: no spinner, only the summary.
    let piped = dir
        .bordertrack([
            "incidents",
            &input.display().to_string(),
            "--data",
            &tiny(),
            "-o",
        ])
        .arg(&out)
        .output()?;
    assert!(piped.status.success());
    let piped = String::from_utf8(piped.stderr)?;
    assert!(!piped.contains("rows read"), "{piped}");
    Ok(())
}
