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

/// A field a refusal names is said by its `cli.field.*` name in both languages, never by the
/// key itself (`cli.field.on: 日期 … 晚于今天`).
#[test]
fn every_field_a_refusal_names_has_a_name() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut missing = Vec::new();
    for lang in [Lang::Zh, Lang::En] {
        let defined = keys(lang);
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            // Validators also name fields through a closure of their own (`push("courses", …)`).
            let validator = ["src/domain", "src/app"]
                .iter()
                .any(|d| file.to_string_lossy().contains(d));
            let openers: &[&str] = if validator {
                &["Refusal::field(", "FieldError {", "push("]
            } else {
                &["Refusal::field(", "FieldError {", "errors.push("]
            };
            for opener in openers {
                for piece in text.split(opener).skip(1) {
                    let piece = piece.trim_start();
                    let piece = piece.strip_prefix("field:").unwrap_or(piece).trim_start();
                    let Some((field, _)) = piece
                        .strip_prefix('"')
                        .and_then(|rest| rest.split_once('"'))
                    else {
                        continue;
                    };
                    let key = format!("cli.field.{field}");
                    if !defined.contains(&key) {
                        missing.push(format!("{lang:?} {}: {key}", file.display()));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fields with no name:\n{}",
        missing.join("\n")
    );
}
