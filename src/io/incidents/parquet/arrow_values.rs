//! The values of Arrow arrays as a Parquet incident table holds them: each value written out
//! as the text a CSV cell would hold (for the layout's rules), and carried to the output with
//! its type.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Date32Type, Date64Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    TimestampMicrosecondType, TimestampMillisecondType, TimestampNanosecondType,
    TimestampSecondType, UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{AnyDictionaryArray, Array};
use arrow_schema::{DataType, TimeUnit};

use super::super::text_row::push_display;
use super::super::wkb::wkb_point_of;
use crate::report::{Column, ColumnKind};
use crate::RowValues;

/// How a column of the file is carried to the output: integers as integers, floating-point
/// numbers as numbers, anything else (text, booleans, dates, timestamps) as text.
pub(super) fn carried_column(field: &arrow_schema::Field) -> Column {
    let name = field.name().clone();
    let kind = match value_type(field.data_type()) {
        t if is_whole(t) => ColumnKind::Integer,
        DataType::Float32 | DataType::Float64 => return Column::number(name),
        _ => ColumnKind::Text,
    };
    Column {
        name: name.into(),
        kind,
    }
}

/// Whether values of `data_type` are whole numbers that an `i64` holds (a `UInt64` may not:
/// it is carried as text).
fn is_whole(data_type: &DataType) -> bool {
    data_type.is_integer() && *data_type != DataType::UInt64
}

/// Value `row` of an integer `array` (of any of Arrow's eight integer types), or `None` when
/// the array does not hold integers.
fn integer_at(array: &dyn Array, row: usize) -> Option<i128> {
    Some(match array.data_type() {
        DataType::Int8 => i128::from(array.as_primitive::<Int8Type>().value(row)),
        DataType::Int16 => i128::from(array.as_primitive::<Int16Type>().value(row)),
        DataType::Int32 => i128::from(array.as_primitive::<Int32Type>().value(row)),
        DataType::Int64 => i128::from(array.as_primitive::<Int64Type>().value(row)),
        DataType::UInt8 => i128::from(array.as_primitive::<UInt8Type>().value(row)),
        DataType::UInt16 => i128::from(array.as_primitive::<UInt16Type>().value(row)),
        DataType::UInt32 => i128::from(array.as_primitive::<UInt32Type>().value(row)),
        DataType::UInt64 => i128::from(array.as_primitive::<UInt64Type>().value(row)),
        _ => return None,
    })
}

/// The type of a column's values (a dictionary's values' type).
fn value_type(data_type: &DataType) -> &DataType {
    match data_type {
        DataType::Dictionary(_, values) => value_type(values),
        other => other,
    }
}

/// Appends value `row` of `array` to `values` as [`carried_column`] declares it, `text` being
/// its text as [`write_text`] wrote it: a null as no value, a timestamp in full (RFC 3339, UTC).
pub(super) fn carry(array: &dyn Array, row: usize, text: &str, values: &mut RowValues) {
    if array.is_null(row) {
        values.push_empty();
        return;
    }
    match array.data_type() {
        t if is_whole(t) => match text.parse::<i64>() {
            Ok(n) => values.push_integer(n),
            Err(_) => values.push_text(text),
        },
        // Through its shortest text, so that 41.3 stored as a 32-bit float stays 41.3.
        DataType::Float32 | DataType::Float64 => match text.parse::<f64>() {
            Ok(x) => values.push_float(x),
            Err(_) => values.push_text(text),
        },
        DataType::Timestamp(unit, _) => {
            let (v, per_second) = timestamp_at(array, row, unit);
            match jiff::Timestamp::from_nanosecond(
                i128::from(v) * i128::from(1_000_000_000 / per_second),
            ) {
                Ok(t) => values.push_text(&t.to_string()),
                Err(_) => values.push_text(text),
            }
        }
        DataType::Dictionary(_, _) => match array.as_any_dictionary_opt() {
            Some(dict) => match dictionary_key(dict, row) {
                Some(key) => carry(dict.values().as_ref(), key, text, values),
                None => values.push_empty(),
            },
            None => values.push_text(text),
        },
        _ => values.push_text(text),
    }
}

