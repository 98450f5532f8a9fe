//! Reprojection (`bordertrack::crs`) against PROJ's own `cs2cs` program, within 1 mm, for
//! WGS84 to and from the systems used in Central Asia:
//!
//! - Pulkovo 1942 / Gauss–Krüger zones 12–20 (EPSG:28412–28420);
//! - WGS 84 / UTM zones 41N–44N (EPSG:32641–32644);
//! - the Kazakh grids in PROJ's database: Pulkovo 1942 / CS63 zones K2, K3 and K4
//!   (EPSG:2939–2941, "Kazakhstan between 49°16'E and 58°16'E"). PROJ has no other CRS whose
//!   area of use is Kazakhstan alone (searched in `proj.db`: projected CRSs whose extent names
//!   or describes Kazakhstan are these three and the FSU-wide Gauss–Krüger systems).
//!
//! `cs2cs` runs as a subprocess. When it is not installed the comparisons are skipped with a
//! note, unless `BORDERTRACK_REQUIRE_CS2CS=1` (set by `.ci/run`), in which case they fail:
//! a missing tool must not pass silently.
//!
//! `cs2cs` keeps each CRS's own axis order (EPSG:4326 is latitude first, the Gauss–Krüger and
//! CS63 systems northing first); the library is longitude/easting first. The tests reorder.

use std::io::Write;
use std::process::{Command, Stdio};

use bordertrack::crs::{Crs, CrsError, Reprojection};
use geo_types::Coord;

use crate::util::{BoxError, TestResult};

/// 1 mm, the agreement asked for.
const TOLERANCE_M: f64 = 0.001;

/// Metres per degree of latitude, near enough to turn a difference of a few 1e-9 degrees
/// into millimetres (the error of this approximation is far below the tolerance).
const METRES_PER_DEGREE: f64 = 111_320.0;

/// Points spread over each system's area of use: longitudes either side of the zone's central
/// meridian and latitudes from the south to the north of Central Asia (36.5°N–55°N).
fn points_around(central_meridian: f64, half_width: f64) -> Vec<Coord<f64>> {
    let mut points = Vec::new();
    for dlon in [
        -half_width,
        -half_width / 3.0,
        0.0,
        half_width / 2.0,
        half_width,
    ] {
        for lat in [37.25, 41.3, 45.0, 48.7, 52.5] {
            points.push(Coord {
                x: central_meridian + dlon,
                y: lat,
            });
        }
    }
    points
}

/// A system to check, with where its points lie and its axis order in `cs2cs`.
struct System {
    epsg: u32,
    points: Vec<Coord<f64>>,
    /// The CRS's own axis order is northing first (so `cs2cs` prints northing, easting).
    northing_first: bool,
    /// Eastings must fall in this range: checks the library kept easting first.
    easting_range_m: (f64, f64),
}

fn systems() -> Vec<System> {
    let mut systems = Vec::new();
    for zone in 12..=20 {
        let central_meridian = f64::from(6 * zone - 3);
        let false_easting = f64::from(zone) * 1_000_000.0 + 500_000.0;
        systems.push(System {
            epsg: 28400 + zone,
            points: points_around(central_meridian, 2.9),
            northing_first: true,
            easting_range_m: (false_easting - 300_000.0, false_easting + 300_000.0),
        });
    }
    for zone in 41..=44 {
        systems.push(System {
            epsg: 32600 + zone,
            points: points_around(f64::from(6 * zone - 183), 2.9),
            northing_first: false,
            easting_range_m: (200_000.0, 800_000.0),
        });
    }
    // CS63 zones K2–K4: central meridians 50°46', 53°46', 56°46'; the Kazakh part of each
    // zone lies between 41°N and 51.8°N.
    for (epsg, central_meridian, false_easting) in [
        (2939, 50.0 + 46.0 / 60.0, 2_300_000.0),
        (2940, 53.0 + 46.0 / 60.0, 3_300_000.0),
        (2941, 56.0 + 46.0 / 60.0, 4_300_000.0),
    ] {
        let points = [-1.4, -0.5, 0.0, 0.7, 1.45]
            .into_iter()
            .flat_map(|dlon| {
                [41.6, 44.0, 46.5, 49.0, 51.1].map(|lat| Coord {
                    x: central_meridian + dlon,
                    y: lat,
                })
            })
            .collect();
        systems.push(System {
            epsg,
            points,
            northing_first: true,
            easting_range_m: (false_easting - 150_000.0, false_easting + 150_000.0),
        });
    }
    systems
}

