//! The incident layer's rows written straight into the batches of the crate's own CSV
//! encoder ([`RowEncoder::as_csv`]), cell by cell, rather than gathered as values for
//! [`FeatureEncoder::encode`](crate::report::FeatureEncoder::encode): the same bytes.

use crate::query::{push_alternatives_text, push_regimes_text, IncidentMatch};
use crate::report::{csv_plain, Batch, CsvRow, RowEncoder};
use crate::{Incident, RowValue};

use super::{
    status_cells_index, IncidentLayer, Input, CHAINAGE_DECIMALS, CLASSIFICATION, DISTANCE_DECIMALS,
};

impl IncidentLayer {
    /// Writes `incident` and its match `m` as a row of `csv` into `batch`, as
    /// [`IncidentLayer::encode_incident`] would through the values; `texts` are buffers for
    /// the match's regimes and alternatives, `date_text` for the date's text.
    pub(super) fn write_csv(
        &self,
        csv: &RowEncoder,
        batch: &mut Batch,
        incident: &Incident,
        m: Option<&IncidentMatch>,
        texts: [&mut String; 2],
        date_text: &mut String,
    ) {
        let mut row = csv.csv_row(batch);
        match self.input {
            Input::Standard => {
                date_text.clear();
                incident.date.push_to(date_text);
                row.text(&incident.id);
                row.text(date_text);
                row.float(incident.point.y());
                row.float(incident.point.x());
            }
            Input::Carried(width) => {
                // The texts of a line of a table with a comma between each two (none in
                // any): that is their CSV text when none of them needs quoting, that is when
                // the line holds no quote or line break (a line holds none, and may be known
                // to hold no quote); it is then copied whole.
                let values = &incident.values;
                let whole = values.line_texts(width, b',').filter(|run| {
                    values.line_is_quoteless()
                        || memchr::memchr3(b'"', b'\n', b'\r', run.as_bytes()).is_none()
                });
                if let Some(run) = whole {
                    row.encoded(width, run.as_bytes());
                } else {
                    // When no byte of the texts needs quoting (one scan over all of them, as
                    // they lie in the record), each is copied unchecked.
                    let plain = incident.values.texts_span(width).is_some_and(csv_plain);
                    let mut written = 0;
                    for v in incident.values.iter().take(width) {
                        match v {
                            RowValue::Text(t) if plain => row.plain_text(t),
                            RowValue::Text(t) => row.text(t),
                            RowValue::Integer(n) => row.integer(n),
                            RowValue::Float(x) => row.float(x),
                            RowValue::Empty => row.empty(1),
                        }
                        written += 1;
                    }
                    row.empty(width - written);
                }
                if self.position {
                    row.float(incident.point.x());
                    row.float(incident.point.y());
                }
            }
        }
        self.write_classification(&mut row, m, texts);
        row.dates(incident.date.first, incident.date.last);
        row.end();
    }

    /// [`IncidentLayer::side`] of `m`, from the texts of the segment's countries made once.
    fn side_text<'a>(&'a self, m: &'a IncidentMatch) -> &'a str {
        let side = m.located.side.as_ref();
        let known = self
            .segments_csv
            .get(m.located.segment_index)
            .and_then(|s| {
                s.countries
                    .iter()
                    .find(|(code, _)| Some(code) == side)
                    .map(|(_, text)| text.as_str())
            });
        known.unwrap_or_else(|| IncidentLayer::side(m))
    }

