//! The data model: segments, statuses, instruments, changes, places, incidents, sources,
//! regimes and tallies.
//!
//! These are plain records with no I/O; [`crate::dataset`] reads and validates them.

mod attribute;
mod change;
mod code;
mod incident;
mod instrument;
mod place;
mod regime;
mod row_values;
mod segment;
mod status;
mod tally;
pub(crate) mod timeline;

pub use attribute::{Attribute, AttributeKind, AttributeValue, Attributes};
pub use change::StatusChange;
pub use code::{CodeError, CountryCode, Dyad};
pub use incident::Incident;
pub use instrument::{Basis, Instrument, InstrumentKind, Source};
pub use place::{Place, Sovereignty};
pub use regime::{RegimeChange, RegimeExtent, RegimeKind, RegimeSite, RegimeState, RegimeWord};
pub use row_values::{RowValue, RowValues};
pub use segment::{Extent, Segment};
pub use status::{Delimitation, Demarcation, StatusFilter, StatusParseError, StatusWord};
pub use tally::{Tally, TallyQualifier};
