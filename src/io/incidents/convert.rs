//! The conversion of one CSV row into an [`Incident`] by a recognised header's [`Columns`]:
//! the general way, which reports every fault in the row, and a fast path for the usual plain
//! row.

use geo::Point;
use jiff::civil::Date;

use super::codes::{acled_geo_precision_m, acled_time_span, ucdp_kind, ucdp_where_prec_m};
use super::fields;
use super::layout::{Columns, Fields, Layout};
use crate::{DateSpan, Incident};

impl Columns {
    /// Converts one record into `out`, reusing its text buffers (so that converting rows one
    /// after another into one incident allocates nothing in the usual case); on failure, every
    /// problem found in the row, joined by `; `, and `out` holds no meaningful incident.
    pub(crate) fn incident_into(
        &self,
        rec: &Fields<'_>,
        names: &[String],
        out: &mut Incident,
        input_crs: Option<&crate::crs::Reprojection>,
    ) -> Result<(), String> {
        if input_crs.is_none()
            && self.layout == Layout::Plain
            && self.plain_into(rec, out).is_some()
        {
            return Ok(());
        }
        self.general_into(*rec, names, out, input_crs)
    }

    /// [`Columns::incident_into`] for a row the fast path does not take, the general way.
    ///
    /// Kept out of line and marked cold, as [`Columns::plain_into`] is kept out of line: in
    /// one function, the fast path kept the arguments this way needs in registers through
    /// every check, and spilled and reloaded them at each (README benchmark, BENCHMARKS.md,
    /// "Plain rows: the fast path in a function of its own").
    #[cold]
    #[inline(never)]
    fn general_into(
        &self,
        rec: Fields<'_>,
        names: &[String],
        out: &mut Incident,
        input_crs: Option<&crate::crs::Reprojection>,
    ) -> Result<(), String> {
        *out = self
            .incident_in(rec, names, input_crs)
            .map_err(|e| e.join("; "))?;
        Ok(())
    }

    /// One record as an incident, the general way, for any row of any layout; on failure,
    /// every problem found in the row. Incident tables and a dataset's `incidents.csv` are
    /// both read by it.
    pub(crate) fn incident(
        &self,
        rec: Fields<'_>,
        names: &[String],
    ) -> Result<Incident, Vec<String>> {
        self.incident_in(rec, names, None)
    }

