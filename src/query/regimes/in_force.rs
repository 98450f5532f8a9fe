//! The regime words in force on a segment, resolved once per set of regimes and class of
//! dates rather than once per question.
//!
//! What [`Timeline::at`](crate::query::Timeline::at) answers for a span depends on the span
//! only through two comparisons with each event: whether the event's last possible day is on or
//! before the span's first day, and whether its first possible day is on or before the span's
//! last day. So the spans that give the same answer for every regime of a set form classes:
//! the span's first day counted against the sorted last days of the set's events, and its last
//! day against their sorted first days. A [`WordTable`] holds the answer of each class,
//! resolved once on a span of the class, and a question costs two binary searches.

use jiff::civil::Date;

use super::RegimeInForce;
use crate::DateSpan;

/// The most classes tabulated for one set of regimes; a set with more (a segment with very
/// many dated changes) is resolved per question instead.
const MAX_CLASSES: usize = 4096;

/// The regime words in force on a set of regimes, for every class of spans.
#[derive(Debug)]
pub(super) struct WordTable {
    /// The distinct last possible days of the set's events, in order.
    lasts: Vec<Date>,
    /// The distinct first possible days of the set's events, in order.
    firsts: Vec<Date>,
    /// The answer of the class `(i, j)` at `i * (firsts.len() + 1) + j`: `i` last days on or
    /// before the span's first day, `j` first days on or before its last day.
    answers: Vec<Vec<RegimeInForce>>,
}

impl WordTable {
    /// The table of the regimes whose events take effect over `events`, each class answered by
    /// `resolve` on a span of that class; `None` when there would be more than
    /// [`MAX_CLASSES`] classes.
    ///
    /// `resolve` must answer through comparisons of the span's days with the events' days as
    /// described in the module documentation; the span it is given may end before it starts
    /// (a class is represented by its least days).
    pub(super) fn new(
        events: impl Iterator<Item = DateSpan>,
        resolve: impl Fn(DateSpan) -> Vec<RegimeInForce>,
    ) -> Option<WordTable> {
        let (mut lasts, mut firsts): (Vec<Date>, Vec<Date>) =
            events.map(|e| (e.last, e.first)).unzip();
        for days in [&mut lasts, &mut firsts] {
            days.sort_unstable();
            days.dedup();
        }
        let classes = (lasts.len() + 1).checked_mul(firsts.len() + 1)?;
        if classes > MAX_CLASSES {
            return None;
        }
        // The least day of each class: no day of the list is on or before the first class's
        // (the lists hold days from year 1000 on), and exactly `i` are on or before `days[i - 1]`.
        let least = |days: &[Date], i: usize| i.checked_sub(1).map_or(Date::MIN, |k| days[k]);
        let mut answers = Vec::with_capacity(classes);
        for i in 0..=lasts.len() {
            for j in 0..=firsts.len() {
                answers.push(resolve(DateSpan {
                    first: least(&lasts, i),
                    last: least(&firsts, j),
                }));
            }
        }
        Some(WordTable {
            lasts,
            firsts,
            answers,
        })
    }

    /// The words in force over `at`.
    pub(super) fn get(&self, at: DateSpan) -> &[RegimeInForce] {
        let i = self.lasts.partition_point(|&d| d <= at.first);
        let j = self.firsts.partition_point(|&d| d <= at.last);
        self.answers
            .get(i * (self.firsts.len() + 1) + j)
            .map_or(&[], Vec::as_slice)
    }
}
