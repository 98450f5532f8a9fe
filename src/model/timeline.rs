//! A generic dated attribute: values set by dated events, resolved at a date span.
//!
//! Delimitation and demarcation are two such attributes; regimes (fenced, mined, crossing
//! open) fit the same type. Events may carry partial dates, so an event's day is itself a span;
//! a question asked for a span may straddle one or more events, in which case the answer is
//! [`Resolved::Ambiguous`] with every value the attribute may have had.
//!
//! It lives in the model layer (places' sovereignty is one too) and is re-exported as
//! [`crate::query::Timeline`].
//!
//! A question costs O(log n) in the number of events: a span between two consecutive event
//! days (a single day always is) gets an answer computed when the timeline is built; a longer
//! span, the events whose possible days come within the longest event span of the date asked
//! besides (a partial date spans at most a year), so a monthly series over a long history
//! stays cheap.

use crate::DateSpan;

/// One dated setting of an attribute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Event<T, R> {
    /// The days on which the event may have taken effect.
    pub effective: DateSpan,
    /// The value it sets.
    pub value: T,
    /// What set it (e.g. the status change record).
    pub by: R,
}

/// The value of an attribute over a span of days.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved<T, R> {
    /// The same value holds on every day of the span.
    Known {
        /// The value.
        value: T,
        /// The event that set it and since when, or `None` when it is the initial value.
        since: Option<Event<T, R>>,
    },
    /// The value changed, or may have changed, within the span.
    Ambiguous {
        /// Every value it may have had, in chronological order, without repeats.
        values: Vec<T>,
        /// The events that may have taken effect within the span.
        events: Vec<Event<T, R>>,
    },
}

impl<T: Copy + PartialEq, R: Copy> Resolved<T, R> {
    /// The value, when known.
    pub fn known(&self) -> Option<T> {
        match self {
            Resolved::Known { value, .. } => Some(*value),
            Resolved::Ambiguous { .. } => None,
        }
    }

    /// Every value the attribute may have had in the span (borrowed: no allocation).
    pub fn values(&self) -> &[T] {
        match self {
            Resolved::Known { value, .. } => std::slice::from_ref(value),
            Resolved::Ambiguous { values, .. } => values,
        }
    }
}

/// The events of one attribute, in chronological order.
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline<T, R> {
    initial: T,
    events: Vec<Event<T, R>>,
    /// `run_start[i]`: the event that set the value in effect after the first `i` events all
    /// took effect (the first of a run of equal values), `None` while none has.
    run_start: Vec<Option<usize>>,
    /// `last_day_by[i]`: the latest last possible day among the first `i + 1` events (so that
    /// the events all certainly in effect on a day are found by a binary search, without date
    /// arithmetic), as a [`day_key`].
    last_day_by: Vec<i32>,
    /// `days[i]`: the first and last possible days of event `i`, as [`day_key`]s (one integer
    /// comparison each where a date's is three).
    days: Vec<(i32, i32)>,
    /// Every event's first and last possible day as [`day_key`]s, sorted, without repeats:
    /// they cut the calendar into classes of days. Whether an event certainly took effect by
    /// a span's first day, may take effect within the span, or certainly did not by its last
    /// day depends only on the classes of those two days; for a span within one class the
    /// answer is in `by_class`.
    class_starts: Vec<i32>,
    /// `by_class[i]`: the value over any span whose days are all of class `i` (from
    /// `class_starts[i - 1]`, or the start of the calendar, to before `class_starts[i]`).
    by_class: Vec<Resolved<T, R>>,
}

/// A day as one integer in the days' order: year, then month, then day (month and day fit in
/// the low nine bits).
pub(crate) fn day_key(d: jiff::civil::Date) -> i32 {
    i32::from(d.year()) * 512 + i32::from(d.month()) * 32 + i32::from(d.day())
}

impl<T: Copy + PartialEq, R: Copy> Timeline<T, R> {
    /// A timeline starting at `initial`; `events` are sorted by their first possible day
    /// (stably, so same-day events keep their given order).
    pub fn new(initial: T, mut events: Vec<Event<T, R>>) -> Self {
        events.sort_by_key(|e| e.effective.first);
        let mut run_start = Vec::with_capacity(events.len() + 1);
        let mut since: Option<usize> = None;
        let mut value = initial;
        run_start.push(since);
        let mut last_day_by = Vec::with_capacity(events.len());
        for (i, e) in events.iter().enumerate() {
            if e.value != value || since.is_none() {
                since = Some(i);
                value = e.value;
            }
            run_start.push(since);
            let last = day_key(e.effective.last);
            let latest = last_day_by.last().map_or(last, |&l: &i32| l.max(last));
            last_day_by.push(latest);
        }
        let days = events
            .iter()
            .map(|e| (day_key(e.effective.first), day_key(e.effective.last)))
            .collect();
        let mut timeline = Timeline {
            initial,
            events,
            run_start,
            last_day_by,
            days,
            class_starts: Vec::new(),
            by_class: Vec::new(),
        };
        let mut class_starts: Vec<i32> = timeline.days.iter().flat_map(|&(f, l)| [f, l]).collect();
        class_starts.sort_unstable();
        class_starts.dedup();
        // Each class's answer is the answer for its first day (any day of it would do).
        timeline.by_class = std::iter::once(i32::MIN)
            .chain(class_starts.iter().copied())
            .map(|day| timeline.resolve(day, day))
            .collect();
        timeline.class_starts = class_starts;
        timeline
    }

