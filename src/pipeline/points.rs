//! Points given as columns (longitude, latitude, dates, precision), classified on every thread
//! without a table to read: [`Borders::classify_points`].

use rayon::prelude::*;

use crate::io::incidents::{blank_incident, fields};
use crate::query::{IncidentMatch, IncidentQuery};
use crate::{Basis, Borders, DateSpan, Error, Incident, Location, Problem, ProblemKind, Result};

/// Points classified per unit of work of one thread.
const CHUNK_POINTS: usize = 16_384;

/// Dates, one per point: as days or as text.
#[derive(Clone, Copy, Debug)]
pub enum DateColumn<'a> {
    /// Days after 1970-01-01 (negative before it), as numpy's `datetime64[D]` and Arrow's
    /// `date32` count them; [`DateColumn::MISSING_DAY`] for no date.
    Days(&'a [i64]),
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as in an incident table's `date` column (a year or a
    /// month stands for every day in it); empty for no date.
    Text(&'a [&'a str]),
}

impl DateColumn<'_> {
    /// The day number that stands for no date in [`DateColumn::Days`] (numpy's `NaT`).
    pub const MISSING_DAY: i64 = i64::MIN;

    fn len(&self) -> usize {
        match self {
            DateColumn::Days(d) => d.len(),
            DateColumn::Text(t) => t.len(),
        }
    }

    /// The span of row `i`, or what is wrong with it (`column` names it in messages).
    fn span(&self, i: usize, column: &str) -> std::result::Result<DateSpan, String> {
        match self {
            DateColumn::Days(days) => {
                let d = days.get(i).copied().unwrap_or(Self::MISSING_DAY);
                if d == Self::MISSING_DAY {
                    return Err(format!("{column} is empty"));
                }
                day_after_epoch(d).map(DateSpan::day).ok_or_else(|| {
                    format!(
                        "{column}: day {d} after 1970-01-01 is outside the days that can be \
                         handled ({} to {})",
                        crate::date::FIRST_DAY,
                        crate::date::LAST_DAY
                    )
                })
            }
            DateColumn::Text(text) => {
                fields::partial_date_span(text.get(i).copied().unwrap_or(""), column)
            }
        }
    }
}

/// The day `days` after 1970-01-01, within the days that can be handled.
fn day_after_epoch(days: i64) -> Option<jiff::civil::Date> {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    let day = epoch
        .checked_add(jiff::Span::new().try_days(days).ok()?)
        .ok()?;
    (crate::date::FIRST_DAY..=crate::date::LAST_DAY)
        .contains(&day)
        .then_some(day)
}

/// Points to classify, as columns of one length: point `i` is at (`lon[i]`, `lat[i]`), WGS84
/// degrees, on the dates of `date_start[i]` (to the last day of `date_end[i]` when given),
/// placed to within `precision_m[i]` metres (exact when not given, or NaN).
#[derive(Clone, Copy, Debug)]
pub struct PointColumns<'a> {
    /// Longitudes, degrees; NaN for none.
    pub lon: &'a [f64],
    /// Latitudes, degrees; NaN for none.
    pub lat: &'a [f64],
    /// The day, month or year of each point (the first of its span).
    pub date_start: DateColumn<'a>,
    /// The last date of each point's span, when the points have spans.
    pub date_end: Option<DateColumn<'a>>,
    /// Each point's location precision, metres; NaN means exact.
    pub precision_m: Option<&'a [f64]>,
}

impl PointColumns<'_> {
    /// How many points; `Err` when the columns differ in length.
    fn len(&self) -> Result<usize> {
        let n = self.lon.len();
        let lengths = [
            ("lat", Some(self.lat.len())),
            ("date_start", Some(self.date_start.len())),
            ("date_end", self.date_end.map(|d| d.len())),
            ("precision_m", self.precision_m.map(<[f64]>::len)),
        ];
        for (name, len) in lengths {
            if let Some(len) = len.filter(|&len| len != n) {
                return Err(Error::Request(format!(
                    "{name} has {len} values but lon has {n}"
                )));
            }
        }
        Ok(n)
    }

    /// Point `i` as an incident with id `""`, or every fault found in it.
    fn incident(&self, i: usize) -> std::result::Result<Incident, String> {
        let mut errors = Vec::new();
        let lon = self.lon.get(i).copied().unwrap_or(f64::NAN);
        let lat = self.lat.get(i).copied().unwrap_or(f64::NAN);
        let point = if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) {
            Ok(geo::Point::new(lon, lat))
        } else {
            let text = |v: f64| {
                if v.is_nan() {
                    String::new()
                } else {
                    v.to_string()
                }
            };
            fields::lat_lon(&text(lat), &text(lon))
        };
        let first = self.date_start.span(i, "date_start");
        let date = match (first, self.date_end.map(|d| d.span(i, "date_end"))) {
            (Ok(first), None) => Ok(first),
            (Ok(first), Some(Ok(last))) => DateSpan::new(first.first, last.last).ok_or_else(|| {
                format!(
                    "date_end {} is before date_start {}",
                    last.last, first.first
                )
            }),
            (first, last) => Err([first.err(), last.and_then(|l| l.err())]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join("; ")),
        };
        let precision_m = match self.precision_m.and_then(|p| p.get(i)).copied() {
            None => Ok(0.0),
            Some(v) if v.is_nan() => Ok(0.0),
            Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
            Some(v) => fields::precision_m(&v.to_string(), "precision_m"),
        };
        match (point, date, precision_m) {
            (Ok(point), Ok(date), Ok(precision_m)) => Ok(Incident {
                date,
                point,
                precision_m,
                ..blank_incident()
            }),
            (p, d, pr) => {
                errors.extend([p.err(), d.err(), pr.err()].into_iter().flatten());
                Err(errors.join("; "))
            }
        }
    }
}

