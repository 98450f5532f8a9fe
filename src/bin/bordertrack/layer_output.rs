//! Writing a layer (`export`, `incidents`): the row formats of [`crate::output`] and the GIS
//! formats, chosen by `--format` or by `-o`'s extension.

use std::path::{Path, PathBuf};

use bordertrack::crs::{Crs, ReprojectedLayer, Reprojection};
use bordertrack::report::formats::GeoJsonSeqWriter;
use bordertrack::report::{Format, LayerSink, RowWriter, Schema};

use crate::args::{FormatArg, OutArgs};
use crate::output::{self, Output};
use crate::Failure;

/// Where and how a layer is written: its format, the conversion of its coordinates to
/// `--crs`, and the output opened.
pub struct LayerTarget {
    format: LayerFormat,
    reprojection: Option<Reprojection>,
    out: Output,
    /// The files the command reads (besides the dataset), never written over.
    inputs: Vec<PathBuf>,
}

impl LayerTarget {
    /// The format `out` asks for, the conversion to `crs` (refused when the format cannot
    /// hold it) and the output opened, refusing to write onto a file of the dataset named by
    /// `--data` or onto one of `other_inputs`.
    pub fn open(
        data: Option<&Path>,
        other_inputs: &[PathBuf],
        out: &OutArgs,
        crs: Option<&Crs>,
    ) -> Result<LayerTarget, Failure> {
        let format = self::format(out)?;
        check_crs(format, crs).map_err(Failure::Usage)?;
        let reprojection = crate::cmd::reprojection(crs, "--crs")?;
        let out = crate::cmd::open_output(data, other_inputs, out)?;
        Ok(LayerTarget {
            format,
            reprojection,
            out,
            inputs: other_inputs.to_vec(),
        })
    }

    /// Whether coordinates are converted to another CRS than WGS84.
    pub fn reprojects(&self) -> bool {
        self.reprojection.is_some()
    }

    /// Whether features are written with their geometry.
    pub fn has_geometry(&self) -> bool {
        self.format.has_geometry()
    }

    /// Writes layer `name` of `schema`: `write` fills the sink (each feature converted to the
    /// CRS on its way to the writer), which is then finished and the output put in place.
    /// When `write` fails, nothing is written.
    pub fn write<T>(
        mut self,
        name: &str,
        schema: &Schema,
        write: impl FnOnce(&mut dyn LayerSink) -> Result<T, Failure>,
    ) -> Result<T, Failure> {
        let (written, crs) = match &self.reprojection {
            Some(r) => (ReprojectedLayer::output_schema(schema), r.crs().clone()),
            None => (schema.clone(), Crs::wgs84()),
        };
        // Made first, so that a .prj that cannot be written stops the run before the output.
        // Plain CSV has coordinates when lon and lat columns became x and y.
        let coordinates = self.format == LayerFormat::CsvWkt || written.names().ne(schema.names());
        let sidecar = self.prj_sidecar(&crs, coordinates)?;
        let mut writer =
            open(&mut self.out, self.format, name, &written, &crs).map_err(Failure::Usage)?;
        let mut reprojected;
        let sink: &mut dyn LayerSink = match self.reprojection {
            Some(r) => {
                reprojected = ReprojectedLayer::new(&mut *writer, schema, r);
                &mut reprojected
            }
            None => &mut *writer,
        };
        let answer = write(&mut *sink)?;
        sink.finish()?;
        drop(writer);
        self.out.commit()?;
        if let Some((temp, path)) = sidecar {
            temp.persist(&path)
                .map_err(|e| Failure::from(naming(&path, e.error)))?;
        }
        Ok(answer)
    }

    /// For CSV (with or without WKT) with `coordinates` in another CRS than WGS84, written to
    /// a file: the `.prj` file beside it that names the CRS (WKT1 on one line, which GDAL's
    /// CSV driver reads for the layer's CRS, and QGIS with it), written to a temporary file to
    /// be moved into place after the output. CSV on standard output gets a note on stderr
    /// instead.
    fn prj_sidecar(
        &self,
        crs: &Crs,
        coordinates: bool,
    ) -> Result<Option<(tempfile::TempPath, PathBuf)>, Failure> {
        let csv = matches!(
            self.format,
            LayerFormat::CsvWkt | LayerFormat::Rows(Format::Csv)
        );
        if !csv || !coordinates || crs.is_wgs84() {
            return Ok(None);
        }
        let Some(target) = self.out.target_file() else {
            crate::output::say!(
                "bordertrack: note: the CSV's coordinates are in {crs}, which CSV cannot name: \
                 tell the program that reads it (with -o FILE a .prj file beside it names it)"
            );
            return Ok(None);
        };
        let path = target.with_extension("prj");
        if self.inputs.iter().any(|input| same_file(input, &path)) {
            return Err(Failure::Usage(format!(
                "{}: the .prj file naming the output's CRS would overwrite an input file",
                path.display()
            )));
        }
        let wkt = crs
            .wkt1()
            .map_err(|e| Failure::Usage(format!("--crs {crs}: {e}")))?;
        // One line: GDAL takes the file's text as a CRS definition as it is.
        let line: String = wkt.lines().map(str::trim).collect();
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".bordertrack-").suffix(".prj.tmp");
        // The ordinary mode for new files (0666 less the umask), as the output gets.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let mut temp = builder
            .tempfile_in(&dir)
            .map_err(|e| Failure::from(naming(&path, e)))?;
        std::io::Write::write_all(&mut temp, format!("{line}\n").as_bytes())
            .map_err(|e| Failure::from(naming(&path, e)))?;
        Ok(Some((temp.into_temp_path(), path)))
    }
}

