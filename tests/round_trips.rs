//! Every incident input keeps the analyst's own columns (#16): the output of `incidents`, in
//! each format that holds points and can be read as input, reads back in with all its columns
//! and the same classification (CSV with WKT geometry without its earlier geometry column);
//! typed inputs keep their types; mappings and messages are the same as for CSV.

use std::fs::File;
use std::path::Path;

use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{fixture, stdout_of, tiny, BoxError, TestResult, Workdir};

/// Runs of `incidents` in a new working directory that all end with the same options.
struct Runs {
    dir: Workdir,
    shared: Vec<String>,
}

impl Runs {
    /// Runs on the ACLED table ([`acled`]) and the embedded dataset, within 30 km, every
    /// incident written.
    fn acled() -> Result<Runs, BoxError> {
        Runs::with(&["--within", "30km", "--all"])
    }

    /// Runs on the tiny dataset ([`tiny`]), within 2 km, every incident written.
    fn tiny() -> Result<Runs, BoxError> {
        Runs::with(&["--data", &tiny(), "--within", "2km", "--all"])
    }

    fn with(shared: &[&str]) -> Result<Runs, BoxError> {
        Ok(Runs {
            dir: Workdir::new()?,
            shared: shared.iter().map(|a| a.to_string()).collect(),
        })
    }

    /// `incidents INPUT OWN… SHARED… MORE…`.
    fn command(&self, input: &str, own: &[&str], more: &[&str]) -> assert_cmd::Command {
        let mut args = vec!["incidents", input];
        args.extend(own);
        args.extend(self.shared.iter().map(String::as_str));
        args.extend(more);
        self.dir.bordertrack(args)
    }

    /// What `incidents INPUT --format csv SHARED… MORE…` writes on standard output (it must
    /// succeed).
    fn csv(&self, input: &str, more: &[&str]) -> Result<String, BoxError> {
        stdout_of(&mut self.command(input, &["--format", "csv"], more))
    }

    /// Runs `incidents INPUT -o FILE SHARED… MORE…`, which must succeed.
    fn write(&self, input: &str, file: &str, more: &[&str]) {
        self.command(input, &["-o", file], more).assert().success();
    }

    /// The exit code and standard error of `incidents INPUT SHARED… MORE…`.
    fn refusal(&self, input: &str, more: &[&str]) -> Result<(Option<i32>, String), BoxError> {
        let out = self.command(input, &[], more).output()?;
        Ok((out.status.code(), String::from_utf8(out.stderr)?))
    }
}

/// The synthetic ACLED-layout table (`tests/fixtures/acled/`).
fn acled() -> String {
    fixture("acled")
        .join("kaz-uzb-synthetic.csv")
        .display()
        .to_string()
}

/// The name and Arrow type of each column of a Parquet file.
fn parquet_columns(file: &Path) -> Result<Vec<(String, DataType)>, BoxError> {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(file)?)?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone()))
        .collect())
}

#[test]
fn an_acled_table_reads_back_from_every_point_format_with_all_its_columns() -> TestResult {
    let runs = Runs::acled()?;
    let dir = &runs.dir;
    let input = acled();
    let reference = runs.csv(&input, &[])?;
    assert!(reference.lines().count() > 5, "{reference}");
    for file in [
        "o.csv",
        "o.parquet",
        "o.geojson",
        "o.geojsonl",
        "o.geojsons",
        "o.gpkg",
        "o.fgb",
        "o.kml",
        "o.kmz",
    ] {
        runs.write(&input, file, &[]);
        let written = dir.join(file).display().to_string();
        // The same columns, in order, the same values and the same answers: the earlier
        // classification replaced, not carried twice.
        let read_back = runs.csv(&written, &[])?;
        if file.ends_with(".fgb") {
            // FlatGeobuf's spatial index orders the features along a Hilbert curve: the same
            // header, and the same rows in another order.
            assert_eq!(
                sorted_records(&read_back)?,
                sorted_records(&reference)?,
                "{file}"
            );
            assert_eq!(read_back.lines().next(), reference.lines().next(), "{file}");
        } else {
            assert_eq!(read_back, reference, "{file}");
        }
    }
    Ok(())
}

