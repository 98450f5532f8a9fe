//! Border regimes: fences, minefields and crossings, each with its own dated history on a
//! stretch of a dyad (given by chainage) or at a crossing point (a place).
//!
//! A regime is named by an id; each dated event of it (a [`RegimeChange`], one row of
//! `regimes.csv`) sets its state: a fence is built or removed, mines are laid or cleared, a
//! crossing opens or closes. The events of one regime form a
//! [`Timeline`](crate::query::Timeline), so a regime is asked for at a date like a status.

use std::fmt;
use std::str::FromStr;

use super::Dyad;
use crate::PartialDate;

/// What kind of regime.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum RegimeKind {
    /// A fence (barbed wire, wall, ditch) along a stretch of the line.
    Fenced,
    /// Mines laid along a stretch of the line.
    Mined,
    /// A crossing point (checkpoint), open or closed.
    Crossing,
}

impl RegimeKind {
    /// Every kind.
    pub const ALL: [RegimeKind; 3] = [RegimeKind::Fenced, RegimeKind::Mined, RegimeKind::Crossing];

    /// `fenced`, `mined` or `crossing`: the word of `regimes.csv`'s `regime` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RegimeKind::Fenced => "fenced",
            RegimeKind::Mined => "mined",
            RegimeKind::Crossing => "crossing",
        }
    }

    /// The states a regime of this kind can be set to: the state in effect, then the other.
    pub fn states(self) -> [RegimeState; 2] {
        match self {
            RegimeKind::Fenced => [RegimeState::Built, RegimeState::Removed],
            RegimeKind::Mined => [RegimeState::Laid, RegimeState::Cleared],
            RegimeKind::Crossing => [RegimeState::Open, RegimeState::Closed],
        }
    }

    /// Reads the state `word` of a regime of this kind; the error names the words accepted.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{RegimeKind, RegimeState};
    /// assert_eq!(RegimeKind::Mined.state("cleared"), Ok(RegimeState::Cleared));
    /// assert!(RegimeKind::Mined.state("open").is_err());
    /// ```
    pub fn state(self, word: &str) -> Result<RegimeState, String> {
        let states = self.states();
        states
            .iter()
            .copied()
            .find(|s| s.as_str() == word)
            .ok_or_else(|| {
                format!(
                    "{word:?} is not one of {} or {} (for a {} regime)",
                    states[0].as_str(),
                    states[1].as_str(),
                    self.as_str()
                )
            })
    }
}

impl fmt::Display for RegimeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RegimeKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RegimeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not one of fenced, mined or crossing"))
    }
}

/// The state a regime event sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegimeState {
    /// A fence is built (in place from this date).
    Built,
    /// A fence is removed.
    Removed,
    /// Mines are laid.
    Laid,
    /// Mines are cleared.
    Cleared,
    /// A crossing is open.
    Open,
    /// A crossing is closed.
    Closed,
}

impl RegimeState {
    /// The word of `regimes.csv`'s `state` column.
    pub fn as_str(self) -> &'static str {
        match self {
            RegimeState::Built => "built",
            RegimeState::Removed => "removed",
            RegimeState::Laid => "laid",
            RegimeState::Cleared => "cleared",
            RegimeState::Open => "open",
            RegimeState::Closed => "closed",
        }
    }
}

impl fmt::Display for RegimeState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition on the regimes of a stretch, as asked for in a query: the state a regime of
/// one kind must be in on some day of the span asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RegimeWord {
    /// A fence stands (state `built`).
    Fenced,
    /// Mines lie (state `laid`).
    Mined,
    /// A crossing is open.
    OpenCrossing,
    /// A crossing is closed.
    ClosedCrossing,
}

impl RegimeWord {
    /// Every word.
    pub const ALL: [RegimeWord; 4] = [
        RegimeWord::Fenced,
        RegimeWord::Mined,
        RegimeWord::OpenCrossing,
        RegimeWord::ClosedCrossing,
    ];