    /// [`Columns::incident`] with coordinates in `input_crs` when given: the latitude and
    /// longitude columns then hold y and x in that CRS.
    fn incident_in(
        &self,
        rec: Fields<'_>,
        names: &[String],
        input_crs: Option<&crate::crs::Reprojection>,
    ) -> Result<Incident, Vec<String>> {
        if rec.len() != self.width {
            return Err(vec![format!(
                "row has {} field{} but the header has {} (a stray delimiter or quote?)",
                rec.len(),
                if rec.len() == 1 { "" } else { "s" },
                self.width
            )]);
        }
        let mut errors: Vec<String> = Vec::new();
        // Columns whose bytes are not UTF-8: already reported, so the checks that read them
        // (which would see an empty field) add nothing more.
        let mut not_utf8: Vec<usize> = Vec::new();
        // One validation of the whole record instead of one per field; a field is then its
        // slice of it when that falls on character boundaries (it always does unless the row
        // splits a character with a delimiter, which the per-field check reports).
        let whole = rec.text;
        let mut text = |i: usize| {
            let valid = whole
                .zip(rec.spans.get(i))
                .and_then(|(w, r)| w.get(r.clone()));
            match valid {
                Some(t) => t.trim_ascii(),
                None => field(rec, names, i, &mut errors, &mut not_utf8),
            }
        };
        let id = text(self.id);
        let date = text(self.date);
        let date_end = if self.layout == Layout::UcdpGed {
            text(self.date_end)
        } else {
            ""
        };
        let lat = text(self.lat);
        let lon = text(self.lon);
        let precision = self.precision.map(&mut text).unwrap_or("");
        let time_precision = if self.layout == Layout::Acled {
            text(self.time_precision)
        } else {
            ""
        };
        let kind = self.kind.map(&mut text).unwrap_or("");
        let summary = self.summary.map(&mut text).unwrap_or("");
        let fatalities = self.fatalities.map(&mut text).unwrap_or("");
        let source = self.source.map(&mut text).unwrap_or("");
        let dyad = self.dyad.map(&mut text).unwrap_or("");

        if id.is_empty() && rec.get(self.id).is_some_and(|b| b.trim_ascii().is_empty()) {
            let name = names.get(self.id).map(String::as_str).unwrap_or("id");
            errors.push(format!("{name} is empty"));
        }
        let date_span = self.date_span(date, date_end, time_precision);
        let point = fields::position_in(lat, lon, input_crs);
        let precision_m = self.precision_m(precision);
        let fatalities_col = self
            .fatalities
            .and_then(|i| names.get(i))
            .map(String::as_str)
            .unwrap_or("fatalities");
        let fatalities = fields::fatalities(fatalities, fatalities_col);
        let dyad = fields::dyad(dyad);
        let kind = match self.layout {
            Layout::UcdpGed if !kind.is_empty() => {
                fields::code(kind, "type_of_violence").and_then(ucdp_kind)
            }
            _ => Ok(kind),
        };
        let reported = |cols: &[Option<usize>]| cols.iter().flatten().any(|c| not_utf8.contains(c));
        let (acled, ucdp) = (self.layout == Layout::Acled, self.layout == Layout::UcdpGed);
        let checks = [
            reported(&[
                Some(self.date),
                ucdp.then_some(self.date_end),
                acled.then_some(self.time_precision),
            ]),
            reported(&[Some(self.lat), Some(self.lon)]),
            reported(&[self.precision]),
            reported(&[self.fatalities]),
            reported(&[self.kind]),
            reported(&[self.dyad]),
        ];
        match (date_span, point, precision_m, fatalities, kind, dyad) {
            (Ok(date), Ok(point), Ok(precision_m), Ok(fatalities), Ok(kind), Ok(dyad))
                if errors.is_empty() =>
            {
                Ok(Incident {
                    id: id.to_string(),
                    date,
                    point,
                    precision_m,
                    kind: kind.to_string(),
                    summary: summary.to_string(),
                    fatalities,
                    source_id: source.to_string(),
                    dyad,
                    values: crate::RowValues::default(),
                })
            }
            (d, p, pr, f, k, y) => {
                errors.extend(
                    [d.err(), p.err(), pr.err(), f.err(), k.err(), y.err()]
                        .into_iter()
                        .zip(checks)
                        .filter_map(|(e, skip)| e.filter(|_| !skip)),
                );
                Err(errors)
            }
        }
    }

