//! Where results go: stdout or an output file written atomically, and in which format.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::args::{FormatArg, OutArgs};
use crate::inputs::InputFiles;
use crate::interrupt;
use bordertrack::report::Format;

/// An open output: stdout, or a temporary file beside the target renamed into place by
/// [`Output::commit`] (so an interrupted run never leaves a half-written file), or a special
/// file such as `/dev/null` written in place.
pub enum Output {
    /// Standard output, buffered.
    Stdout(io::BufWriter<io::StdoutLock<'static>>),
    /// An existing target that is not a regular file (`/dev/null`, a named pipe, a
    /// terminal): written in place, since it cannot be replaced atomically.
    Special(io::BufWriter<std::fs::File>),
    /// A temporary file in the target's directory.
    File {
        /// The temporary file, buffered.
        file: io::BufWriter<std::fs::File>,
        /// Its path, removed when dropped unless it was moved into place.
        temp: tempfile::TempPath,
        /// Where it goes on success.
        target: PathBuf,
    },
}

impl Output {
    /// Opens the output named by `args`, refusing to overwrite any of `inputs` (paths of files
    /// the run reads, `-` for stdin): they are compared as files, not as paths, so another
    /// path, a symbolic or hard link to an input, or stdin redirected from the target, is
    /// refused too. Standard output that is redirected to an input file is refused as well.
    pub fn open(args: &OutArgs, inputs: &[&Path]) -> Result<Output, String> {
        let inputs = InputFiles::new(inputs);
        let target = match &args.output {
            Some(t) if t.as_os_str() != "-" => t,
            _ => {
                if inputs.contains_stdout() {
                    return Err(
                        "standard output is an input file: refusing to overwrite it".to_string()
                    );
                }
                return Ok(Output::Stdout(io::BufWriter::with_capacity(
                    1 << 16,
                    io::stdout().lock(),
                )));
            }
        };
        if inputs.contains_path(target) {
            return Err(format!(
                "{}: refusing to overwrite an input file",
                target.display()
            ));
        }
        if let Ok(meta) = std::fs::metadata(target) {
            if !meta.is_file() {
                if meta.is_dir() {
                    return Err(format!("{}: is a directory", target.display()));
                }
                let f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(target)
                    .map_err(|e| format!("{}: cannot open output: {e}", target.display()))?;
                return Ok(Output::Special(io::BufWriter::with_capacity(1 << 16, f)));
            }
        }
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // An existing file keeps its mode; a new one gets the ordinary mode for new files
        // (0666 less the umask, as open(2) applies it), not the temporary file's 0600.
        let existing = std::fs::metadata(target)
            .ok()
            .filter(std::fs::Metadata::is_file);
        let mut builder = tempfile::Builder::new();
        builder.prefix(".bordertrack-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let cannot_create =
            |e: io::Error| format!("{}: cannot create output: {e}", target.display());
        // The file and its path apart: a `NamedTempFile` names its own path in its errors,
        // which would then name the temporary file instead of the target.
        let (file, temp) = interrupt::create_temporary(|| builder.tempfile_in(&dir))
            // Its error names the temporary file: keep only what went wrong.
            .map_err(|e| cannot_create(io::Error::from(e.kind())))?
            .into_parts();
        if let Some(meta) = existing {
            file.set_permissions(meta.permissions())
                .map_err(cannot_create)?;
        }
        Ok(Output::File {
            file: io::BufWriter::with_capacity(1 << 16, file),
            temp,
            target: target.clone(),
        })
    }

    /// Flushes, and for a file moves it into place. Without a call to `commit` (an error, a
    /// signal), the temporary file is removed and the target is untouched. Errors name the
    /// target, not the temporary file.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::Special(mut w) => w.flush(),
            Output::File { file, temp, target } => {
                let named = |e: io::Error| naming(&target, e);
                let file = file.into_inner().map_err(|e| named(e.into_error()))?;
                file.sync_all().map_err(named)?;
                drop(file);
                interrupt::persist(|| temp.persist(&target)).map_err(|e| named(e.error))?;
                Ok(())
            }
        }
    }

    /// The file being written, when the output is a new regular file (the temporary file
    /// that [`Output::commit`] moves into place): for formats written by a library that opens
    /// the file itself (GeoPackage through SQLite).
    pub fn temporary_path(&self) -> Option<&Path> {
        match self {
            Output::File { temp, .. } => Some(temp),
            Output::Stdout(_) | Output::Special(_) => None,
        }
    }

