//! FlatGeobuf incident tables: the header's columns and each feature's point (or MultiPoint
//! of one point), read one feature at a time with the `flatgeobuf` crate.
//!
//! The features' property buffers are decoded here, with every length checked, rather than
//! by the crate's `process_properties`, which slices the buffer unchecked and so panics on a
//! truncated or corrupt property buffer; a bad buffer is then a problem for its feature.

use std::fs::File;
use std::io::BufReader;

use flatgeobuf::{ColumnType, FallibleStreamingIterator, FeatureIter, FgbReader, GeometryType};
use flatgeobuf::{Header, NotSeekable};

use super::feature_table::{epsg_crs, Cell, Declared, DeclaredKind, Feature, FeatureRows};
use crate::crs::Crs;

/// The features of an open FlatGeobuf file.
pub(crate) struct FlatGeobufRows {
    features: FeatureIter<BufReader<File>, NotSeekable>,
    /// The type of every column, in order.
    types: Vec<ColumnType>,
    /// The geometry type the header declares for every feature (`Unknown`: each says).
    geometry_type: GeometryType,
}

/// Opens a FlatGeobuf file: its rows, declared columns and CRS (`None`: WGS84). `Err` is a
/// message about the file as a whole.
pub(crate) fn open(file: File) -> Result<(FlatGeobufRows, Vec<Declared>, Option<Crs>), String> {
    let reader = FgbReader::open(BufReader::new(file))
        .map_err(|e| format!("not a readable FlatGeobuf file: {e}"))?;
    let header = reader.header();
    let geometry_type = header.geometry_type();
    if !matches!(
        geometry_type,
        GeometryType::Point | GeometryType::MultiPoint | GeometryType::Unknown
    ) {
        return Err(format!(
            "the layer's geometry type is {}; incidents are read from Point features",
            geometry_name(geometry_type)
        ));
    }
    let crs = header_crs(&header)?;
    let mut declared = Vec::new();
    let mut types = Vec::new();
    for column in header.columns().iter().flatten() {
        let kind = match column.type_() {
            ColumnType::Byte
            | ColumnType::UByte
            | ColumnType::Short
            | ColumnType::UShort
            | ColumnType::Int
            | ColumnType::UInt
            | ColumnType::Long => DeclaredKind::Integer,
            ColumnType::Float | ColumnType::Double => DeclaredKind::Float,
            _ => DeclaredKind::Text,
        };
        declared.push(Declared {
            name: column.name().to_string(),
            kind,
        });
        types.push(column.type_());
    }
    let features = reader
        .select_all_seq()
        .map_err(|e| format!("not a readable FlatGeobuf file: {e}"))?;
    Ok((
        FlatGeobufRows {
            features,
            types,
            geometry_type,
        },
        declared,
        crs,
    ))
}

/// The CRS of the header: `None` for WGS84 or none given.
fn header_crs(header: &Header<'_>) -> Result<Option<Crs>, String> {
    let Some(crs) = header.crs() else {
        return Ok(None);
    };
    let org = crs.org().unwrap_or("EPSG");
    let code = match crs.code() {
        0 => crs
            .code_string()
            .and_then(|c| c.trim().parse::<i64>().ok())
            .unwrap_or(0),
        c => i64::from(c),
    };
    if code == 0 {
        // A CRS with neither code nor description is an unknown one, read as WGS84 as other
        // programs do.
        if crs.wkt().is_none() && crs.name().is_none() {
            return Ok(None);
        }
        return Err(format!(
            "the geometry's CRS ({}) is not named by an EPSG code",
            crs.name().unwrap_or("without a name")
        ));
    }
    if !org.eq_ignore_ascii_case("EPSG") {
        return Err(format!(
            "the geometry's CRS is {org}:{code}, not named by an EPSG code"
        ));
    }
    epsg_crs(code)
}

/// A geometry type's name for messages.
fn geometry_name(t: GeometryType) -> String {
    match t {
        GeometryType::Point => "Point".into(),
        GeometryType::LineString => "LineString".into(),
        GeometryType::Polygon => "Polygon".into(),
        GeometryType::MultiPoint => "MultiPoint".into(),
        GeometryType::MultiLineString => "MultiLineString".into(),
        GeometryType::MultiPolygon => "MultiPolygon".into(),
        GeometryType::GeometryCollection => "GeometryCollection".into(),
        other => format!("{other:?}"),
    }
}

impl FeatureRows for FlatGeobufRows {
    fn next_feature(&mut self) -> Option<Result<Feature, String>> {
        if let Err(e) = self.features.advance() {
            return Some(Err(format!("read error: {e}")));
        }
        let feature = self.features.get()?.fbs_feature();
        let point = match feature.geometry() {
            None => Err("no geometry: an incident needs a Point".to_string()),
            Some(g) => {
                let kind = match self.geometry_type {
                    GeometryType::Unknown => g.type_(),
                    t => t,
                };
                let points = g.xy().map_or(0, |xy| xy.len() / 2);
                match (kind, g.xy()) {
                    (GeometryType::Point | GeometryType::MultiPoint, Some(xy))
                        if points == 1 && !(xy.get(0).is_nan() && xy.get(1).is_nan()) =>
                    {
                        // A point, or a MultiPoint of one point.
                        Ok((xy.get(0), xy.get(1)))
                    }
                    (GeometryType::Point, _) => Err("geometry is an empty Point".to_string()),
                    (GeometryType::MultiPoint, _) => {
                        Err(super::geojson::several_points("MultiPoint", points))
                    }
                    _ => Err(format!(
                        "geometry is a {}; an incident needs a Point",
                        geometry_name(kind)
                    )),
                }
            }
        };
        let bytes = feature.properties().map(|p| p.bytes()).unwrap_or_default();
        let cells = match properties(bytes, &self.types) {
            Ok(cells) => cells,
            Err(e) => {
                return Some(Ok(Feature {
                    cells: Vec::new(),
                    point: Err(match point {
                        Ok(_) => e,
                        Err(g) => format!("{g}; {e}"),
                    }),
                }))
            }
        };
        Some(Ok(Feature { cells, point }))
    }
}