    /// The usual plain row, converted straight from its bytes into `out`: a `YYYY-MM-DD` date,
    /// coordinates in range, a precision, UTF-8 text. `None` for anything
    /// else (leaving `out` partly written), which [`Columns::incident_into`] then converts (or
    /// reports) the general way; where both convert a row they give the same incident
    /// (tested).
    #[inline(never)]
    fn plain_into(&self, rec: &Fields<'_>, out: &mut Incident) -> Option<()> {
        if rec.len() != self.width {
            return None;
        }
        let id = rec.text(self.id).filter(|id| !id.is_empty())?;
        let date = fields::iso_day(rec.get(self.date)?)?;
        // Read and checked as the general way reads them first (`fields::lat_lon` and
        // `fields::precision_m` start with these), so both take the same numbers alike. The
        // coordinates are read from their bytes: a number is ASCII, so one that is not text
        // is no number either, and its field need not be checked for UTF-8 first.
        let lat = rec.get(self.lat)?.trim_ascii();
        let lon = rec.get(self.lon)?.trim_ascii();
        let point = fields::usual_lat_lon(lat, lon)?;
        let precision_m = match self.precision {
            None => 0.0,
            Some(i) => fields::usual_precision_m(rec.text(i)?)?,
        };
        let text = |column: Option<usize>| match column {
            None => Some(""),
            Some(i) => rec.text(i),
        };
        let fatalities = match self.fatalities {
            None => None,
            Some(i) => fields::fatalities(rec.text(i)?, "fatalities").ok()?,
        };
        let dyad = match text(self.dyad)? {
            "" => None,
            dyad => fields::dyad(dyad).ok()?,
        };
        // A text of a column the table does not have is only cleared (`out` may be left
        // partly written when a text below is not UTF-8).
        out.id.clear();
        out.id.push_str(id);
        for (buf, column) in [
            (&mut out.kind, self.kind),
            (&mut out.summary, self.summary),
            (&mut out.source_id, self.source),
        ] {
            buf.clear();
            if let Some(i) = column {
                buf.push_str(rec.text(i)?);
            }
        }
        out.date = DateSpan::day(date);
        out.point = point;
        out.precision_m = precision_m;
        out.fatalities = fatalities;
        out.dyad = dyad;
        Some(())
    }

