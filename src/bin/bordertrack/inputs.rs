//! The files a run reads, so that its output never replaces one of them.
//!
//! Files are compared by identity (device and inode on Unix), not by path: another spelling
//! of the path, a symbolic or hard link, or stdin redirected from a file all name the same
//! file. Only regular files are compared: a device such as `/dev/null` may well be both read
//! and written.

use std::path::Path;

/// The identity of a file: device and inode on Unix; elsewhere its canonical path.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FileId {
    device: u64,
    inode: u64,
}

#[cfg(not(unix))]
#[derive(Clone, Debug, PartialEq, Eq)]
struct FileId(std::path::PathBuf);

impl FileId {
    /// The identity of the regular file at `path` (following symbolic links); `None` when it
    /// does not exist, cannot be examined or is not a regular file.
    fn of_path(path: &Path) -> Option<FileId> {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        {
            Some(FileId::of_metadata(&meta))
        }
        #[cfg(not(unix))]
        {
            std::fs::canonicalize(path).ok().map(FileId)
        }
    }

    #[cfg(unix)]
    fn of_metadata(meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId {
            device: meta.dev(),
            inode: meta.ino(),
        }
    }

    /// The identity of the regular file that standard input (`stdin` true) or standard
    /// output is open on; `None` for a terminal, a pipe or a device.
    #[cfg(unix)]
    fn of_standard(stdin: bool) -> Option<FileId> {
        use std::os::fd::AsFd;
        let fd = if stdin {
            std::io::stdin().as_fd().try_clone_to_owned()
        } else {
            std::io::stdout().as_fd().try_clone_to_owned()
        };
        let meta = std::fs::File::from(fd.ok()?).metadata().ok()?;
        meta.is_file().then(|| FileId::of_metadata(&meta))
    }

    #[cfg(not(unix))]
    fn of_standard(_stdin: bool) -> Option<FileId> {
        None
    }
}

/// The regular files a run reads.
#[derive(Debug, Default)]
pub struct InputFiles(Vec<FileId>);

impl InputFiles {
    /// The files named by `paths`, where `-` names standard input. Paths that do not name a
    /// regular file are left out.
    pub fn new(paths: &[&Path]) -> InputFiles {
        let ids = paths
            .iter()
            .filter_map(|p| {
                if p.as_os_str() == "-" {
                    FileId::of_standard(true)
                } else {
                    FileId::of_path(p)
                }
            })
            .collect();
        InputFiles(ids)
    }

    /// Whether `path` names one of the input files.
    pub fn contains_path(&self, path: &Path) -> bool {
        FileId::of_path(path).is_some_and(|id| self.0.contains(&id))
    }

    /// Whether standard output is open on one of the input files.
    pub fn contains_stdout(&self) -> bool {
        !self.0.is_empty() && FileId::of_standard(false).is_some_and(|id| self.0.contains(&id))
    }
}