#[test]
fn csv_with_wkt_reads_back_without_its_geometry_column() -> TestResult {
    let runs = Runs::acled()?;
    let dir = &runs.dir;
    let input = acled();
    let wkt = ["--format", "csv-wkt"];
    runs.write(&input, "a.csv", &wkt);
    let first = std::fs::read_to_string(dir.join("a.csv"))?;
    let header = first.lines().next().unwrap_or_default();
    assert!(header.starts_with("WKT,event_id_cnty,"), "{header}");
    assert!(first.contains("\"POINT("), "{first}");
    // Written again from its own output: the same file, one WKT column.
    runs.write("a.csv", "b.csv", &wkt);
    assert_eq!(std::fs::read_to_string(dir.join("b.csv"))?, first);
    // As plain CSV: the same answers as from the original table.
    assert_eq!(runs.csv("a.csv", &[])?, runs.csv(&input, &[])?);
    Ok(())
}

#[test]
fn a_tables_own_wkt_column_is_carried() -> TestResult {
    let runs = Runs::tiny()?;
    let dir = &runs.dir;
    dir.write(
        "own.csv",
        "WKT,id,date,lat,lon\n\"POINT (1 2)\",a,2006-04-19,41.5,69.01\n",
    )?;
    let out = runs.csv("own.csv", &[])?;
    assert!(out.starts_with("WKT,id,date,lat,lon,segment_id,"), "{out}");
    assert!(out.contains("\nPOINT (1 2),a,2006-04-19,"), "{out}");
    Ok(())
}

/// The records of a CSV text (its header first), the rows sorted.
fn sorted_records(text: &str) -> Result<Vec<Vec<String>>, BoxError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for record in reader.records() {
        records.push(record?.iter().map(str::to_string).collect::<Vec<_>>());
    }
    if let Some(rows) = records.get_mut(1..) {
        rows.sort();
    }
    Ok(records)
}

#[test]
fn a_typed_parquet_table_keeps_its_types_through_a_geoparquet_round_trip() -> TestResult {
    let runs = Runs::tiny()?;
    let dir = &runs.dir;
    let plain = fixture("parquet")
        .join("plain.parquet")
        .display()
        .to_string();
    let reference = runs.csv(&plain, &[])?;
    runs.write(&plain, "o.parquet", &[]);
    let types = parquet_columns(&dir.join("o.parquet"))?;
    let input_types = parquet_columns(&fixture("parquet").join("plain.parquet"))?;
    let type_of = |name: &str| types.iter().find(|(n, _)| n == name).map(|(_, t)| t);
    // Every input column, in order, then the classification.
    let names: Vec<&str> = types.iter().map(|(n, _)| n.as_str()).collect();
    let input_names: Vec<&str> = input_types.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[..input_names.len()], input_names[..]);
    assert_eq!(names[input_names.len()], "segment_id");
    // Whole numbers stay whole, floating-point numbers stay numbers, text stays text.
    for (name, given) in &input_types {
        let want = match given {
            DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => DataType::Int64,
            DataType::Float32 | DataType::Float64 => DataType::Float64,
            _ => DataType::Utf8,
        };
        assert_eq!(type_of(name), Some(&want), "{name}: was {given}");
    }
    assert_eq!(type_of("fatalities"), Some(&DataType::Int64));
    assert_eq!(type_of("lat"), Some(&DataType::Float64));
    // Read back: the same table and answers.
    assert_eq!(runs.csv("o.parquet", &[])?, reference);
    Ok(())
}

