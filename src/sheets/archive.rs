//! A package of files written all or nothing: into a temp folder or a temp .zip beside the
//! target, renamed to the target's name only once every file is in, so a failure or a pulled
//! USB stick leaves nothing half-written under that name. A failed write is passed on as the
//! bare I/O error: the caller names the package, and a temp name would mean nothing to anyone.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use color_eyre::eyre::Result;

use crate::error::user_error;
use crate::i18n::tf;

use super::zip_out::{bare, ZipOut};

/// Gives a file or folder made private by tempfile (0600, 0700) the usual mode: a package is
/// for colleagues.
pub fn share(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let full = if path.is_dir() { 0o777 } else { 0o666 };
    let mode = full & !crate::private_files::user_mask();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// Where the files go while the package is being written.
pub enum Archive {
    Folder(tempfile::TempDir),
    /// With the time its entries are stamped with (a zip has no time zone: local time).
    Zip(
        Box<zip::ZipWriter<ZipOut<tempfile::NamedTempFile>>>,
        zip::DateTime,
    ),
}

/// Whether `target` asks for a .zip (by its extension) rather than a folder.
pub fn is_zip(target: &Path) -> bool {
    target
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

fn parent_of(target: &Path) -> &Path {
    match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

impl Archive {
    /// An empty package beside `target`, a folder or a .zip as its name says; a zip's entries
    /// are dated `now`.
    pub fn create(target: &Path, now: chrono::NaiveDateTime) -> Result<Archive> {
        let dir = parent_of(target);
        if is_zip(target) {
            let file = crate::unfinished::file_in(dir, "package", ".zip")?;
            // Before 1980 or after 2107 a zip cannot say; its default date stands then.
            let modified = zip::DateTime::try_from(now).unwrap_or_default();
            Ok(Archive::Zip(
                Box::new(zip::ZipWriter::new(ZipOut::new(file))),
                modified,
            ))
        } else {
            let folder = crate::unfinished::folder_in(dir, "package")?;
            Ok(Archive::Folder(folder))
        }
    }

    /// Adds a file at `parts` (folder names then the file's), each already a safe name.
    pub fn add(&mut self, parts: &[String], bytes: &[u8]) -> Result<()> {
        match self {
            Archive::Folder(root) => {
                let Some((name, folders)) = parts.split_last() else {
                    return Ok(());
                };
                let mut path = root.path().to_path_buf();
                for folder in folders {
                    path.push(folder);
                    if !path.is_dir() {
                        std::fs::create_dir(&path).and_then(|()| share(&path))?;
                    }
                }
                path.push(name);
                let mut file = File::create(&path)?;
                file.write_all(bytes)
                    .and_then(|()| share(&path))
                    .and_then(|()| file.sync_all())
                    .map_err(Into::into)
            }
            Archive::Zip(zip, modified) => {
                let options = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Deflated)
                    .last_modified_time(*modified)
                    .unix_permissions(0o666 & !crate::private_files::user_mask());
                zip.start_file(parts.join("/"), options).map_err(bare)?;
                zip.write_all(bytes)?;
                Ok(())
            }
        }
    }

    /// Renames the finished package to `target`, which must still be free; its absolute path.
    pub fn finish(self, target: &Path) -> Result<PathBuf> {
        match self {
            Archive::Folder(root) => {
                share(root.path())?;
                // A folder cannot be renamed without replacing an empty one, so look just before.
                if std::fs::symlink_metadata(target).is_ok() {
                    return Err(user_error(tf(
                        "package.exists",
                        &[("path", &target.display())],
                    )));
                }
                // Renamed while still a TempDir, so a failed rename leaves no temp folder behind.
                crate::unfinished::name(root.path(), || std::fs::rename(root.path(), target))?;
                // Its old path is gone; nothing is left for the TempDir to clean up.
                let _ = root.keep();
            }
            Archive::Zip(zip, _) => {
                let file = zip.finish().map_err(bare)?.into_inner();
                share(file.path())?;
                file.as_file().sync_all()?;
                let at = file.path().to_path_buf();
                crate::unfinished::name(&at, || file.persist_noclobber(target))
                    .map_err(|e| e.error)?;
            }
        }
        Ok(super::output::absolute(target))
    }
}
