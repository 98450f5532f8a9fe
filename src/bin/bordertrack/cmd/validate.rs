//! `bordertrack validate`: load a dataset and list every problem, as lines for reading or as
//! the library's `problems` layer ([`bordertrack::layers::PROBLEMS`]) in table, CSV or JSON.

use std::io::Write;
use std::path::Path;

use bordertrack::layers;
use bordertrack::report::{Format, RowWriter};
use bordertrack::{Dataset, Error, Problem};

use crate::args::ValidateArgs;
use crate::output::{self, say};
use crate::Failure;

/// Runs the command. A clean dataset: says so on stderr and succeeds. Otherwise every problem
/// goes to stdout (or `-o`): one line each, or with `--format`/`-o` one feature each of the
/// `problems` layer; then the command fails with [`Failure::Problems`]. A clean dataset with
/// `--format`/`-o` gives the layer with no features.
pub fn run(data_dir: Option<&Path>, args: &ValidateArgs) -> Result<(), Failure> {
    // The layer's format, when asked for: refused before anything is read.
    let layer_format = if args.out.format.is_none() && args.out.output.is_none() {
        None
    } else {
        let format = output::format(&args.out)?;
        if format == Format::GeoJson {
            return Err(Failure::Usage(
                "validate: the problems layer has no geometry, so it is not written as \
                 GeoJSON; use --format table, csv or json"
                    .into(),
            ));
        }
        Some(format)
    };
    let result = match data_dir {
        Some(dir) => Dataset::load(dir),
        None => Dataset::embedded(),
    };
    let problems = match result {
        Ok(data) => {
            say!(
                "bordertrack: dataset is valid: {} segments, {} status changes, {} instruments, {} sources, {} places, {} incidents",
                data.segments().len(),
                data.changes().len(),
                data.instruments().len(),
                data.sources().len(),
                data.places().len(),
                data.incidents().len()
            );
            Vec::new()
        }
        Err(Error::Invalid(problems)) => problems,
        Err(e) => return Err(e.into()),
    };
    let problems: Vec<Problem> = problems.iter().map(in_cli_terms).collect();
    match layer_format {
        None => {
            let mut out = std::io::stdout().lock();
            for p in &problems {
                writeln!(out, "{p}").map_err(Failure::from)?;
            }
            out.flush().map_err(Failure::from)?;
        }
        Some(format) => write_layer(data_dir, args, format, &problems)?,
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Failure::Problems(problems.len()))
    }
}

/// Writes `problems` as the `problems` layer, in `format`, where `-o` says.
fn write_layer(
    data_dir: Option<&Path>,
    args: &ValidateArgs,
    format: Format,
    problems: &[Problem],
) -> Result<(), Failure> {
    let mut out = super::open_output(data_dir, &[], &args.out)?;
    let schema = layers::schema(layers::PROBLEMS, false);
    let mut sink = RowWriter::with_schema(&mut out, format, &schema)?;
    layers::write_problems(problems, &mut sink)?;
    sink.finish()?;
    out.commit()?;
    Ok(())
}

/// The library's words for a dating basis, at the end of a problem's message, and the option
/// that chooses it on the command line.
const BASIS_WORDS: [(&str, &str); 3] = [
    (
        " whether changes are dated by signature or by entry into force",
        " under either --basis",
    ),
    (" with changes dated by signature", " under --basis signed"),
    (
        " with changes dated by entry into force",
        " under --basis in-force",
    ),
];

/// `problem` as the command line says it: a dating basis named by its `--basis` option.
pub fn in_cli_terms(problem: &Problem) -> Problem {
    let mut p = problem.clone();
    for (words, option) in BASIS_WORDS {
        if let Some(rest) = p.message.strip_suffix(words) {
            p.message = format!("{rest}{option}");
            break;
        }
    }
    p
}
