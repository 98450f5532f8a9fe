//! The cuts file: where to cut dyad lines into segments, and each segment's metadata.
//!
//! CSV with header `dyad,part,to_lon,to_lat,id,name,extent,precision_m,source_id,note`: one
//! row per segment, in order along the part; a row describes the segment that *ends* at
//! (`to_lon`, `to_lat`), snapped to the nearest vertex of the part (at most
//! [`MAX_SNAP_M`] metres away); the last row of a part leaves both empty. Empty
//! `precision_m` and `source_id` take the import's defaults.

use std::collections::BTreeMap;

use geo::{Distance, Geodesic};
use geo_types::{Coord, Point};

use crate::{Location, Problem};

/// How far (m) a break point may be from the nearest vertex of its part.
pub const MAX_SNAP_M: f64 = 1000.0;

const HEADER: [&str; 10] = [
    "dyad",
    "part",
    "to_lon",
    "to_lat",
    "id",
    "name",
    "extent",
    "precision_m",
    "source_id",
    "note",
];

/// One row of a cuts file.
#[derive(Clone, Debug)]
pub struct CutRow {
    /// Line in the file (the header is line 1).
    pub line: u64,
    /// Where the segment ends; `None` for the last segment of a part.
    pub to: Option<Coord<f64>>,
    /// Segment id; empty = `DYAD-NN` by order.
    pub id: String,
    /// Segment name; empty = made from the dyad.
    pub name: String,
    /// `exact` or `approximate`.
    pub extent: String,
    /// Positional precision (m); `None` = the import's default.
    pub precision_m: Option<f64>,
    /// Source id; empty = the import's default.
    pub source_id: String,
    /// Justification.
    pub note: String,
}

/// Rows per (dyad, part number), in file order.
pub type Cuts = BTreeMap<(String, usize), Vec<CutRow>>;