#[test]
fn parquet_columns_are_mapped_as_csv_columns_are() -> TestResult {
    let runs = Runs::tiny()?;
    let dir = &runs.dir;
    dir.write(
        "in.csv",
        "event,when,y,x,note\n\
         a,2006-04-19,41.5,69.01,first\n\
         b,2002-01,41.95,68.99,\n",
    )?;
    let mapped = ["--columns", "id=event,date=when,lat=y,lon=x"];
    let reference = runs.csv("in.csv", &mapped)?;
    runs.write("in.csv", "m.parquet", &mapped);

    // Without a mapping: the CSV message, naming the columns found and suggesting one.
    let (code, stderr) = runs.refusal("m.parquet", &[])?;
    assert_eq!(code, Some(1), "the input file is at fault");
    assert!(stderr.contains("m.parquet"), "{stderr}");
    assert!(
        stderr.contains("no column for \"id\", \"date\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("found: event, when, y, x, note and a point geometry;"),
        "{stderr}"
    );
    assert!(stderr.contains("--columns"), "{stderr}");

    // The geometry gives the position; the id and date are mapped. The y and x columns are
    // only the table's own there, so the geometry's position is written beside them.
    let with_position = runs.csv("m.parquet", &["--id-col", "event", "--date-col", "when"])?;
    let want: String = reference
        .lines()
        .zip(["lon,lat", "69.010000,41.500000", "68.990000,41.950000"])
        .map(|(line, position)| {
            let (own, answers) = line.split_at(
                line.find(",XAA-XBB-")
                    .or(line.find(",segment_id"))
                    .unwrap_or(0),
            );
            format!("{own},{position}{answers}\n")
        })
        .collect();
    assert_eq!(with_position, want);
    // Or every column, the position from the y and x columns.
    assert_eq!(runs.csv("m.parquet", &mapped)?, reference);
    // A mapped column that is not there is named.
    let (_, stderr) = runs.refusal("m.parquet", &["--columns", "id=evnt,date=when"])?;
    assert!(stderr.contains("no column \"evnt\" for id"), "{stderr}");
    Ok(())
}

#[test]
fn a_ucdp_table_works_without_a_prefix_and_reads_back() -> TestResult {
    let runs = Runs::tiny()?;
    let dir = &runs.dir;
    dir.write(
        "ged.csv",
        "id,year,type_of_violence,date_start,date_end,latitude,longitude,where_prec,where_description,best,source_article\n\
         101,2006,1,2006-04-19 00:00:00.000,2006-04-20 00:00:00.000,41.5,69.01,1,border post,2,press\n\
         102,2002,3,2002-01-10,2002-01-12,41.95,68.99,2,open section,0,radio\n",
    )?;
    let out = runs
        .command("ged.csv", &["--format", "csv"], &[])
        .output()?;
    assert_eq!(out.status.code(), Some(0));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("\"date_start\", \"date_end\"") && stderr.contains("bt_"),
        "{stderr}"
    );
    let reference = String::from_utf8(out.stdout)?;
    let header = reference.lines().next().unwrap_or("");
    assert!(
        header.starts_with("id,year,type_of_violence,date_start,date_end,latitude,longitude,"),
        "{header}"
    );
    assert!(header.ends_with(",bt_date_start,bt_date_end"), "{header}");
    // The UCDP span is the classification's.
    assert!(
        reference.contains(",2006-04-19,2006-04-20\n"),
        "{reference}"
    );
    for file in ["o.csv", "o.parquet"] {
        runs.write("ged.csv", file, &[]);
        assert_eq!(runs.csv(file, &[])?, reference, "{file}");
    }
    Ok(())
}

