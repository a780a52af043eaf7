//! The library is layered: a module may use modules of its own layer or below, never above.
//! The order is written at the top of src/lib.rs; this reads every `crate::<module>` path in
//! the non-test code of each top-level module and fails on an edge that points up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Bottom to top; modules on one line share a layer.
const LAYERS: &[&[&str]] = &[
    &[
        "i18n",
        "dirs",
        "private_files",
        "text",
        "out",
        "heap",
        "file_at",
        "unfinished",
        "caught",
    ],
    &["error", "input_file", "service"],
    &["campaign", "domain", "config"],
    &["log"],
    &["store"],
    &["search", "cert"],
    &["sync", "backup"],
    &["sheets"],
    &["app", "demo"],
    &[
        "cli",
        "cli_cert",
        "cli_bundle",
        "cli_outreach",
        "cli_report",
        "cli_help",
        "args",
        "commands",
        "tui",
    ],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// Non-test source: whole files named for tests are skipped, and a file's `#[cfg(test)]` tail.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn leading_name(text: &str) -> String {
    text.trim_start()
        .chars()
        .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
        .collect()
}

/// The top-level modules a piece of code names: `crate::store::Store` and the members of
/// `use crate::{store::Store, log}`.
fn used_modules(code: &str) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + 7..];
        match rest.strip_prefix('{') {
            Some(group) => {
                let mut depth = 0;
                let mut start = 0;
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            used.insert(leading_name(&group[start..i]));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            used.insert(leading_name(&group[start..i]));
                            start = i + 1;
                        }
                        _ => {}
                    }
                }
            }
            None => {
                used.insert(leading_name(rest));
            }
        }
    }
    used
}

#[test]
fn grouped_paths_are_read_too() {
    let used = used_modules(
        "use crate::{store::Store, log::{Op, Payload}};\nlet x = crate::sync::hex(y);",
    );
    let used: Vec<&str> = used.iter().map(String::as_str).collect();
    assert_eq!(used, ["log", "store", "sync"]);
}

fn edges() -> BTreeMap<(String, String), BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let name = file.file_stem().unwrap().to_string_lossy();
        if name.contains("tests") || relative == "lib.rs" || relative == "main.rs" {
            continue;
        }
        let from = relative
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let code = code_of(&file);
        for to in used_modules(&code) {
            if to != from && layer_of(&to).is_some() {
                edges
                    .entry((from.clone(), to))
                    .or_default()
                    .insert(relative.clone());
            }
        }
    }
    edges
}

#[test]
fn every_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(src).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let module = name.trim_end_matches(".rs");
        if module == "lib" || module == "main" {
            continue;
        }
        assert!(
            layer_of(module).is_some(),
            "{module} has no layer in LAYERS"
        );
    }
}

#[test]
fn no_module_uses_one_above_it() {
    let upward: Vec<String> = edges()
        .into_iter()
        .filter(|((from, to), _)| layer_of(from) < layer_of(to))
        .map(|((from, to), files)| {
            let files: Vec<String> = files.into_iter().collect();
            format!("{from} -> {to} in {}", files.join(", "))
        })
        .collect();
    assert!(upward.is_empty(), "upward edges:\n{}", upward.join("\n"));
}

#[test]
fn the_order_in_lib_rs_is_the_one_checked() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for layer in LAYERS {
        let line = layer.join(", ");
        assert!(
            lib.contains(&line),
            "src/lib.rs does not list the layer `{line}`"
        );
    }
}

/// A path of modules from `from` back to itself, if the edges make one.
fn cycle_through(
    from: &str,
    edges: &BTreeMap<(String, String), BTreeSet<String>>,
) -> Option<Vec<String>> {
    fn walk(
        at: &str,
        goal: &str,
        edges: &BTreeMap<(String, String), BTreeSet<String>>,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for (a, b) in edges.keys() {
            if a != at {
                continue;
            }
            if b == goal {
                path.push(b.clone());
                return true;
            }
            if seen.insert(b.clone()) {
                path.push(b.clone());
                if walk(b, goal, edges, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![from.to_string()];
    walk(from, from, edges, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn no_two_modules_use_each_other() {
    let edges = edges();
    let cycles: Vec<String> = LAYERS
        .iter()
        .flat_map(|layer| layer.iter())
        .filter_map(|module| cycle_through(module, &edges))
        .map(|path| path.join(" -> "))
        .collect();
    assert!(cycles.is_empty(), "cycles:\n{}", cycles.join("\n"));
}

#[test]
fn a_cycle_is_seen() {
    let mut edges = BTreeMap::new();
    for (a, b) in [
        ("campaign", "domain"),
        ("domain", "text"),
        ("text", "campaign"),
    ] {
        edges.insert((a.to_string(), b.to_string()), BTreeSet::new());
    }
    assert_eq!(
        cycle_through("domain", &edges),
        Some(vec![
            "domain".into(),
            "text".into(),
            "campaign".into(),
            "domain".into()
        ])
    );
    edges.remove(&("text".to_string(), "campaign".to_string()));
    assert_eq!(cycle_through("domain", &edges), None);
}
