//! Named places near borders and the country they belonged to over time.

use geo::Point;

use super::timeline::{Event, Timeline};
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
    /// The place's sovereignty as a [`Timeline`]: `None` before its first dated period when it
    /// has no undated one, then the country of each period; each event is set by the
    /// position of its period in [`Place::sovereignty`].
    pub fn sovereignty_timeline(&self) -> Timeline<Option<CountryCode>, usize> {
        let mut initial = None;
        let mut events = Vec::with_capacity(self.sovereignty.len());
        for (i, p) in self.sovereignty.iter().enumerate() {
            match p.from {
                None => initial = Some(p.country),
                Some(from) => events.push(Event {
                    effective: from.span(),
                    value: Some(p.country),
                    by: i,
                }),
            }
        }
        Timeline::new(initial, events)
    }

    /// The countries the place may have belonged to on some day of `date`, in date order: one
    /// when the answer is certain, several when `date` straddles a change, none before its
    /// first recorded period.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::Dataset;
    /// let data = Dataset::embedded().unwrap();
    /// let place = &data.places()[0];
    /// assert_eq!(place.country_at("2024-01-01".parse().unwrap()).len(), 1);
    /// ```
    pub fn country_at(&self, date: PartialDate) -> Vec<CountryCode> {
        self.sovereignty_timeline()
            .at(date.span())
            .values()
            .iter()
            .flatten()
            .copied()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(from: Option<&str>, country: &str) -> Sovereignty {
        Sovereignty {
            from: from.map(|d| d.parse().unwrap()),
            country: country.parse().unwrap(),
            instrument_id: None,
            source_id: "s".into(),
        }
    }

    fn place(sovereignty: Vec<Sovereignty>) -> Place {
        Place {
            id: "bagys".into(),
            name: "Bagys".into(),
            kind: "settlement".into(),
            point: Point::new(69.0, 41.0),
            precision_m: 0.0,
            sovereignty,
            source_id: "s".into(),
            note: String::new(),
        }
    }

    fn at(p: &Place, date: &str) -> Vec<String> {
        p.country_at(date.parse().unwrap())
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn sovereignty_changes_on_the_day_of_its_period() {
        let p = place(vec![period(None, "UZB"), period(Some("2002-09-09"), "KAZ")]);
        assert_eq!(at(&p, "2002-09-08"), ["UZB"]);
        assert_eq!(at(&p, "2002-09-09"), ["KAZ"]);
        assert_eq!(at(&p, "2002"), ["UZB", "KAZ"]);
    }

    #[test]
    fn a_partial_date_of_change_makes_its_month_uncertain() {
        let p = place(vec![period(None, "UZB"), period(Some("2002-09"), "KAZ")]);
        assert_eq!(at(&p, "2002-09-15"), ["UZB", "KAZ"]);
        assert_eq!(at(&p, "2002-10-01"), ["KAZ"]);
    }

    #[test]
    fn before_the_first_dated_period_there_is_no_country() {
        let p = place(vec![period(Some("1991-12"), "KAZ")]);
        assert!(at(&p, "1990").is_empty());
        assert_eq!(at(&p, "1991"), ["KAZ"]);
        assert_eq!(at(&p, "2000"), ["KAZ"]);
    }
}
