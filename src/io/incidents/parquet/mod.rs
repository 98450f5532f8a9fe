//! Parquet incident tables: plain columns, or GeoParquet points, read one batch of a row group
//! at a time.
//!
//! Each row's values are written out as the text a CSV cell would hold and converted by the
//! plain layout's rules ([`Columns`]), so a Parquet row and the same row in CSV give the same
//! incident, or the same problems.

mod arrow_values;
mod geo_metadata;

use std::fs::File;

use arrow_array::RecordBatch;
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use self::arrow_values::{carried_column, carry, readable_as_text, wkb_point, write_text};
use self::geo_metadata::geo_metadata;
use super::layout::Columns;
use super::mapping::{self, ColumnMapping};
use super::text_row::{repeated_columns, TextRow};
use crate::crs::{Crs, Reprojection};
use crate::report::Column;
use crate::Incident;

/// Rows converted per batch read from a row group.
const BATCH_ROWS: usize = 8192;

/// One row: its number (from 1), and its incident or what is wrong with it.
pub(super) type ParquetRow = (u64, Result<Incident, String>);

/// An open Parquet file, read batch by batch.
pub(crate) struct ParquetSource {
    batches: ParquetRecordBatchReader,
    /// The layout's columns over [`ParquetSource::names`].
    columns: Columns,
    /// The names the row's text fields go by: the table's own columns, in order, then the
    /// geometry's latitude and longitude when the position comes from it.
    names: Vec<String>,
    /// The table's own columns (all but the geometry, its covering, and an earlier run's
    /// classification), as carried to the output: their names as written and kinds.
    pub(super) carried: Vec<Column>,
    /// The batch column of each of the table's own columns, in order.
    own: Vec<usize>,
    /// The batch column of WKB points (GeoParquet), when the position comes from it.
    geometry: Option<usize>,
    /// The batch being converted and the next row in it.
    batch: Option<(RecordBatch, usize)>,
    /// Rows handed out so far.
    rows: u64,
    /// The CRS named by the GeoParquet metadata, when not WGS84.
    pub(super) declared_crs: Option<Crs>,
    /// The conversion of coordinates to WGS84, when they are in another CRS.
    pub(super) reprojection: Option<Reprojection>,
    /// The row being converted.
    row: TextRow,
}

