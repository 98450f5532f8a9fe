//! Points in WKB (ISO well-known binary, and PostGIS's EWKB), as GeoPackage and GeoParquet
//! store geometries.

/// The x and y of a WKB (or EWKB) point: `Err` naming what else it is.
pub(super) fn wkb_point_of(bytes: &[u8]) -> Result<(f64, f64), String> {
    let truncated = || format!("geometry is not WKB ({} bytes, too short)", bytes.len());
    let (&order, rest) = bytes.split_first().ok_or_else(truncated)?;
    let little = match order {
        1 => true,
        0 => false,
        other => {
            return Err(format!(
                "geometry is not WKB (byte order {other}, expected 0 or 1)"
            ))
        }
    };
    let word = |at: usize, n: usize| -> Option<&[u8]> { rest.get(at..at + n) };
    let u32_at = |at: usize| {
        let b: [u8; 4] = word(at, 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let f64_at = |at: usize| {
        let b: [u8; 8] = word(at, 8)?.try_into().ok()?;
        Some(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    };
    let code = u32_at(0).ok_or_else(truncated)?;
    // EWKB flags: Z, M and an SRID that follows the type.
    let srid = code & 0x2000_0000 != 0;
    let base = (code & 0x0FFF_FFFF) % 1000;
    if base != 1 {
        let kind = match base {
            2 => "a LineString",
            3 => "a Polygon",
            4 => "a MultiPoint",
            5 => "a MultiLineString",
            6 => "a MultiPolygon",
            7 => "a GeometryCollection",
            _ => "not a known WKB type",
        };
        return Err(format!("geometry is {kind}; an incident needs a Point"));
    }
    let at = if srid { 8 } else { 4 };
    let (x, y) = f64_at(at).zip(f64_at(at + 8)).ok_or_else(truncated)?;
    if x.is_nan() && y.is_nan() {
        return Err("geometry is an empty Point".into());
    }
    Ok((x, y))
}
