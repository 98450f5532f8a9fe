//! `bordertrack incidents`: which incidents fall on which stretches, with the status at their
//! date. Glue around the library's pipeline ([`Borders::classify_table`]): it opens the input
//! and the output, prints the problems and a progress spinner, and decides the exit status.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::Path;

use bordertrack::pipeline::{IncidentLayer, Stop, TableOptions, TableSummary};
use bordertrack::{Borders, Error, Location, Problem};

use crate::args::IncidentsArgs;
use crate::incident_input::{in_options, open_table};
use crate::layer_output::LayerTarget;
use crate::output::say;
use crate::problems::Reporter;
use crate::progress::Spinner;
use crate::Failure;

/// The prefix of the classification's columns when the table has a column of one of their
/// names and `--prefix` is not given.
const DEFAULT_PREFIX: &str = "bt_";

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &IncidentsArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    super::check_dyad(borders.dataset(), args.dyad)?;
    let query = args.query();
    let dates = args.date_range()?;
    let (mut reader, input_len_bytes) = match &args.file {
        Some(p) => open_table(p, args, dates).map(|(r, len)| (Some(r), len))?,
        None => (None, None),
    };
    // The dataset's own incidents, when no FILE is given: those whose date span meets the range.
    let own: Vec<_> = match (&reader, dates) {
        (None, Some(range)) => (borders.dataset().incidents().iter())
            .filter(|i| i.date.overlaps(&range))
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    let name = reader
        .as_ref()
        .map_or("incidents.csv", |r| r.name())
        .to_string();
    let target = LayerTarget::open(data_dir, args.file.as_slice(), &args.out, args.crs.as_ref())?;
    let columns = reader.as_ref().and_then(|r| r.columns());
    // With --crs, a table's own columns pass unchanged: x and y columns are added; so are
    // lon and lat for a table whose position is a geometry, written without one.
    let position = columns.is_some()
        && (target.reprojects()
            || !target.has_geometry() && reader.as_ref().is_some_and(|r| !r.position_in_columns()));
    let schema = match IncidentLayer::schema_for(columns.as_deref(), &args.prefix, position) {
        // A table with a column of a classification column's name (a UCDP table's
        // date_start and date_end): without --prefix, the classification's columns take
        // the default prefix, with a warning.
        Err(Error::Request(message)) if args.prefix.is_empty() => {
            let schema = IncidentLayer::schema_for(columns.as_deref(), DEFAULT_PREFIX, position)
                .map_err(|_| {
                    let problem = in_options(Problem::new(&name, Location::File, message.clone()));
                    Failure::Usage(problem.to_string())
                })?;
            let clash = message.split("; give").next().unwrap_or(&message);
            say!(
                "bordertrack: warning: {name}: {clash}: they are named with the prefix \
                 {DEFAULT_PREFIX} ({DEFAULT_PREFIX}segment_id … {DEFAULT_PREFIX}date_end); give \
                 --prefix to choose another"
            );
            schema
        }
        Err(Error::Request(message)) => {
            let problem = in_options(Problem::new(&name, Location::File, message));
            return Err(Failure::Usage(problem.to_string()));
        }
        Err(other) => return Err(Failure::from(other)),
        Ok(schema) => schema,
    };
    let spinner = Spinner::new(args.file.is_some(), "classifying incidents");
    let options = TableOptions {
        all_rows: args.all,
        basis: args.when.basis.into(),
        stop_at_first_problem: args.strict,
        interrupt: Some(&crate::INTERRUPTED),
        input_len_bytes,
        rows_read: spinner.rows_read(),
        max_problems_per_kind: (args.max_problems > 0).then_some(args.max_problems),
    };
    let mut problems = Reporter::new(args.max_problems, spinner.bar());
    let summary = target.write("incidents", &schema, |sink| {
        let mut on_problem = |p: &Problem| {
            problems.report(p);
            ControlFlow::Continue(())
        };
        let summary = spinner.run(|| match &mut reader {
            Some(r) => borders.classify_table(r, &query, options, sink, &mut on_problem),
            None => {
                let incidents = if dates.is_some() {
                    &own[..]
                } else {
                    borders.dataset().incidents()
                };
                borders.classify_incidents(incidents, &name, &query, options, sink, &mut on_problem)
            }
        })?;
        spinner.finish();
        problems.count_not_delivered(&summary.not_delivered);
        if let Some(counts) = problems.summary() {
            say!("{counts}");
        }
        match summary.stopped {
            Some(Stop::Interrupted) => return Err(Failure::Interrupted),
            Some(Stop::Problem) => return Err(Failure::BadRows(summary.bad)),
            // The rows after the break were never read: the result is incomplete, so the
            // output file is not written and the run fails.
            Some(Stop::InputEndedEarly) => return Err(Failure::Incomplete),
            None => {}
        }
        match summary.nothing_read_problem(&name) {
            Some(problem) => Err(Failure::BadInput(vec![problem])),
            None => Ok(summary),
        }
    })?;
    if summary.bad > 0 || std::io::stderr().is_terminal() {
        // How many incidents --from/--to left out.
        let left_out = dates.map(|_| match &reader {
            Some(r) => r.left_out_by_dates(),
            None => (borders.dataset().incidents().len() - own.len()) as u64,
        });
        let TableSummary {
            read, matched, bad, ..
        } = summary;
        say!(
            "bordertrack: {read} incident{} read, {matched} on a matching stretch, {bad} bad row{} skipped{}",
            if read == 1 { "" } else { "s" },
            if bad == 1 { "" } else { "s" },
            match left_out {
                Some(n) => format!(", {n} outside --from/--to left out"),
                None => String::new(),
            }
        );
    }
    Ok(())
}