/// Reads a cuts file; `file` names it in problems. Every problem found is returned.
pub fn read_cuts(text: &str, file: &str) -> Result<Cuts, Vec<Problem>> {
    let at = |line: u64, m: String| Problem::new(file, Location::Line(line), m);
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr.headers().map_err(|e| vec![at(1, e.to_string())])?;
    if headers.iter().collect::<Vec<_>>() != HEADER {
        return Err(vec![at(1, format!("header must be {}", HEADER.join(",")))]);
    }
    let mut out = Cuts::new();
    let mut problems = Vec::new();
    for rec in rdr.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(at(line, e.to_string()));
                continue;
            }
        };
        let line = rec.position().map_or(0, |p| p.line());
        let f = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let Ok(part) = f(1).parse::<usize>() else {
            problems.push(at(
                line,
                format!("part {:?} is not a positive integer", f(1)),
            ));
            continue;
        };
        let to = match (f(2).as_str(), f(3).as_str()) {
            ("", "") => None,
            (x, y) => match (x.parse::<f64>(), y.parse::<f64>()) {
                (Ok(x), Ok(y)) if (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y) => {
                    Some(Coord { x, y })
                }
                _ => {
                    problems.push(at(
                        line,
                        format!("to_lon/to_lat {x:?}, {y:?} are not a longitude and a latitude"),
                    ));
                    continue;
                }
            },
        };
        let extent = f(6);
        if extent != "exact" && extent != "approximate" {
            problems.push(at(
                line,
                format!("extent {extent:?} must be exact or approximate"),
            ));
        }
        let precision_m = match f(7).as_str() {
            "" => None,
            s => match s.parse::<f64>() {
                Ok(v) if v.is_finite() && v > 0.0 => Some(v),
                _ => {
                    problems.push(at(
                        line,
                        format!("precision_m {s:?} is not a positive number"),
                    ));
                    None
                }
            },
        };
        out.entry((f(0), part)).or_default().push(CutRow {
            line,
            to,
            id: f(4),
            name: f(5),
            extent,
            precision_m,
            source_id: f(8),
            note: f(9),
        });
    }
    for ((dyad, part), rows) in &out {
        for (k, r) in rows.iter().enumerate() {
            let last = k + 1 == rows.len();
            if last && r.to.is_some() {
                problems.push(at(
                    r.line,
                    format!("the last row of {dyad} part {part} must leave to_lon/to_lat empty"),
                ));
            } else if !last && r.to.is_none() {
                problems.push(at(
                    r.line,
                    format!(
                        "only the last row of {dyad} part {part} may leave to_lon/to_lat empty"
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Cuts a part at the rows' break points, each snapped to the nearest vertex; one piece per
/// row. The message of an error names the row's line.
pub(crate) fn cut_part(
    part: &[Coord<f64>],
    rows: &[CutRow],
) -> Result<Vec<Vec<Coord<f64>>>, String> {
    let last = part.len().checked_sub(1).ok_or("empty part")?;
    let mut idx = vec![0usize];
    for r in rows {
        let Some(to) = r.to else { continue };
        let p = Point::from(to);
        let (best, d) = part
            .iter()
            .enumerate()
            .map(|(i, c)| (i, Geodesic.distance(p, Point::from(*c))))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
            .ok_or("empty part")?;
        if d > MAX_SNAP_M {
            return Err(format!(
                "line {}: break ({}, {}) is {:.0} m from the nearest vertex of the line (at most {MAX_SNAP_M} m)",
                r.line, to.x, to.y, d
            ));
        }
        let prev = idx[idx.len() - 1];
        if best <= prev || best >= last {
            return Err(format!(
                "line {}: break ({}, {}) snaps to vertex {best}, not strictly after the previous break (vertex {prev}) and before the end (vertex {last})",
                r.line, to.x, to.y
            ));
        }
        idx.push(best);
    }
    idx.push(last);
    Ok(idx.windows(2).map(|w| part[w[0]..=w[1]].to_vec()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CUTS: &str = "dyad,part,to_lon,to_lat,id,name,extent,precision_m,source_id,note\n\
        XAA-XBB,1,1.0,0.5,XAA-XBB-01,South,exact,,,\n\
        XAA-XBB,1,,,XAA-XBB-02,North,approximate,5000,src,open section\n";

    #[test]
    fn rows_cut_a_part_at_snapped_vertices() {
        let cuts = read_cuts(CUTS, "cuts.csv").unwrap_or_default();
        let rows = &cuts[&("XAA-XBB".to_string(), 1)];
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].precision_m, Some(5000.0));
        let part = [
            Coord { x: 1.0, y: 0.0 },
            Coord { x: 1.0, y: 0.5001 },
            Coord { x: 1.0, y: 1.0 },
        ];
        let pieces = cut_part(&part, rows).unwrap_or_default();
        assert_eq!(pieces, vec![part[..2].to_vec(), part[1..].to_vec()]);
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line() {
        let text = "dyad,part,to_lon,to_lat,id,name,extent,precision_m,source_id,note\n\
            XAA-XBB,x,,,a,,exact,,,\n\
            XAA-XBB,1,200,0,b,,roughly,-1,,\n\
            XAA-XBB,2,1,1,c,,exact,,,\n";
        let problems = read_cuts(text, "cuts.csv").err().unwrap_or_default();
        let shown: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            vec![
                "cuts.csv:2: part \"x\" is not a positive integer",
                "cuts.csv:3: to_lon/to_lat \"200\", \"0\" are not a longitude and a latitude",
                "cuts.csv:4: the last row of XAA-XBB part 2 must leave to_lon/to_lat empty",
            ]
        );
    }

    #[test]
    fn a_break_far_from_the_line_is_refused() {
        let rows = read_cuts(CUTS, "cuts.csv").unwrap_or_default();
        let part = [
            Coord { x: 3.0, y: 0.0 },
            Coord { x: 3.0, y: 1.0 },
            Coord { x: 3.0, y: 2.0 },
        ];
        let err = cut_part(&part, &rows[&("XAA-XBB".to_string(), 1)]).err();
        assert!(err.is_some_and(|e| e.starts_with("line 2: break (1, 0.5) is")));
    }
}
