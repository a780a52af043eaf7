//! Every report as an official prints it: each kind in each format, nothing cut (the written row
//! heights and column widths hold the wrapped text; LibreOffice's rendering of the workbook and
//! our own PDF show every cell's whole text), numbers as numbers, A4 page setup, and the words
//! of the campaign documents. The rendering checks need LibreOffice (libreoffice-calc),
//! poppler-utils and a Chinese font: `.ci/run` installs them.

use crate::common::*;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::{open_workbook_auto, Data, Reader};

/// The demo stores are shared by the tests, and a store is opened by one process at a time.
static STORES: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `peixun` on a shared store, one run at a time.
fn run(store: &Path, args: &[&str]) -> std::process::Output {
    let _turn = STORES.lock().unwrap_or_else(|e| e.into_inner());
    peixun(store, args)
}

/// `command` (a `peixun` on a shared store), one run at a time.
fn run_command(command: &mut Command) -> std::process::Output {
    let _turn = STORES.lock().unwrap_or_else(|e| e.into_inner());
    command.output().unwrap()
}

/// The province demo (390 classes held by 2023-04-20), built once for the whole file.
fn province() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        stdout(&peixun(
            dir.path(),
            &["demo", "--no-tui", "--scale", "province"],
        ));
        dir
    })
    .path()
}

fn city() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        stdout(&peixun(dir.path(), &["demo", "--no-tui"]));
        dir
    })
    .path()
}

/// The session of the city demo on 2023-04-25 (华容区's first class).
fn huarong_session() -> String {
    let sessions = json(&run(city(), &["sessions", "--json"]));
    sessions
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["date"] == "2023-04-25")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The report command for `kind` on its store, without the file.
fn report_args(kind: &str) -> (&'static Path, Vec<String>) {
    match kind {
        "signin" => (
            city(),
            vec![
                "report".into(),
                "signin".into(),
                "--session".into(),
                huarong_session(),
            ],
        ),
        // 附件2 is the city's: its units' plans.
        "plans" => (city(), vec!["report".into(), "plans".into()]),
        // The call list is written from its rows kept in a scratch file, never held.
        "calls" => (
            city(),
            vec![
                "report".into(),
                "calls".into(),
                "--category".into(),
                "listed".into(),
            ],
        ),
        other => (province(), vec!["report".into(), other.into()]),
    }
}

const KINDS: [&str; 7] = [
    "stats",
    "checklist",
    "coverage",
    "certified",
    "signin",
    "plans",
    "calls",
];

