//! Every string key the code names exists in both languages (dynamic keys aside).

use std::path::Path;

use peixun::i18n::{keys, Lang};

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_literal_key_is_defined() {
    let zh = keys(Lang::Zh);
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut missing = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for piece in text.split('"').skip(1).step_by(2) {
            let is_key = [
                "cli.",
                "tui.",
                "campaign.",
                "sync.",
                "cert.",
                "help.",
                "notice.",
            ]
            .iter()
            .any(|p| piece.starts_with(p))
                && piece
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                && !piece.ends_with('.');
            if is_key && !zh.contains(&piece.to_string()) {
                missing.push(format!("{}: {piece}", file.display()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undefined string keys:\n{}",
        missing.join("\n")
    );
}
