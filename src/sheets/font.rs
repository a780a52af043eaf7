//! The Chinese font a PDF report embeds (a subset of it: only the characters used), found on the
//! system: Noto Serif/Sans CJK (Debian's fonts-noto-cjk), Source Han, WenQuanYi (fonts-wqy-*),
//! AR PL (fonts-arphic-*), or the fonts of Windows and macOS; `pdf_font` in config.toml names
//! another. A font whose licence forbids embedding (OS/2 fsType "restricted") is passed over.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use color_eyre::eyre::Result;
use ttf_parser::{name_id, Face, Permissions};

use crate::error::user_error;
use crate::i18n::tf;

/// Font files by preference: serif first (official documents are set in 宋体), then sans.
const PREFERRED: &[&str] = &[
    "NotoSerifCJK-Regular.ttc",
    "NotoSerifCJKsc-Regular.otf",
    "NotoSerifSC-Regular.otf",
    "SourceHanSerif-Regular.ttc",
    "SourceHanSerifSC-Regular.otf",
    "NotoSansCJK-Regular.ttc",
    "NotoSansCJKsc-Regular.otf",
    "NotoSansSC-Regular.otf",
    "SourceHanSans-Regular.ttc",
    "SourceHanSansSC-Regular.otf",
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "uming.ttc",
    "ukai.ttc",
    "simsun.ttc",
    "simhei.ttf",
    "msyh.ttc",
    "Songti.ttc",
    "PingFang.ttc",
];

/// Where systems keep fonts.
fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = [
        "/usr/share/fonts",
        "/usr/local/share/fonts",
        "/Library/Fonts",
        "/System/Library/Fonts",
    ]
    .iter()
    .map(PathBuf::from)
    .collect();
    if let Some(data) = crate::dirs::user_data_dir() {
        dirs.push(data.join("fonts"));
    }
    if let Some(home) = crate::dirs::home_dir() {
        dirs.push(home.join(".fonts"));
    }
    if let Some(windows) = std::env::var_os("WINDIR") {
        dirs.push(PathBuf::from(windows).join("Fonts"));
    }
    dirs
}

/// Every file under `dir`, a few levels down.
fn files_under(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && depth > 0 {
            files_under(&path, depth - 1, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

/// A font ready to embed: its bytes, the face to use in a collection, and what it is called.
#[derive(Clone)]
pub struct PdfFont {
    pub data: Arc<Vec<u8>>,
    pub index: u32,
    pub family: String,
    pub path: PathBuf,
}

impl PdfFont {
    pub fn face(&self) -> Option<Face<'_>> {
        Face::parse(&self.data, self.index).ok()
    }
}

fn family(face: &Face) -> String {
    let names = face.names();
    [name_id::TYPOGRAPHIC_FAMILY, name_id::FAMILY]
        .iter()
        .find_map(|id| {
            names
                .into_iter()
                .filter(|n| n.name_id == *id && n.is_unicode())
                .find_map(|n| n.to_string())
        })
        .unwrap_or_default()
}

/// A face that draws Chinese and may be embedded.
fn usable(face: &Face) -> bool {
    face.permissions() != Some(Permissions::Restricted)
        && face.is_subsetting_allowed()
        && ['中', '国', '表']
            .iter()
            .all(|c| face.glyph_index(*c).is_some())
}

/// The face of `data` to use: in a collection the Simplified Chinese one (Noto's "SC", AR PL's
/// "CN"), else the first that can draw Chinese.
fn pick_face(data: &[u8]) -> Option<(u32, String)> {
    let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    let faces: Vec<(u32, String)> = (0..count)
        .filter_map(|i| {
            let face = Face::parse(data, i).ok()?;
            usable(&face).then(|| (i, family(&face)))
        })
        .collect();
    let simplified = |name: &str| {
        name.split_whitespace()
            .any(|w| matches!(w, "SC" | "CN" | "GB"))
    };
    faces
        .iter()
        .find(|(_, name)| simplified(name))
        .or(faces.first())
        .cloned()
}

fn load(path: &Path) -> Option<PdfFont> {
    let data = std::fs::read(path).ok()?;
    let (index, family) = pick_face(&data)?;
    Some(PdfFont {
        data: Arc::new(data),
        index,
        family,
        path: path.to_path_buf(),
    })
}

/// The font named by `pdf_font` in config.toml, or the first Chinese font found on the system.
pub fn find(configured: Option<&Path>) -> Result<PdfFont> {
    if let Some(path) = configured {
        return load(path).ok_or_else(|| {
            user_error(tf("cli.report.pdf_bad_font", &[("file", &path.display())]))
        });
    }
    let mut files = Vec::new();
    for dir in font_dirs() {
        files_under(&dir, 4, &mut files);
    }
    for wanted in PREFERRED {
        for file in files.iter().filter(|f| {
            f.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.eq_ignore_ascii_case(wanted))
        }) {
            if let Some(font) = load(file) {
                return Ok(font);
            }
        }
    }
    Err(user_error(crate::i18n::t("cli.report.pdf_no_font")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_font_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-font.ttf");
        std::fs::write(&path, b"hello").unwrap();
        let err = find(Some(&path)).err().unwrap();
        assert!(err.to_string().contains("not-a-font.ttf"), "{err}");
    }
}