/// Writes report `kind` as `file` (in a fresh folder); returns what the command said.
fn write(kind: &str, file: &Path) -> String {
    let (store, mut args) = report_args(kind);
    args.push("-o".into());
    args.push(file.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    stdout(&run(store, &args))
}

/// The text of every cell, row by row, as the CSV of the same report holds it.
fn csv_rows(kind: &str, dir: &Path) -> Vec<Vec<String>> {
    let file = dir.join(format!("{kind}.csv"));
    write(kind, &file);
    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    if kind == "signin" {
        rows[0][0] = without_version(&rows[0][0]);
    }
    rows
}

/// The CSV is the sheet printed again, a later version than the file under test (other tests
/// print on the same store meanwhile): its title is compared without the version.
fn without_version(title: &str) -> String {
    let (head, rest) = title.split_once("（第 ").expect("a versioned title");
    let (_, tail) = rest.split_once(" 版）").expect("a versioned title");
    format!("{head}{tail}")
}

/// A part of the xlsx zip as text.
fn part(xlsx: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(xlsx).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// `name="value"` inside `tag`.
fn attr(tag: &str, name: &str) -> Option<String> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(tag[start..end].to_string())
}

/// Column widths (by 0-based column), row heights in points (by 0-based row), and merged ranges
/// (first row, first column, last column) of the first sheet.
struct Layout {
    widths: BTreeMap<usize, f64>,
    heights: BTreeMap<usize, f64>,
    /// The height of a row that has none of its own.
    default_height: f64,
    merged: Vec<(usize, usize, usize)>,
}

fn column_index(letters: &str) -> usize {
    letters
        .chars()
        .take_while(|c| c.is_ascii_uppercase())
        .fold(0, |n, c| n * 26 + (c as usize - 'A' as usize + 1))
        - 1
}

fn layout(xlsx: &Path) -> Layout {
    let xml = part(xlsx, "xl/worksheets/sheet1.xml");
    let mut widths = BTreeMap::new();
    for tag in xml.split("<col ").skip(1) {
        let min: usize = attr(&format!(" {tag}"), "min").unwrap().parse().unwrap();
        let max: usize = attr(&format!(" {tag}"), "max").unwrap().parse().unwrap();
        let width: f64 = attr(&format!(" {tag}"), "width").unwrap().parse().unwrap();
        for col in min..=max {
            widths.insert(col - 1, width);
        }
    }
    let mut heights = BTreeMap::new();
    for tag in xml.split("<row ").skip(1) {
        let tag = format!(" {}", &tag[..tag.find('>').unwrap()]);
        let row: usize = attr(&tag, "r").unwrap().parse().unwrap();
        if let Some(ht) = attr(&tag, "ht") {
            heights.insert(row - 1, ht.parse().unwrap());
        }
    }
    let default_height = xml
        .split("<sheetFormatPr ")
        .nth(1)
        .and_then(|tag| attr(&format!(" {tag}"), "defaultRowHeight"))
        .map_or(15.0, |h| h.parse().unwrap());
    let mut merged = Vec::new();
    for tag in xml.split("<mergeCell ").skip(1) {
        let range = attr(&format!(" {tag}"), "ref").unwrap();
        let (from, to) = range.split_once(':').unwrap();
        let row: usize = from
            .trim_start_matches(|c: char| c.is_ascii_uppercase())
            .parse()
            .unwrap();
        merged.push((row - 1, column_index(from), column_index(to)));
    }
    Layout {
        widths,
        heights,
        default_height,
        merged,
    }
}

/// The fewest lines `text` can take in a column `width` Excel units wide, whatever the program
/// and font: a Chinese character is at least two units, anything else at least one, and a cell
/// loses about one unit to its padding.
fn fewest_lines(text: &str, width: f64) -> usize {
    use unicode_width::UnicodeWidthChar;
    let units: f64 = text
        .split('\n')
        .map(|p| {
            p.chars()
                .map(|c| c.width().unwrap_or(1).max(1) as f64)
                .sum::<f64>()
        })
        .map(|u| (u / (width - 1.0).max(1.0)).ceil().max(1.0))
        .sum();
    units as usize
}

/// The text of every cell of a workbook's first sheet, row by row from A1 (a note may take a
/// row a line).
fn sheet_texts(xlsx: &Path) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(xlsx).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    assert_eq!(range.start(), Some((0, 0)), "the title is in A1");
    range
        .rows()
        .map(|row| row.iter().map(ToString::to_string).collect())
        .collect()
}

#[test]
fn every_row_is_as_tall_as_its_text_in_every_workbook() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let xlsx = dir.path().join(format!("{kind}.xlsx"));
        write(kind, &xlsx);
        let rows = sheet_texts(&xlsx);
        let sheet = layout(&xlsx);
        let widths: Vec<f64> = sheet.widths.values().copied().collect();
        assert!(
            widths.iter().any(|w| (w - widths[0]).abs() > 0.5),
            "{kind}: widths from content, not all equal: {widths:?}"
        );
        for (r, row) in rows.iter().enumerate().skip(1) {
            let height = sheet
                .heights
                .get(&r)
                .copied()
                .unwrap_or(sheet.default_height);
            let merged = sheet.merged.iter().find(|m| m.0 == r);
            for (c, text) in row.iter().enumerate() {
                let width = match merged {
                    Some(&(_, first, last)) if c == first => {
                        (first..=last).map(|i| sheet.widths[&i]).sum()
                    }
                    _ => sheet.widths[&c],
                };
                let lines = fewest_lines(text, width);
                // Ten and a half points of text need twelve points a line at the least.
                assert!(
                    height >= lines as f64 * 12.0,
                    "{kind} row {} column {}: {text:?} needs {lines} lines in {width} units, \
                     the row is {height} pt",
                    r + 1,
                    c + 1
                );
            }
        }
    }
}

