//! Incidents keep their columns (#16): an ACLED-layout table comes back with all its columns
//! plus the classification, in every format, and reads back in with the same answers; column
//! mapping and its messages.

use std::process::Command;

use bordertrack::pipeline::CLASSIFICATION_COLUMNS;

use crate::util::{cell, csv_rows, fixture, stdout_of, tiny, BoxError, TestResult, Workdir};

/// The synthetic ACLED-layout table (`tests/fixtures/acled/`).
fn acled() -> String {
    fixture("acled")
        .join("kaz-uzb-synthetic.csv")
        .display()
        .to_string()
}

/// The header and records of a CSV text, exactly as written.
fn records(text: &str) -> Result<(Vec<String>, Vec<Vec<String>>), BoxError> {
    let mut csv = csv::Reader::from_reader(text.as_bytes());
    let header = csv.headers()?.iter().map(str::to_string).collect();
    let mut rows = Vec::new();
    for r in csv.records() {
        rows.push(r?.iter().map(str::to_string).collect());
    }
    Ok((header, rows))
}

/// The classification's answers of a CSV output: each row's last 13 fields, in order.
fn answers(text: &str) -> Result<Vec<Vec<String>>, BoxError> {
    let (_, rows) = records(text)?;
    Ok(rows
        .into_iter()
        .map(|r| r[r.len() - CLASSIFICATION_COLUMNS.len()..].to_vec())
        .collect())
}

#[test]
fn an_acled_table_keeps_every_column_and_reads_back_with_the_same_answers() -> TestResult {
    let dir = Workdir::new()?;
    let input = std::fs::read_to_string(acled())?;
    let (in_header, in_rows) = records(&input)?;
    let args = ["--within", "30km", "--all", "--format", "csv"];
    let mut run = vec!["incidents", "in.csv"];
    run.extend(args);
    dir.write("in.csv", &input)?;
    let out = stdout_of(&mut dir.bordertrack(&run))?;
    let (header, rows) = records(&out)?;
    // The table's columns, in order, then the classification.
    let mut want = in_header.clone();
    want.extend(CLASSIFICATION_COLUMNS.iter().map(|c| c.to_string()));
    assert_eq!(header, want);
    assert_eq!(rows.len(), in_rows.len());
    for (row, given) in rows.iter().zip(&in_rows) {
        assert_eq!(
            &row[..given.len()],
            &given[..],
            "fields come through unchanged"
        );
    }
    // Most rows are on the line; the one in Almaty is on none.
    let (_, by_name) = csv_rows(&out)?;
    let on_line = by_name
        .iter()
        .filter(|r| cell(r, "segment_id").is_ok_and(|s| !s.is_empty()))
        .count();
    assert_eq!(on_line, 4, "{out}");
    assert_eq!(cell(&by_name[3], "segment_id")?, "");
    assert_eq!(
        cell(&by_name[2], "date_end")?,
        "2010-03-31",
        "time_precision 3"
    );

    // Read back in: the same answers, and the same table (the earlier classification is
    // replaced, not carried twice).
    dir.write("out.csv", &out)?;
    let mut again = vec!["incidents", "out.csv"];
    again.extend(args);
    assert_eq!(stdout_of(&mut dir.bordertrack(&again))?, out);

    // Under a prefix too.
    let mut prefixed = run.clone();
    prefixed.extend(["--prefix", "bt_"]);
    let out_p = stdout_of(&mut dir.bordertrack(&prefixed))?;
    assert!(out_p
        .lines()
        .next()
        .unwrap_or("")
        .ends_with(",bt_date_start,bt_date_end"));
    assert_eq!(answers(&out_p)?, answers(&out)?);
    dir.write("out_p.csv", &out_p)?;
    let mut again = vec!["incidents", "out_p.csv", "--prefix", "bt_"];
    again.extend(args);
    assert_eq!(stdout_of(&mut dir.bordertrack(&again))?, out_p);
    Ok(())
}