/// Whether `a` and `b` are the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// `e`, named after the file `path`.
fn naming(path: &Path, e: std::io::Error) -> std::io::Error {
    std::io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// A layer's output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerFormat {
    /// Table, CSV, JSON or GeoJSON.
    Rows(Format),
    /// A GeoJSON text sequence, with the RFC 8142 record separators or newline-delimited.
    GeoJsonSeq { record_separators: bool },
    /// CSV with a WKT geometry column.
    CsvWkt,
    /// GeoPackage.
    GeoPackage,
    /// FlatGeobuf.
    FlatGeobuf,
    /// KML.
    Kml,
    /// KMZ: KML zipped.
    Kmz,
    /// GeoParquet.
    GeoParquet,
}

/// The extensions of the GIS formats (compared without regard to letter case); the row
/// formats' are in [`output::format`].
const EXTENSIONS: &[(&str, LayerFormat)] = &[
    (
        "geojsonl",
        LayerFormat::GeoJsonSeq {
            record_separators: false,
        },
    ),
    (
        "geojsons",
        LayerFormat::GeoJsonSeq {
            record_separators: true,
        },
    ),
    ("gpkg", LayerFormat::GeoPackage),
    ("fgb", LayerFormat::FlatGeobuf),
    ("kml", LayerFormat::Kml),
    ("kmz", LayerFormat::Kmz),
    ("parquet", LayerFormat::GeoParquet),
    ("geoparquet", LayerFormat::GeoParquet),
];

impl LayerFormat {
    /// Whether features are written with their geometry (not the table, CSV and JSON rows).
    pub fn has_geometry(self) -> bool {
        !matches!(
            self,
            LayerFormat::Rows(Format::Table | Format::Csv | Format::Json)
        )
    }

    /// The format `--format` names.
    fn asked(format: FormatArg, extension: Option<&str>) -> LayerFormat {
        match format {
            FormatArg::Geojsonseq => LayerFormat::GeoJsonSeq {
                // RFC 8142's separators unless the file is named as newline-delimited.
                record_separators: !extension.is_some_and(|e| e.eq_ignore_ascii_case("geojsonl")),
            },
            FormatArg::CsvWkt => LayerFormat::CsvWkt,
            FormatArg::Gpkg => LayerFormat::GeoPackage,
            FormatArg::Fgb => LayerFormat::FlatGeobuf,
            FormatArg::Kml => LayerFormat::Kml,
            FormatArg::Kmz => LayerFormat::Kmz,
            FormatArg::Parquet => LayerFormat::GeoParquet,
            FormatArg::Table => LayerFormat::Rows(Format::Table),
            FormatArg::Csv => LayerFormat::Rows(Format::Csv),
            FormatArg::Json => LayerFormat::Rows(Format::Json),
            FormatArg::Geojson => LayerFormat::Rows(Format::GeoJson),
        }
    }

    /// Whether the format is binary, and so never written to a terminal or a pipe.
    fn binary_name(self) -> Option<&'static str> {
        match self {
            LayerFormat::GeoPackage => Some("GeoPackage"),
            LayerFormat::FlatGeobuf => Some("FlatGeobuf"),
            LayerFormat::GeoParquet => Some("GeoParquet"),
            LayerFormat::Kmz => Some("KMZ"),
            _ => None,
        }
    }
}