impl ParquetSource {
    /// Reads the file's footer and schema, and recognises the layout of its columns as a CSV
    /// header's would be (with `mapping`). `Err` is a message about the file as a whole,
    /// listing every column that cannot be read.
    pub(crate) fn open(file: File, mapping: &ColumnMapping) -> Result<ParquetSource, String> {
        let builder = ParquetRecordBatchReaderBuilder::try_new(file)
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let geo = geo_metadata(&builder)?;
        let schema = builder.schema().clone();
        // The geometry column gives the position unless the mapping names columns for it.
        let use_geometry = mapping.lat.is_none() && mapping.lon.is_none();
        let mut geometry_field = None;
        let mut candidates: Vec<usize> = Vec::new();
        for (i, field) in schema.fields().iter().enumerate() {
            let is_geometry = geo.as_ref().is_some_and(|g| &g.column == field.name());
            if is_geometry {
                if !matches!(
                    field.data_type(),
                    DataType::Binary | DataType::LargeBinary | DataType::BinaryView
                ) {
                    return Err(format!(
                        "geometry column {:?} is {}, not WKB (binary)",
                        field.name(),
                        field.data_type()
                    ));
                }
                geometry_field = Some(i);
                continue;
            }
            // GeoParquet 1.1's bounding-box covering of the geometry.
            let covering = geo
                .as_ref()
                .is_some_and(|g| g.covering.as_deref() == Some(field.name()));
            if !covering {
                candidates.push(i);
            }
        }
        if geo.is_some() && geometry_field.is_none() {
            return Err(
                "the GeoParquet metadata names a geometry column that is not in the file".into(),
            );
        }
        let normalised: Vec<String> = candidates
            .iter()
            .map(|&i| schema.field(i).name().trim().to_lowercase())
            .collect();
        let mut problems = repeated_columns(&normalised, |i| candidates[i] + 1);
        let own_count = mapping::own_column_count(&normalised);
        let own_fields = &candidates[..own_count];
        for &i in own_fields {
            let field = schema.field(i);
            if !readable_as_text(field.data_type()) {
                problems.push(format!(
                    "column {:?} is of type {}, which is not read (expected text, a number, a \
                     date or a timestamp)",
                    field.name(),
                    field.data_type()
                ));
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let own_names = &normalised[..own_count];
        let geometry_field = geometry_field.filter(|_| use_geometry);
        let (columns, names) = match geometry_field {
            Some(_) => mapping::recognise_with_geometry(own_names, mapping)?,
            None => {
                let (columns, _) = mapping::recognise(own_names, mapping).map_err(|e| {
                    let hint = if geo.is_none() {
                        " (or GeoParquet point geometry)"
                    } else {
                        ""
                    };
                    format!("{e}{hint}")
                })?;
                (columns, own_names.to_vec())
            }
        };
        let carried = own_fields
            .iter()
            .map(|&i| carried_column(schema.field(i)))
            .collect();
        // The batches hold the projected columns in the file's order.
        let mut kept: Vec<usize> = own_fields.to_vec();
        kept.extend(geometry_field);
        kept.sort_unstable();
        let at = |i: usize| kept.iter().position(|&k| k == i).unwrap_or(usize::MAX);
        let own = own_fields.iter().map(|&i| at(i)).collect();
        let geometry = geometry_field.map(at);
        let mask = ProjectionMask::roots(builder.parquet_schema(), kept.iter().copied());
        let batches = builder
            .with_projection(mask)
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| format!("not a readable Parquet file: {e}"))?;
        let declared_crs = geo.and_then(|g| g.crs);
        let reprojection = match &declared_crs {
            Some(crs) => Some(
                Reprojection::new(crs.clone())
                    .map_err(|e| format!("the GeoParquet geometry's CRS: {e}"))?,
            ),
            None => None,
        };
        Ok(ParquetSource {
            batches,
            columns,
            names,
            carried,
            own,
            geometry,
            batch: None,
            rows: 0,
            declared_crs,
            reprojection,
            row: TextRow::new(),
        })
    }

    /// Whether the position comes from the geometry column rather than the table's own.
    pub(crate) fn position_from_geometry(&self) -> bool {
        self.geometry.is_some()
    }

    /// The next row; `Err` with the message when the file cannot be read on (which ends it).
    pub(crate) fn next_row(&mut self) -> Option<Result<ParquetRow, String>> {
        loop {
            if let Some((batch, at)) = &mut self.batch {
                if *at < batch.num_rows() {
                    let row = *at;
                    *at += 1;
                    let batch = batch.clone();
                    self.rows += 1;
                    return Some(Ok(self.convert(&batch, row)));
                }
            }
            match self.batches.next()? {
                Ok(batch) => self.batch = Some((batch, 0)),
                Err(e) => {
                    self.batch = None;
                    return Some(Err(format!("read error: {e}")));
                }
            }
        }
    }

    /// How many rows were handed out so far.
    pub(crate) fn rows_read(&self) -> u64 {
        self.rows
    }

    /// Row `row` of `batch` as an incident: its values as text, converted by the layout's
    /// rules, and carried with their types.
    fn convert(&mut self, batch: &RecordBatch, row: usize) -> ParquetRow {
        let text_row = &mut self.row;
        text_row.clear();
        for &i in &self.own {
            let Some(column) = batch.columns().get(i) else {
                continue;
            };
            text_row.push_field(
                |text| write_text(column.as_ref(), row, text),
                |text, values| carry(column.as_ref(), row, text, values),
            );
        }
        if let Some(g) = self.geometry {
            let point = match batch.columns().get(g) {
                Some(column) => wkb_point(column.as_ref(), row),
                None => Ok((0.0, 0.0)),
            };
            text_row.push_point(point);
        }
        let result = text_row.incident(&self.columns, &self.names, self.reprojection.as_ref());
        (self.rows, result)
    }
}
