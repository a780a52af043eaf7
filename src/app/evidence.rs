//! Evidence files out by name: the list of what each unit attached, and one file saved under
//! its real name. A file's bytes are the copy kept by content hash when it was attached here or
//! came in a bundle with `--with-files`.

use std::path::{Path, PathBuf};

use super::{Outcome, Refusal};
use crate::campaign::{campaign, unit_name};
use crate::domain::checklist::EvidenceFile;
use crate::domain::file_name::safe_name;
use crate::error::io_reason;
use crate::i18n::{t, tf};
use crate::store::Store;

/// The unit named by `raw` (this office when none), which must be this office or below it.
pub fn office_in_area(store: &Store, raw: Option<&str>) -> Outcome<String> {
    let unit = match raw {
        Some(raw) => crate::domain::input::resolve_unit(raw).map_err(Refusal::said)?,
        None => return Ok(store.office().to_string()),
    };
    let inside = campaign()
        .descendants(store.office())
        .iter()
        .any(|(u, _)| u.id == unit);
    if inside {
        return Ok(unit);
    }
    Err(Refusal::said(tf(
        "package.outside",
        &[
            ("unit", &unit_name(&unit)),
            ("office", &unit_name(store.office())),
        ],
    )))
}

/// The units of `office`: itself and every unit below it, in official order.
pub fn units_of(office: &str) -> Vec<String> {
    campaign()
        .descendants(office)
        .into_iter()
        .map(|(unit, _)| unit.id.clone())
        .collect()
}

/// Every evidence file of `office` and the units below it.
pub fn files(store: &Store, office: &str) -> Outcome<Vec<EvidenceFile>> {
    Ok(crate::store::checklist::evidence_files(
        store,
        &units_of(office),
    )?)
}

/// The one file of `office`'s units that `wanted` names: its id (a start of its content hash,
/// 6 characters or more) or its file name. A name several files share is refused with their ids.
pub fn find(store: &Store, office: &str, wanted: &str) -> Outcome<EvidenceFile> {
    let wanted = wanted.trim();
    let all = files(store, office)?;
    let by_id = wanted.len() >= 6 && wanted.chars().all(|c| c.is_ascii_hexdigit());
    let mut found: Vec<EvidenceFile> = all
        .into_iter()
        .filter(|f| {
            f.evidence.file_name == wanted
                || (by_id && f.evidence.blake3.starts_with(&wanted.to_ascii_lowercase()))
        })
        .collect();
    // One file attached to two items is one file to save.
    found.dedup_by(|a, b| a.evidence.blake3 == b.evidence.blake3);
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(Refusal::said(tf(
            "package.no_file",
            &[("file", &wanted), ("office", &unit_name(office))],
        ))),
        _ => {
            let each: Vec<String> = found
                .iter()
                .map(|f| format!("{} {} {}", f.id, unit_name(&f.unit), f.item))
                .collect();
            Err(Refusal::said(tf(
                "package.ambiguous",
                &[("file", &wanted), ("ids", &each.join(&t("cli.reason_sep")))],
            )))
        }
    }
}

/// The bytes of `file` as kept here; none when they never came (a bundle without files).
pub fn kept(store: &Store, file: &EvidenceFile) -> Outcome<Option<Vec<u8>>> {
    Ok(match crate::sync::unhex::<32>(&file.evidence.blake3) {
        Some(hash) => store.kept_file(&hash)?,
        None => None,
    })
}

/// The bytes of `file` as kept here, or a message that says they never came.
pub fn bytes_of(store: &Store, file: &EvidenceFile) -> Outcome<Vec<u8>> {
    kept(store, file)?.ok_or_else(|| {
        Refusal::said(tf(
            "package.not_held",
            &[("file", &file.evidence.file_name), ("id", &file.id)],
        ))
    })
}

/// Saves `file` under its real name (made safe) in `dest` when that is a folder, as `dest` when
/// it names a new file, else in the current folder. An existing file is never replaced.
pub fn save(store: &Store, file: &EvidenceFile, dest: Option<&Path>) -> Outcome<PathBuf> {
    let name = safe_name(&file.evidence.file_name);
    let path = match dest {
        Some(dir) if dir.is_dir() => dir.join(&name),
        Some(path) => path.to_path_buf(),
        None => crate::out::in_callers_folder(Path::new(&name)),
    };
    refuse_existing(&path)?;
    let bytes = bytes_of(store, file)?;
    write_new(&path, &bytes)?;
    Ok(crate::sheets::output::absolute(&path))
}

/// Refuses a path something already holds, whatever it is.
pub fn refuse_existing(path: &Path) -> Outcome<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Refusal::said(tf(
            "package.exists",
            &[("path", &crate::sheets::output::absolute(path).display())],
        )));
    }
    Ok(())
}

/// Writes `bytes` to a temp file beside `path`, then gives it that name only if still free.
fn write_new(path: &Path, bytes: &[u8]) -> Outcome<()> {
    let failed = |e: std::io::Error| {
        Refusal::said(tf(
            "cli.report.write_failed",
            &[("file", &path.display()), ("reason", &io_reason(&e))],
        ))
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = crate::unfinished::file_in(dir, "report", ".tmp").map_err(failed)?;
    std::io::Write::write_all(&mut temp, bytes).map_err(failed)?;
    crate::sheets::archive::share(temp.path()).map_err(failed)?;
    temp.as_file().sync_all().map_err(failed)?;
    let at = temp.path().to_path_buf();
    crate::unfinished::name(&at, || temp.persist_noclobber(path)).map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            refuse_existing(path)
                .err()
                .unwrap_or_else(|| failed(e.error))
        } else {
            failed(e.error)
        }
    })?;
    Ok(())
}
