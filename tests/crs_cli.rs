//! `--crs` and `--input-crs` through the binary: without the `proj` feature they fail with a
//! message that says how to build with it; with it, output in another CRS and input from one
//! give the same classification as WGS84 (distances stay geodesic on WGS84).

#[cfg(not(feature = "proj"))]
use crate::util::{bordertrack, TestResult};

/// A GeoJSON collection whose legacy `crs` member names UTM zone 42N.
const UTM42_GEOJSON: &str = r#"{"type":"FeatureCollection",
"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32642"}},
"features":[{"type":"Feature","properties":{"id":"A","date":"2006-04-19"},
"geometry":{"type":"Point","coordinates":[514000.0,4590000.0]}}]}"#;

#[cfg(not(feature = "proj"))]
#[test]
fn without_proj_another_crs_says_how_to_build_with_it() -> TestResult {
    let work = crate::util::Workdir::new()?;
    let geojson = work.path().join("utm.geojson");
    std::fs::write(&geojson, UTM42_GEOJSON)?;
    let geojson = geojson.display().to_string();
    for args in [
        vec!["segments", "--crs", "EPSG:32642", "--format", "geojson"],
        vec!["incidents", "--crs", "+proj=utm +zone=42 +datum=WGS84"],
        vec!["incidents", &geojson, "--input-crs", "EPSG:28412"],
        vec!["incidents", &geojson],
    ] {
        let out = bordertrack(&args).output()?;
        let stderr = String::from_utf8(out.stderr)?;
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(
            stderr.contains("cargo install --path . --features proj") && stderr.contains("cmake"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?} wrote output");
    }
    // WGS84 itself needs no PROJ.
    bordertrack(["segments", "--crs", "EPSG:4326", "--format", "csv"])
        .assert()
        .success();
    Ok(())
}

#[cfg(feature = "proj")]
mod with_proj {
    use bordertrack::crs::{Crs, Reprojection};
    use geo_types::Coord;

    use super::UTM42_GEOJSON;
    use crate::util::{bordertrack, BoxError, TestResult, Workdir};

    /// CSV text as a header and rows of cells.
    fn table(text: &[u8]) -> Result<(Vec<String>, Vec<Vec<String>>), BoxError> {
        let mut reader = csv::Reader::from_reader(text);
        let header = reader.headers()?.iter().map(str::to_string).collect();
        let rows = reader
            .records()
            .map(|r| r.map(|r| r.iter().map(str::to_string).collect()))
            .collect::<Result<_, _>>()?;
        Ok((header, rows))
    }

    fn column(header: &[String], name: &str) -> Result<usize, BoxError> {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("no column {name} in {header:?}").into())
    }

    fn number(cell: &str) -> Result<f64, BoxError> {
        Ok(cell.parse::<f64>()?)
    }

    #[test]
    fn segments_in_utm_are_the_wgs84_lines_converted_and_say_their_crs() -> TestResult {
        let args = ["segments", "--dyad", "KAZ-UZB", "--format", "geojson"];
        let wgs84 = bordertrack(args).output()?;
        let utm = bordertrack(args.iter().chain(&["--crs", "EPSG:32642"])).output()?;
        assert!(
            utm.status.success(),
            "{}",
            String::from_utf8_lossy(&utm.stderr)
        );
        let wgs84: serde_json::Value = serde_json::from_slice(&wgs84.stdout)?;
        let utm: serde_json::Value = serde_json::from_slice(&utm.stdout)?;
        assert!(wgs84.get("crs").is_none());
        assert_eq!(
            utm["crs"]["properties"]["name"],
            "urn:ogc:def:crs:EPSG::32642"
        );
        let reprojection = Reprojection::new(Crs::epsg(32642))?;
        let (a, b) = (
            wgs84["features"].as_array().ok_or("no features")?,
            utm["features"].as_array().ok_or("no features")?,
        );
        assert_eq!(a.len(), b.len());
        assert!(!a.is_empty());
        for (a, b) in a.iter().zip(b) {
            // The properties (lengths on the WGS84 ellipsoid among them) do not change.
            assert_eq!(a["properties"], b["properties"]);
            let coords = |f: &serde_json::Value| -> Vec<Coord<f64>> {
                f["geometry"]["coordinates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| {
                        Some(Coord {
                            x: c[0].as_f64()?,
                            y: c[1].as_f64()?,
                        })
                    })
                    .collect()
            };
            let mut expected = coords(a);
            reprojection.from_wgs84(&mut expected)?;
            let got = coords(b);
            assert_eq!(expected.len(), got.len());
            for (e, g) in expected.iter().zip(&got) {
                // The WGS84 output has 6 decimals of a degree (0.1 m); the UTM one is exact.
                assert!((e.x - g.x).hypot(e.y - g.y) < 0.2, "{e:?} {g:?}");
                // Metres, not degrees (the dyad runs from the Caspian to the Tien Shan, so
                // far west of zone 42 some eastings are negative).
                assert!(g.x.abs() < 2_000_000.0 && g.y > 4_000_000.0, "{g:?}");
            }
        }
        Ok(())
    }

    /// The dataset's own incidents as a plain WGS84 table and, converted by the library, as
    /// one in `crs` (northing in the `lat` column, easting in `lon`).
    fn incident_tables(crs: &Crs) -> Result<(String, String), BoxError> {
        let out = bordertrack(["incidents", "--all", "--format", "csv"]).output()?;
        let (header, rows) = table(&out.stdout)?;
        let (id, date) = (column(&header, "id")?, column(&header, "date")?);
        let (lon, lat) = (column(&header, "lon")?, column(&header, "lat")?);
        let reprojection = Reprojection::new(crs.clone())?;
        let mut wgs84 = String::from("id,date,lat,lon\n");
        let mut projected = String::from("id,date,lat,lon\n");
        for row in rows.iter().filter(|r| !r[date].contains('/')) {
            wgs84.push_str(&format!(
                "{},{},{},{}\n",
                row[id], row[date], row[lat], row[lon]
            ));
            let mut xy = [Coord {
                x: number(&row[lon])?,
                y: number(&row[lat])?,
            }];
            reprojection.from_wgs84(&mut xy)?;
            projected.push_str(&format!(
                "{},{},{:.4},{:.4}\n",
                row[id], row[date], xy[0].y, xy[0].x
            ));
        }
        Ok((wgs84, projected))
    }

    #[test]
    fn incidents_read_in_another_crs_classify_as_in_wgs84() -> TestResult {
        let work = Workdir::new()?;
        let crs = Crs::epsg(28412);
        let (wgs84, projected) = incident_tables(&crs)?;
        let (a, b) = (work.path().join("wgs84.csv"), work.path().join("gk12.csv"));
        std::fs::write(&a, &wgs84)?;
        std::fs::write(&b, &projected)?;
        let run = |file: &std::path::Path, extra: &[&str]| -> Result<_, BoxError> {
            let out = bordertrack(
                [
                    "incidents",
                    &file.display().to_string(),
                    "--all",
                    "--within",
                    "50km",
                ]
                .iter()
                .chain(extra)
                .chain(&["--format", "csv"]),
            )
            .output()?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
            }
            table(&out.stdout)
        };
        let (header, expected) = run(&a, &[])?;
        let (_, got) = run(&b, &["--input-crs", "EPSG:28412"])?;
        assert!(expected.len() >= 10, "only {} incidents", expected.len());
        assert_eq!(expected.len(), got.len());
        let distance = column(&header, "distance_m")?;
        let (lon, lat) = (column(&header, "lon")?, column(&header, "lat")?);
        for (e, g) in expected.iter().zip(&got) {
            for (i, name) in header.iter().enumerate() {
                if [lon, lat].contains(&i) {
                    // The table's own columns come through as written: Gauss–Krüger metres
                    // in the projected table, degrees in the other.
                    let (e, g) = (number(&e[i])?, number(&g[i])?);
                    assert!(e.abs() <= 180.0 && g.abs() > 1000.0, "{name}: {e} {g}");
                } else if i == distance {
                    // Written with 4 decimals of a metre, read back within a millimetre.
                    let (e, g) = (number(&e[i])?, number(&g[i])?);
                    assert!((e - g).abs() <= 0.11, "{name}: {e} {g}");
                } else {
                    assert_eq!(e[i], g[i], "{name}");
                }
            }
        }
        // Coordinates that are plainly degrees are not silently taken as metres: they come
        // out (converted from Gauss–Krüger zone 12 metres) nowhere near the border.
        let (_, degrees_as_metres) = run(&a, &["--input-crs", "EPSG:28412"])?;
        let segment = column(&header, "segment_id")?;
        assert!(degrees_as_metres.iter().all(|r| r[segment].is_empty()));
        Ok(())
    }

    #[test]
    fn a_table_with_its_own_lat_lon_written_in_another_crs_gets_prefixed_x_y() -> TestResult {
        let work = Workdir::new()?;
        let file = work.path().join("t.csv");
        std::fs::write(&file, "id,date,lat,lon\nA,2006-04-19,41.3,69.3\n")?;
        let file = file.display().to_string();
        let args = [
            "incidents",
            &file,
            "--crs",
            "EPSG:32642",
            "--format",
            "csv",
            "--all",
        ];
        let out = bordertrack(args).output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.contains("prefix bt_"), "{stderr}");
        let (header, rows) = table(&out.stdout)?;
        assert_eq!(
            header[..7],
            ["id", "date", "lat", "lon", "bt_x", "bt_y", "bt_segment_id"]
        );
        // The table's own columns as written; bt_x and bt_y the point in UTM 42N.
        assert_eq!(rows[0][..4], ["A", "2006-04-19", "41.3", "69.3"]);
        let mut xy = [Coord { x: 69.3, y: 41.3 }];
        Reprojection::new(Crs::epsg(32642))?.from_wgs84(&mut xy)?;
        let off = (xy[0].x - number(&rows[0][4])?).hypot(xy[0].y - number(&rows[0][5])?);
        assert!(off < 1e-5, "{off} m");
        Ok(())
    }

    #[test]
    fn incidents_written_in_another_crs_have_x_y_and_unchanged_distances() -> TestResult {
        let run = |extra: &[&str]| -> Result<_, BoxError> {
            let out = bordertrack(["incidents", "--format", "csv"].iter().chain(extra)).output()?;
            if !out.status.success() {
                return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
            }
            table(&out.stdout)
        };
        let (h_wgs84, wgs84) = run(&[])?;
        let (h_utm, utm) = run(&["--crs", "EPSG:32642"])?;
        let (lon, lat) = (column(&h_wgs84, "lon")?, column(&h_wgs84, "lat")?);
        assert_eq!((column(&h_utm, "x")?, column(&h_utm, "y")?), (lon, lat));
        assert!(!h_utm.iter().any(|h| h == "lon" || h == "lat"));
        let reprojection = Reprojection::new(Crs::epsg(32642))?;
        assert!(!wgs84.is_empty());
        assert_eq!(wgs84.len(), utm.len());
        for (w, u) in wgs84.iter().zip(&utm) {
            let mut xy = [Coord {
                x: number(&w[lon])?,
                y: number(&w[lat])?,
            }];
            reprojection.from_wgs84(&mut xy)?;
            let off = (xy[0].x - number(&u[lon])?).hypot(xy[0].y - number(&u[lat])?);
            // lon/lat are written to 6 decimals (0.1 m); x/y are converted from the exact point.
            assert!(off < 0.2, "{off} m");
            for i in (0..w.len()).filter(|i| ![lon, lat].contains(i)) {
                assert_eq!(w[i], u[i], "{}", h_wgs84[i]);
            }
        }
        // GeoJSON says its CRS.
        let out =
            bordertrack(["incidents", "--format", "geojson", "--crs", "EPSG:32642"]).output()?;
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
        assert_eq!(
            v["crs"]["properties"]["name"],
            "urn:ogc:def:crs:EPSG::32642"
        );
        let x = v["features"][0]["geometry"]["coordinates"][0]
            .as_f64()
            .ok_or("no x")?;
        // The x column (6 decimals) is the geometry's easting.
        let column_x = v["features"][0]["properties"]["x"]
            .as_f64()
            .ok_or("no x column")?;
        assert!((x - column_x).abs() < 1e-6, "{x} {column_x}");
        Ok(())
    }

    #[test]
    fn a_geojson_crs_member_is_honoured_with_a_warning() -> TestResult {
        let work = Workdir::new()?;
        let utm = work.path().join("utm.geojson");
        std::fs::write(&utm, UTM42_GEOJSON)?;
        let utm = utm.display().to_string();
        let out = bordertrack(["incidents", &utm, "--all", "--format", "csv"]).output()?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8(out.stderr)?;
        assert!(
            stderr.contains("EPSG:32642") && stderr.contains("RFC 7946"),
            "{stderr}"
        );
        let (header, rows) = table(&out.stdout)?;
        let mut expected = [Coord {
            x: 514_000.0,
            y: 4_590_000.0,
        }];
        Reprojection::new(Crs::epsg(32642))?.to_wgs84(&mut expected)?;
        let (lon, lat) = (column(&header, "lon")?, column(&header, "lat")?);
        assert_eq!(rows.len(), 1);
        assert!((number(&rows[0][lon])? - expected[0].x).abs() < 1e-6);
        assert!((number(&rows[0][lat])? - expected[0].y).abs() < 1e-6);
        // Coordinates that are not metres in that CRS are rejected, not misplaced: these
        // degrees, read as UTM metres, land near the equator far from the border, and
        // nothing is said to be on it.
        let wrong = UTM42_GEOJSON.replace("[514000.0,4590000.0]", "[69.2,41.3]");
        std::fs::write(&utm, wrong)?;
        let out = bordertrack(["incidents", &utm, "--format", "csv"]).output()?;
        let (_, rows) = table(&out.stdout)?;
        assert!(rows.is_empty());
        Ok(())
    }
}