#[test]
fn geojson_properties_come_through_in_order_with_their_types() -> TestResult {
    let runs = Runs::tiny()?;
    let dir = &runs.dir;
    dir.write(
        "in.geojson",
        r#"{"type":"FeatureCollection","features":[
{"type":"Feature","geometry":{"type":"Point","coordinates":[69.01,41.5]},
 "properties":{"event":"a","when":"2006-04-19","deaths":3,"score":0.5,"tag":"x"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[68.99,41.95]},
 "properties":{"event":"b","when":"2002-01","deaths":null,"score":2,"extra":"late"}},
{"type":"Feature","geometry":null,"properties":{"event":"c","when":"2002-01"}},
{"type":"Feature","geometry":{"type":"Point","coordinates":[68.99,41.95]},
 "properties":{"event":"d","when":"19/04/2006"}}
]}"#,
    )?;
    let out = runs
        .command(
            "in.geojson",
            &["-o", "o.parquet"],
            &["--id-col", "event", "--date-col", "when"],
        )
        .output()?;
    // Every problem, each naming the file and the feature.
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("in.geojson: feature 2 (id \"c\"): null geometry"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.geojson: feature 3 (id \"d\"): date 19/04/2006 not understood"),
        "{stderr}"
    );
    let types = parquet_columns(&dir.join("o.parquet"))?;
    let names: Vec<&str> = types.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names[..7],
        [
            "event",
            "when",
            "deaths",
            "score",
            "tag",
            "extra",
            "segment_id"
        ]
    );
    let type_of = |name: &str| types.iter().find(|(n, _)| n == name).map(|(_, t)| t);
    assert_eq!(type_of("deaths"), Some(&DataType::Int64));
    assert_eq!(type_of("score"), Some(&DataType::Float64));
    assert_eq!(type_of("tag"), Some(&DataType::Utf8));
    assert_eq!(type_of("event"), Some(&DataType::Utf8));

    // As CSV: the properties in order, a missing one empty, the geometry's position after them.
    let text = runs.csv("in.geojson", &["--columns", "id=event,date=when"])?;
    let mut lines = text.lines();
    assert!(lines
        .next()
        .unwrap_or("")
        .starts_with("event,when,deaths,score,tag,extra,lon,lat,segment_id,"));
    assert!(lines
        .next()
        .unwrap_or("")
        .starts_with("a,2006-04-19,3,0.5,x,,69.010000,41.500000,XAA-XBB-1,"));
    assert!(lines
        .next()
        .unwrap_or("")
        .starts_with("b,2002-01,,2,,late,68.990000,41.950000,XAA-XBB-2,"));

    // The position is the geometry's: a latitude mapping is refused, naming the file.
    let (code, stderr) =
        runs.refusal("in.geojson", &["--columns", "id=event,date=when,lat=score"])?;
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("in.geojson: a GeoJSON feature's position is its geometry"),
        "{stderr}"
    );
    // Without a mapping: the CSV message, naming the properties found.
    let (_, stderr) = runs.refusal("in.geojson", &[])?;
    assert!(
        stderr.contains("found: event, when, deaths, score, tag, extra and a point geometry;"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn a_file_that_is_not_geopackage_flatgeobuf_or_kml_is_refused_by_name() -> TestResult {
    let dir = Workdir::new()?;
    for (file, expected) in [
        ("not.gpkg", "not a readable GeoPackage"),
        ("not.fgb", "not a readable FlatGeobuf file"),
        ("not.kml", "not a KML document"),
    ] {
        std::fs::write(dir.join(file), "id,date,lat,lon\nA,2006,41.3,69.2\n")?;
        let path = dir.join(file).display().to_string();
        let out = dir.bordertrack(["incidents", &path]).output()?;
        assert!(!out.status.success());
        let stderr = String::from_utf8(out.stderr)?;
        assert!(stderr.contains(&path), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
    }
    Ok(())
}

#[test]
fn line_layers_are_refused_as_geopackage_and_flatgeobuf() -> TestResult {
    let dir = Workdir::new()?;
    for (file, expected) in [
        (
            "segments.gpkg",
            ": feature table \"segments\" holds MULTILINESTRING geometries; incidents are read \
             from Points",
        ),
        (
            "segments.fgb",
            ": the layer's geometry type is MultiLineString; incidents are read from Point \
             features",
        ),
    ] {
        let path = dir.join(file).display().to_string();
        dir.bordertrack(["export", "segments", "--dyad", "KAZ-UZB", "-o", &path])
            .assert()
            .success();
        let out = dir.bordertrack(["incidents", &path]).output()?;
        let stderr = String::from_utf8(out.stderr)?;
        assert!(!out.status.success(), "{stderr}");
        assert!(stderr.contains(&format!("{path}{expected}")), "{stderr}");
    }
    Ok(())
}

#[test]
fn kml_placemarks_without_a_point_are_problems_naming_the_placemark() -> TestResult {
    let dir = Workdir::new()?;
    let kml = r##"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document>
<Schema name="incidents" id="incidents">
<SimpleField name="date" type="string"></SimpleField>
<SimpleField name="fatalities" type="int"></SimpleField>
</Schema>
<Placemark><name>A</name><ExtendedData><SchemaData schemaUrl="#incidents">
<SimpleData name="date">2006-05-01</SimpleData><SimpleData name="fatalities">2</SimpleData>
</SchemaData></ExtendedData><Point><coordinates>69.2,41.3</coordinates></Point></Placemark>
<Placemark><name>B</name><ExtendedData><SchemaData schemaUrl="#incidents">
<SimpleData name="date">2006-05-02</SimpleData></SchemaData></ExtendedData>
<LineString><coordinates>69.2,41.3 69.3,41.4</coordinates></LineString></Placemark>
<Placemark><name>C</name><ExtendedData><Data name="date"><value>2006-05-03</value></Data>
</ExtendedData></Placemark>
<Placemark><name>D</name><ExtendedData><Data name="date"><value>2006-05-04</value></Data>
</ExtendedData><Point><coordinates>69.25,41.35</coordinates></Point></Placemark>
</Document>
</kml>
"##;
    std::fs::write(dir.join("in.kml"), kml)?;
    let path = dir.join("in.kml").display().to_string();
    let data = tiny();
    let out = dir
        .bordertrack([
            "incidents",
            &path,
            "--data",
            &data,
            "--within",
            "500km",
            "--all",
            "--format",
            "csv",
        ])
        .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    let stdout = String::from_utf8(out.stdout)?;
    assert!(
        stderr.contains("feature 1") && stderr.contains("geometry is a LineString"),
        "{stderr}"
    );
    assert!(
        stderr.contains("feature 2") && stderr.contains("no geometry"),
        "{stderr}"
    );
    assert!(stderr.contains(&path), "{stderr}");
    // The names stand in for the missing id column; the typed column keeps its values.
    let header = stdout.lines().next().unwrap_or_default();
    assert!(header.starts_with("id,date,fatalities,"), "{stdout}");
    let ids: Vec<&str> = stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(ids, ["A", "D"], "{stdout}");
    assert!(stdout.contains("A,2006-05-01,2,"), "{stdout}");
    Ok(())
}

/// Whether GDAL's programs must be present (`.ci/run` sets `BORDERTRACK_REQUIRE_OGRINFO=1`).
fn gdal_required() -> bool {
    std::env::var("BORDERTRACK_REQUIRE_OGRINFO").as_deref() == Ok("1")
        || std::env::var("CI").as_deref() == Ok("true")
}

/// Runs `ogr2ogr args…`; `false` when it is not installed (and not required).
fn ogr2ogr(args: &[&str]) -> Result<bool, BoxError> {
    match std::process::Command::new("ogr2ogr").args(args).output() {
        Ok(out) if out.status.success() => Ok(true),
        Ok(out) => {
            Err(format!("ogr2ogr {args:?}: {}", String::from_utf8_lossy(&out.stderr)).into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !gdal_required() => {
            eprintln!("ogr2ogr not installed: skipping the files written by GDAL");
            Ok(false)
        }
        Err(e) => Err(format!("ogr2ogr: {e} (Debian: apt-get install gdal-bin)").into()),
    }
}

/// A zip archive holding `kml` as `doc.kml`, deflated, after another entry (as Google Earth
/// writes KMZ files with their images).
fn kmz_of(kml: &[u8]) -> Result<Vec<u8>, BoxError> {
    use std::io::Write;
    let mut archive = Vec::new();
    let mut directory = Vec::new();
    let entries: [(&str, &[u8], u16); 2] = [("files/icon.png", b"\x89PNG", 0), ("doc.kml", kml, 8)];
    for (name, content, method) in entries {
        let data = if method == 8 {
            let mut e = flate2::write::DeflateEncoder::new(Vec::new(), Default::default());
            e.write_all(content)?;
            e.finish()?
        } else {
            content.to_vec()
        };
        let mut crc = flate2::Crc::new();
        crc.update(content);
        let offset = u32::try_from(archive.len())?;
        let mut common = Vec::new();
        common.extend(20u16.to_le_bytes());
        common.extend(0u16.to_le_bytes());
        common.extend(method.to_le_bytes());
        common.extend([0u8; 4]);
        common.extend(crc.sum().to_le_bytes());
        common.extend(u32::try_from(data.len())?.to_le_bytes());
        common.extend(u32::try_from(content.len())?.to_le_bytes());
        common.extend(u16::try_from(name.len())?.to_le_bytes());
        common.extend(0u16.to_le_bytes());
        archive.extend(0x0403_4b50u32.to_le_bytes());
        archive.extend(&common);
        archive.extend(name.as_bytes());
        archive.extend(&data);
        directory.extend(0x0201_4b50u32.to_le_bytes());
        directory.extend(20u16.to_le_bytes());
        directory.extend(&common);
        directory.extend([0u8; 10]);
        directory.extend(offset.to_le_bytes());
        directory.extend(name.as_bytes());
    }
    let at = u32::try_from(archive.len())?;
    archive.extend(&directory);
    archive.extend(0x0605_4b50u32.to_le_bytes());
    archive.extend([0u8; 4]);
    archive.extend(2u16.to_le_bytes());
    archive.extend(2u16.to_le_bytes());
    archive.extend(u32::try_from(directory.len())?.to_le_bytes());
    archive.extend(at.to_le_bytes());
    archive.extend(0u16.to_le_bytes());
    Ok(archive)
}

#[test]
fn a_kmz_reads_as_the_kml_inside_it() -> TestResult {
    let runs = Runs::acled()?;
    let dir = &runs.dir;
    let input = acled();
    let reference = runs.csv(&input, &[])?;
    runs.write(&input, "o.kml", &[]);
    dir.write("o.kmz", kmz_of(&std::fs::read(dir.join("o.kml"))?)?)?;
    assert_eq!(runs.csv("o.kmz", &[])?, reference);
    // A zip without a KML document in it, and one cut short: errors naming the file.
    let mut cut = std::fs::read(dir.join("o.kmz"))?;
    cut.truncate(cut.len() / 2);
    dir.write("cut.kmz", cut)?;
    let out = dir.bordertrack(["incidents", "cut.kmz"]).output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains("cut.kmz: not a readable KMZ (zip) archive"),
        "{stderr}"
    );
    Ok(())
}

#[test]
fn incidents_write_a_kmz_of_the_kml_document_as_doc_kml() -> TestResult {
    use std::io::Read;
    let runs = Runs::acled()?;
    let dir = &runs.dir;
    let input = acled();
    runs.write(&input, "o.kml", &[]);
    runs.write(&input, "o.kmz", &[]);
    // The archive's first (and only) entry is doc.kml, deflated: the KML writer's document.
    let bytes = std::fs::read(dir.join("o.kmz"))?;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&bytes))?;
    let mut entry = archive.by_index(0)?;
    assert_eq!(entry.name(), "doc.kml");
    assert_eq!(entry.compression(), zip::CompressionMethod::Deflated);
    let mut document = Vec::new();
    entry.read_to_end(&mut document)?;
    assert_eq!(document, std::fs::read(dir.join("o.kml"))?);
    drop(entry);
    assert_eq!(archive.len(), 1);
    // Never written onto its input, which is left as it was; and WGS84 only.
    let (code, stderr) = runs.refusal("o.kmz", &["-o", "o.kmz"])?;
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("o.kmz: refusing to overwrite an input file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(dir.join("o.kmz"))?, bytes);
    let (code, stderr) = runs.refusal(&input, &["-o", "p.kmz", "--crs", "EPSG:32642"])?;
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("KML coordinates are WGS84 longitude/latitude only"),
        "{stderr}"
    );
    assert!(!dir.join("p.kmz").exists());
    Ok(())
}

#[test]
fn a_geopackage_table_is_chosen_with_layer() -> TestResult {
    let runs = Runs::acled()?;
    let dir = &runs.dir;
    let input = acled();
    let reference = runs.csv(&input, &[])?;
    runs.write(&input, "o.gpkg", &[]);
    // A second feature table of the same points, but the first three: made as the first one
    // is (its own statement, renamed), and declared in the GeoPackage's tables.
    let db = rusqlite::Connection::open(dir.join("o.gpkg"))?;
    let table: String = db.query_row(
        "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'",
        [],
        |r| r.get(0),
    )?;
    let create: String = db.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [&table],
        |r| r.get(0),
    )?;
    let create = create.replacen(&format!("\"{table}\""), "\"fewer\"", 1);
    assert!(create.contains("\"fewer\""), "{create}");
    db.execute_batch(&format!(
        "{create};
         INSERT INTO \"fewer\" SELECT * FROM \"{table}\" WHERE fid > 3;
         INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id)
           SELECT 'fewer', data_type, 'fewer', srs_id FROM gpkg_contents
           WHERE table_name = '{table}';
         INSERT INTO gpkg_geometry_columns
           SELECT 'fewer', column_name, geometry_type_name, srs_id, z, m
           FROM gpkg_geometry_columns WHERE table_name = '{table}';"
    ))?;
    let kept: Vec<String> = db
        .prepare("SELECT event_id_cnty FROM \"fewer\"")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    assert!(!kept.is_empty());
    drop(db);

    // Two tables and none chosen: both named, and the option.
    let out = dir.bordertrack(["incidents", "o.gpkg"]).output()?;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!(
            "o.gpkg: the GeoPackage has several feature tables (\"fewer\", \"{table}\"); name \
             the one to read with --layer NAME"
        )),
        "{stderr}"
    );
    assert_eq!(runs.csv("o.gpkg", &["--layer", table.as_str()])?, reference);
    // The header, then the reference's rows of the ids kept.
    let want: String = reference
        .lines()
        .enumerate()
        .filter(|(i, l)| *i == 0 || kept.iter().any(|id| l.starts_with(&format!("{id},"))))
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    assert!(want.lines().count() < reference.lines().count());
    assert_eq!(runs.csv("o.gpkg", &["--layer", "fewer"])?, want);
    // A table that is not there: the tables are named.
    let out = dir
        .bordertrack(["incidents", "o.gpkg", "--layer", "nope"])
        .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(&format!(
            "no feature table \"nope\" (its feature tables: \"fewer\", \"{table}\")"
        )),
        "{stderr}"
    );
    // --layer is for GeoPackages only.
    let out = dir
        .bordertrack(["incidents", input.as_str(), "--layer", "x"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr)?;
    assert!(stderr.contains("is not a .gpkg file"), "{stderr}");
    Ok(())
}

