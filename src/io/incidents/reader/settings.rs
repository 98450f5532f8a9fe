//! The settings of an [`IncidentReader`], given after opening it: the longest row read,
//! whether duplicate ids are reported, the CRS of the coordinates, and the dates kept.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[cfg(doc)]
use super::DEFAULT_MAX_ROW_BYTES;
use super::{IncidentReader, SeenIds, Source};
use crate::DateSpan;

impl<R: Read> IncidentReader<R> {
    /// The longest CSV row to read, in bytes (from its first byte to its line end, quoted line
    /// breaks included); [`DEFAULT_MAX_ROW_BYTES`] (16 MiB) unless set. A longer row is a
    /// problem for that row ("row longer than 16 MiB, the limit for one row; skipped"), and the
    /// rows after it are read. Memory stays within a small multiple of the limit: the row is
    /// read on to its end without being kept. The same limit holds for each feature of a
    /// GeoJSON input ("feature longer than 16 MiB, the limit for one feature; skipped").
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    /// let csv = "id,date,lat,lon,summary\nA,2006,41,69,short\nB,2006,41,69,a longer summary\n";
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "in.csv")?.max_row_bytes(25);
    /// let rows: Vec<_> = reader.records().collect();
    /// assert_eq!(rows[0].as_ref().unwrap().id, "A");
    /// assert_eq!(
    ///     rows[1].as_ref().unwrap_err().to_string(),
    ///     "in.csv:3: row longer than 25 bytes, the limit for one row; skipped"
    /// );
    /// # Ok::<(), bordertrack::Error>(())
    /// ```
    pub fn max_row_bytes(mut self, limit: usize) -> IncidentReader<R> {
        self.max_row_bytes = limit;
        if let Source::GeoJson(src) = &mut self.source {
            src.set_max_feature_bytes(limit);
        }
        self
    }

    /// Whether to report ids that repeat an earlier row's (on by default).
    ///
    /// The check keeps every distinct id in memory (its bytes plus about 40–75 bytes of
    /// index: some 50–80 MB for a million short ids). Turn it off to read files whose ids
    /// are known to be unique, or too large for that memory, in constant memory.
    pub fn check_duplicate_ids(mut self, check: bool) -> IncidentReader<R> {
        self.seen = check.then(SeenIds::default);
        self
    }

    /// Reads the coordinates as being in another coordinate reference system, and converts
    /// them to WGS84 as each row is read. In a CSV table the latitude column then holds the
    /// northing (y) and the longitude column the easting (x); in GeoJSON the Point's
    /// coordinates are x, y. This overrides a GeoJSON file's own legacy `crs` member. A
    /// row whose coordinates cannot be converted is a bad row, with PROJ's reason.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::crs::{Crs, Reprojection};
    /// use bordertrack::io::IncidentReader;
    /// let csv = "id,date,lat,lon\nA,2006,41.3,69.2\n";
    /// let wgs84 = Reprojection::new(Crs::wgs84())?;
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "in.csv")?.input_crs(wgs84);
    /// assert_eq!(reader.records().count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn input_crs(mut self, reprojection: crate::crs::Reprojection) -> IncidentReader<R> {
        let reprojection = (!reprojection.crs().is_wgs84()).then_some(reprojection);
        match &mut self.source {
            Source::GeoJson(src) => src.set_reprojection(reprojection.clone()),
            #[cfg(feature = "parquet")]
            Source::Parquet(src) => src.reprojection = reprojection.clone(),
            #[cfg(feature = "formats")]
            Source::Features(src) => src.reprojection = reprojection.clone(),
            Source::Csv(_) => {}
        }
        self.input_crs = reprojection;
        self
    }

    /// The CRS a GeoJSON file names in its legacy `crs` member (removed from GeoJSON by RFC
    /// 7946, still written by some programs), when it is not WGS84. The coordinates are
    /// converted from it unless [`IncidentReader::input_crs`] said otherwise.
    pub fn declared_crs(&self) -> Option<&crate::crs::Crs> {
        match &self.source {
            Source::GeoJson(src) => src.declared_crs(),
            #[cfg(feature = "parquet")]
            Source::Parquet(src) => src.declared_crs.as_ref(),
            #[cfg(feature = "formats")]
            Source::Features(src) => src.declared_crs.as_ref(),
            Source::Csv(_) => None,
        }
    }

    /// Keeps only the incidents whose date span meets `range`, that is shares at least one
    /// day with it; the others are left out, neither incidents nor problems, and counted (see
    /// [`IncidentReader::left_out_by_dates`]). A partial date spans every day it may mean, so
    /// an incident dated `2004-06` is kept for a range that ends on 2004-06-01 or starts on
    /// 2004-06-30, and left out of one that ends on 2004-05-31. Every row has a date (a row
    /// without one is a bad row), so none is kept or left out for want of one. A left-out
    /// row's id is not checked for duplicates.
    ///
    /// # Examples
    /// ```
    /// use bordertrack::io::IncidentReader;
    /// use bordertrack::{DateSpan, PartialDate};
    /// let csv = "id,date,lat,lon\nA,2004-05-31,41,69\nB,2004-06,41,69\nC,2004-07-01,41,69\n";
    /// let june_30: PartialDate = "2004-06-30".parse()?;
    /// let range = DateSpan::from_to(Some(june_30), None).expect("a range");
    /// let mut reader = IncidentReader::from_reader(csv.as_bytes(), "in.csv")?.date_range(range);
    /// let ids: Vec<String> = reader.records().filter_map(Result::ok).map(|i| i.id).collect();
    /// assert_eq!(ids, ["B", "C"]);
    /// assert_eq!(reader.left_out_by_dates(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn date_range(mut self, range: DateSpan) -> IncidentReader<R> {
        self.dates = Some((range, Arc::new(AtomicU64::new(0))));
        self
    }

    /// How many incidents have been left out so far for falling outside the
    /// [`date_range`](IncidentReader::date_range) (0 without one).
    pub fn left_out_by_dates(&self) -> u64 {
        self.dates
            .as_ref()
            .map_or(0, |(_, n)| n.load(Ordering::Relaxed))
    }

    /// Whether ids that repeat an earlier row's are reported.
    pub fn checks_duplicate_ids(&self) -> bool {
        self.seen.is_some()
    }
}
