//! File and folder names that any office's computer and USB stick accept: Windows refuses
//! `<>:"/\|?*`, control characters, a trailing dot or space and device names (CON, COM1…), and
//! FAT and NTFS compare names without regard to case, so two names that differ only in case or
//! in a refused character are one file there and get a number to tell them apart.

use std::collections::HashSet;

/// Characters kept in a name part, so a path stays well under Windows' 260.
const MAX_CHARS: usize = 80;

/// Names Windows keeps for devices, with or without an extension.
const DEVICES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `name` as one safe path component: refused characters become `_`, the end loses dots and
/// spaces, a device name gets a `_`, a long name is cut keeping its extension; never empty.
pub fn safe_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let trimmed = replaced.trim().trim_end_matches(['.', ' ']);
    let (stem, ext) = split_ext(trimmed);
    let keep = MAX_CHARS.saturating_sub(ext.chars().count()).max(1);
    let mut stem: String = stem.chars().take(keep).collect();
    stem = stem.trim_end_matches(['.', ' ']).to_string();
    if stem.is_empty() || stem.chars().all(|c| c == '.') {
        stem = "_".to_string();
    }
    if DEVICES.iter().any(|d| stem.eq_ignore_ascii_case(d)) {
        stem.push('_');
    }
    format!("{stem}{ext}")
}

/// `name` split before its extension (`.pdf`); a leading dot is part of the stem.
fn split_ext(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(at) if at > 0 && name.len() - at <= 10 => name.split_at(at),
        _ => (name, ""),
    }
}

/// The names given out in one folder, so each new one is distinct from them on a disk that
/// ignores case: the second `照片.jpg` becomes `照片 (2).jpg`.
#[derive(Debug, Default)]
pub struct FolderNames {
    taken: HashSet<String>,
}

impl FolderNames {
    /// A safe name for `name` that no earlier name in this folder has.
    pub fn claim(&mut self, name: &str) -> String {
        let safe = safe_name(name);
        if self.taken.insert(safe.to_lowercase()) {
            return safe;
        }
        let (stem, ext) = split_ext(&safe);
        (2..)
            .map(|n| format!("{stem} ({n}){ext}"))
            .find(|candidate| self.taken.insert(candidate.to_lowercase()))
            .unwrap_or(safe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_characters_and_ends_are_made_safe() {
        assert_eq!(safe_name("签到表:第1期?.pdf"), "签到表_第1期_.pdf");
        assert_eq!(safe_name("a/b\\c.jpg"), "a_b_c.jpg");
        assert_eq!(safe_name("总结. "), "总结");
        assert_eq!(safe_name("con.txt"), "con_.txt");
        assert_eq!(safe_name("NUL"), "NUL_");
        assert_eq!(safe_name(""), "_");
        assert_eq!(safe_name(".."), "_");
        assert_eq!(safe_name("\u{7}x"), "_x");
        let long = format!("{}.docx", "长".repeat(200));
        let cut = safe_name(&long);
        assert!(cut.ends_with(".docx"));
        assert_eq!(cut.chars().count(), MAX_CHARS);
    }

    #[test]
    fn names_equal_but_for_case_or_refused_characters_get_numbers() {
        let mut names = FolderNames::default();
        assert_eq!(names.claim("照片.jpg"), "照片.jpg");
        assert_eq!(names.claim("照片.jpg"), "照片 (2).jpg");
        assert_eq!(names.claim("照片.JPG"), "照片 (3).JPG");
        assert_eq!(names.claim("a:b"), "a_b");
        assert_eq!(names.claim("a_b"), "a_b (2)");
        assert_eq!(names.claim("照片 (2).jpg"), "照片 (2) (2).jpg");
    }
}
