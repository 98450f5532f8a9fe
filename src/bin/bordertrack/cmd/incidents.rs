//! `bordertrack incidents`: which incidents fall on which stretches, with the status at their
//! date. Glue around the library's pipeline ([`Borders::classify_table`]): it opens the input
//! and the output, prints the problems and a progress spinner, and decides the exit status.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bordertrack::crs::{Crs, ReprojectedLayer, Reprojection};
use bordertrack::io::{ColumnMapping, IncidentReader};
use bordertrack::pipeline::{IncidentLayer, Stop, TableOptions, TableSummary};
use bordertrack::query::IncidentQuery;
use bordertrack::report::LayerSink;
use bordertrack::{Borders, DateSpan, Error, Location, Problem};

use crate::args::IncidentsArgs;
use crate::layer_output;
use crate::output::say;
use crate::problems::Reporter;
use crate::Failure;

/// Opens FILE (`-` = stdin) as an incident reader: Parquet by its extension, any other
/// format by its first bytes; a CSV table's columns named by `mapping`.
pub fn open(path: &Path, mapping: &ColumnMapping) -> Result<IncidentReader<Box<dyn Read>>, Error> {
    if path.as_os_str() == "-" {
        let stdin = Box::new(std::io::stdin().lock());
        return IncidentReader::from_reader_with_columns(stdin, "<stdin>", mapping);
    }
    let file = File::open(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path.display().to_string();
    if bordertrack::io::is_parquet_path(path) {
        if !mapping.is_empty() {
            return Err(Error::Request(format!(
                "{name}: a column mapping is for CSV tables; a Parquet table's columns are \
                 id, date, lat and lon (or GeoParquet points)"
            )));
        }
        return IncidentReader::from_parquet(file, &name);
    }
    IncidentReader::from_reader_with_columns(Box::new(file), &name, mapping)
}

/// The column mapping of --columns and the --*-col options.
fn mapping(args: &IncidentsArgs) -> Result<ColumnMapping, Failure> {
    let mut m = args.columns.clone().unwrap_or_default();
    let single = [
        ("id", "--id-col", &args.id_col, &mut m.id),
        ("date", "--date-col", &args.date_col, &mut m.date),
        ("lat", "--lat-col", &args.lat_col, &mut m.lat),
        ("lon", "--lon-col", &args.lon_col, &mut m.lon),
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

/// The library's words for a column mapping and a prefix, in the options that give them.
fn in_options(problem: Problem) -> Problem {
    let message = problem
        .message
        .replace(
            "with a column mapping: ",
            "with --columns (or --id-col, --date-col, --lat-col, --lon-col): --columns ",
        )
        .replace(
            "give the classification columns a prefix",
            "give the classification columns a prefix with --prefix (e.g. --prefix bt_)",
        );
    Problem { message, ..problem }
}

/// Runs the command.
pub fn run(data_dir: Option<&Path>, args: &IncidentsArgs) -> Result<(), Failure> {
    let borders = Borders::new(super::load(data_dir)?)?;
    super::check_dyad(borders.dataset(), args.dyad)?;
    let query = IncidentQuery {
        as_of: args.when.as_of.map(|d| d.span()),
        filter: args
            .on
            .as_ref()
            .map(|on| on.status_filter())
            .unwrap_or_default(),
        regimes: args
            .on
            .as_ref()
            .map(|on| on.regimes.clone())
            .unwrap_or_default(),
        dyad: args.dyad,
        certain_only: args.certain,
        nearest: args.nearest,
        ..IncidentQuery::within(args.within)
    };
    // --from/--to: the incidents whose date span meets the range.
    let dates = match (args.from, args.to) {
        (None, None) => None,
        (from, to) => Some(DateSpan::from_to(from, to).ok_or_else(|| {
            Failure::Usage(format!(
                "--to {} ends before --from {} begins",
                to.map_or_else(String::new, |d| d.to_string()),
                from.map_or_else(String::new, |d| d.to_string())
            ))
        })?),
    };
    let mut options = TableOptions {
        all_rows: args.all,
        basis: args.when.basis.into(),
        stop_at_first_problem: args.strict,
        interrupt: Some(&crate::INTERRUPTED),
        input_len_bytes: None,
        rows_read: None,
        max_problems_per_kind: (args.max_problems > 0).then_some(args.max_problems),
    };
    let mut reader = match &args.file {
        Some(p) => {
            let r = open(p, &mapping(args)?).map_err(|e| match e {
                // The input file, not the dataset, is at fault.
                Error::Invalid(problems) => {
                    Failure::BadInput(problems.into_iter().map(in_options).collect())
                }
                Error::Request(message) => Failure::Usage(message),
                other => Failure::from(other),
            })?;
            // The size of a regular file, to shrink the last blocks (not of a pipe or stdin).
            options.input_len_bytes = (p.as_os_str() != "-")
                .then(|| std::fs::metadata(p).ok())
                .flatten()
                .filter(std::fs::Metadata::is_file)
                .map(|m| m.len());
            let r = with_input_crs(r, args)?.check_duplicate_ids(args.check_ids);
            Some(match dates {
                Some(range) => r.date_range(range),
                None => r,
            })
        }
        None => None,
    };

    let format = layer_output::format(&args.out)?;
    layer_output::check_crs(format, args.crs.as_ref()).map_err(Failure::Usage)?;
    let output_crs = super::reprojection(args.crs.as_ref(), "--crs")?;
    let mut out = super::open_output(data_dir, args.file.as_slice(), &args.out)?;
    let own = reader.as_ref().and_then(IncidentReader::columns);
    // With --crs, a table's own columns pass unchanged: x and y columns are added.
    let position = own.is_some() && output_crs.is_some();
    let schema =
        IncidentLayer::schema_for(own.as_deref(), &args.prefix, position).map_err(|e| match e {
            Error::Request(message) => {
                let name = reader.as_ref().map_or("incidents.csv", |r| r.name());
                let problem = in_options(Problem::new(name, Location::File, message));
                Failure::Usage(problem.to_string())
            }
            other => Failure::from(other),
        })?;
    let (written, crs) = match &output_crs {
        Some(r) => (ReprojectedLayer::output_schema(&schema), r.crs().clone()),
        None => (schema.clone(), Crs::wgs84()),
    };
    let mut writer = layer_output::open(&mut out, format, "incidents", &written, &crs)
        .map_err(Failure::Usage)?;
    // With --crs, each feature is converted on its way to the writer.
    let mut reprojected;
    let sink: &mut dyn LayerSink = match output_crs {
        Some(r) => {
            reprojected = ReprojectedLayer::new(&mut *writer, &schema, r);
            &mut reprojected
        }
        None => &mut *writer,
    };

    // On a terminal, a spinner with the rows read and the rows per second.
    let rows_read = AtomicU64::new(0);
    let progress = (args.file.is_some() && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new_spinner();
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{spinner} classifying incidents: {human_pos} rows read ({per_sec:0}), {elapsed}",
        ) {
            pb.set_style(style);
        }
        pb.enable_steady_tick(std::time::Duration::from_millis(200));
        pb
    });
    if progress.is_some() {
        options.rows_read = Some(&rows_read);
    }
    let mut problems = Reporter::new(args.max_problems, progress.clone());
    let mut on_problem = |p: &Problem| {
        problems.report(p);
        ControlFlow::Continue(())
    };
    let finished = AtomicBool::new(false);
    let summary = std::thread::scope(|scope| {
        if let Some(pb) = &progress {
            scope.spawn(|| {
                while !finished.load(Ordering::Relaxed) {
                    pb.set_position(rows_read.load(Ordering::Relaxed));
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            });
        }
        let summary = classify(
            &borders,
            &mut reader,
            dates,
            &query,
            options,
            &mut *sink,
            &mut on_problem,
        );
        finished.store(true, Ordering::Relaxed);
        summary
    })?;
    if let Some(pb) = progress {
        pb.finish_and_clear();
    }
    // How many incidents --from/--to left out.
    let left_out = dates.map(|range| match &reader {
        Some(r) => r.left_out_by_dates(),
        None => {
            let own = borders.dataset().incidents();
            own.iter().filter(|i| !i.date.overlaps(&range)).count() as u64
        }
    });
    problems.count_not_delivered(&summary.not_delivered);
    if let Some(counts) = problems.summary() {
        say!("{counts}");
    }
    match summary.stopped {
        Some(Stop::Interrupted) => return Err(Failure::Interrupted),
        Some(Stop::Problem) => return Err(Failure::BadRows(summary.bad)),
        // The rows after the break were never read: the result is incomplete, so the output
        // file is not written (it is dropped here) and the run fails.
        Some(Stop::InputEndedEarly) => return Err(Failure::Incomplete),
        None => {}
    }
    if summary.nothing_read() {
        let name = reader.as_ref().map_or("incidents.csv", |r| r.name());
        return Err(Failure::BadInput(vec![Problem::new(
            name,
            Location::File,
            nothing_read_message(&summary),
        )]));
    }
    sink.finish()?;
    drop(writer);
    out.commit()?;
    if summary.bad > 0 || std::io::stderr().is_terminal() {
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

/// Classifies FILE's rows (the reader keeps only those in the date range), or without FILE
/// the dataset's own incidents whose date span meets `dates`.
fn classify(
    borders: &Borders,
    reader: &mut Option<IncidentReader<Box<dyn Read>>>,
    dates: Option<DateSpan>,
    query: &IncidentQuery,
    options: TableOptions<'_>,
    sink: &mut dyn LayerSink,
    on_problem: &mut dyn FnMut(&Problem) -> ControlFlow<()>,
) -> Result<TableSummary, Error> {
    match reader {
        Some(r) => borders.classify_table(r, query, options, sink, on_problem),
        None => {
            let own = borders.shared_dataset();
            let in_range: Vec<_>;
            let incidents = match dates {
                Some(range) => {
                    in_range = own
                        .incidents()
                        .iter()
                        .filter(|i| i.date.overlaps(&range))
                        .cloned()
                        .collect();
                    &in_range[..]
                }
                None => own.incidents(),
            };
            borders.classify_incidents(incidents, "incidents.csv", query, options, sink, on_problem)
        }
    }
}

/// Applies `--input-crs`, and warns about a GeoJSON file's legacy `crs` member: honoured,
/// unless `--input-crs` names another CRS.
fn with_input_crs(
    reader: IncidentReader<Box<dyn Read>>,
    args: &IncidentsArgs,
) -> Result<IncidentReader<Box<dyn Read>>, Failure> {
    if let Some(declared) = reader.declared_crs() {
        let name = reader.name();
        match &args.input_crs {
            Some(given) if given != declared => say!(
                "bordertrack: warning: {name}: the file's \"crs\" member says {declared}; \
                 reading its coordinates in {given} as --input-crs says"
            ),
            Some(_) => {}
            None => say!(
                "bordertrack: warning: {name}: reading the coordinates in {declared}, which the \
                 file names in its \"crs\" member (RFC 7946 removed that member: GeoJSON is \
                 WGS84 longitude/latitude; give --input-crs to override)"
            ),
        }
    }
    let Some(crs) = &args.input_crs else {
        return Ok(reader);
    };
    let reprojection =
        Reprojection::new(crs.clone()).map_err(|e| Failure::Usage(format!("--input-crs: {e}")))?;
    Ok(reader.input_crs(reprojection))
}

/// What to say when every row was bad.
fn nothing_read_message(summary: &TableSummary) -> String {
    format!(
        "no row could be read ({} bad row{}): this is the typical sign of a wrong column \
         layout, or of coordinates in another reference system than WGS84 longitude and \
         latitude",
        summary.bad,
        if summary.bad == 1 { "" } else { "s" }
    )
}
