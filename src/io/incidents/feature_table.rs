//! Incident tables of point features read from a GIS file (GeoPackage, FlatGeobuf): the
//! columns the file declares, recognised as a CSV header's are, and each feature's values with
//! its point standing in for the latitude and longitude.
//!
//! Each feature's values are written out as the text a CSV cell would hold and converted by
//! the layout's rules ([`Columns`]), so a feature and the same row in CSV give the same
//! incident, or the same problems; they are carried to the output with their types.

use super::layout::Columns;
use super::mapping::{self, ColumnMapping};
use super::text_row::{push_display, repeated_columns, TextRow};
use crate::crs::{Crs, Reprojection};
use crate::report::{Column, ColumnKind};
use crate::Incident;

/// One value of a feature, as the file holds it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    /// No value.
    Null,
    /// A whole number.
    Integer(i64),
    /// A floating-point number.
    Float(f64),
    /// Text (and anything read as text: dates, booleans).
    Text(String),
}

/// One feature: its values, one per declared column in order, and its point (longitude,
/// latitude in the file's CRS) or what is wrong with its geometry.
pub(crate) struct Feature {
    pub(crate) cells: Vec<Cell>,
    pub(crate) point: Result<(f64, f64), String>,
}

/// The features of a file, one at a time.
pub(crate) trait FeatureRows: Send {
    /// The next feature; `Err` with the message when the file cannot be read on.
    fn next_feature(&mut self) -> Option<Result<Feature, String>>;
}

/// One feature: its index (from 0), and its incident or what is wrong with it.
pub(super) type FeatureRow = (u64, Result<Incident, String>);

/// A declared column of a file: its name as written and how its values are carried.
pub(crate) struct Declared {
    pub(crate) name: String,
    pub(crate) kind: DeclaredKind,
}

/// How a declared column's values are carried to the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DeclaredKind {
    Integer,
    Float,
    Text,
}

/// An open table of point features, read one feature at a time.
pub(crate) struct FeatureTable {
    rows: Box<dyn FeatureRows>,
    columns: Columns,
    /// The names the row's text fields go by: the table's own columns, then the point's
    /// latitude and longitude when the position comes from it.
    names: Vec<String>,
    /// The table's own columns (an earlier run's classification left out), as carried.
    pub(super) carried: Vec<Column>,
    /// Whether the position comes from the point rather than the table's own columns.
    from_geometry: bool,
    /// Features handed out so far.
    read: u64,
    /// The CRS the file declares, when not WGS84.
    pub(super) declared_crs: Option<Crs>,
    /// The conversion of coordinates to WGS84, when they are in another CRS.
    pub(super) reprojection: Option<Reprojection>,
    /// The feature being converted.
    row: TextRow,
}

impl FeatureTable {
    /// Recognises the layout of the `declared` columns as a CSV header's would be (with
    /// `mapping`; a mapped latitude or longitude is read from its column rather than the
    /// point), the coordinates being in `declared_crs` (`None`: WGS84). `Err` is a message
    /// about the file as a whole.
    pub(crate) fn new(
        declared: &[Declared],
        mapping: &ColumnMapping,
        declared_crs: Option<Crs>,
        rows: Box<dyn FeatureRows>,
    ) -> Result<FeatureTable, String> {
        let normalised: Vec<String> = declared
            .iter()
            .map(|d| d.name.trim().to_lowercase())
            .collect();
        let problems = repeated_columns(&normalised, |i| i + 1);
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let own = mapping::own_column_count(&normalised);
        let own_names = &normalised[..own];
        let from_geometry = mapping.lat.is_none() && mapping.lon.is_none();
        let (columns, names) = if from_geometry {
            mapping::recognise_with_geometry(own_names, mapping)?
        } else {
            let (columns, _) = mapping::recognise(own_names, mapping)?;
            (columns, own_names.to_vec())
        };
        let carried = declared[..own]
            .iter()
            .map(|d| match d.kind {
                DeclaredKind::Float => Column::number(d.name.clone()),
                DeclaredKind::Integer => Column {
                    name: d.name.clone().into(),
                    kind: ColumnKind::Integer,
                },
                DeclaredKind::Text => Column {
                    name: d.name.clone().into(),
                    kind: ColumnKind::Text,
                },
            })
            .collect();
        let reprojection = match &declared_crs {
            Some(crs) => Some(
                Reprojection::new(crs.clone())
                    .map_err(|e| format!("the geometry's CRS ({crs}): {e}"))?,
            ),
            None => None,
        };
        Ok(FeatureTable {
            rows,
            columns,
            names,
            carried,
            from_geometry,
            read: 0,
            declared_crs,
            reprojection,
            row: TextRow::new(),
        })
    }

    /// Whether the position comes from the features' points rather than the table's own
    /// columns.
    pub(crate) fn position_from_geometry(&self) -> bool {
        self.from_geometry
    }

    /// How many features were handed out so far.
    pub(crate) fn features_read(&self) -> u64 {
        self.read
    }

    /// The next feature; `Err` with the message when the file cannot be read on.
    pub(crate) fn next_row(&mut self) -> Option<Result<FeatureRow, String>> {
        let feature = match self.rows.next_feature()? {
            Ok(f) => f,
            Err(e) => return Some(Err(e)),
        };
        let index = self.read;
        self.read += 1;
        Some(Ok((index, self.convert(feature))))
    }

    /// A feature as an incident: its values as text, converted by the layout's rules, and
    /// carried with their types.
    fn convert(&mut self, feature: Feature) -> Result<Incident, String> {
        let row = &mut self.row;
        row.clear();
        for cell in feature.cells.iter().take(self.carried.len()) {
            match cell {
                Cell::Null => row.push_field(|_| {}, |_, values| values.push_empty()),
                Cell::Integer(n) => row.push_field(
                    |text| push_display(text, n),
                    |_, values| values.push_integer(*n),
                ),
                Cell::Float(x) => row.push_field(
                    |text| push_display(text, x),
                    |_, values| values.push_float(*x),
                ),
                Cell::Text(t) => {
                    row.push_field(|text| text.push_str(t), |_, values| values.push_text(t));
                }
            }
        }
        // A file whose feature holds fewer values than columns: the rest are empty.
        for _ in feature.cells.len()..self.carried.len() {
            row.push_field(|_| {}, |_, values| values.push_empty());
        }
        if self.from_geometry {
            row.push_point(feature.point);
        }
        row.incident(&self.columns, &self.names, self.reprojection.as_ref())
    }
}

/// The CRS named by an EPSG `code` of a file's geometry (`None` for WGS84, EPSG:4326).
pub(crate) fn epsg_crs(code: i64) -> Result<Option<Crs>, String> {
    if code == 4326 {
        return Ok(None);
    }
    let code = u32::try_from(code)
        .ok()
        .filter(|&c| c > 0)
        .ok_or_else(|| format!("the geometry's EPSG code {code} is out of range"))?;
    Ok(Some(Crs::epsg(code)))
}