/// Whether values of `data_type` are written out as text by [`write_text`].
pub(super) fn readable_as_text(data_type: &DataType) -> bool {
    match data_type {
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Boolean
        | DataType::Float32
        | DataType::Float64
        | DataType::Date32
        | DataType::Date64
        | DataType::Timestamp(_, _)
        | DataType::Null => true,
        DataType::Dictionary(_, values) => readable_as_text(values),
        t => t.is_integer(),
    }
}

/// Appends value `row` of `array` as a CSV cell would hold it: empty for null, numbers in
/// full, dates (and timestamps, by their UTC date) as `YYYY-MM-DD`.
pub(super) fn write_text(array: &dyn Array, row: usize, out: &mut String) {
    if array.is_null(row) {
        return;
    }
    match array.data_type() {
        DataType::Utf8 => out.push_str(array.as_string::<i32>().value(row)),
        DataType::LargeUtf8 => out.push_str(array.as_string::<i64>().value(row)),
        DataType::Utf8View => out.push_str(array.as_string_view().value(row)),
        DataType::Boolean => push_display(out, array.as_boolean().value(row)),
        t if t.is_integer() => {
            if let Some(n) = integer_at(array, row) {
                push_display(out, n);
            }
        }
        DataType::Float32 => push_display(out, array.as_primitive::<Float32Type>().value(row)),
        DataType::Float64 => push_display(out, array.as_primitive::<Float64Type>().value(row)),
        DataType::Date32 => {
            push_day(
                out,
                i64::from(array.as_primitive::<Date32Type>().value(row)),
            );
        }
        DataType::Date64 => {
            let ms = array.as_primitive::<Date64Type>().value(row);
            push_day(out, ms.div_euclid(86_400_000));
        }
        DataType::Timestamp(unit, _) => {
            let (v, per_second) = timestamp_at(array, row, unit);
            push_day(out, v.div_euclid(86_400 * per_second));
        }
        DataType::Dictionary(_, _) => {
            if let Some(dict) = array.as_any_dictionary_opt() {
                if let Some(key) = dictionary_key(dict, row) {
                    write_text(dict.values().as_ref(), key, out);
                }
            }
        }
        _ => {}
    }
}

/// Value `row` of a timestamp `array` in `unit`, and how many of that unit make a second.
fn timestamp_at(array: &dyn Array, row: usize, unit: &TimeUnit) -> (i64, i64) {
    match unit {
        TimeUnit::Second => (array.as_primitive::<TimestampSecondType>().value(row), 1),
        TimeUnit::Millisecond => (
            array.as_primitive::<TimestampMillisecondType>().value(row),
            1_000,
        ),
        TimeUnit::Microsecond => (
            array.as_primitive::<TimestampMicrosecondType>().value(row),
            1_000_000,
        ),
        TimeUnit::Nanosecond => (
            array.as_primitive::<TimestampNanosecondType>().value(row),
            1_000_000_000,
        ),
    }
}

/// The key of row `row` of a dictionary array: its index among the dictionary's values
/// (`None` for a null key, a row out of range or a negative key). Read from the keys array
/// itself: `normalized_keys` would convert every key of the batch for each row.
fn dictionary_key(dict: &dyn AnyDictionaryArray, row: usize) -> Option<usize> {
    let keys = dict.keys();
    if row >= keys.len() || keys.is_null(row) {
        return None;
    }
    // A key beyond `i64::MAX` is refused, as beyond `usize::MAX`.
    let key = i64::try_from(integer_at(keys, row)?).ok()?;
    usize::try_from(key).ok()
}

/// Appends the day `days` after 1970-01-01 as `YYYY-MM-DD`, or a description that the date
/// rules reject when it is outside the days that can be handled.
fn push_day(out: &mut String, days: i64) {
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    match jiff::Span::new()
        .try_days(days)
        .ok()
        .and_then(|span| epoch.checked_add(span).ok())
    {
        Some(day) => push_display(out, day),
        None => push_display(out, format_args!("day {days} after 1970-01-01")),
    }
}

