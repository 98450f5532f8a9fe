//! Where results go: stdout or an output file written atomically, and in which format.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use bordertrack::report::Format;

use crate::args::OutArgs;
use crate::inputs::InputFiles;

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
        /// The buffered temporary file.
        file: io::BufWriter<tempfile::NamedTempFile>,
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
        let tmp = tempfile::Builder::new()
            .prefix(".bordertrack-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| format!("{}: cannot create output: {e}", target.display()))?;
        Ok(Output::File {
            file: io::BufWriter::with_capacity(1 << 16, tmp),
            target: target.clone(),
        })
    }

    /// Flushes, and for a file moves it into place. Without a call to `commit` (an error, a
    /// signal), the temporary file is removed and the target is untouched.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::Special(mut w) => w.flush(),
            Output::File { file, target } => {
                let tmp = file.into_inner().map_err(|e| e.into_error())?;
                tmp.as_file().sync_all()?;
                tmp.persist(&target).map_err(|e| e.error)?;
                Ok(())
            }
        }
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::Special(w) => w.write(buf),
            Output::File { file, .. } => file.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::Special(w) => w.write_all(buf),
            Output::File { file, .. } => file.write_all(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::Special(w) => w.flush(),
            Output::File { file, .. } => file.flush(),
        }
    }
}

/// The format asked for, else guessed from -o's extension, else table on a terminal and CSV
/// otherwise.
pub fn format(args: &OutArgs) -> Format {
    if let Some(f) = args.format {
        return f.into();
    }
    if let Some(p) = &args.output {
        match p.extension().and_then(|e| e.to_str()) {
            Some("geojson") => return Format::GeoJson,
            Some("json") => return Format::Json,
            Some("csv") => return Format::Csv,
            _ => {}
        }
        return Format::Csv;
    }
    if io::stdout().is_terminal() {
        Format::Table
    } else {
        Format::Csv
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
