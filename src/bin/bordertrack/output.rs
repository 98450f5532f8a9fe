//! Where results go: stdout or an output file written atomically, and in which format.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use bordertrack::report::Format;

use crate::args::OutArgs;

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
    /// Opens the output named by `args`, refusing to overwrite any of `inputs`.
    pub fn open(args: &OutArgs, inputs: &[&Path]) -> Result<Output, String> {
        let Some(target) = &args.output else {
            return Ok(Output::Stdout(io::BufWriter::with_capacity(
                1 << 16,
                io::stdout().lock(),
            )));
        };
        if target.as_os_str() == "-" {
            return Ok(Output::Stdout(io::BufWriter::new(io::stdout().lock())));
        }
        let canon = |p: &Path| std::fs::canonicalize(p).ok();
        if let Some(t) = canon(target) {
            if inputs.iter().any(|i| canon(i) == Some(t.clone())) {
                return Err(format!(
                    "{}: refusing to overwrite an input file",
                    target.display()
                ));
            }
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
