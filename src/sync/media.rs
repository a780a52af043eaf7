//! Removable media to offer for bundles: the mount points under /media, /run/media and /mnt, read
//! from the kernel's mount table, of block devices only (a folder under /media that nothing is
//! mounted on is no stick, nor is a tmpfs or a bind mount a tool put under /mnt).

use std::path::{Path, PathBuf};

use crate::i18n::tf;

/// The roots where desktops and people mount sticks.
const ROOTS: [&str; 3] = ["/media/", "/run/media/", "/mnt/"];

/// Undoes the mount table's octal escapes (`\040` for a space, `\011` tab, `\012` newline,
/// `\134` backslash); anything else is kept as written.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let digits = &bytes[i + 1..(i + 4).min(bytes.len())];
            let octal = digits.len() == 3 && digits.iter().all(|d| (b'0'..=b'7').contains(d));
            if octal {
                let value = digits
                    .iter()
                    .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
                if let Ok(byte) = u8::try_from(value) {
                    out.push(byte);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The mount points of block devices under the removable-media roots in a mount table's text,
/// in table order, each once.
pub fn parse_mounts(table: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for line in table.lines() {
        let mut fields = line.split([' ', '\t']).filter(|f| !f.is_empty());
        let (Some(device), Some(field)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !device.starts_with("/dev/") {
            continue;
        }
        let point = unescape(field);
        if ROOTS.iter().any(|root| point.starts_with(root)) {
            let path = PathBuf::from(point);
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// Mounted removable media on this machine; none when the mount table cannot be read.
pub fn removable_media() -> Vec<PathBuf> {
    std::fs::read_to_string("/proc/self/mounts")
        .map(|table| parse_mounts(&table))
        .unwrap_or_default()
}

/// A bundle file, or every `.pxb` file in a folder (oldest name first: numbers count up).
pub fn bundle_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let shown = path.display().to_string();
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    if !path.is_dir() {
        return Err(tf("sync.tui.no_such_place", &[("path", &shown)]));
    }
    let entries = std::fs::read_dir(path).map_err(|e| {
        tf(
            "sync.import.unreadable",
            &[("file", &shown), ("reason", &crate::error::io_reason(&e))],
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pxb")))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(tf("sync.tui.no_bundles", &[("path", &shown)]));
    }
    Ok(files)
}

/// The bundles at `path` for this office to take in. A stick carried both ways also holds the
/// bundles `office` wrote for others; those are left where they are, and counted.
pub fn incoming_bundles(path: &Path, office: &str) -> Result<(Vec<PathBuf>, usize), String> {
    let files = bundle_files(path)?;
    if !path.is_dir() {
        return Ok((files, 0));
    }
    let found = files.len();
    let incoming: Vec<PathBuf> = files
        .into_iter()
        .filter(|file| sent_by(file).as_deref() != Some(office))
        .collect();
    let own = found - incoming.len();
    if incoming.is_empty() {
        return Err(tf(
            "sync.import.only_own",
            &[("path", &path.display()), ("count", &own)],
        ));
    }
    Ok((incoming, own))
}

/// The sender a bundle's routing header names; none for a file that is no bundle (the import
/// says why).
fn sent_by(file: &Path) -> Option<String> {
    let (mut reader, total) = crate::sync::summary::open_bundle(file).ok()?;
    let frame = crate::sync::incoming::read_frame(&mut reader, total).ok()?;
    Some(frame.routing.sender)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sticks_are_found_and_system_mounts_left_out() {
        let table = "\
/dev/sda1 / ext4 rw,relatime 0 0
proc /proc proc rw 0 0
/dev/sdb1 /media/kezhang/U\\040盘 vfat rw,nosuid 0 0
/dev/sdc1 /run/media/li/KINGSTON exfat rw 0 0
/dev/sdd1 /mnt/usb vfat rw 0 0
/dev/sdd1 /mnt/usb vfat rw 0 0
tmpfs /media tmpfs rw 0 0
tools /mnt/sandbox/env tmpfs ro 0 0
";
        assert_eq!(
            parse_mounts(table),
            vec![
                PathBuf::from("/media/kezhang/U 盘"),
                PathBuf::from("/run/media/li/KINGSTON"),
                PathBuf::from("/mnt/usb"),
            ]
        );
    }

    #[test]
    fn escapes_decode_and_stray_backslashes_stay() {
        assert_eq!(unescape("a\\040b\\134c"), "a b\\c");
        assert_eq!(unescape("a\\09b\\"), "a\\09b\\");
        assert_eq!(unescape("\\777"), "\\777");
    }

    proptest! {
        #[test]
        fn any_table_parses_to_paths_under_the_roots(table in "[ -~\\n\\t盘]{0,400}") {
            for path in parse_mounts(&table) {
                let text = path.to_string_lossy().into_owned();
                prop_assert!(ROOTS.iter().any(|r| text.starts_with(r)));
            }
        }

        #[test]
        fn escaped_names_round_trip(name in "[a-zA-Z0-9 \\\\盘]{1,20}") {
            let escaped = name.replace('\\', "\\134").replace(' ', "\\040");
            let table = format!("/dev/sdb1 /media/u/{escaped} vfat rw 0 0\n");
            prop_assert_eq!(parse_mounts(&table), vec![PathBuf::from(format!("/media/u/{name}"))]);
        }
    }
}