/// The format to write a layer in: `--format` when given, else the one `-o`'s extension names
/// (a GIS format's, or a row format's as [`output::format`] says).
///
/// An explicit `--format` with a GIS format's extension must agree with it (`geojsonseq` for
/// `.geojsonl` and `.geojsons`); `csv-wkt` may be written to `.csv`.
pub fn format(args: &OutArgs) -> Result<LayerFormat, String> {
    let target = args.output.as_deref().filter(|t| t.as_os_str() != "-");
    let extension = target
        .and_then(|t| t.extension())
        .map(|e| e.to_string_lossy().into_owned());
    let named = extension.as_deref().and_then(|e| {
        EXTENSIONS
            .iter()
            .find(|(x, _)| x.eq_ignore_ascii_case(e))
            .map(|&(_, f)| f)
    });
    match (args.format, named) {
        (None, Some(named)) => Ok(named),
        (Some(asked), Some(named)) => {
            let asked_format = LayerFormat::asked(asked, extension.as_deref());
            if asked_format == named {
                Ok(named)
            } else {
                Err(format!(
                    "{}: --format {} does not match the extension .{} (leave out --format, or \
                     give the file the format's extension)",
                    target.map_or_else(String::new, |t| t.display().to_string()),
                    asked.name(),
                    extension.unwrap_or_default()
                ))
            }
        }
        (Some(asked), None) if asked.rows().is_none() => {
            let f = LayerFormat::asked(asked, extension.as_deref());
            // A row format's extension would mislead, except .csv for CSV with WKT.
            match extension.as_deref() {
                Some(e)
                    if ["csv", "json", "geojson"]
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(e))
                        && !(f == LayerFormat::CsvWkt && e.eq_ignore_ascii_case("csv")) =>
                {
                    Err(format!(
                        "{}: --format {} does not match the extension .{e} (leave out --format, \
                         or give the file the format's extension)",
                        target.map_or_else(String::new, |t| t.display().to_string()),
                        asked.name()
                    ))
                }
                _ => Ok(f),
            }
        }
        _ => output::format(args).map(LayerFormat::Rows).map_err(|e| {
            if named.is_none() && args.format.is_none() && extension.is_some() {
                format!(
                    "{e}; export and incidents also write .geojsonl, .geojsons, .gpkg, .fgb, \
                     .kml, .kmz and .parquet"
                )
            } else {
                e
            }
        }),
    }
}

/// Refuses a CRS that `format` cannot hold (KML and KMZ are WGS84 only), before any
/// conversion is set up.
pub fn check_crs(format: LayerFormat, crs: Option<&Crs>) -> Result<(), String> {
    let kml = matches!(format, LayerFormat::Kml | LayerFormat::Kmz);
    match crs {
        Some(crs) if kml && !crs.is_wgs84() => Err(format!(
            "--crs {crs}: KML coordinates are WGS84 longitude/latitude only (OGC KML 2.2); \
             leave out --crs for KML and KMZ, or write another format (GeoPackage, \
             FlatGeobuf, GeoParquet, GeoJSON) in {crs}"
        )),
        _ => Ok(()),
    }
}

/// Puts the temporary files of this run (the FlatGeobuf writer's features, gathered to be
/// sorted for the spatial index) beside the output, as GDAL's FlatGeobuf driver does: on the
/// disk that must hold the output anyway, rather than in `/tmp`, which is often a small
/// file system in memory. A `TMPDIR` that is set still wins, and an output that is not a
/// regular file (a named pipe) leaves them in the temporary directory.
#[cfg(feature = "formats")]
fn spill_beside(out: &Output) {
    let tmpdir = std::env::var_os("TMPDIR");
    if let Some(dir) = spill_dir(tmpdir.as_deref(), out.temporary_path()) {
        // Set once for the process: a run writes one layer. A second call (none today)
        // would keep the first directory, which is as good.
        let _ = tempfile::env::override_temp_dir(&dir);
    }
}

#[cfg(feature = "formats")]
/// The directory for the run's temporary files when it is not the system's: the one
/// `temporary_output` (the output being written) is in, unless `tmpdir` (the value of
/// `TMPDIR`) names one.
fn spill_dir(tmpdir: Option<&std::ffi::OsStr>, temporary_output: Option<&Path>) -> Option<PathBuf> {
    if tmpdir.is_some_and(|t| !t.is_empty()) {
        return None;
    }
    let dir = temporary_output?.parent()?;
    Some(if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir.to_path_buf()
    })
}