/// Runs `cs2cs FROM TO` on `rows` (each two numbers in the source CRS's axis order) and
/// returns the first two numbers of each output line; `None` when cs2cs is not installed and
/// not required.
fn cs2cs(from: &str, to: &str, rows: &[(f64, f64)]) -> Result<Option<Vec<(f64, f64)>>, BoxError> {
    let spawned = Command::new("cs2cs")
        .args(["-f", "%.10f", from, to])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            if std::env::var("BORDERTRACK_REQUIRE_CS2CS").as_deref() == Ok("1") {
                return Err(
                    "cs2cs is not installed (Debian: apt-get install proj-bin), and \
                            BORDERTRACK_REQUIRE_CS2CS=1 says it must be"
                        .into(),
                );
            }
            eprintln!("cs2cs not installed: skipping the comparison with PROJ's cs2cs");
            return Ok(None);
        }
        Err(error) => return Err(error.into()),
    };
    let mut input = String::new();
    for (a, b) in rows {
        input.push_str(&format!("{a:.10} {b:.10}\n"));
    }
    child
        .stdin
        .take()
        .ok_or("no stdin")?
        .write_all(input.as_bytes())?;
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(format!(
            "cs2cs {from} {to} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )
        .into());
    }
    let text = String::from_utf8(output.stdout)?;
    let mut values = Vec::new();
    for line in text.lines() {
        let mut numbers = line.split_whitespace().map(str::parse::<f64>);
        match (numbers.next(), numbers.next()) {
            (Some(Ok(a)), Some(Ok(b))) => values.push((a, b)),
            _ => return Err(format!("cs2cs {from} {to}: unexpected line {line:?}").into()),
        }
    }
    if values.len() != rows.len() {
        return Err(format!(
            "cs2cs {from} {to}: {} lines for {}",
            values.len(),
            rows.len()
        )
        .into());
    }
    Ok(Some(values))
}