/// Two incidents as GeoJSON features, the first a MultiPoint of `first` (one or more points).
fn multipoint_geojson(first: &str) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[
{{"type":"Feature","geometry":{first},"properties":{{"id":"a","date":"2006-04-19"}}}},
{{"type":"Feature","geometry":{{"type":"MultiPoint","coordinates":[[68.99,41.95]]}},
 "properties":{{"id":"b","date":"2002-01"}}}}
]}}"#
    )
}

#[test]
fn a_multipoint_of_one_point_is_read_as_the_point_in_every_format() -> TestResult {
    let runs = Runs::tiny()?;
    let dir = &runs.dir;
    dir.write(
        "points.geojson",
        multipoint_geojson(r#"{"type":"Point","coordinates":[69.01,41.5]}"#).replace(
            r#"{"type":"MultiPoint","coordinates":[[68.99,41.95]]}"#,
            r#"{"type":"Point","coordinates":[68.99,41.95]}"#,
        ),
    )?;
    let reference = runs.csv("points.geojson", &[])?;
    assert_eq!(reference.lines().count(), 3, "{reference}");
    dir.write(
        "multi.geojson",
        multipoint_geojson(r#"{"type":"MultiPoint","coordinates":[[69.01,41.5]]}"#),
    )?;
    let mut files = vec!["multi.geojson".to_string()];
    for (file, driver) in [("multi.gpkg", "GPKG"), ("multi.fgb", "FlatGeobuf")] {
        let target = dir.join(file).display().to_string();
        let source = dir.join("multi.geojson").display().to_string();
        if ogr2ogr(&["-f", driver, "-nlt", "MULTIPOINT", &target, &source])? {
            files.push(file.to_string());
        }
    }
    for file in &files {
        let out = runs.csv(file, &[])?;
        // GDAL's GeoPackage gives the features an fid, not among the columns read.
        assert_eq!(out, reference, "{file}");
    }
    // Several points: a problem naming the feature; the other incident is read.
    dir.write(
        "several.geojson",
        multipoint_geojson(r#"{"type":"MultiPoint","coordinates":[[69.01,41.5],[69.02,41.5]]}"#),
    )?;
    let out = runs
        .command("several.geojson", &["--format", "csv"], &[])
        .output()?;
    let stderr = String::from_utf8(out.stderr)?;
    assert!(
        stderr.contains(
            "several.geojson: feature 0 (id \"a\"): geometry is a MultiPoint of 2 points; an \
             incident needs one Point"
        ),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout)?;
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    Ok(())
}