#[test]
fn every_report_is_an_a4_document_with_its_title_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let xlsx = dir.path().join(format!("{kind}.xlsx"));
        write(kind, &xlsx);
        let sheet = part(&xlsx, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("paperSize=\"9\""), "{kind}: A4");
        let landscape = matches!(
            kind,
            "stats" | "checklist" | "certified" | "plans" | "calls"
        );
        let orientation = if landscape { "landscape" } else { "portrait" };
        assert!(
            sheet.contains(&format!("orientation=\"{orientation}\"")),
            "{kind}: {orientation}"
        );
        let footer = sheet.split("<oddFooter>").nth(1).unwrap_or_default();
        assert!(
            footer.contains("第 &amp;P 页 共 &amp;N 页"),
            "{kind}: page numbers in the footer: {footer}"
        );
        assert!(footer.contains("制表日期：2023年4月20日"), "{footer}");
        let book = part(&xlsx, "xl/workbook.xml");
        assert!(book.contains("_xlnm.Print_Titles"), "{kind}: repeated rows");
        assert!(
            book.contains("!$1:$3"),
            "{kind}: title, line and header repeat"
        );
        let sheet_tag = format!(" {}", book.split("<sheet ").nth(1).unwrap());
        let name = attr(&sheet_tag, "name").unwrap();
        assert!(
            name != "Sheet1" && !name.is_ascii(),
            "{kind}: sheet named {name}"
        );
    }
}

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "{name} is needed to look at the printed pages: install libreoffice-calc, \
         poppler-utils and fonts-wqy-microhei (see .ci/run)"
    );
    Command::new(name)
}

/// The text of a PDF's pages.
fn pdf_text(pdf: &Path) -> String {
    let out = tool("pdftotext").arg(pdf).arg("-").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The workbook printed to PDF by LibreOffice, as an office would print it.
fn printed(xlsx: &Path) -> PathBuf {
    let out_dir = xlsx.parent().unwrap().join(format!(
        "printed-{}",
        xlsx.file_stem().unwrap().to_string_lossy()
    ));
    let profile = out_dir.join("profile");
    let out = tool("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out_dir)
        .arg(xlsx)
        .output()
        .unwrap();
    let pdf = out_dir.join(format!(
        "{}.pdf",
        xlsx.file_stem().unwrap().to_string_lossy()
    ));
    assert!(
        pdf.exists(),
        "LibreOffice: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pdf
}

/// Letters, digits and Chinese characters, counted: what must all be on the page.
fn counted<'a>(texts: impl Iterator<Item = &'a str>) -> HashMap<char, usize> {
    let mut counts = HashMap::new();
    for text in texts {
        for c in text.chars().filter(|c| c.is_alphanumeric()) {
            *counts.entry(c).or_default() += 1;
        }
    }
    counts
}

/// Every character of every cell is on the pages: the body once, and the title, the line under
/// it and the header once per page (they repeat). A cell cut by its row or column loses some.
fn assert_whole(kind: &str, rows: &[Vec<String>], pages_text: &str) {
    let pages = pages_text.matches('\u{c}').count().max(1);
    let mut wanted = counted(rows.iter().skip(3).flatten().map(String::as_str));
    for (c, n) in counted(rows.iter().take(3).flatten().map(String::as_str)) {
        *wanted.entry(c).or_default() += n * pages;
    }
    let shown = counted(std::iter::once(pages_text));
    let mut missing: Vec<String> = wanted
        .iter()
        .filter(|(c, n)| shown.get(c).copied().unwrap_or(0) < **n)
        .map(|(c, n)| format!("{c} {}/{n}", shown.get(c).copied().unwrap_or(0)))
        .collect();
    missing.sort();
    assert!(
        missing.is_empty(),
        "{kind}: characters cut off the {pages} pages (shown/wanted): {}",
        missing.join(", ")
    );
}

#[test]
fn printed_by_libreoffice_every_cell_is_whole() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let xlsx = dir.path().join(format!("{kind}.xlsx"));
        write(kind, &xlsx);
        let rows = csv_rows(kind, dir.path());
        assert_whole(kind, &rows, &pdf_text(&printed(&xlsx)));
    }
}