#[test]
fn agrees_with_cs2cs_within_a_millimetre_both_ways() -> TestResult {
    let mut failures = Vec::new();
    let mut compared = 0;
    for system in systems() {
        let target = format!("EPSG:{}", system.epsg);
        let reprojection = Reprojection::new(target.parse()?)?;

        // WGS84 → CRS.
        let lat_lon: Vec<(f64, f64)> = system.points.iter().map(|p| (p.y, p.x)).collect();
        let Some(expected) = cs2cs("EPSG:4326", &target, &lat_lon)? else {
            return Ok(());
        };
        let expected: Vec<Coord<f64>> = expected
            .into_iter()
            .map(|(a, b)| {
                if system.northing_first {
                    Coord { x: b, y: a }
                } else {
                    Coord { x: a, y: b }
                }
            })
            .collect();
        let mut projected = system.points.clone();
        reprojection.from_wgs84(&mut projected)?;
        for ((point, got), want) in system.points.iter().zip(&projected).zip(&expected) {
            let off_m = (got.x - want.x).hypot(got.y - want.y);
            compared += 1;
            if off_m > TOLERANCE_M {
                failures.push(format!(
                    "{target}: ({}, {}) → library ({:.4}, {:.4}), cs2cs ({:.4}, {:.4}): {off_m:.4} m",
                    point.x, point.y, got.x, got.y, want.x, want.y
                ));
            }
            let (low, high) = system.easting_range_m;
            assert!(
                (low..=high).contains(&got.x),
                "{target}: easting {} of ({}, {}) is outside {low}..{high}: axis order?",
                got.x,
                point.x,
                point.y
            );
        }

        // CRS → WGS84, from cs2cs's projected coordinates.
        let own_order: Vec<(f64, f64)> = expected
            .iter()
            .map(|c| {
                if system.northing_first {
                    (c.y, c.x)
                } else {
                    (c.x, c.y)
                }
            })
            .collect();
        let Some(back) = cs2cs(&target, "EPSG:4326", &own_order)? else {
            return Ok(());
        };
        let mut unprojected = expected.clone();
        reprojection.to_wgs84(&mut unprojected)?;
        for ((start, got), (lat, lon)) in expected.iter().zip(&unprojected).zip(back) {
            let dy_m = (got.y - lat) * METRES_PER_DEGREE;
            let dx_m = (got.x - lon) * METRES_PER_DEGREE * lat.to_radians().cos();
            let off_m = dx_m.hypot(dy_m);
            compared += 1;
            if off_m > TOLERANCE_M {
                failures.push(format!(
                    "{target} → WGS84: ({:.3}, {:.3}) → library ({:.10}, {:.10}), cs2cs \
                     ({lon:.10}, {lat:.10}): {off_m:.4} m",
                    start.x, start.y, got.x, got.y
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} conversions differ from cs2cs by more than 1 mm:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        compared >= 2 * 16 * 25,
        "only {compared} conversions compared"
    );
    Ok(())
}

#[test]
fn a_proj_string_converts_as_its_epsg_equivalent() -> TestResult {
    let by_code = Reprojection::new(Crs::epsg(32642))?;
    let by_string = Reprojection::new("+proj=utm +zone=42 +datum=WGS84 +units=m".parse()?)?;
    let start = vec![
        Coord {
            x: 69.2401,
            y: 41.2995,
        },
        Coord { x: 71.78, y: 40.38 },
    ];
    let (mut a, mut b) = (start.clone(), start.clone());
    by_code.from_wgs84(&mut a)?;
    by_string.from_wgs84(&mut b)?;
    for (a, b) in a.iter().zip(&b) {
        assert!((a.x - b.x).hypot(a.y - b.y) < TOLERANCE_M, "{a:?} {b:?}");
    }
    by_string.to_wgs84(&mut b)?;
    for (back, start) in b.iter().zip(&start) {
        assert!((back.x - start.x).abs() < 1e-9 && (back.y - start.y).abs() < 1e-9);
    }
    Ok(())
}

#[test]
fn wgs84_in_lat_lon_order_is_read_lon_lat() -> TestResult {
    // EPSG:4326 is latitude first by definition; the library keeps longitude first.
    let mut points = [Coord {
        x: 69.2401,
        y: 41.2995,
    }];
    Reprojection::new("EPSG:4326".parse()?)?.to_wgs84(&mut points)?;
    assert_eq!(
        points[0],
        Coord {
            x: 69.2401,
            y: 41.2995
        }
    );
    // A geographic CRS on another datum (Pulkovo 1942, latitude first by definition) comes
    // back longitude first and within a few hundred metres.
    let mut pulkovo = [Coord {
        x: 69.2401,
        y: 41.2995,
    }];
    Reprojection::new(Crs::epsg(4284))?.from_wgs84(&mut pulkovo)?;
    assert!((pulkovo[0].x - 69.2401).abs() < 0.01, "{pulkovo:?}");
    assert!((pulkovo[0].y - 41.2995).abs() < 0.01, "{pulkovo:?}");
    Ok(())
}

#[test]
fn unknown_codes_and_bad_points_are_clear_errors() -> TestResult {
    let error = Reprojection::new(Crs::epsg(999_999)).unwrap_err();
    assert!(matches!(error, CrsError::Unusable { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("EPSG:999999: PROJ cannot use it"),
        "{error}"
    );

    let utm = Reprojection::new(Crs::epsg(32642))?;
    let mut points = [
        Coord { x: 69.0, y: 41.0 },
        Coord {
            x: f64::NAN,
            y: 41.0,
        },
    ];
    let error = utm.from_wgs84(&mut points).unwrap_err();
    assert!(matches!(error, CrsError::Conversion { .. }), "{error}");
    // All or nothing: the good point was not converted either.
    assert_eq!(points[0], Coord { x: 69.0, y: 41.0 });
    Ok(())
}

#[test]
fn reprojections_work_from_many_threads() -> TestResult {
    let utm = Reprojection::new(Crs::epsg(32643))?;
    let mut expected = [Coord { x: 74.59, y: 42.87 }];
    utm.from_wgs84(&mut expected)?;
    let results: Vec<Result<Coord<f64>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    let mut points = [Coord { x: 74.59, y: 42.87 }];
                    utm.from_wgs84(&mut points).map_err(|e| e.to_string())?;
                    Ok(points[0])
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err("panicked".to_string()))
            })
            .collect()
    });
    for result in results {
        assert_eq!(result?, expected[0]);
    }
    Ok(())
}