    /// The file the output goes to once committed, when it is a regular file.
    pub fn target_file(&self) -> Option<&Path> {
        match self {
            Output::File { target, .. } => Some(target),
            Output::Stdout(_) | Output::Special(_) => None,
        }
    }

    /// Whether the output is standard output.
    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout(_))
    }

    /// `e`, named after the output file when there is one.
    fn name_error(&self, e: io::Error) -> io::Error {
        match self {
            Output::File { target, .. } => naming(target, e),
            Output::Stdout(_) | Output::Special(_) => e,
        }
    }
}

/// An error of the output file `target`, named after it.
fn naming(target: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", target.display()))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = match self {
            Output::Stdout(w) => w.write(buf),
            Output::Special(w) => w.write(buf),
            Output::File { file, .. } => file.write(buf),
        };
        written.map_err(|e| self.name_error(e))
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let written = match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::Special(w) => w.write_all(buf),
            Output::File { file, .. } => file.write_all(buf),
        };
        written.map_err(|e| self.name_error(e))
    }
    fn flush(&mut self) -> io::Result<()> {
        let flushed = match self {
            Output::Stdout(w) => w.flush(),
            Output::Special(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
        };
        flushed.map_err(|e| self.name_error(e))
    }
}

/// The extensions `-o` writes without `--format`, and their formats (compared without regard
/// to letter case).
const EXTENSIONS: &[(&str, Format)] = &[
    ("csv", Format::Csv),
    ("json", Format::Json),
    ("geojson", Format::GeoJson),
];

/// The format to write: `--format` when given, else the one `-o`'s extension names (CSV for a
/// name without one), else table on a terminal and CSV otherwise.
///
/// An extension that is not one of [`EXTENSIONS`] (`.gpkg`, `.kml`, `.shp`, …) is refused
/// unless `--format` says what to write. An explicit `--format` must agree with an extension
/// of [`EXTENSIONS`] (GeoJSON may be written to `.json`, since it is JSON); with any other
/// extension it is written as asked.
pub fn format(args: &OutArgs) -> Result<Format, String> {
    let asked: Option<Format> = match args.format {
        Some(f) => Some(f.rows().ok_or_else(|| {
            format!(
                "--format {}: only `export` and `incidents` write GIS formats; this command \
                 writes table, csv, json or geojson",
                f.name()
            )
        })?),
        None => None,
    };
    let Some(target) = args.output.as_deref().filter(|t| t.as_os_str() != "-") else {
        let terminal = || io::stdout().is_terminal();
        return Ok(asked.unwrap_or_else(|| {
            if terminal() {
                Format::Table
            } else {
                Format::Csv
            }
        }));
    };
    let Some(extension) = target.extension() else {
        return Ok(asked.unwrap_or(Format::Csv));
    };
    let extension = extension.to_string_lossy();
    let named = EXTENSIONS
        .iter()
        .find(|(e, _)| e.eq_ignore_ascii_case(&extension))
        .map(|&(_, f)| f);
    let listed = || {
        let names: Vec<String> = EXTENSIONS.iter().map(|(e, _)| format!(".{e}")).collect();
        names.join(", ")
    };
    match (asked, named) {
        (None, Some(f)) => Ok(f),
        (None, None) => Err(format!(
            "{}: -o does not write .{extension} files; it writes {} (or give --format to \
             write one of those under this name anyway)",
            target.display(),
            listed()
        )),
        (Some(a), Some(n)) if a == n || (a, n) == (Format::GeoJson, Format::Json) => Ok(a),
        (Some(_), Some(_)) => Err(format!(
            "{}: --format {} does not match the extension .{extension} (leave out --format, \
             or give the file the format's extension)",
            target.display(),
            args.format.map_or_else(String::new, FormatArg::name)
        )),
        (Some(a), None) => Ok(a),
    }
}

/// Writes one line of `message` to stderr. A message that cannot be written (stderr closed,
/// or a pipe whose reader has gone) is dropped quietly: messages never change a run's result
/// or its exit status. Every message of the binary goes through here (by [`say!`]), never
/// through `eprintln!`, which panics when stderr is a closed pipe.
pub fn say_line(message: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{message}");
}

/// `say!("format", args…)`: one line to stderr through [`say_line`].
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::say_line(format_args!($($arg)*))
    };
}
pub(crate) use say;