/// What [`Borders::classify_points`] found, one entry per point in the points' order.
#[derive(Clone, Debug, Default)]
pub struct PointAnswers {
    /// Each point's date span (its first and last day); a bad point's is meaningless.
    pub dates: Vec<DateSpan>,
    /// Each point's match: `None` when it fell on no stretch, or when it is bad.
    pub matches: Vec<Option<IncidentMatch>>,
    /// The bad points, in order, each located by its row number from 1
    /// ([`Location::Row`]) with every fault found in it.
    pub problems: Vec<Problem>,
}

impl Borders {
    /// Classifies points given as columns (see [`PointColumns`]) against `query`, with
    /// statuses on `basis`, using every thread of rayon's pool: the answer for each point is
    /// the one [`Borders::classify_table`] gives for the same row of a table, without a table
    /// to read or write. Problems are named after `name`.
    ///
    /// # Errors
    /// [`Error::Request`] when the columns differ in length, or for a
    /// [nearest](IncidentQuery::nearest) query that no segment can answer.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::pipeline::{DateColumn, PointColumns};
    /// use bordertrack::query::IncidentQuery;
    /// use bordertrack::{Basis, Borders};
    ///
    /// let borders = Borders::embedded()?;
    /// let points = PointColumns {
    ///     lon: &[69.16667, 150.0],
    ///     lat: &[41.46667, 95.0],
    ///     date_start: DateColumn::Text(&["2006-04-19", "2006"]),
    ///     date_end: None,
    ///     precision_m: None,
    /// };
    /// let query = IncidentQuery::within(5_000.0);
    /// let answers = borders.classify_points(&points, "points", &query, Basis::InForce)?;
    /// assert!(answers.matches[0].is_some());
    /// assert_eq!(
    ///     answers.problems[0].to_string(),
    ///     "points: row 2: latitude 95 out of range -90..90"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn classify_points(
        &self,
        points: &PointColumns<'_>,
        name: &str,
        query: &IncidentQuery,
        basis: Basis,
    ) -> Result<PointAnswers> {
        let n = points.len()?;
        super::check_nearest(self, query, basis)?;
        let timelines = self.timelines(basis);
        let index = self.index();
        // With regime words, the nearest segment whatever its status, kept if it meets
        // either the status words or the regime words.
        let wide = crate::borders::without_status_words(query);
        let search = if query.regimes.is_empty() {
            query
        } else {
            &wide
        };
        let starts: Vec<usize> = (0..n).step_by(CHUNK_POINTS).collect();
        let parts: Vec<PointAnswers> = starts
            .into_par_iter()
            .map(|start| {
                let end = (start + CHUNK_POINTS).min(n);
                let mut part = PointAnswers {
                    dates: Vec::with_capacity(end - start),
                    matches: vec![None; end - start],
                    problems: Vec::new(),
                };
                let mut incidents = Vec::with_capacity(end - start);
                let mut rows = Vec::with_capacity(end - start);
                for i in start..end {
                    match points.incident(i) {
                        Ok(incident) => {
                            part.dates.push(incident.date);
                            incidents.push(incident);
                            rows.push(i - start);
                        }
                        Err(msg) => {
                            part.dates.push(DateSpan::day(crate::date::FIRST_DAY));
                            part.problems.push(Problem::new(
                                name,
                                Location::Row(i as u64 + 1),
                                msg,
                            ));
                        }
                    }
                }
                index.classify_each(timelines, &incidents, search, |k, m| {
                    let Some(&row) = rows.get(k) else { return };
                    match m {
                        Ok(m) => {
                            if let (Some(slot), Some(incident)) =
                                (part.matches.get_mut(row), incidents.get(k))
                            {
                                *slot = m.and_then(|mut m| {
                                    self.finish(&mut m, incident.date, query).then_some(m)
                                });
                            }
                        }
                        Err(e) => part.problems.push(
                            Problem::new(
                                name,
                                Location::Row((start + row) as u64 + 1),
                                e.to_string(),
                            )
                            .with_kind(ProblemKind::Unplaced),
                        ),
                    }
                });
                part.problems.sort_by_key(|p| match p.location {
                    Location::Row(r) => r,
                    _ => 0,
                });
                part
            })
            .collect();
        let mut all = PointAnswers {
            dates: Vec::with_capacity(n),
            matches: Vec::with_capacity(n),
            problems: Vec::new(),
        };
        for part in parts {
            all.dates.extend(part.dates);
            all.matches.extend(part.matches);
            all.problems.extend(part.problems);
        }
        Ok(all)
    }
}
