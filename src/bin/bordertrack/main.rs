//! The `bordertrack` command: parses arguments, runs one subcommand, maps the outcome to an
//! exit status. No domain logic lives here.

mod args;
mod cmd;
mod incident_input;
mod inputs;
mod interrupt;
mod layer_output;
mod on;
mod output;
mod problems;
mod progress;

use std::io;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use output::say;

/// Why a command did not succeed, and so which exit status it gets.
#[derive(Debug)]
pub enum Failure {
    /// Problems were found and listed (exit 1). The count is for the summary line.
    Problems(usize),
    /// The dataset is invalid; its problems are printed to stderr (exit 1).
    Invalid(Vec<bordertrack::Problem>),
    /// An input file that cannot be read as a whole (empty, no usable header, not a
    /// FeatureCollection, ...); its problems are printed to stderr (exit 1).
    BadInput(Vec<bordertrack::Problem>),
    /// The input could not be read to its end (exit 1): with `-o`, nothing is written.
    Incomplete,
    /// Bad input rows under `--strict`: the first one ends the run (exit 1).
    BadRows(u64),
    /// Interrupted by Ctrl-C or SIGTERM: no output file was written (exit 130).
    Interrupted,
    /// A request that cannot be carried out as asked (exit 2).
    Usage(String),
    /// Reading or writing failed (exit 2; a broken pipe exits 0 quietly).
    Io(io::Error),
}

impl From<bordertrack::Error> for Failure {
    fn from(e: bordertrack::Error) -> Failure {
        match e {
            bordertrack::Error::Invalid(p) => Failure::Invalid(p),
            bordertrack::Error::Write(e) => Failure::Io(e),
            bordertrack::Error::Io { path, source } => Failure::Io(io::Error::new(
                source.kind(),
                format!("{}: {source}", path.display()),
            )),
            other => Failure::Usage(other.to_string()),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::Io(e)
    }
}

impl From<String> for Failure {
    fn from(s: String) -> Failure {
        Failure::Usage(s)
    }
}

fn run(cli: &Cli) -> Result<(), Failure> {
    // An output format that cannot be written is a usage error found before any file is read.
    match &cli.command {
        Command::Export(a) => drop(layer_output::format(&a.out)?),
        Command::Incidents(a) => drop(layer_output::format(&a.out)?),
        Command::Coverage(a) => drop(layer_output::format(&a.out)?),
        Command::Diff(a) => drop(layer_output::format(&a.out)?),
        Command::Tallies(a) => drop(layer_output::format(&a.out)?),
        other => {
            if let Some(out) = other.out() {
                output::format(out)?;
            }
        }
    }
    let data = cli.data.as_deref();
    match &cli.command {
        Command::Segments(a) => cmd::segments::run(data, a),
        Command::Stats(a) => cmd::stats::run(data, a),
        Command::History(a) => cmd::history::run(data, a),
        Command::Validate(a) => cmd::validate::run(data, a),
        Command::Incidents(a) => cmd::incidents::run(data, a),
        Command::Locate(a) => cmd::locate::run(data, a),
        Command::Map(a) => cmd::map::run(data, a),
        Command::Completions(a) => cmd::completions::completions(a),
        Command::Manpage(_) => cmd::completions::manpage(),
        Command::Import(kind) => cmd::import::run(kind),
        Command::Init(a) => cmd::init::run(a),
        Command::Export(a) => cmd::export::run(data, a),
        Command::Regimes(a) => cmd::regimes::run(data, a),
        Command::Places(a) => cmd::places::run(data, a),
        Command::Tallies(a) => cmd::tallies::run(data, a),
        Command::Coverage(a) => cmd::coverage::run(data, a),
        Command::Diff(a) => cmd::diff::run(data, a),
    }
}

pub use interrupt::INTERRUPTED;

fn main() -> ExitCode {
    // First of all: a signal must never leave a temporary output file behind.
    interrupt::install();
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            // Help and version go to stdout, usage errors to stderr.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(Failure::Problems(n)) => {
            say!(
                "bordertrack: {n} problem{} found",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        Err(Failure::Invalid(problems)) => {
            for p in &problems {
                say!("{}", cmd::validate::in_cli_terms(p));
            }
            let n = problems.len();
            say!(
                "bordertrack: the dataset has {n} problem{}; run `bordertrack validate` for the list",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
        Err(Failure::BadInput(problems)) => {
            for p in &problems {
                say!("{p}");
            }
            say!("bordertrack: the input file cannot be read; no output written");
            ExitCode::from(1)
        }
        Err(Failure::Incomplete) => {
            say!(
                "bordertrack: the input could not be read to its end; results are incomplete \
                 (with -o, no file was written)"
            );
            ExitCode::from(1)
        }
        Err(Failure::BadRows(_)) => {
            say!("bordertrack: stopped at the first bad row (--strict); no output written");
            ExitCode::from(1)
        }
        Err(Failure::Interrupted) => {
            say!("bordertrack: interrupted; no output written");
            ExitCode::from(130)
        }
        Err(Failure::Usage(m)) => {
            say!("bordertrack: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Io(e)) => {
            say!("bordertrack: {e}");
            ExitCode::from(2)
        }
    }
}
