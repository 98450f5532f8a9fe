//! Questions asked of a dataset: status as of a date, statistics, histories.

mod batch;
mod certainty;
mod classify;
mod coverage;
mod history;
mod incident_query;
mod locate;
mod nearest;
mod regimes;
mod stats;
mod status;

pub use crate::model::timeline::{Event, Resolved, Timeline};
pub(crate) use certainty::push_alternatives_text;
pub use certainty::{alternatives_text, Alternative, Certainty};
pub use coverage::{dyad_coverage, DyadCoverage, UnknownStretch};
pub use history::{history, regime_history, HistoryEntry, RegimeHistoryEntry};
pub use incident_query::{IncidentMatch, IncidentQuery};
pub use locate::{BorderIndex, Located};
pub(crate) use regimes::push_regimes_text;
pub use regimes::{regimes_text, RegimeInForce, RegimeLength, RegimeStatus, RegimeTimelines};
pub use stats::{dyad_stats, dyad_stats_seen_by, DyadStats};
pub use status::{SegmentStatus, StatusOf, StatusTimelines};