#[test]
fn our_own_pdf_shows_every_cell_whole_with_page_numbers() {
    let dir = tempfile::tempdir().unwrap();
    for kind in KINDS {
        let pdf = dir.path().join(format!("{kind}.pdf"));
        let said = write(kind, &pdf);
        assert!(said.contains(&pdf.display().to_string()), "{said}");
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{kind}");
        let text = pdf_text(&pdf);
        let rows = csv_rows(kind, dir.path());
        assert_whole(kind, &rows, &text);
        let pages = text.matches('\u{c}').count();
        // pdftotext may drop the spaces between Chinese characters.
        let bare: String = text.chars().filter(|c| *c != ' ').collect();
        assert!(
            bare.contains(&format!("第1页共{pages}页"))
                && bare.contains(&format!("第{pages}页共{pages}页")),
            "{kind}: {pages} pages numbered"
        );
        assert!(text.contains("制表日期：2023年4月20日"), "{kind}");
    }
}

#[test]
fn the_province_statistics_table_keeps_numbers_dates_and_a_formula_total() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("统计表.xlsx");
    let said = write("stats", &xlsx);
    assert!(said.contains("390 个培训班"), "{said}");
    let mut book = open_workbook_auto(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["统计表"]);
    let range = book.worksheet_range("统计表").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    assert_eq!(
        rows[1][0],
        Data::String("单位（盖章）：湖北省知识产权局".into())
    );
    let total_at = rows
        .iter()
        .position(|r| r[0] == Data::String("合计".into()))
        .unwrap();
    assert_eq!(total_at - 3, 390);
    let mut people = 0.0;
    let mut unrecorded = Vec::new();
    for (i, row) in rows[3..total_at].iter().enumerate() {
        assert_eq!(row[0], Data::Float((i + 1) as f64), "序号 is a number");
        match &row[4] {
            Data::Float(n) => people += n,
            Data::String(remark) => {
                assert_eq!(remark, "未录入");
                unrecorded.push((i + 1).to_string());
            }
            other => panic!("人数 {other:?}"),
        }
        assert!(
            matches!(row[5], Data::DateTime(_)),
            "时间 is a date: {:?}",
            row[5]
        );
    }
    assert!(!unrecorded.is_empty(), "the demo has classes held today");
    assert_eq!(rows[total_at][4], Data::Float(people));
    let note = rows[total_at + 1][0].to_string();
    assert!(note.contains(&unrecorded.join("、")), "{note}");
    let formulas = book.worksheet_formula("统计表").unwrap();
    let formula = formulas
        .get_value((total_at as u32, 4))
        .cloned()
        .unwrap_or_default();
    assert_eq!(formula, format!("SUM(E4:E{total_at})"));
    // The 时间 cells read as Chinese dates with their hours.
    let cells = part(&xlsx, "xl/styles.xml");
    assert!(
        cells.contains("yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"),
        "{cells}"
    );
}

