//! Datasets.
/// A loaded, validated dataset.
pub struct Dataset;
