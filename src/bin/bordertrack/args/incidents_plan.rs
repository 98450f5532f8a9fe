//! The `incidents` command's options resolved: the query they ask for, the date range of
//! `--from`/`--to` and the column mapping of `--columns` and the `--*-col` options.

use bordertrack::io::ColumnMapping;
use bordertrack::query::IncidentQuery;
use bordertrack::DateSpan;

use super::IncidentsArgs;
use crate::Failure;

impl IncidentsArgs {
    /// The query the options ask for.
    pub fn query(&self) -> IncidentQuery {
        IncidentQuery {
            as_of: self.when.as_of.map(|d| d.span()),
            filter: self
                .on
                .as_ref()
                .map(|on| on.status_filter())
                .unwrap_or_default(),
            regimes: self
                .on
                .as_ref()
                .map(|on| on.regimes.clone())
                .unwrap_or_default(),
            dyad: self.dyad,
            certain_only: self.certain,
            nearest: self.nearest,
            ..IncidentQuery::within(self.within)
        }
    }

    /// `--from`/`--to`: the incidents whose date span meets the range; `None` when neither
    /// is given.
    pub fn date_range(&self) -> Result<Option<DateSpan>, Failure> {
        match (self.from, self.to) {
            (None, None) => Ok(None),
            (from, to) => Ok(Some(DateSpan::from_to(from, to).ok_or_else(|| {
                Failure::Usage(format!(
                    "--to {} ends before --from {} begins",
                    to.map_or_else(String::new, |d| d.to_string()),
                    from.map_or_else(String::new, |d| d.to_string())
                ))
            })?)),
        }
    }

    /// The column mapping of --columns and the --*-col options.
    pub fn column_mapping(&self) -> Result<ColumnMapping, Failure> {
        let mut m = self.columns.clone().unwrap_or_default();
        let single = [
            ("id", "--id-col", &self.id_col, &mut m.id),
            ("date", "--date-col", &self.date_col, &mut m.date),
            ("lat", "--lat-col", &self.lat_col, &mut m.lat),
            ("lon", "--lon-col", &self.lon_col, &mut m.lon),
        ];
        for (role, flag, given, slot) in single {
            if let Some(column) = given {
                if slot.is_some() {
                    return Err(Failure::Usage(format!(
                        "{flag} and --columns {role}= both name the {role} column; give one"
                    )));
                }
                *slot = Some(column.clone());
            }
        }
        Ok(m)
    }
}