/// A sink writing layer `name` of `schema` (coordinates in `crs`) in `format` to `out`.
pub fn open<'o>(
    out: &'o mut Output,
    format: LayerFormat,
    name: &str,
    schema: &Schema,
    crs: &Crs,
) -> Result<Box<dyn LayerSink + 'o>, String> {
    if let Some(binary) = format.binary_name() {
        if out.is_stdout() {
            return Err(format!(
                "{binary} is a binary format and is not written to standard output: give a file \
                 with -o"
            ));
        }
    }
    let opened: std::io::Result<Box<dyn LayerSink + 'o>> = match format {
        LayerFormat::Rows(rows) => {
            if crs.is_wgs84() {
                RowWriter::with_schema(out, rows, schema).map(|w| Box::new(w) as _)
            } else {
                RowWriter::with_schema_in_crs(out, rows, schema, crs).map(|w| Box::new(w) as _)
            }
        }
        LayerFormat::GeoJsonSeq { record_separators } => Ok(Box::new(GeoJsonSeqWriter::new(
            out,
            schema,
            record_separators,
        ))),
        #[cfg(feature = "formats")]
        LayerFormat::CsvWkt => {
            bordertrack::report::formats::CsvWktWriter::new(out, schema).map(|w| Box::new(w) as _)
        }
        #[cfg(feature = "formats")]
        LayerFormat::FlatGeobuf => {
            spill_beside(out);
            bordertrack::report::formats::FlatGeobufWriter::new(out, name, schema, crs)
                .map(|w| Box::new(w) as _)
        }
        #[cfg(feature = "formats")]
        LayerFormat::Kml => {
            bordertrack::report::formats::KmlLayerWriter::new(out, name, schema, crs)
                .map(|w| Box::new(w) as _)
        }
        #[cfg(feature = "formats")]
        LayerFormat::Kmz => {
            // A zip archive's writer goes back to each entry's header: the temporary file
            // itself, opened again, which `Output::commit` then moves into place.
            let file = reopen(out, "a KMZ archive")?;
            bordertrack::report::formats::KmzLayerWriter::new(file, name, schema, crs)
                .map(|w| Box::new(w) as _)
        }
        #[cfg(feature = "formats")]
        LayerFormat::GeoParquet => {
            // Parquet's writer needs an output it can move between threads: the temporary
            // file itself, opened again, as for KMZ.
            let file = reopen(out, "GeoParquet")?;
            bordertrack::report::formats::GeoParquetWriter::new(file, schema, crs)
                .map(|w| Box::new(w) as _)
        }
        #[cfg(feature = "formats")]
        LayerFormat::GeoPackage => {
            let Some(path) = out.temporary_path() else {
                return Err(
                    "a GeoPackage is written to a new or regular file, not to a \
                            device or a pipe"
                        .to_string(),
                );
            };
            bordertrack::report::formats::GeoPackageWriter::create(
                path,
                name,
                schema,
                crs,
                style(name),
            )
            .map(|w| Box::new(w) as _)
        }
        #[cfg(not(feature = "formats"))]
        LayerFormat::CsvWkt
        | LayerFormat::FlatGeobuf
        | LayerFormat::GeoPackage
        | LayerFormat::Kml
        | LayerFormat::Kmz
        | LayerFormat::GeoParquet => {
            let _ = (name, out.temporary_path());
            return Err(
                "this bordertrack was built without the `formats` feature, which \
                        writes CSV with WKT, GeoPackage, FlatGeobuf, KML, KMZ and GeoParquet: \
                        build it with \
                        `cargo install --path . --features formats`"
                    .to_string(),
            );
        }
    };
    opened.map_err(|e| e.to_string())
}

/// The temporary file of `out` opened again for writing, buffered, for a writer that needs
/// a file of its own; `what` names the format for the error when `out` is not a file.
#[cfg(feature = "formats")]
fn reopen(out: &Output, what: &str) -> Result<std::io::BufWriter<std::fs::File>, String> {
    let Some(path) = out.temporary_path() else {
        return Err(format!(
            "{what} is written to a new or regular file, not to a device or a pipe"
        ));
    };
    std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .map(|file| std::io::BufWriter::with_capacity(1 << 16, file))
        .map_err(|e| e.to_string())
}

/// The QGIS style stored with a layer in a GeoPackage (from `geodata/styles/`).
#[cfg(feature = "formats")]
fn style(layer: &str) -> Option<bordertrack::report::formats::QgisStyle> {
    let qml = match layer {
        "segments" => include_str!("../../../geodata/styles/segments.qml"),
        "status" => include_str!("../../../geodata/styles/status.qml"),
        "incidents" => include_str!("../../../geodata/styles/incidents.qml"),
        _ => return None,
    };
    Some(bordertrack::report::formats::QgisStyle {
        name: format!("bordertrack {layer}"),
        qml: qml.to_string(),
    })
}

#[cfg(all(test, feature = "formats"))]
mod tests {
    use super::*;

    #[test]
    fn temporary_files_go_beside_the_output_unless_tmpdir_names_a_directory() {
        let output = Path::new("maps/.bordertrack-x.tmp");
        assert_eq!(spill_dir(None, Some(output)), Some(PathBuf::from("maps")));
        assert_eq!(
            spill_dir(Some("".as_ref()), Some(output)),
            Some(PathBuf::from("maps"))
        );
        assert_eq!(
            spill_dir(None, Some(Path::new(".bordertrack-x.tmp"))),
            Some(PathBuf::from("."))
        );
        assert_eq!(spill_dir(Some("/scratch".as_ref()), Some(output)), None);
        // A named pipe or a device: no temporary output, the system's directory.
        assert_eq!(spill_dir(None, None), None);
    }
}
