//! Named places near borders and the country they belonged to over time.

use geo::Point;

use super::CountryCode;
use crate::PartialDate;

/// One period of a place's sovereignty: from `from` (or from the start of the record) it
/// belonged to `country`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sovereignty {
    /// Since when; `None` for the first period.
    pub from: Option<PartialDate>,
    /// The country.
    pub country: CountryCode,
    /// The instrument that made the change, if any.
    pub instrument_id: Option<String>,
    /// The source for this period.
    pub source_id: String,
}

/// A settlement, dam, checkpoint, enclave or other named place.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// Unique id, e.g. `bagys`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is (`settlement`, `dam`, `checkpoint`, `enclave`, `city`, …).
    pub kind: String,
    /// Its position, lon/lat.
    pub point: Point<f64>,
    /// How far the true position may be from `point`, in metres.
    pub precision_m: f64,
    /// Sovereignty periods in date order.
    pub sovereignty: Vec<Sovereignty>,
    /// The source of the position.
    pub source_id: String,
    /// Free note.
    pub note: String,
}

impl Place {
    /// The periods of sovereignty that may apply on some day of `date`: one when the answer is
    /// certain, several when `date` straddles a change.
    pub fn country_at(&self, date: PartialDate) -> Vec<CountryCode> {
        let span = date.span();
        let mut out = Vec::new();
        for (i, p) in self.sovereignty.iter().enumerate() {
            let starts = p.from.map(|d| d.first());
            let next = self.sovereignty.get(i + 1).and_then(|n| n.from);
            // The period may hold on some day of the span when it can start by span.last
            // and cannot have ended before span.first.
            let can_start = starts.is_none_or(|s| s <= span.last);
            let not_ended = next.is_none_or(|n| n.last() > span.first);
            if can_start && not_ended && !out.contains(&p.country) {
                out.push(p.country);
            }
        }
        out
    }
}