    /// The classification's cells before the dates, as [`IncidentLayer::fill`] gives them
    /// with the texts of [`IncidentLayer::texts`], which are written here straight from the
    /// match (`regimes` and `alternatives` are buffers for their texts). The words of a
    /// status, a certainty and a side, and the instruments' texts made once, are copied
    /// without a check for quoting: none needs it (tested).
    fn write_classification(
        &self,
        row: &mut CsvRow<'_>,
        m: Option<&IncidentMatch>,
        [regimes, alternatives]: [&mut String; 2],
    ) {
        let Some(m) = m else {
            return row.empty(CLASSIFICATION.len() - 2);
        };
        let l = &m.located;
        match self.segments_csv.get(l.segment_index) {
            Some(s) => row.encoded(2, &s.cells),
            None => row.empty(2),
        }
        row.fixed(l.distance_m, DISTANCE_DECIMALS);
        row.fixed(l.chainage_m / 1000.0, CHAINAGE_DECIMALS);
        row.plain_text(self.side_text(m));
        let status = &m.status;
        let known = (status.delimitation.known(), status.demarcation.known());
        match self.statuses_csv.get(status_cells_index(known.0, known.1)) {
            Some(cells) => row.encoded(2, cells),
            None => {
                row.plain_text(status.delimitation_word());
                row.plain_text(status.demarcation_word());
            }
        }
        let instrument = m
            .status
            .since()
            .and_then(|e| self.instruments_csv.get(e.by));
        match instrument {
            Some(cell) => row.encoded(1, cell),
            None => row.empty(1),
        }
        if m.status.is_ambiguous() {
            row.text(&m.status.ambiguity());
        } else {
            row.empty(1);
        }
        regimes.clear();
        push_regimes_text(&m.regimes, regimes);
        row.text(regimes);
        row.plain_text(m.certainty.as_str());
        if m.alternatives.is_empty() {
            row.empty(1);
        } else {
            alternatives.clear();
            push_alternatives_text(&m.alternatives, alternatives, |i| {
                self.segments.get(i).map_or("", |(id, _)| id.as_str())
            });
            row.text(alternatives);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ops::ControlFlow;
    use std::sync::Arc;

    use geo::Geometry;

    use crate::io::IncidentReader;
    use crate::pipeline::{IncidentLayer, TableOptions};
    use crate::query::IncidentQuery;
    use crate::report::{Batch, FeatureEncoder, Format, LayerSink, RowWriter, Schema, Value};
    use crate::Borders;

    /// The crate's CSV encoder behind another, so that rows go through
    /// [`FeatureEncoder::encode`].
    struct Through(Arc<dyn FeatureEncoder>);

    impl FeatureEncoder for Through {
        fn encode(
            &self,
            batch: &mut Batch,
            geometry: Option<&Geometry<f64>>,
            values: &[Value<'_>],
        ) {
            self.0.encode(batch, geometry, values);
        }
    }

    /// A CSV sink whose encoder is not recognised as the crate's own.
    struct Hidden(RowWriter<Vec<u8>>);

    impl LayerSink for Hidden {
        fn schema(&self) -> &Schema {
            self.0.schema()
        }
        fn encoder(&self) -> Arc<dyn FeatureEncoder> {
            Arc::new(Through(self.0.encoder()))
        }
        fn write_batch(&mut self, batch: &mut Batch) -> std::io::Result<()> {
            self.0.write_batch(batch)
        }
        fn finish(&mut self) -> std::io::Result<()> {
            LayerSink::finish(&mut self.0)
        }
    }

    /// A table of incidents near every seventh vertex of every segment of the embedded
    /// dataset, at dates across its history (years, months, days), with precisions up to
    /// 45 km (so that some matches have alternatives) and notes that need quoting.
    fn table(borders: &Borders) -> String {
        let mut csv = String::from("id,date,lat,lon,precision_m,note\n");
        for (i, s) in borders.dataset().segments().iter().enumerate() {
            for (j, c) in s.line.coords().step_by(7).enumerate() {
                let year = 1992 + (i + j) % 34;
                let date = match j % 3 {
                    0 => format!("{year}"),
                    1 => format!("{year}-04"),
                    _ => format!("{year}-04-19"),
                };
                let precision = [0, 500, 5_000, 45_000][j % 4];
                let note = ["", "a, \"quoted\" note", "plain", " spaced "][(i + j) % 4];
                let lat = c.y + 0.02 * (j % 5) as f64;
                // Quoted when it must be, or on every third row (so that rows of both kinds
                // have plain fields).
                let note = if note.contains([',', '"']) || j % 3 == 0 {
                    format!("\"{}\"", note.replace('"', "\"\""))
                } else {
                    note.to_string()
                };
                csv.push_str(&format!(
                    "S{i}-{j},{date},{lat:.6},{:.6},{precision},{note}\n",
                    c.x
                ));
            }
        }
        csv
    }

    /// Classifies `csv` into a CSV sink that is the crate's own (`direct`) or hidden behind
    /// another encoder, with `lon` and `lat` columns when `position` is set.
    fn classify(borders: &Borders, csv: &str, position: bool, direct: bool) -> Vec<u8> {
        let mut reader = IncidentReader::from_reader(csv.as_bytes(), "t.csv").expect("a header");
        let schema = IncidentLayer::schema_for(reader.columns().as_deref(), "bt_", position)
            .expect("no clash");
        let writer = RowWriter::with_schema(Vec::new(), Format::Csv, &schema).expect("a sink");
        let options = TableOptions {
            all_rows: true,
            ..TableOptions::default()
        };
        let query = IncidentQuery::within(5_000.0);
        let mut ok = |_: &crate::Problem| ControlFlow::Continue(());
        if direct {
            let mut sink = writer;
            borders
                .classify_table(&mut reader, &query, options, &mut sink, &mut ok)
                .expect("the run");
            sink.finish().expect("written")
        } else {
            let mut sink = Hidden(writer);
            borders
                .classify_table(&mut reader, &query, options, &mut sink, &mut ok)
                .expect("the run");
            sink.0.finish().expect("written")
        }
    }

    #[test]
    fn words_written_without_a_quoting_check_need_none() {
        use crate::query::Certainty;
        use crate::report::csv_plain;
        use crate::{Delimitation, Demarcation};
        let words = Delimitation::ALL
            .iter()
            .map(|d| d.as_str())
            .chain(Demarcation::ALL.iter().map(|d| d.as_str()))
            .chain([Certainty::Certain, Certainty::Possible].map(Certainty::as_str))
            .chain(["ambiguous", "on"]);
        for word in words {
            assert!(csv_plain(word), "{word:?}");
        }
        // Sides are country codes: three capital letters.
        let borders = Borders::embedded().expect("the embedded dataset loads");
        for s in borders.dataset().segments() {
            assert!(csv_plain(s.left.as_str()) && csv_plain(s.right.as_str()));
        }
    }

    #[test]
    fn rows_written_straight_as_csv_are_the_values_encoded() {
        let borders = Borders::embedded().expect("the embedded dataset loads");
        let csv = table(&borders);
        for position in [false, true] {
            let direct = classify(&borders, &csv, position, true);
            let encoded = classify(&borders, &csv, position, false);
            assert_eq!(
                String::from_utf8_lossy(&direct),
                String::from_utf8_lossy(&encoded),
                "position {position}"
            );
            // Every kind of cell was written: quoted notes, unmatched rows, ambiguity,
            // alternatives, instruments.
            let text = String::from_utf8_lossy(&direct);
            let rows: Vec<&str> = text.lines().skip(1).collect();
            assert!(rows.len() > 1_000, "{} rows", rows.len());
            assert!(text.contains("\"a, \"\"quoted\"\" note\""));
            assert!(rows.iter().any(|r| r.contains(",,,,,,,,,,,,")));
            assert!(rows.iter().any(|r| r.contains(",possible,")));
            assert!(rows.iter().any(|r| r.contains("ambiguous")));
        }
    }

    #[test]
    fn commas_in_a_table_of_another_delimiter_are_quoted() {
        let borders = Borders::embedded().expect("the embedded dataset loads");
        let c = borders.dataset().segments()[0].line.0[0];
        let (lat, lon) = (c.y, c.x);
        let csv = format!(
            "id;date;lat;lon;note\n\
             A1;2001-04-19;{lat:.6};{lon:.6};a, b\n\
             A2;2001;{lat:.6};{lon:.6};plain\n\
             A3;2002-04;{lat:.6};{lon:.6};5\" pipe\n"
        );
        for position in [false, true] {
            let direct = classify(&borders, &csv, position, true);
            let encoded = classify(&borders, &csv, position, false);
            let text = String::from_utf8_lossy(&direct);
            assert_eq!(
                text,
                String::from_utf8_lossy(&encoded),
                "position {position}"
            );
            assert_eq!(text.lines().count(), 4, "{text}");
            assert!(text.contains(",\"a, b\","), "{text}");
            assert!(text.contains(",\"5\"\" pipe\","), "{text}");
            assert!(text.contains("\nA2,2001,"), "{text}");
        }
    }

    #[test]
    fn the_datasets_incidents_written_straight_as_csv_are_the_values_encoded() {
        let borders = Borders::embedded().expect("the embedded dataset loads");
        let schema = IncidentLayer::schema();
        let run = |sink: &mut dyn LayerSink| {
            let options = TableOptions {
                all_rows: true,
                ..TableOptions::default()
            };
            borders
                .classify_incidents(
                    borders.dataset().incidents(),
                    "incidents.csv",
                    &IncidentQuery::within(50_000.0),
                    options,
                    sink,
                    &mut |_| ControlFlow::Continue(()),
                )
                .expect("the run");
        };
        let mut direct = RowWriter::with_schema(Vec::new(), Format::Csv, &schema).expect("a sink");
        run(&mut direct);
        let mut hidden =
            Hidden(RowWriter::with_schema(Vec::new(), Format::Csv, &schema).expect("a sink"));
        run(&mut hidden);
        let (direct, encoded) = (
            direct.finish().expect("written"),
            hidden.0.finish().expect("written"),
        );
        assert!(direct.len() > 1_000);
        assert_eq!(
            String::from_utf8_lossy(&direct),
            String::from_utf8_lossy(&encoded)
        );
    }
}
