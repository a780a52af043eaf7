//! Flattens the string tables of `assets/i18n/<lang>/<area>.toml` into sorted arrays of
//! `("area.key", "text")` compiled into the binary, so that no command parses them at start-up.
//! A table that does not parse stops the build, naming the file.

use std::fmt::Write as _;
use std::path::Path;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, String)>) {
    for (key, value) in table {
        let full = format!("{prefix}.{key}");
        match value {
            toml::Value::String(s) => out.push((full, s.clone())),
            toml::Value::Table(inner) => flatten(&full, inner, out),
            other => out.push((full, other.to_string())),
        }
    }
}

fn table(dir: &Path) -> Vec<(String, String)> {
    let mut entries = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    for path in files {
        let area = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        let parsed: toml::Table = text
            .parse()
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()));
        flatten(area, &parsed, &mut entries);
    }
    entries.sort();
    entries
}

fn main() {
    println!("cargo:rerun-if-changed=assets/i18n");
    let mut code = String::new();
    for (name, dir) in [("ZH", "assets/i18n/zh-CN"), ("EN", "assets/i18n/en")] {
        println!("cargo:rerun-if-changed={dir}");
        writeln!(code, "static {name}: &[(&str, &str)] = &[").unwrap_or_default();
        for (key, text) in table(Path::new(dir)) {
            writeln!(code, "    ({key:?}, {text:?}),").unwrap_or_default();
        }
        writeln!(code, "];").unwrap_or_default();
    }
    let out = std::env::var("OUT_DIR").unwrap_or_else(|e| panic!("OUT_DIR: {e}"));
    std::fs::write(Path::new(&out).join("strings.rs"), code)
        .unwrap_or_else(|e| panic!("writing the string tables: {e}"));
}
