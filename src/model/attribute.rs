//! The attributes a dated change may set, and the set of them one change carries.
//!
//! A change of a stretch of border is one dated event that sets any number of attributes:
//! today its delimitation and its demarcation. Each attribute is one variant of [`Attribute`]
//! and one kind in [`AttributeKind`] (with the column of `status.csv` it is read from); each
//! kind's values form their own [`Timeline`](crate::query::Timeline). Adding an attribute (a
//! regime such as fenced or mined, say) means adding a variant, a kind and an
//! [`AttributeValue`] implementation, not a new record type with its own timeline code.

use super::{Delimitation, Demarcation};

/// One attribute set by a change, with its new value.
///
/// # Examples
/// ```
/// use bordertrack::{Attribute, AttributeKind, Delimitation};
///
/// let a = Attribute::Delimitation(Delimitation::Delimited);
/// assert_eq!(a.kind(), AttributeKind::Delimitation);
/// assert_eq!(a.value_str(), "delimited");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Attribute {
    /// Whether the stretch is agreed on paper.
    Delimitation(Delimitation),
    /// Whether the stretch is marked on the ground.
    Demarcation(Demarcation),
}

/// Which attribute, without its value. Each kind is one column of `status.csv`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum AttributeKind {
    /// [`Attribute::Delimitation`].
    Delimitation,
    /// [`Attribute::Demarcation`].
    Demarcation,
}

impl AttributeKind {
    /// Every kind, in column order.
    pub const ALL: [AttributeKind; 2] = [AttributeKind::Delimitation, AttributeKind::Demarcation];

    /// The name of the kind, which is also its column in `status.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributeKind::Delimitation => "delimitation",
            AttributeKind::Demarcation => "demarcation",
        }
    }

    /// Reads a value of this kind from its word (e.g. `delimited`); the error says which words
    /// are accepted.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::{Attribute, AttributeKind, Demarcation};
    ///
    /// assert_eq!(
    ///     AttributeKind::Demarcation.parse("in_progress"),
    ///     Ok(Attribute::Demarcation(Demarcation::InProgress))
    /// );
    /// assert!(AttributeKind::Demarcation.parse("fenced").is_err());
    /// ```
    pub fn parse(self, word: &str) -> Result<Attribute, String> {
        match self {
            AttributeKind::Delimitation => word
                .parse()
                .map(Attribute::Delimitation)
                .map_err(|e: super::StatusParseError| e.to_string()),
            AttributeKind::Demarcation => word
                .parse()
                .map(Attribute::Demarcation)
                .map_err(|e: super::StatusParseError| e.to_string()),
        }
    }
}

impl std::fmt::Display for AttributeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Attribute {
    /// Its kind.
    pub fn kind(self) -> AttributeKind {
        match self {
            Attribute::Delimitation(_) => AttributeKind::Delimitation,
            Attribute::Demarcation(_) => AttributeKind::Demarcation,
        }
    }

    /// Its value as the word written in `status.csv` (e.g. `in_progress`).
    pub fn value_str(self) -> &'static str {
        match self {
            Attribute::Delimitation(v) => v.as_str(),
            Attribute::Demarcation(v) => v.as_str(),
        }
    }
}

/// A type of attribute value that a change can carry: it knows its kind and its value before
/// any change (the initial value of its timeline).
pub trait AttributeValue: Copy + PartialEq + Sized {
    /// The kind of attribute these values belong to.
    const KIND: AttributeKind;
    /// The value before the first recorded change.
    const INITIAL: Self;
    /// The value, when `attribute` is of this kind.
    fn from_attribute(attribute: Attribute) -> Option<Self>;
    /// The value as an attribute.
    fn into_attribute(self) -> Attribute;
}