#[test]
fn roll_ups_and_the_roster_are_numbers_and_dates_too() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, sheet, numbers, dates) in [
        ("coverage", "覆盖情况", vec![1, 2, 3], vec![]),
        ("checklist", "工作清单", vec![3, 5], vec![2]),
        ("certified", "获证名单", vec![0, 7, 8, 10], vec![6]),
    ] {
        let xlsx = dir.path().join(format!("{kind}.xlsx"));
        write(kind, &xlsx);
        let mut book = open_workbook_auto(&xlsx).unwrap();
        assert_eq!(book.sheet_names(), [sheet]);
        let range = book.worksheet_range(sheet).unwrap();
        // A note under the table (the coverage's categories) is one cell of text.
        let is_note = |r: &&[Data]| r.iter().skip(1).all(|c| *c == Data::Empty);
        let body: Vec<&[Data]> = range.rows().skip(3).filter(|r| !is_note(r)).collect();
        assert!(body.len() > 10, "{kind}");
        // A done or waived item has no days left: its cell is empty.
        let settled = |row: &[Data], col: usize| {
            kind == "checklist"
                && col == 3
                && matches!(&row[4], Data::String(s) if s == "已完成" || s == "免报")
        };
        for row in &body {
            for &col in &numbers {
                if settled(row, col) {
                    assert_eq!(row[col], Data::Empty, "{kind}");
                    continue;
                }
                assert!(
                    matches!(row[col], Data::Float(_) | Data::String(_)),
                    "{kind}: {:?}",
                    row[col]
                );
            }
            for &col in &dates {
                assert!(
                    matches!(row[col], Data::DateTime(_)),
                    "{kind}: {:?}",
                    row[col]
                );
            }
        }
        // Only a remark (缺考) may stand where a number goes.
        let figures = body
            .iter()
            .filter(|r| {
                numbers
                    .iter()
                    .all(|&c| settled(r, c) || matches!(r[c], Data::Float(_)))
            })
            .count();
        assert!(
            figures * 10 > (body.len() + 3) * 9,
            "{kind}: numbers are numbers"
        );
    }
}

#[test]
fn coverage_adds_counties_into_cities_and_cities_into_the_total() {
    let rows = json(&run(province(), &["report", "coverage", "--json"]));
    let rows = rows.as_array().unwrap();
    let figure = |r: &serde_json::Value| r["enterprises_reached"].as_u64().unwrap();
    let total = rows.last().unwrap();
    assert_eq!(total["unit"], "合计");
    let cities: Vec<&serde_json::Value> = rows.iter().filter(|r| r["depth"] == 1).collect();
    assert_eq!(cities.len(), 17);
    assert_eq!(cities.iter().map(|r| figure(r)).sum::<u64>(), figure(total));
    let wuhan = rows.iter().position(|r| r["unit"] == "420100").unwrap();
    let districts: u64 = rows[wuhan + 1..]
        .iter()
        .take_while(|r| r["depth"] == 2)
        .map(figure)
        .sum();
    assert!(districts > 0);
    assert_eq!(
        figure(&rows[wuhan]),
        districts,
        "武汉市 is its districts' subtotal"
    );
    // The province has the campaign's target; a city has none.
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("覆盖.csv");
    stdout(&run(
        province(),
        &["report", "coverage", "-o", csv.to_str().unwrap()],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.contains("目标企业数") && text.contains("10000"),
        "{text}"
    );
    // The other two targets: the cities and county-level units with someone trained.
    let covered = |level: u64| {
        rows.iter()
            .filter(|r| r["depth"] == level && r["people_reached"].as_u64().unwrap() > 0)
            .count()
    };
    let line = format!("覆盖市州 {}/17", covered(1));
    assert!(text.contains(&line), "{line}: {text}");
    assert!(text.contains("/103"), "{text}");
    // And by the target's four categories, each within the enterprises reached.
    let by_category = total["reached_by_category"].as_object().unwrap();
    assert_eq!(by_category.len(), 4);
    assert!(by_category
        .values()
        .all(|n| n.as_u64().unwrap() <= figure(total)));
    let high_tech = by_category["高新技术企业"].as_u64().unwrap();
    assert!(high_tech > 0, "{by_category:?}");
    let note = format!("已参训企业中：高新技术企业 {high_tech} 家");
    assert!(text.contains(&note), "{note}: {text}");
    stdout(&run(
        province(),
        &[
            "report",
            "coverage",
            "--office",
            "鄂州市",
            "-o",
            csv.to_str().unwrap(),
        ],
    ));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(!text.contains("目标") && !text.contains("10000"), "{text}");
    // Nothing here came by bundle: no unit is said to be stale or missing.
    assert!(
        !text.contains("数据截至") && !text.contains("尚未收到"),
        "{text}"
    );
}

#[test]
fn the_roster_is_dated_no_earlier_than_its_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let rows = csv_rows("certified", dir.path());
    let newest = rows[3..]
        .iter()
        .map(|r| r[6].clone())
        .filter(|d| !d.is_empty())
        .max_by_key(|d| {
            let (y, rest) = d.split_once('年').unwrap();
            let (m, rest) = rest.split_once('月').unwrap();
            let d = rest.trim_end_matches('日');
            (
                y.parse::<u32>().unwrap(),
                m.parse::<u32>().unwrap(),
                d.parse::<u32>().unwrap(),
            )
        })
        .unwrap();
    assert!(
        rows[1][0].ends_with(&format!("截至 {newest}")),
        "{:?}",
        rows[1]
    );
}