/// The longitude and latitude of the WKB point at `row` of the geometry column.
pub(super) fn wkb_point(array: &dyn Array, row: usize) -> Result<(f64, f64), String> {
    if array.is_null(row) {
        return Err("null geometry: an incident needs a Point".into());
    }
    let bytes = match array.data_type() {
        DataType::Binary => array.as_binary::<i32>().value(row),
        DataType::LargeBinary => array.as_binary::<i64>().value(row),
        DataType::BinaryView => array.as_binary_view().value(row),
        _ => return Err("geometry is not WKB".into()),
    };
    wkb_point_of(bytes)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow_array::{DictionaryArray, StringArray, TimestampMillisecondArray};

    use super::*;
    use crate::model::RowValue;

    #[test]
    fn dictionary_values_are_read_by_their_row_key() {
        let keys = arrow_array::Int32Array::from(vec![Some(1), None, Some(0), Some(1)]);
        let values = Arc::new(StringArray::from(vec!["armed clash", "protest"]));
        let dict = DictionaryArray::<Int32Type>::try_new(keys, values).unwrap();
        let texts: Vec<String> = (0..4)
            .map(|row| {
                let mut out = String::new();
                write_text(&dict, row, &mut out);
                out
            })
            .collect();
        assert_eq!(texts, ["protest", "", "armed clash", "protest"]);
        let mut carried = RowValues::default();
        for (row, text) in texts.iter().enumerate() {
            carry(&dict, row, text, &mut carried);
        }
        assert_eq!(carried.get(1), Some(RowValue::Empty));
        assert_eq!(carried.get(3), Some(RowValue::Text("protest")));
    }

    #[test]
    fn integers_of_every_width_are_written_in_full_and_carried_when_an_i64_holds_them() {
        let arrays: Vec<arrow_array::ArrayRef> = vec![
            Arc::new(arrow_array::Int8Array::from(vec![-128])),
            Arc::new(arrow_array::Int16Array::from(vec![-32_768])),
            Arc::new(arrow_array::Int32Array::from(vec![i32::MIN])),
            Arc::new(arrow_array::Int64Array::from(vec![i64::MIN])),
            Arc::new(arrow_array::UInt8Array::from(vec![255])),
            Arc::new(arrow_array::UInt16Array::from(vec![65_535])),
            Arc::new(arrow_array::UInt32Array::from(vec![u32::MAX])),
            Arc::new(arrow_array::UInt64Array::from(vec![u64::MAX])),
        ];
        let mut carried = RowValues::default();
        let mut texts = Vec::new();
        for array in &arrays {
            assert!(readable_as_text(array.data_type()));
            let mut text = String::new();
            write_text(array.as_ref(), 0, &mut text);
            carry(array.as_ref(), 0, &text, &mut carried);
            texts.push(text);
        }
        assert_eq!(
            texts,
            [
                "-128",
                "-32768",
                "-2147483648",
                "-9223372036854775808",
                "255",
                "65535",
                "4294967295",
                "18446744073709551615"
            ]
        );
        assert_eq!(carried.get(3), Some(RowValue::Integer(i64::MIN)));
        assert_eq!(carried.get(6), Some(RowValue::Integer(4_294_967_295)));
        // A `UInt64` may not fit an `i64`: carried as text.
        assert_eq!(carried.get(7), Some(RowValue::Text("18446744073709551615")));
        assert_eq!(
            carried_column(&arrow_schema::Field::new("n", DataType::UInt64, true)).kind,
            ColumnKind::Text
        );
    }

    #[test]
    fn timestamps_are_days_as_dates_and_instants_in_full_when_carried() {
        // 2006-04-19T12:00:00.005Z and one before the epoch (1969-12-31T23:00:00Z).
        let ms = TimestampMillisecondArray::from(vec![1_145_448_000_005, -3_600_000]);
        let mut day = String::new();
        write_text(&ms, 0, &mut day);
        assert_eq!(day, "2006-04-19");
        day.clear();
        write_text(&ms, 1, &mut day);
        assert_eq!(day, "1969-12-31");
        let mut carried = RowValues::default();
        carry(&ms, 0, "2006-04-19", &mut carried);
        assert_eq!(
            carried.get(0),
            Some(RowValue::Text("2006-04-19T12:00:00.005Z"))
        );
    }
}