    fn date_span(
        &self,
        date: &str,
        date_end: &str,
        time_precision: &str,
    ) -> Result<DateSpan, String> {
        match self.layout {
            Layout::Plain
            | Layout::GeoJson
            | Layout::Parquet
            | Layout::GeoPackage
            | Layout::FlatGeobuf
            | Layout::Kml => fields::partial_date_span(date, "date"),
            Layout::Acled => {
                let day = fields::acled_date(date, "event_date");
                let code = fields::code(time_precision, "time_precision");
                match (day, code) {
                    (Ok(d), Ok(c)) => acled_time_span(c, d),
                    (d, c) => Err([d.err(), c.err()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("; ")),
                }
            }
            Layout::UcdpGed => {
                let first = fields::day_with_optional_time(date, "date_start");
                let last = fields::day_with_optional_time(date_end, "date_end");
                match (first, last) {
                    (Ok(f), Ok(l)) => DateSpan::new(f, l)
                        .ok_or_else(|| format!("date_end {l} is before date_start {f}")),
                    (f, l) => Err([f.err(), l.err()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("; ")),
                }
            }
        }
    }

    fn precision_m(&self, s: &str) -> Result<f64, String> {
        match self.layout {
            Layout::Plain
            | Layout::GeoJson
            | Layout::Parquet
            | Layout::GeoPackage
            | Layout::FlatGeobuf
            | Layout::Kml => fields::precision_m(s, "precision_m"),
            Layout::Acled => {
                let c = fields::code(s, "geo_precision")?;
                acled_geo_precision_m(c).ok_or_else(|| {
                    format!("geo_precision {c} is not an ACLED code (expected 1, 2 or 3)")
                })
            }
            Layout::UcdpGed => ucdp_where_prec_m(fields::code(s, "where_prec")?),
        }
    }
}

/// An incident with empty text, for conversions to fill in.
pub(crate) fn blank_incident() -> Incident {
    Incident {
        id: String::new(),
        date: DateSpan::day(Date::constant(2000, 1, 1)),
        point: Point::new(0.0, 0.0),
        precision_m: 0.0,
        kind: String::new(),
        summary: String::new(),
        fatalities: None,
        source_id: String::new(),
        dyad: None,
        values: crate::RowValues::default(),
    }
}

/// [`blank_incident`] with room for the carried texts of a row `row_bytes` long (and a
/// quarter more, for somewhat longer rows) and for an id, so that converting rows into it
/// does not first grow its buffers. No room for entries of values: the usual row's are kept
/// as its line, which needs none ([`crate::RowValues`]), and a row that needs them grows
/// them once. Room only just above the usual row keeps a block's incidents' texts close
/// together in memory (BENCHMARKS.md, "A row's line kept beside its entries").
pub(crate) fn incident_with_room(row_bytes: usize) -> Incident {
    Incident {
        id: String::with_capacity(row_bytes.min(ROOM_FOR_ID)),
        values: crate::RowValues::with_capacity(row_bytes + row_bytes / 4, 0),
        ..blank_incident()
    }
}

/// The bytes of id a fresh incident has room for ([`incident_with_room`]).
const ROOM_FOR_ID: usize = 24;

/// Field `i` of `rec` as UTF-8 text without surrounding ASCII whitespace; an invalid field is
/// recorded in `errors` (and its index in `not_utf8`) and read as empty.
fn field<'r>(
    rec: Fields<'r>,
    names: &[String],
    i: usize,
    errors: &mut Vec<String>,
    not_utf8: &mut Vec<usize>,
) -> &'r str {
    let Some(bytes) = rec.get(i) else {
        return "";
    };
    let bytes = bytes.trim_ascii();
    match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => {
            let name = names.get(i).map(String::as_str).unwrap_or("?");
            if let Err(e) = fields::utf8(bytes, name) {
                errors.push(e);
            }
            not_utf8.push(i);
            ""
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Some text for a field: usual values, values the fast path leaves to the general one
    /// (spaces, other date forms, numbers out of range or not plain), and broken ones.
    fn any_field() -> impl Strategy<Value = String> {
        prop_oneof![
            "-?[0-9]{1,3}\\.[0-9]{1,7}",
            "[0-9]{1,2}",
            "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-[0-3][0-9]",
            "(19|20)[0-9]{2}(-[01][0-9])?",
            " ?[A-Za-z0-9]{0,6} ?",
            "-?[0-9]\\.?[0-9]?e[0-9]",
            "[+-]{0,2}[0-9]{0,17}\\.?[0-9]{0,3}([eE][+-]?[0-9]{1,3})?",
            "-?(90|180)\\.0{0,12}[0-9]",
            " ?[+-]?(nan|NaN|inf|infinity) ?",
            Just(String::new()),
            "\\PC{0,5}",
        ]
    }

    /// Text for the column `name`: mostly a usual value of that column, else any field.
    fn field_of(name: &str) -> BoxedStrategy<String> {
        let usual: BoxedStrategy<String> = match name {
            "date" => "(19|20)[0-9]{2}-(0[1-9]|1[0-2])-[0-3][0-9]".boxed(),
            "lat" => "-?[0-9]{1,2}\\.[0-9]{1,7}".boxed(),
            "lon" => "-?1?[0-9]{1,2}\\.[0-9]{1,7}".boxed(),
            "precision_m" => "[0-9]{0,5}(\\.[0-9])?".boxed(),
            "fatalities" => "[0-9]{0,3}(\\.0)?".boxed(),
            _ => " ?[A-Za-z0-9é]{0,6} ?".boxed(),
        };
        prop_oneof![4 => usual, 1 => any_field()].boxed()
    }

    /// A plain header and a row for it.
    fn header_and_row() -> impl Strategy<Value = (Vec<String>, Vec<String>)> {
        prop::sample::select(vec![
            "id,date,lat,lon",
            "id,date,lat,lon,precision_m",
            "lon,lat,date,id,precision_m,kind,summary,fatalities,source",
            "id,date,lat,lon,source_id,fatalities",
        ])
        .prop_flat_map(|header| {
            let names: Vec<String> = header.split(',').map(str::to_string).collect();
            let row: Vec<BoxedStrategy<String>> = names.iter().map(|n| field_of(n)).collect();
            (Just(names), row)
        })
    }

    /// The fast path's incident, written over one left by an earlier row (so that a field
    /// it forgets to set shows).
    fn plain(columns: &Columns, rec: Fields<'_>) -> Option<Incident> {
        let mut out = Incident {
            id: "earlier".into(),
            date: DateSpan::day(Date::constant(1999, 9, 9)),
            point: Point::new(9.0, 9.0),
            precision_m: 99.0,
            kind: "kind".into(),
            summary: "summary".into(),
            fatalities: Some(9),
            source_id: "source".into(),
            dyad: "AAA-BBB".parse().ok(),
            values: crate::RowValues::default(),
        };
        columns.plain_into(&rec, &mut out).map(|()| out)
    }

    /// Where the fields of `row` lie, split at every comma.
    fn comma_spans(row: &str) -> Vec<std::ops::Range<usize>> {
        let mut spans = Vec::new();
        let mut start = 0;
        for part in row.split(',') {
            spans.push(start..start + part.len());
            start += part.len() + 1;
        }
        spans
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        /// Wherever the fast path converts a row, the general way converts it to the same
        /// incident.
        #[test]
        fn the_fast_path_agrees_with_the_general_way((names, values) in header_and_row()) {
            let columns = Columns::recognise(&names).expect("a plain header");
            let row = values.join(",");
            let spans = comma_spans(&row);
            let rec = Fields::of_text(&row, &spans);
            if let Some(fast) = plain(&columns, rec) {
                prop_assert_eq!(Ok(fast), columns.incident(rec, &names));
            }
        }
    }

    /// On rows that differ only in their numbers, the fast path takes a row exactly when the
    /// general way accepts it, and reads the same values, to the bit (a precision of `-0` is
    /// `-0.0` both ways).
    #[test]
    fn the_fast_path_and_the_general_way_agree_on_numbers() {
        let names: Vec<String> = ["id", "date", "lat", "lon", "precision_m"]
            .map(str::to_string)
            .to_vec();
        let columns = Columns::recognise(&names).expect("a plain header");
        let numbers = [
            "42.5",
            "90",
            "-90.000000000000",
            "90.0000000000001",
            "-180.000000000001",
            "179.999999999999",
            "180",
            "1e5",
            "1e1",
            "nan",
            "inf",
            "-inf",
            "+5",
            " 5",
            "5.",
            ".5",
            "-0",
            "-0.0",
            "--5",
            "1234567890123456",
            "12.34567890123456",
            "",
            "x",
        ];
        for lat in numbers {
            for lon in ["72.8", "-180.000000000001", "+5", "inf"] {
                for precision in [
                    "", "0", "+7", "007", "-0", "-0.0", "-1", "0.5", "1e3", "nan", " 5",
                ] {
                    let row = format!("G1,2011-05-10,{lat},{lon},{precision}");
                    let spans = comma_spans(&row);
                    let rec = Fields::of_text(&row, &spans);
                    let fast = plain(&columns, rec);
                    let general = columns.incident(rec, &names).ok();
                    let bits = |i: &Incident| {
                        (
                            i.point.x().to_bits(),
                            i.point.y().to_bits(),
                            i.precision_m.to_bits(),
                        )
                    };
                    assert_eq!(fast.as_ref().map(bits), general.as_ref().map(bits), "{row}");
                }
            }
        }
    }

    #[test]
    fn the_fast_path_takes_the_usual_row() {
        let names: Vec<String> = ["id", "date", "lat", "lon", "precision_m"]
            .map(str::to_string)
            .to_vec();
        let columns = Columns::recognise(&names).expect("a plain header");
        let row = "G1,2011-05-10,42.628282,72.827633,0";
        let spans = [0..2, 3..13, 14..23, 24..33, 34..35];
        let got = plain(&columns, Fields::of_text(row, &spans));
        assert_eq!(
            got.map(|i| (i.id, i.point.x())),
            Some(("G1".to_string(), 72.827633))
        );
        // A swapped row is left to the general way, which explains it.
        let row = "G1,2011-05-10,172.62828,42.827633,0";
        let spans = [0..2, 3..13, 14..23, 24..33, 34..35];
        assert!(plain(&columns, Fields::of_text(row, &spans)).is_none());
    }
}