impl AttributeValue for Delimitation {
    const KIND: AttributeKind = AttributeKind::Delimitation;
    const INITIAL: Self = Delimitation::Unknown;
    fn from_attribute(attribute: Attribute) -> Option<Self> {
        match attribute {
            Attribute::Delimitation(v) => Some(v),
            _ => None,
        }
    }
    fn into_attribute(self) -> Attribute {
        Attribute::Delimitation(self)
    }
}

impl AttributeValue for Demarcation {
    const KIND: AttributeKind = AttributeKind::Demarcation;
    const INITIAL: Self = Demarcation::Unknown;
    fn from_attribute(attribute: Attribute) -> Option<Self> {
        match attribute {
            Attribute::Demarcation(v) => Some(v),
            _ => None,
        }
    }
    fn into_attribute(self) -> Attribute {
        Attribute::Demarcation(self)
    }
}

/// The attributes one change sets: at most one value of each kind, kept in kind order.
///
/// # Examples
/// ```
/// use bordertrack::{Attributes, Delimitation, Demarcation};
///
/// let a = Attributes::new()
///     .with(Delimitation::Delimited)
///     .with(Demarcation::InProgress);
/// assert_eq!(a.get::<Delimitation>(), Some(Delimitation::Delimited));
/// assert_eq!(a.get::<Demarcation>(), Some(Demarcation::InProgress));
/// assert_eq!(a.len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Attributes(Vec<Attribute>);

impl Attributes {
    /// No attribute.
    pub fn new() -> Self {
        Attributes(Vec::new())
    }

    /// The same set with `value` set (replacing a value of the same kind).
    pub fn with(mut self, value: impl AttributeValue) -> Self {
        self.set(value.into_attribute());
        self
    }

    /// Sets `attribute`, returning the value of the same kind that it replaces, if any.
    pub fn set(&mut self, attribute: Attribute) -> Option<Attribute> {
        let kind = attribute.kind();
        match self.0.binary_search_by_key(&kind, |a| a.kind()) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i], attribute)),
            Err(i) => {
                self.0.insert(i, attribute);
                None
            }
        }
    }

    /// The value of the kind `V`, if the change sets it.
    pub fn get<V: AttributeValue>(&self) -> Option<V> {
        self.of_kind(V::KIND).and_then(V::from_attribute)
    }

    /// The attribute of `kind`, if the change sets it.
    pub fn of_kind(&self, kind: AttributeKind) -> Option<Attribute> {
        self.0.iter().copied().find(|a| a.kind() == kind)
    }

    /// Every attribute set, in kind order.
    pub fn iter(&self) -> impl Iterator<Item = Attribute> + '_ {
        self.0.iter().copied()
    }

    /// How many attributes are set.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<Attribute> for Attributes {
    fn from_iter<I: IntoIterator<Item = Attribute>>(iter: I) -> Self {
        let mut set = Attributes::new();
        for a in iter {
            set.set(a);
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_a_kind_again_replaces_it_and_order_is_by_kind() {
        let mut a = Attributes::new();
        assert_eq!(a.set(Attribute::Demarcation(Demarcation::None)), None);
        a.set(Attribute::Delimitation(Delimitation::Disputed));
        assert_eq!(
            a.set(Attribute::Demarcation(Demarcation::Demarcated)),
            Some(Attribute::Demarcation(Demarcation::None))
        );
        let kinds: Vec<_> = a.iter().map(Attribute::kind).collect();
        assert_eq!(kinds, AttributeKind::ALL.to_vec());
        assert_eq!(a.get::<Demarcation>(), Some(Demarcation::Demarcated));
    }

    #[test]
    fn every_kind_reads_its_own_words_only() {
        for kind in AttributeKind::ALL {
            let e = kind.parse("no-such-word").unwrap_err();
            assert!(e.contains(kind.as_str()), "{e}");
        }
        assert_eq!(
            AttributeKind::Delimitation.parse("disputed"),
            Ok(Attribute::Delimitation(Delimitation::Disputed))
        );
        assert!(AttributeKind::Delimitation.parse("in_progress").is_err());
    }
}
