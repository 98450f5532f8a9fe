//! Instruments (treaties, agreements, protocols, commission acts) and cited sources.

use std::fmt;
use std::str::FromStr;

use super::Dyad;
use crate::PartialDate;

/// What kind of instrument changed a border's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InstrumentKind {
    /// A treaty between the states.
    Treaty,
    /// An intergovernmental agreement.
    Agreement,
    /// A protocol (often of a commission or to a treaty).
    Protocol,
    /// A meeting of a joint commission and its minutes.
    CommissionMeeting,
    /// An act by one state alone (ratification law, decree, statement).
    UnilateralAct,
}

impl InstrumentKind {
    /// Every kind.
    pub const ALL: [InstrumentKind; 5] = [
        InstrumentKind::Treaty,
        InstrumentKind::Agreement,
        InstrumentKind::Protocol,
        InstrumentKind::CommissionMeeting,
        InstrumentKind::UnilateralAct,
    ];

    /// The word used in `instruments.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::Treaty => "treaty",
            InstrumentKind::Agreement => "agreement",
            InstrumentKind::Protocol => "protocol",
            InstrumentKind::CommissionMeeting => "commission_meeting",
            InstrumentKind::UnilateralAct => "unilateral_act",
        }
    }
}

impl FromStr for InstrumentKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let w = s.trim();
        InstrumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == w)
            .ok_or_else(|| {
                format!(
                    "unknown instrument kind {:?} (expected one of: treaty, agreement, protocol, commission_meeting, unilateral_act)",
                    w.chars().take(40).collect::<String>()
                )
            })
    }
}

impl fmt::Display for InstrumentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which date of an instrument a status change counts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Basis {
    /// From the date of signature.
    Signed,
    /// From entry into force where the instrument has that date, else from signature.
    #[default]
    InForce,
}

impl FromStr for Basis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "signed" => Ok(Basis::Signed),
            "in-force" | "in_force" => Ok(Basis::InForce),
            w => Err(format!("unknown basis {w:?} (expected signed or in-force)")),
        }
    }
}

/// A treaty, agreement, protocol, commission act or unilateral act.
#[derive(Clone, Debug, PartialEq)]
pub struct Instrument {
    /// Unique id, e.g. `kaz-uzb-2002-treaty`.
    pub id: String,
    /// The dyad it concerns.
    pub dyad: Dyad,
    /// What kind of instrument it is.
    pub kind: InstrumentKind,
    /// Its title.
    pub title: String,
    /// Date of signature (or of the meeting or act).
    pub signed: PartialDate,
    /// Date of entry into force, where known.
    pub in_force: Option<PartialDate>,
    /// The source that documents it (an id in `sources.csv`).
    pub source_id: String,
    /// Free note.
    pub note: String,
}

impl Instrument {
    /// The date a change made by this instrument counts from under `basis`.
    pub fn effective(&self, basis: Basis) -> PartialDate {
        match (basis, self.in_force) {
            (Basis::InForce, Some(d)) => d,
            _ => self.signed,
        }
    }
}

/// A cited source: a seed document of the project or a public URL.
#[derive(Clone, Debug, PartialEq)]
pub struct Source {
    /// Unique id, e.g. `seed-003`.
    pub id: String,
    /// Title of the document.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Publication date, where known.
    pub date: Option<PartialDate>,
    /// A URL, or the file name of a seed document.
    pub url: String,
}