#[test]
fn every_format_carries_the_tables_columns() -> TestResult {
    let dir = Workdir::new()?;
    let input = std::fs::read_to_string(acled())?;
    let (in_header, in_rows) = records(&input)?;
    dir.write("in.csv", &input)?;
    let base = ["incidents", "in.csv", "--within", "30km", "--all"];
    // JSON-based formats: each property holds the field's text exactly.
    for (format, file) in [
        ("geojson", "o.geojson"),
        ("geojsonseq", "o.geojsonl"),
        ("json", "o.json"),
    ] {
        let mut args = base.to_vec();
        args.extend(["--format", format, "-o", file]);
        dir.bordertrack(&args).assert().success();
        let text = std::fs::read_to_string(dir.join(file))?;
        let objects: Vec<serde_json::Value> = match format {
            "geojson" => serde_json::from_str::<serde_json::Value>(&text)?["features"]
                .as_array()
                .cloned()
                .unwrap_or_default(),
            "json" => serde_json::from_str::<Vec<serde_json::Value>>(&text)?,
            _ => text
                .lines()
                .map(serde_json::from_str)
                .collect::<Result<_, _>>()?,
        };
        assert_eq!(objects.len(), in_rows.len(), "{format}");
        for (o, given) in objects.iter().zip(&in_rows) {
            let props = if format == "json" {
                o
            } else {
                &o["properties"]
            };
            for (name, value) in in_header.iter().zip(given) {
                let got = props[name].as_str().unwrap_or("");
                assert_eq!(got, value, "{format}: {name}");
            }
            for c in CLASSIFICATION_COLUMNS {
                assert!(props.get(c).is_some(), "{format}: {c}");
            }
        }
    }
    // GeoPackage and FlatGeobuf, as GDAL sees them: a text field per column of the table.
    for file in ["o.gpkg", "o.fgb"] {
        let mut args = base.to_vec();
        args.extend(["-o", file]);
        dir.bordertrack(&args).assert().success();
        let out = match Command::new("ogrinfo")
            .args(["-ro", "-so"])
            .arg(dir.join(file))
            .arg("incidents")
            .output()
        {
            Ok(out) => out,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if std::env::var("BORDERTRACK_REQUIRE_OGRINFO").as_deref() == Ok("1") {
                    return Err("ogrinfo is required but not installed".into());
                }
                eprintln!("ogrinfo not installed: skipping {file}");
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let text = String::from_utf8(out.stdout)?;
        assert!(
            text.contains(&format!("Feature Count: {}", in_rows.len())),
            "{file}: {text}"
        );
        for name in &in_header {
            assert!(
                text.contains(&format!("\n{name}: String")),
                "{file}: {name} in {text}"
            );
        }
        assert!(text.contains("\ndistance_m: Real"), "{file}: {text}");
    }
    Ok(())
}

#[test]
fn a_plain_table_reads_back_from_geojson_and_geoparquet_with_the_same_answers() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    dir.write(
        "in.csv",
        "id,date,lat,lon,precision_m,fatalities,note\n\
         a,2006-04-19,41.5,69.01,100,1,first\n\
         b,2002-01,41.95,68.99,,,\n\
         c,2010,41.7,69.3,5000,0,far\n",
    )?;
    let args = ["--data", &data, "--within", "2km", "--all"];
    let mut csv = vec!["incidents", "in.csv", "--format", "csv"];
    csv.extend(args);
    let from_csv = stdout_of(&mut dir.bordertrack(&csv))?;
    // GeoJSON, and GeoParquet (whose `dyad` column, the earlier answer, is not read as the
    // incident's own).
    for file in ["out.geojson", "out.parquet"] {
        let mut write = vec!["incidents", "in.csv", "-o", file];
        write.extend(args);
        dir.bordertrack(&write).assert().success();
        let mut back = vec!["incidents", file, "--format", "csv"];
        back.extend(args);
        let read_back = stdout_of(&mut dir.bordertrack(&back))?;
        assert_eq!(answers(&read_back)?, answers(&from_csv)?, "{file}");
    }
    let on_line = answers(&from_csv)?
        .iter()
        .filter(|a| !a[0].is_empty())
        .count();
    assert_eq!(on_line, 2, "{from_csv}");
    Ok(())
}

#[test]
fn a_clash_of_names_takes_the_default_prefix_with_a_warning() -> TestResult {
    let dir = Workdir::new()?;
    dir.write(
        "in.csv",
        "id,date,lat,lon,Certainty\na,2006,41.5,69.01,high\n",
    )?;
    let out = dir
        .bordertrack(["incidents", "in.csv", "--data", &tiny(), "--format", "csv"])
        .output()?;
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("warning: in.csv:"), "{stderr}");
    assert!(stderr.contains("\"certainty\""), "{stderr}");
    assert!(stderr.contains("bt_segment_id"), "{stderr}");
    assert!(stderr.contains("--prefix"), "{stderr}");
    let stdout = String::from_utf8(out.stdout)?;
    let header = stdout.lines().next().unwrap_or("");
    assert!(
        header.starts_with("id,date,lat,lon,Certainty,bt_segment_id,"),
        "{header}"
    );
    assert!(header.ends_with(",bt_certainty,bt_alternatives,bt_date_start,bt_date_end"));
    // A prefix that clashes too is refused, naming the option.
    dir.write(
        "in2.csv",
        "id,date,lat,lon,x_dyad\na,2006,41.5,69.01,high\n",
    )?;
    let out = dir
        .bordertrack(["incidents", "in2.csv", "--data", &tiny(), "--prefix", "x_"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("\"x_dyad\""), "{stderr}");
    assert!(stderr.contains("--prefix"), "{stderr}");
    Ok(())
}