/// The values of a feature's property buffer (pairs of a little-endian `u16` column index and
/// the value), one per column of `types`, absent ones null.
fn properties(bytes: &[u8], types: &[ColumnType]) -> Result<Vec<Cell>, String> {
    let mut cells = vec![Cell::Null; types.len()];
    let mut at = 0usize;
    let corrupt = || "its properties are corrupt (truncated)".to_string();
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let s = bytes.get(*at..at.saturating_add(n)).ok_or_else(corrupt)?;
        *at += n;
        Ok(s)
    };
    while at + 1 < bytes.len() {
        let i = usize::from(u16::from_le_bytes(arr(take(&mut at, 2)?)));
        let Some(&kind) = types.get(i) else {
            return Err(format!(
                "its properties name column {i}, and the header has {}",
                types.len()
            ));
        };
        let cell = match kind {
            ColumnType::Byte => Cell::Integer(i64::from(i8::from_le_bytes(arr(take(&mut at, 1)?)))),
            ColumnType::UByte => Cell::Integer(i64::from(take(&mut at, 1)?[0])),
            ColumnType::Bool => Cell::Text((take(&mut at, 1)?[0] != 0).to_string()),
            ColumnType::Short => {
                Cell::Integer(i64::from(i16::from_le_bytes(arr(take(&mut at, 2)?))))
            }
            ColumnType::UShort => {
                Cell::Integer(i64::from(u16::from_le_bytes(arr(take(&mut at, 2)?))))
            }
            ColumnType::Int => Cell::Integer(i64::from(i32::from_le_bytes(arr(take(&mut at, 4)?)))),
            ColumnType::UInt => {
                Cell::Integer(i64::from(u32::from_le_bytes(arr(take(&mut at, 4)?))))
            }
            ColumnType::Long => Cell::Integer(i64::from_le_bytes(arr(take(&mut at, 8)?))),
            ColumnType::ULong => Cell::Text(u64::from_le_bytes(arr(take(&mut at, 8)?)).to_string()),
            ColumnType::Float => {
                // Through its shortest text, so that 41.3 stored as a 32-bit float stays 41.3.
                let x = f32::from_le_bytes(arr(take(&mut at, 4)?));
                Cell::Float(x.to_string().parse().unwrap_or(f64::from(x)))
            }
            ColumnType::Double => Cell::Float(f64::from_le_bytes(arr(take(&mut at, 8)?))),
            _ => {
                let n = u32::from_le_bytes(arr(take(&mut at, 4)?));
                let n = usize::try_from(n).map_err(|_| corrupt())?;
                let raw = take(&mut at, n)?;
                if kind == ColumnType::Binary {
                    Cell::Text(raw.iter().map(|b| format!("{b:02x}")).collect())
                } else {
                    Cell::Text(
                        std::str::from_utf8(raw)
                            .map_err(|_| format!("column {i}'s value is not UTF-8"))?
                            .to_string(),
                    )
                }
            }
        };
        if let Some(slot) = cells.get_mut(i) {
            *slot = cell;
        }
    }
    Ok(cells)
}

/// The first `N` bytes of `s` as an array (`s` is `N` long, from `take`).
fn arr<const N: usize>(s: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&s[..N]);
    a
}

#[cfg(test)]
mod tests {
    use super::{properties, Cell, ColumnType};

    #[test]
    fn properties_are_decoded_by_type_and_a_truncated_buffer_is_an_error() {
        let types = [ColumnType::String, ColumnType::Int, ColumnType::Double];
        let mut bytes = Vec::new();
        bytes.extend(0u16.to_le_bytes());
        bytes.extend(2u32.to_le_bytes());
        bytes.extend(b"A1");
        bytes.extend(2u16.to_le_bytes());
        bytes.extend(41.3f64.to_le_bytes());
        assert_eq!(
            properties(&bytes, &types),
            Ok(vec![Cell::Text("A1".into()), Cell::Null, Cell::Float(41.3)])
        );
        // A value cut short is an error, never a panic; the buffer may end after a whole
        // value (with a trailing byte, as some writers leave).
        for n in 0..bytes.len() {
            let decoded = properties(&bytes[..n], &types);
            match n {
                0 | 1 | 8 | 9 => assert!(decoded.is_ok(), "{n}"),
                _ => assert_eq!(
                    decoded,
                    Err("its properties are corrupt (truncated)".into()),
                    "{n}"
                ),
            }
        }
        let mut bad = 7u16.to_le_bytes().to_vec();
        bad.extend([0; 4]);
        let e = properties(&bad, &types).unwrap_err();
        assert_eq!(e, "its properties name column 7, and the header has 3");
    }
}