    /// The events, in order.
    pub fn events(&self) -> &[Event<T, R>] {
        &self.events
    }

    /// The days ([`day_key`]s) that cut the calendar into classes of days over which every
    /// span within one class has the same value (see [`Timeline::at`]), sorted.
    pub(crate) fn class_starts(&self) -> &[i32] {
        &self.class_starts
    }

    /// The value over the days of `at`.
    ///
    /// An event counts as certainly in effect on every day of `at` when its last possible day
    /// is on or before `at.first`, and as certainly not in effect when its first possible day
    /// is after `at.last`; any other event makes the answer ambiguous if it changes the value.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::query::{Event, Resolved, Timeline};
    /// use bordertrack::{DateSpan, PartialDate};
    /// let d = |s: &str| s.parse::<PartialDate>().unwrap().span();
    /// let t = Timeline::new("open", vec![Event { effective: d("2002-09-09"), value: "agreed", by: () }]);
    /// assert_eq!(t.at(d("2002-09-10")).known(), Some("agreed"));
    /// assert!(matches!(t.at(d("2002")), Resolved::Ambiguous { .. }));
    /// ```
    pub fn at(&self, at: DateSpan) -> Resolved<T, R> {
        self.at_days(day_key(at.first), day_key(at.last))
    }

    /// [`Timeline::at`] of the days from `first` to `last` ([`day_key`]s).
    pub(crate) fn at_days(&self, first: i32, last: i32) -> Resolved<T, R> {
        // A span within one class of days (a single day always is) has its class's answer.
        let class = self.class_starts.partition_point(|&start| start <= first);
        if self
            .class_starts
            .get(class)
            .is_none_or(|&next_start| last < next_start)
        {
            if let Some(answer) = self.by_class.get(class) {
                return answer.clone();
            }
        }
        self.resolve(first, last)
    }