    /// `fenced`, `mined`, `open_crossing` or `closed_crossing`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegimeWord::Fenced => "fenced",
            RegimeWord::Mined => "mined",
            RegimeWord::OpenCrossing => "open_crossing",
            RegimeWord::ClosedCrossing => "closed_crossing",
        }
    }

    /// The kind of regime and the state it asks for.
    pub fn wants(self) -> (RegimeKind, RegimeState) {
        match self {
            RegimeWord::Fenced => (RegimeKind::Fenced, RegimeState::Built),
            RegimeWord::Mined => (RegimeKind::Mined, RegimeState::Laid),
            RegimeWord::OpenCrossing => (RegimeKind::Crossing, RegimeState::Open),
            RegimeWord::ClosedCrossing => (RegimeKind::Crossing, RegimeState::Closed),
        }
    }
}

impl FromStr for RegimeWord {
    type Err = String;
    /// Reads a word (`-` may stand for `_`).
    ///
    /// ```
    /// use bordertrack::RegimeWord;
    /// assert_eq!("closed-crossing".parse(), Ok(RegimeWord::ClosedCrossing));
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let word = s.trim().replace('-', "_");
        RegimeWord::ALL
            .into_iter()
            .find(|w| w.as_str() == word)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a regime word (fenced, mined, open_crossing, closed_crossing)"
                )
            })
    }
}

impl fmt::Display for RegimeWord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where on its dyad a regime applies.
#[derive(Clone, Debug, PartialEq)]
pub enum RegimeSite {
    /// A stretch given by chainage along the dyad's line (as a located point's chainage is
    /// measured: geodesic distance along the dyad's segments in their order, from the start of
    /// the first), in kilometres.
    Stretch {
        /// Where the stretch starts, km from the start of the dyad's line.
        from_km: f64,
        /// Where it ends, km from the start of the dyad's line (more than `from_km`).
        to_km: f64,
    },
    /// A crossing point: the place (of kind `checkpoint`) with this id.
    Place(String),
    /// Somewhere on the dyad: the sources do not say where.
    Unlocated,
}

/// How well a regime's site is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegimeExtent {
    /// The stretch (or place) is where the sources put it.
    Exact,
    /// The stretch is placed from named places or districts, to within its `precision_km`.
    Approximate,
    /// The sources do not say where on the dyad: the regime is known for the dyad only.
    Unlocated,
}

impl RegimeExtent {
    /// `exact`, `approximate` or `unlocated`.
    pub fn as_str(self) -> &'static str {
        match self {
            RegimeExtent::Exact => "exact",
            RegimeExtent::Approximate => "approximate",
            RegimeExtent::Unlocated => "unlocated",
        }
    }
}

impl FromStr for RegimeExtent {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            RegimeExtent::Exact,
            RegimeExtent::Approximate,
            RegimeExtent::Unlocated,
        ]
        .into_iter()
        .find(|e| e.as_str() == s)
        .ok_or_else(|| format!("{s:?} is not one of exact, approximate or unlocated"))
    }
}

/// One dated event of a regime (one row of `regimes.csv`).
#[derive(Clone, Debug, PartialEq)]
pub struct RegimeChange {
    /// The regime's id (the rows of one regime share it).
    pub regime_id: String,
    /// The dyad.
    pub dyad: Dyad,
    /// Where on the dyad.
    pub site: RegimeSite,
    /// What kind of regime.
    pub kind: RegimeKind,
    /// The state set.
    pub state: RegimeState,
    /// When (as precisely as the source says).
    pub date: PartialDate,
    /// The instrument (agreement, decree) that made the change, if any.
    pub instrument_id: Option<String>,
    /// The source that gives the change.
    pub source_id: String,
    /// How well the site is known.
    pub extent: RegimeExtent,
    /// How far the stretch's ends may be from where they are given, km (approximate stretches).
    pub precision_km: Option<f64>,
    /// The regime's length as the source gives it, km (for an unlocated regime, the only
    /// measure of it).
    pub length_km: Option<f64>,
    /// Free note.
    pub note: String,
    /// The row's line in `regimes.csv` (or its position among the values given).
    pub line: u64,
}

impl RegimeChange {
    /// The regime's length in km: the stretch's, else the length the source gives.
    pub fn km(&self) -> Option<f64> {
        match self.site {
            RegimeSite::Stretch { from_km, to_km } => Some(to_km - from_km),
            _ => self.length_km,
        }
    }
}