#[test]
fn columns_are_found_by_alias_or_by_mapping() -> TestResult {
    let dir = Workdir::new()?;
    let data = tiny();
    let run = |file: &str, extra: &[&str]| {
        let mut args = vec![
            "incidents",
            file,
            "--data",
            &data,
            "--format",
            "csv",
            "--within",
            "2km",
        ];
        args.extend_from_slice(extra);
        dir.bordertrack(&args).output()
    };
    // Aliases.
    dir.write(
        "alias.csv",
        "id,date,Latitude,lng\na,2006-04-19,41.5,69.01\n",
    )?;
    let out = run("alias.csv", &[])?;
    let text = String::from_utf8(out.stdout)?;
    assert!(
        text.starts_with("id,date,Latitude,lng,segment_id,"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
    // x/y only when mapped: the message names the columns and suggests the mapping.
    dir.write("xy.csv", "event,when,x,y\na,2006-04-19,69.01,41.5\n")?;
    let out = run("xy.csv", &[])?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("found: event, when, x, y"), "{stderr}");
    assert!(
        stderr.contains("--columns id=…,date=…,lat=y,lon=x"),
        "{stderr}"
    );
    // Mapped, in one option or four: the same output, the table's names kept.
    let one = run("xy.csv", &["--columns", "id=event,date=when,lat=y,lon=x"])?;
    assert_eq!(one.status.code(), Some(0));
    let four = run(
        "xy.csv",
        &[
            "--id-col",
            "event",
            "--date-col",
            "when",
            "--lat-col",
            "y",
            "--lon-col",
            "x",
        ],
    )?;
    assert_eq!(one.stdout, four.stdout);
    let text = String::from_utf8(one.stdout)?;
    assert!(text.starts_with("event,when,x,y,segment_id,"), "{text}");
    assert_eq!(text.lines().count(), 2, "{text}");
    // A column mapped that is not there, and a role named twice.
    let out = run("xy.csv", &["--columns", "id=nope,date=when,lat=y,lon=x"])?;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr)?
        .contains("no column \"nope\" for id; found: event, when, x, y"));
    let out = run("xy.csv", &["--columns", "lat=y", "--lat-col", "y"])?;
    assert_eq!(out.status.code(), Some(2));
    Ok(())
}

/// CSV text of `records` as the `csv` crate writes it (quoting only where needed, `\n`
/// after each record).
fn written_by_csv_crate(header: &[String], rows: &[Vec<String>]) -> Result<String, BoxError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(r)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

#[test]
fn quoted_fields_come_through_as_the_csv_crate_reads_and_writes_them() -> TestResult {
    let dir = Workdir::new()?;
    // Quotes where none are needed, delimiters, quotes and line breaks inside fields, a bare
    // quote inside an unquoted field, text beyond ASCII, empty fields, and a quoted header.
    let input = "id,date,lat,lon,note,\"tag, quoted\",extra\n\
                 \"Q1\",\"2006-04-19\",\"41.46667\",\"69.16667\",\"plain\",x,y\n\
                 Q2,2006-04-19,41.46667,69.16667,\"a, b\",\"line1\nline2\",\"say \"\"hi\"\"\"\n\
                 Q3,2006,41.47,69.17,a\"b,caf\u{e9},\"cr\rinside\"\n\
                 Q4,2006-05,41.46667,69.16667,,,\n\
                 Q5,2007,48.0,60.0,far,\"\",\"\"\"\"\n";
    let (in_header, in_rows) = records(input)?;
    assert_eq!(in_rows.len(), 5);
    dir.write("in.csv", input)?;
    let out = stdout_of(&mut dir.bordertrack([
        "incidents",
        "in.csv",
        "--within",
        "30km",
        "--all",
        "--format",
        "csv",
    ]))?;
    let (header, rows) = records(&out)?;
    let mut want = in_header.clone();
    want.extend(CLASSIFICATION_COLUMNS.iter().map(|c| c.to_string()));
    assert_eq!(header, want);
    assert_eq!(rows.len(), in_rows.len());
    for (row, given) in rows.iter().zip(&in_rows) {
        assert_eq!(
            &row[..given.len()],
            &given[..],
            "fields read back unchanged"
        );
    }
    // Classified: the rows near the line are on it, the one in the steppe on none.
    let on_line = rows
        .iter()
        .filter(|r| !r[in_header.len()].is_empty())
        .count();
    assert_eq!(on_line, 4, "{out}");
    // Byte for byte what the csv crate writes for the same fields.
    assert_eq!(out, written_by_csv_crate(&header, &rows)?);
    Ok(())
}