#[test]
fn the_extension_decides_the_format_and_others_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let session = huarong_session();
    for (name, magic) in [
        ("签到表.csv", &b"\xEF\xBB\xBF"[..]),
        ("签到表.xlsx", b"PK"),
        ("签到表.pdf", b"%PDF"),
    ] {
        let file = dir.path().join(name);
        let said = stdout(&run(
            city(),
            &[
                "report",
                "signin",
                "--session",
                &session,
                "-o",
                file.to_str().unwrap(),
            ],
        ));
        assert!(said.contains(&file.display().to_string()), "{said}");
        assert!(std::fs::read(&file).unwrap().starts_with(magic), "{name}");
    }
    for name in ["c.ods", "x.txt", "无扩展名"] {
        let file = dir.path().join(name);
        let out = run(
            city(),
            &["report", "coverage", "-o", file.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(2), "{name}");
        let said = stderr(&out);
        assert!(said.contains(name) && said.contains(".xlsx"), "{said}");
        assert!(said.contains(".csv") && said.contains(".pdf"), "{said}");
        assert!(!file.exists(), "nothing written as {name}");
        let out = run(
            city(),
            &[
                "--lang",
                "en",
                "report",
                "stats",
                "-o",
                file.to_str().unwrap(),
            ],
        );
        assert!(stderr(&out).contains("use one of"), "{}", stderr(&out));
    }
}

#[test]
fn a_report_without_a_file_gets_a_plain_name_and_its_absolute_path_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let run_here = |args: &[&str]| {
        run_command(
            Command::new(env!("CARGO_BIN_EXE_peixun"))
                .arg("--data-dir")
                .arg(city())
                .args(args)
                .current_dir(dir.path())
                .env_remove("PEIXUN_LANG"),
        )
    };
    let said = stdout(&run_here(&[
        "report",
        "signin",
        "--session",
        &huarong_session(),
    ]));
    let file = dir.path().join("签到表-华容区第1期-2023-04-25.xlsx");
    assert!(file.exists(), "{said}");
    let absolute = std::fs::canonicalize(&file).unwrap();
    assert!(said.contains(&absolute.display().to_string()), "{said}");
    let said = stdout(&run_here(&["report", "stats", "-o", "统计表.csv"]));
    let absolute = std::fs::canonicalize(dir.path().join("统计表.csv")).unwrap();
    assert!(said.contains(&absolute.display().to_string()), "{said}");
}

#[test]
fn the_stamp_line_is_the_official_name_from_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("peixun")).unwrap();
    std::fs::write(
        config.join("peixun").join("config.toml"),
        "official_name = \"鄂州市市场监督管理局（知识产权局）\"\n",
    )
    .unwrap();
    let csv = dir.path().join("统计表.csv");
    let run = |office: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_peixun"));
        command
            .arg("--data-dir")
            .arg(city())
            .args(["report", "stats", "-o"])
            .arg(&csv)
            .env("XDG_CONFIG_HOME", &config)
            .env_remove("PEIXUN_LANG");
        if let Some(office) = office {
            command.args(["--office", office]);
        }
        stdout(&run_command(&mut command));
        std::fs::read_to_string(&csv).unwrap()
    };
    assert!(
        run(None).contains("单位（盖章）：鄂州市市场监督管理局（知识产权局）"),
        "the configured name"
    );
    let text = run(Some("鄂城区"));
    assert!(
        text.contains("单位（盖章）：鄂城区局"),
        "a district's report: {text}"
    );
    let text = run(Some("临空经济区"));
    assert!(text.contains("单位（盖章）：临空分局"), "{text}");
    assert!(
        !text.contains("鄂州临空经济区"),
        "zones by the seed's names: {text}"
    );
}