    /// The value over the days from `first` to `last` ([`day_key`]s), from the events.
    fn resolve(&self, first: i32, last: i32) -> Resolved<T, R> {
        // The leading events whose last possible days are all on or before `at.first` have
        // certainly taken effect by then: their combined effect is precomputed, and only the
        // events after them are looked at one by one.
        let settled = self.last_day_by.partition_point(|&l| l <= first);
        let since_index = self.run_start.get(settled).copied().flatten();
        let mut since: Option<Event<T, R>> = since_index.and_then(|i| self.events.get(i).copied());
        let mut value = since.map_or(self.initial, |e| e.value);
        // Events up to `end` (from `settled`) either took effect by `at.first` or may take
        // effect within the span (the uncertain ones).
        let mut end = settled;
        let mut uncertain = false;
        for (e, &(f, l)) in self
            .events
            .get(settled..)
            .unwrap_or_default()
            .iter()
            .zip(self.days.get(settled..).unwrap_or_default())
        {
            if l <= first {
                if e.value != value || since.is_none() {
                    since = Some(*e);
                    value = e.value;
                }
            } else if f <= last {
                uncertain = true;
            } else {
                break;
            }
            end += 1;
        }
        let uncertain_events = || {
            self.events
                .get(settled..end)
                .unwrap_or_default()
                .iter()
                .zip(self.days.get(settled..end).unwrap_or_default())
                .filter(move |&(_, &(_, l))| l > first)
                .map(|(e, _)| e)
        };
        if !uncertain || uncertain_events().all(|e| e.value == value) {
            // Nothing that may take effect within the span changes the value (and nothing is
            // allocated).
            return Resolved::Known { value, since };
        }
        let uncertain: Vec<Event<T, R>> = uncertain_events().copied().collect();
        let mut values = vec![value];
        for e in &uncertain {
            if values.last() != Some(&e.value) {
                values.push(e.value);
            }
        }
        if values.len() == 1 {
            Resolved::Known { value, since }
        } else {
            let mut dedup: Vec<T> = Vec::new();
            for v in values {
                if !dedup.contains(&v) {
                    dedup.push(v);
                }
            }
            Resolved::Ambiguous {
                values: dedup,
                events: uncertain,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PartialDate;

    fn d(s: &str) -> DateSpan {
        s.parse::<PartialDate>().unwrap().span()
    }

    fn timeline() -> Timeline<&'static str, u32> {
        Timeline::new(
            "unknown",
            vec![
                Event {
                    effective: d("2001-11-16"),
                    value: "disputed",
                    by: 1,
                },
                Event {
                    effective: d("2003-09-05"),
                    value: "delimited",
                    by: 2,
                },
                Event {
                    effective: d("2004-04"),
                    value: "delimited",
                    by: 3,
                },
            ],
        )
    }

    #[test]
    fn before_any_event_is_initial() {
        assert_eq!(
            timeline().at(d("2000-01-01")),
            Resolved::Known {
                value: "unknown",
                since: None
            }
        );
    }

    #[test]
    fn since_is_the_event_that_set_the_value_not_a_later_repeat() {
        match timeline().at(d("2010")) {
            Resolved::Known {
                value,
                since: Some(e),
            } => {
                assert_eq!(value, "delimited");
                assert_eq!(e.by, 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_span_straddling_a_change_is_ambiguous() {
        match timeline().at(d("2003")) {
            Resolved::Ambiguous { values, events } => {
                assert_eq!(values, vec!["disputed", "delimited"]);
                assert_eq!(events.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_repeat_inside_the_span_is_not_ambiguous() {
        assert_eq!(timeline().at(d("2004")).known(), Some("delimited"));
    }

    #[test]
    fn the_day_of_the_change_counts() {
        assert_eq!(timeline().at(d("2003-09-05")).known(), Some("delimited"));
        assert_eq!(timeline().at(d("2003-09-04")).known(), Some("disputed"));
    }

    #[test]
    fn a_partial_event_date_makes_its_own_month_ambiguous() {
        let t = Timeline::new(
            "none",
            vec![Event {
                effective: d("2004-04"),
                value: "in_progress",
                by: 0,
            }],
        );
        assert!(t.at(d("2004-04-10")).known().is_none());
        assert_eq!(t.at(d("2004-05-01")).known(), Some("in_progress"));
        assert_eq!(t.at(d("2004-03-31")).known(), Some("none"));
    }

    /// The answer as the plain scan over every event gives it (the definition `at` keeps).
    fn scanned<T: Copy + PartialEq, R: Copy>(t: &Timeline<T, R>, at: DateSpan) -> Resolved<T, R> {
        Timeline {
            initial: t.initial,
            events: t.events.clone(),
            run_start: vec![None],
            last_day_by: vec![i32::MAX; t.events.len()],
            days: t.days.clone(),
            class_starts: Vec::new(),
            by_class: Vec::new(),
        }
        .at(at)
    }

    proptest::proptest! {
        /// Day keys order days as the dates do, over the years a date may name and beyond.
        #[test]
        fn day_keys_order_days_as_dates_do(
            a in (-9999i16..=9999, 1i8..=12, 1i8..=31),
            b in (-9999i16..=9999, 1i8..=12, 1i8..=31),
            same_year in proptest::bool::ANY,
        ) {
            let b = if same_year { (a.0, b.1, b.2) } else { b };
            let date = |(y, m, d): (i16, i8, i8)| {
                jiff::civil::Date::new(y, m, d).or_else(|_| jiff::civil::Date::new(y, m, 28))
            };
            let (Ok(a), Ok(b)) = (date(a), date(b)) else {
                return Err(proptest::test_runner::TestCaseError::fail("a valid date"));
            };
            proptest::prop_assert_eq!(day_key(a).cmp(&day_key(b)), a.cmp(&b));
        }

        #[test]
        fn the_binary_search_gives_the_answer_of_the_full_scan(
            events in proptest::collection::vec((0i32..4000, 0u8..3, 0u8..4), 0..40),
            asked in (0i32..4200, 0u8..3),
        ) {
            let first = jiff::civil::date(2000, 1, 1);
            let span = |offset: i32, precision: u8| {
                let day = first.checked_add(jiff::Span::new().days(offset)).unwrap();
                let text = match precision {
                    0 => day.to_string(),
                    1 => format!("{:04}-{:02}", day.year(), day.month()),
                    _ => format!("{:04}", day.year()),
                };
                d(&text)
            };
            let t = Timeline::new(
                9u8,
                events
                    .iter()
                    .enumerate()
                    .map(|(i, &(offset, precision, value))| Event {
                        effective: span(offset, precision),
                        value,
                        by: i,
                    })
                    .collect(),
            );
            let at = span(asked.0, asked.1);
            proptest::prop_assert_eq!(t.at(at), scanned(&t, at));
        }
    }
}
