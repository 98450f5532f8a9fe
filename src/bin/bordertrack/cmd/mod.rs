//! One module per subcommand; each exposes `run`.

pub mod completions;
pub mod coverage;
pub mod diff;
pub mod export;
pub mod history;
pub mod import;
pub mod import_lines;
pub mod incidents;
pub mod init;
pub mod locate;
pub mod map;
pub mod places;
pub mod regimes;
pub mod segments;
pub mod stats;
pub mod tallies;
pub mod validate;

use std::path::{Path, PathBuf};

use bordertrack::layers::LayerQuery;
use bordertrack::report::Format;
use bordertrack::{Borders, Dataset, DateSpan, Dyad, PartialDate};

use crate::args::{OutArgs, SelectArgs, WhenArgs};
use crate::output::Output;
use crate::Failure;

/// The whole text of the input file `path`; an error names the file.
pub fn read_input(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| {
        Failure::Io(std::io::Error::new(
            e.kind(),
            format!("{}: {e}", path.display()),
        ))
    })
}

/// The layer query that `select` asks for over the days `at`: its basis, dyad, status and
/// regime words (`--on`) and point of view (`--pov`).
pub fn layer_query(select: &SelectArgs, at: Option<DateSpan>) -> LayerQuery {
    let on = select.on.as_ref();
    LayerQuery {
        at,
        basis: select.when.basis.into(),
        dyad: select.dyad,
        filter: on
            .filter(|on| !on.status.is_empty())
            .map(|on| on.status_filter()),
        party: select.pov,
        regimes: on.map_or(Vec::new(), |on| on.regimes.clone()),
    }
}

/// Loads the dataset named by `--data`, or the embedded one.
pub fn load(data: Option<&Path>) -> Result<Dataset, Failure> {
    match data {
        Some(dir) => Dataset::load(dir),
        None => Dataset::embedded(),
    }
    .map_err(Failure::from)
}

/// The files of the dataset directory named by `--data`, which `-o` must not overwrite.
pub fn inputs(data: Option<&Path>) -> Vec<PathBuf> {
    data.map(|d| {
        bordertrack::dataset::FILES
            .iter()
            .map(|f| d.join(f.name))
            .collect()
    })
    .unwrap_or_default()
}

/// The span `--as-of` asks for; today when not given.
pub fn as_of(when: &WhenArgs) -> DateSpan {
    span_or_today(when.as_of)
}

/// What a command that answers at one date starts with: see [`start_at_date`].
pub struct AtDate {
    /// The dataset, indexed.
    pub borders: Borders,
    /// The date asked for; today when not given.
    pub at: DateSpan,
    /// Where the rows go.
    pub out: Output,
    /// The row format asked for.
    pub format: Format,
}

/// Loads the dataset named by `--data` (refusing a `--dyad` it has no segments of), takes the
/// date `as_of` (today when not given), and opens the output `out` says with its row format.
pub fn start_at_date(
    data: Option<&Path>,
    dyad: Option<Dyad>,
    as_of: Option<PartialDate>,
    out: &OutArgs,
) -> Result<AtDate, Failure> {
    let borders = Borders::new(load(data)?)?;
    check_dyad(borders.dataset(), dyad)?;
    let at = span_or_today(as_of);
    let out_file = open_output(data, &[], out)?;
    let format = crate::output::format(out)?;
    Ok(AtDate {
        borders,
        at,
        out: out_file,
        format,
    })
}

/// `date`, or today when not given (the default of every `--as-of`).
pub fn date_or_today(date: Option<PartialDate>) -> PartialDate {
    date.unwrap_or_else(|| PartialDate::Day(jiff::ZonedDateTime::now().date()))
}

/// The days of `date`, or today when not given.
pub fn span_or_today(date: Option<PartialDate>) -> DateSpan {
    date_or_today(date).span()
}

/// A usage error when `--dyad` names a dyad the dataset has no segments of.
pub fn check_dyad(data: &Dataset, dyad: Option<Dyad>) -> Result<(), Failure> {
    match dyad {
        Some(d) if !data.dyads().contains(&d) => Err(Failure::Usage(format!(
            "no segments of dyad {d} in the dataset"
        ))),
        _ => Ok(()),
    }
}

/// Opens where `out` says to write (stdout, or a file written atomically), refusing to write
/// onto a file of the dataset named by `--data` or onto one of `other_inputs`.
pub fn open_output(
    data: Option<&Path>,
    other_inputs: &[PathBuf],
    out: &OutArgs,
) -> Result<Output, Failure> {
    let mut inputs = self::inputs(data);
    inputs.extend_from_slice(other_inputs);
    let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
    Ok(Output::open(out, &inputs)?)
}

/// The reprojection for `--crs` (or `--input-crs`): `None` for WGS84 or when not asked; a
/// CRS that cannot be used (or a build without PROJ) is a usage error, with the library's
/// explanation (how to build with PROJ, or PROJ's own message).
pub fn reprojection(
    crs: Option<&bordertrack::crs::Crs>,
    flag: &str,
) -> Result<Option<bordertrack::crs::Reprojection>, Failure> {
    let Some(crs) = crs.filter(|crs| !crs.is_wgs84()) else {
        return Ok(None);
    };
    bordertrack::crs::Reprojection::new(crs.clone())
        .map(Some)
        .map_err(|e| Failure::Usage(format!("{flag}: {e}")))
}
