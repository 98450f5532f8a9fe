//! Incidents: dated point events near borders.

use geo::Point;

use crate::DateSpan;

/// A dated point event: a shooting, detention, trespass, protest, clash, …
///
/// `clone_from` reuses the target's text buffers, so that a table read into a vector of
/// incidents kept from one block to the next allocates nothing per row once warm.
#[derive(Debug, PartialEq)]
pub struct Incident {
    /// Unique id.
    pub id: String,
    /// The days on which it may have happened: one day when the date is exact, a month or a
    /// year for partial dates, any range for imported tables that give start and end dates.
    pub date: DateSpan,
    /// Where, lon/lat.
    pub point: Point<f64>,
    /// How far the true position may be from `point`, in metres (0 when exact).
    pub precision_m: f64,
    /// What happened (`shooting`, `detention`, …).
    pub kind: String,
    /// A short summary.
    pub summary: String,
    /// Deaths, where reported.
    pub fatalities: Option<u32>,
    /// The source (an id in `sources.csv`, or free text in imported tables).
    pub source_id: String,
}

impl Clone for Incident {
    fn clone(&self) -> Incident {
        Incident {
            id: self.id.clone(),
            date: self.date,
            point: self.point,
            precision_m: self.precision_m,
            kind: self.kind.clone(),
            summary: self.summary.clone(),
            fatalities: self.fatalities,
            source_id: self.source_id.clone(),
        }
    }

    fn clone_from(&mut self, source: &Incident) {
        // Taken apart field by field, so that a field added later cannot be forgotten here.
        let Incident {
            id,
            date,
            point,
            precision_m,
            kind,
            summary,
            fatalities,
            source_id,
        } = source;
        self.id.clone_from(id);
        self.date = *date;
        self.point = *point;
        self.precision_m = *precision_m;
        self.kind.clone_from(kind);
        self.summary.clone_from(summary);
        self.fatalities = *fatalities;
        self.source_id.clone_from(source_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incident(id: &str, summary: &str, lon: f64) -> Incident {
        Incident {
            id: id.to_string(),
            date: DateSpan::day(jiff::civil::date(2006, 4, 19)),
            point: Point::new(lon, 41.0),
            precision_m: 25.0,
            kind: "shooting".to_string(),
            summary: summary.to_string(),
            fatalities: Some(1),
            source_id: "src".to_string(),
        }
    }

    /// `clone_from` gives an equal incident and keeps the target's buffers when they are
    /// large enough.
    #[test]
    fn clone_from_copies_every_field_into_the_same_buffers() {
        let source = incident("KZ-1", "short", 69.1);
        let mut target = incident(
            "a much longer id than the source's",
            "a longer summary",
            1.0,
        );
        target.fatalities = None;
        let (id, summary) = (target.id.as_ptr(), target.summary.as_ptr());
        target.clone_from(&source);
        assert_eq!(target, source);
        assert_eq!(target.id.as_ptr(), id);
        assert_eq!(target.summary.as_ptr(), summary);
        assert_eq!(source.clone(), source);
    }
}
