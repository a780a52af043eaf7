//! The 报表 tab: reports written through a form (the worker's job runs in place here), read back
//! from the file; an import previewed, refused with bad rows, then committed without them.

use calamine::{open_workbook_auto, Data, Reader};
use crossterm::event::KeyCode;

use super::fixtures::*;
use super::snapshot_sizes;
use peixun::tui::app::{Overlay, State, Tab};
use peixun::tui::tabs::reports::{Entry, ReportKind, ENTRIES};
use peixun::tui::Theme;

/// The county store with its first session's day passed, so it counts as held.
fn after_the_first_session() -> (tempfile::TempDir, peixun::store::Store, State) {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    state.today = day("2023-03-20");
    press(&store, &mut state, KeyCode::Char('5'));
    assert_eq!(state.tab, Tab::Reports);
    (dir, store, state)
}

/// Replaces the focused text field's value.
fn retype(store: &peixun::store::Store, state: &mut State, text: &str) {
    press(store, state, KeyCode::End);
    for _ in 0..80 {
        press(store, state, KeyCode::Backspace);
    }
    typed(store, state, text);
}

fn cells(path: &std::path::Path) -> Vec<Vec<String>> {
    let mut book = open_workbook_auto(path).expect("open the written file");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("first sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn snapshot_reports_tab() {
    let (_dir, _store, mut state) = after_the_first_session();
    snapshot_sizes("reports", &state);
    // While the worker runs: what, for how long, its latest step.
    state.reports.running = Some(("正在生成统计表".into(), "正在汇总数据…".into(), 1234));
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(find(buffer, "正在生成统计表… 1.2 秒").is_some());
    assert!(find(buffer, "正在汇总数据…").is_some());
}

#[test]
fn a_written_statistics_table_reads_back() {
    let (dir, store, mut state) = after_the_first_session();
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("no report form");
    };
    // The default file: in the reports folder the form names, named by report, office and day.
    let path = form.field("path").expect("path").value().to_string();
    assert_eq!(path, "~/peixun-reports/统计表-鄂城区-2023-03-20.xlsx");
    assert!(form
        .field("path")
        .expect("path")
        .hint
        .contains("peixun-reports"));
    press(&store, &mut state, KeyCode::Tab);
    let file = dir.path().join("统计表.xlsx");
    retype(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let outcome = state.reports.outcome.clone().expect("an outcome");
    assert!(!outcome.error, "{}", outcome.text);
    assert!(outcome.text.contains("1 个培训班"), "{}", outcome.text);

    let rows = cells(&file);
    assert!(
        rows[1][0].contains("鄂城区"),
        "the 单位（盖章） line: {:?}",
        rows[1]
    );
    assert_eq!(
        rows[2],
        [
            "序号",
            "培训班名称",
            "培训内容",
            "培训对象",
            "人数",
            "时间",
            "地点",
            "主办单位"
        ]
    );
    assert_eq!(rows[3][1], "知识产权强国新法政策解读专题培训班");
    assert_eq!(rows[3][4], "1", "one person checked in");
    assert_eq!(rows[3][6], "鄂城区政务中心三楼");
    assert_eq!(rows.last().map(|r| r[0].as_str()), Some("合计"));
}

#[test]
fn the_outcome_names_the_file_whole_at_80_columns() {
    let (dir, store, mut state) = after_the_first_session();
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    // A folder deep enough that the message cannot fit on one line.
    let folder = dir
        .path()
        .join("二〇二三年百县万企知识产权大培训")
        .join("各单位统计表存档");
    std::fs::create_dir_all(&folder).expect("folder");
    let file = folder.join("统计表-鄂城区-2023-03-20.pdf");
    retype(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let outcome = state.reports.outcome.clone().expect("an outcome");
    assert!(!outcome.error, "{}", outcome.text);
    assert!(std::fs::read(&file).expect("written").starts_with(b"%PDF"));
    assert!(
        outcome.text.contains(&file.display().to_string()),
        "{}",
        outcome.text
    );
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(
        find(buffer, "统计表-鄂城区-2023-03-20.pdf").is_some(),
        "the file's name on one line:\n{buffer:?}"
    );
    // A name the program cannot write is refused in the form, with the formats it can.
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    retype(
        &store,
        &mut state,
        &folder.join("统计表.ods").display().to_string(),
    );
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open");
    };
    let error = form
        .field("path")
        .and_then(|f| f.error.clone())
        .unwrap_or_default();
    assert!(error.contains(".xlsx") && error.contains(".pdf"), "{error}");
}

#[test]
fn a_coverage_table_goes_to_csv_in_gb18030() {
    let (dir, store, mut state) = after_the_first_session();
    choose(&store, &mut state, ReportKind::Coverage);
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    let file = dir.path().join("覆盖.csv");
    retype(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Enter);
    let bytes = std::fs::read(&file).expect("written");
    let (text, _, bad) = encoding_rs::GB18030.decode(&bytes);
    assert!(!bad);
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no UTF-8 BOM");
    assert!(text.contains("鄂城区培训覆盖情况"), "{text}");
    assert!(text.contains("已参训企业"), "{text}");
    // Every row is the office's own work: nothing to say how current it is.
    assert!(
        !text.contains("数据截至") && !text.contains("本单位"),
        "{text}"
    );
}

#[test]
fn the_sign_in_sheet_is_of_the_session_selected_on_the_sessions_tab() {
    let (dir, store, mut state) = after_the_first_session();
    state.sessions.selected = 0;
    press(&store, &mut state, KeyCode::Down);
    press(&store, &mut state, KeyCode::Enter);
    let file = dir.path().join("签到.xlsx");
    retype(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let rows = cells(&file);
    assert!(rows[0][0].starts_with("知识产权强国新法政策解读专题培训班"));
    // Title, line, header, three people, then the block for walk-ins (its rows blank).
    assert!(!rows[5][1].is_empty(), "the third person");
    assert!(rows[6][0].starts_with("现场报名"), "{:?}", rows[6]);
    assert_eq!(rows.len(), 3 + 3 + 1);
}

const SHEET: &str = "鄂城区报名表\n\n序号,姓名,手机号,单位名称,职务\n\
    1,王小明,13912345678,鄂州市华宇光电科技有限公司,经理\n\
    2,李红,138,鄂州新材料有限公司,专员\n\
    3,赵强,13700001111,鄂州新材料有限公司,\n";

#[test]
fn an_import_shows_a_preview_refuses_bad_rows_and_can_leave_them_out() {
    let (dir, store, mut state) = after_the_first_session();
    let file = dir.path().join("报名表.csv");
    std::fs::write(&file, SHEET).expect("write sheet");
    press(&store, &mut state, KeyCode::Char('i'));
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let preview = state.reports.preview.as_ref().expect("a preview");
    assert_eq!(preview.plan.header_row, 3);
    assert_eq!(preview.plan.rows, 3);
    assert_eq!(preview.plan.errors.len(), 1);
    assert_eq!(preview.plan.errors[0].row, 5);
    let terminal = draw(&state, 80, 24);
    assert!(find(terminal.backend().buffer(), "第 5 行").is_some());
    // The temp dir's name changes every run: the snapshot shows a fixed one.
    if let Some(preview) = state.reports.preview.as_mut() {
        preview.job.path = "报名表.csv".into();
    }
    snapshot_sizes("import_preview", &state);

    // Enter: all or nothing, and there is a bad row: nothing.
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(op_count(&store), before);
    assert!(state.status.as_ref().is_some_and(|s| s.error));
    assert!(state.reports.preview.is_some());
    // s: the two good rows, in one commit.
    press(&store, &mut state, KeyCode::Char('s'));
    assert!(op_count(&store) > before);
    assert!(state.reports.preview.is_none());
    let names: Vec<String> = store
        .people()
        .expect("people")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert!(names.contains(&"王小明".to_string()) && names.contains(&"赵强".to_string()));
    assert!(!names.contains(&"李红".to_string()));
}

/// A sheet of `rows` people, each with the phone `phone(i)`.
fn long_sheet(rows: usize, phone: impl Fn(usize) -> String) -> String {
    let mut sheet = String::from("序号,姓名,手机号\n");
    for i in 0..rows {
        sheet.push_str(&format!("{},欧阳{i},{}\n", i + 1, phone(i)));
    }
    sheet
}

#[test]
fn a_long_clean_import_says_so_on_whole_lines_and_goes_in_whole() {
    let (dir, store, mut state) = after_the_first_session();
    let file = dir.path().join("全省.csv");
    std::fs::write(&file, long_sheet(2_500, |i| format!("137{i:08}"))).expect("write");
    press(&store, &mut state, KeyCode::Char('i'));
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("下次打开会写完"), "{screen}");
    let before = store.people().expect("people").len();
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(store.people().expect("people").len(), before + 2_500);
}

#[test]
fn bad_rows_past_those_listed_are_counted_on_screen() {
    let (dir, store, mut state) = after_the_first_session();
    let file = dir.path().join("全省.csv");
    let rows = peixun::sheets::import::KEPT_ERRORS + 30;
    std::fs::write(&file, long_sheet(rows, |_| "138".into())).expect("write");
    press(&store, &mut state, KeyCode::Char('i'));
    typed(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains(&format!("{rows} 行有误")), "{screen}");
    let below: usize = screen
        .split("还有 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of the rows below: {screen}"));
    assert!((rows - 24..rows).contains(&below), "{below}: {screen}");
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(op_count(&store), before, "refused whole");
}

/// `i`, the file, the kind set to an enterprise list, Enter: its preview.
fn preview_enterprise_list(
    store: &peixun::store::Store,
    state: &mut State,
    file: &std::path::Path,
) {
    press(store, state, KeyCode::Char('i'));
    typed(store, state, &file.display().to_string());
    press(store, state, KeyCode::Tab);
    press(store, state, KeyCode::Right);
    press(store, state, KeyCode::Enter);
}

#[test]
fn a_clean_import_goes_in_whole_and_esc_cancels_one() {
    let (dir, store, mut state) = after_the_first_session();
    let file = dir.path().join("企业.csv");
    std::fs::write(
        &file,
        "企业名称,统一社会信用代码\n鄂州市新兴材料有限公司,\n",
    )
    .expect("write");
    preview_enterprise_list(&store, &mut state, &file);
    assert!(state.reports.preview.is_some());
    let before = op_count(&store);
    // Esc: nothing written.
    press(&store, &mut state, KeyCode::Esc);
    assert!(state.reports.preview.is_none());
    assert_eq!(op_count(&store), before);
    // Again, and Enter.
    preview_enterprise_list(&store, &mut state, &file);
    press(&store, &mut state, KeyCode::Enter);
    assert!(op_count(&store) > before);
    let names: Vec<String> = store
        .enterprises()
        .expect("enterprises")
        .into_iter()
        .map(|e| e.name)
        .collect();
    assert!(
        names.contains(&"鄂州市新兴材料有限公司".to_string()),
        "{names:?}"
    );
}

#[test]
fn a_units_tables_written_at_the_city_say_how_current_the_city_is_about_it() {
    use peixun::sheets::write::Encoding;
    use peixun::tui::jobs::{execute, Done, Work};
    use peixun::tui::tabs::reports::{ReportJob, ReportKind};

    let (dir, store) = city_store();
    for (kind, name) in [
        (ReportKind::Coverage, "覆盖.csv"),
        (ReportKind::Checklist, "清单.csv"),
    ] {
        let path = dir.path().join(name);
        let job = ReportJob {
            kind,
            office: ECHENG.into(),
            session: None,
            path: path.clone(),
            encoding: Encoding::Utf8,
            today: day("2023-03-20"),
            calls: Default::default(),
        };
        let done = execute(&store, Work::Report(job), &|_| {});
        assert!(matches!(done, Done::Written(_)), "{name}");
        let text = std::fs::read_to_string(&path).expect("written");
        // Nothing came from 鄂城区 yet; its rows are not the city's own work.
        assert!(text.contains("尚未收到"), "{text}");
        assert!(!text.contains("本单位"), "{text}");
    }
}

#[test]
fn an_import_of_a_missing_file_or_a_folder_says_which() {
    let (dir, store, mut state) = after_the_first_session();
    let missing = dir.path().join("报名表.xlsx");
    press(&store, &mut state, KeyCode::Char('i'));
    for (place, said) in [
        (missing.display().to_string(), "找不到"),
        (dir.path().display().to_string(), "不是一个文件"),
    ] {
        retype(&store, &mut state, &place);
        press(&store, &mut state, KeyCode::Enter);
        let Overlay::Form(form) = &state.overlay else {
            panic!("the form stays open");
        };
        let error = form.fields[0].error.clone().unwrap_or_default();
        assert!(error.contains(said) && error.contains(&place), "{error}");
    }
    assert!(state.reports.preview.is_none());
}

/// Time reaches the screen only as a tick's data: the seconds shown follow it, and the screen is
/// drawn again only when the tenths shown change.
#[test]
fn a_running_jobs_seconds_follow_the_ticks() {
    use peixun::tui::{step, AppEvent};
    use std::time::{Duration, Instant};

    let (_dir, _store, mut state) = after_the_first_session();
    let since = Instant::now();
    state.job_since = Some(since);
    state.reports.running = Some(("正在生成统计表".into(), String::new(), 0));
    state.dirty = false;
    let tick = |ms| AppEvent::Tick(since + Duration::from_millis(ms));
    assert!(step(&mut state, tick(50)).is_empty());
    assert!(!state.dirty, "the same tenth");
    step(&mut state, tick(1234));
    assert!(state.dirty);
    assert_eq!(state.reports.running.as_ref().map(|r| r.2), Some(1234));
}

/// One job at a time, whichever tab asked for the one running: the form stays open to try again.
#[test]
fn a_second_job_waits_its_turn_with_the_form_open() {
    let (dir, store, mut state) = after_the_first_session();
    // A bundle being written on the 同步 tab (its worker is never done here).
    state.job_since = Some(std::time::Instant::now());
    press(&store, &mut state, KeyCode::Enter);
    retype(
        &store,
        &mut state,
        &dir.path().join("统计.csv").display().to_string(),
    );
    press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(state.overlay, Overlay::Form(_)));
    let status = state.status.clone().expect("a status line");
    assert!(status.error && status.text.contains("稍候"), "{status:?}");
    assert!(!dir.path().join("统计.csv").exists());
}

/// Moves the 报表 list to `kind`'s entry with the movement keys.
fn choose(store: &peixun::store::Store, state: &mut peixun::tui::app::State, kind: ReportKind) {
    let at = ENTRIES
        .iter()
        .position(|e| *e == Entry::Report(kind))
        .expect("an entry for the report");
    press(store, state, KeyCode::Char('g'));
    for _ in 0..at {
        press(store, state, KeyCode::Down);
    }
    assert_eq!(state.reports.selected, at);
}

#[test]
fn the_annex_5_package_is_written_from_the_reports_tab_as_a_zip() {
    let (dir, store, mut state) = after_the_first_session();
    choose(&store, &mut state, ReportKind::Package);
    press(&store, &mut state, KeyCode::Enter);
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("the package form did not open");
    };
    assert!(
        form.field("encoding").is_none(),
        "a package has no CSV encoding"
    );
    assert!(form
        .field("path")
        .is_some_and(|f| f.value().ends_with(".zip")));
    press(&store, &mut state, KeyCode::Tab);
    let zip_path = dir.path().join("附件5.zip");
    retype(&store, &mut state, &zip_path.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let file = std::fs::File::open(&zip_path).expect("the package was written");
    let mut archive = zip::ZipArchive::new(file).expect("a zip");
    let names: Vec<String> = (0..archive.len())
        .map(|i| archive.by_index(i).expect("entry").name().to_string())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("index.xlsx")), "{names:?}");
    assert!(names.iter().any(|n| n.contains("签到")), "{names:?}");
    let outcome = state
        .reports
        .outcome
        .as_ref()
        .expect("an outcome on screen");
    assert!(outcome.text.contains("附件5.zip"), "{}", outcome.text);

    // The same name again: refused beside the path, the form and what was typed kept.
    let written = std::fs::read(&zip_path).expect("the first package");
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    retype(&store, &mut state, &zip_path.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("the form closed on a refused path");
    };
    let path = form.field("path").expect("the path field");
    assert_eq!(path.value(), zip_path.display().to_string());
    assert!(
        path.error.as_ref().is_some_and(|e| e.contains("附件5.zip")),
        "{:?}",
        path.error
    );
    assert_eq!(std::fs::read(&zip_path).expect("still there"), written);
}

#[test]
fn the_bulletin_is_written_from_the_reports_tab() {
    let (dir, store, mut state) = after_the_first_session();
    choose(&store, &mut state, ReportKind::Bulletin);
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    let file = dir.path().join("通报.csv");
    retype(&store, &mut state, &file.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("线下培训班次"), "{text}");
    assert!(text.contains("鄂城区"), "{text}");
}

#[test]
fn ctrl_u_clears_a_default_path_left_of_the_cursor() {
    let (_dir, store, mut state) = after_the_first_session();
    choose(&store, &mut state, ReportKind::Bulletin);
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    let path = |state: &State| match &state.overlay {
        Overlay::Form(form) => form.field("path").map(|f| f.value().to_string()),
        _ => None,
    };
    let default = path(&state).expect("the path field");
    assert!(default.ends_with(".xlsx"), "{default}");
    // Left of ".xlsx": Ctrl-U keeps what is right of the cursor.
    for _ in 0..5 {
        press(&store, &mut state, KeyCode::Left);
    }
    ctrl(&store, &mut state, 'u');
    assert_eq!(path(&state).as_deref(), Some(".xlsx"));
    typed(&store, &mut state, "/tmp/通报");
    assert_eq!(path(&state).as_deref(), Some("/tmp/通报.xlsx"));
}

#[test]
fn the_call_list_is_written_from_the_reports_tab_and_its_export_is_logged() {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    choose(&store, &mut state, ReportKind::Calls);
    press(&store, &mut state, KeyCode::Enter);
    let peixun::tui::app::Overlay::Form(form) = &state.overlay else {
        panic!("the call list form did not open");
    };
    assert!(
        form.field("office").is_none(),
        "a call list is of this office"
    );
    // Category (all), then which: from "only untrained" to "all enterprises".
    press(&store, &mut state, KeyCode::Tab);
    press(&store, &mut state, KeyCode::Right);
    press(&store, &mut state, KeyCode::Tab);
    let path = dir.path().join("电话清单.xlsx");
    retype(&store, &mut state, &path.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let rows = cells(&path);
    let flat: Vec<&String> = rows.iter().flatten().collect();
    for phone in ["13800001234", "13900005678"] {
        assert!(
            flat.iter().any(|c| c.as_str() == phone),
            "{phone} in {rows:?}"
        );
    }
    let last = store.ops().last().expect("an op").expect("readable");
    assert_eq!(last.actor, "测试员");
    assert!(
        matches!(last.payload, peixun::log::Payload::CallListExported { ref enterprises, .. } if enterprises.len() == 1)
    );
    let outcome = state.reports.outcome.as_ref().expect("an outcome");
    assert!(outcome.text.contains("操作留痕"), "{}", outcome.text);
}

#[test]
fn the_summary_figures_are_written_from_the_reports_tab() {
    let (dir, store) = county_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('5'));
    choose(&store, &mut state, ReportKind::Summary);
    press(&store, &mut state, KeyCode::Enter);
    press(&store, &mut state, KeyCode::Tab);
    let path = dir.path().join("总结数据.xlsx");
    retype(&store, &mut state, &path.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let rows = cells(&path);
    let figure = |label: &str| {
        rows.iter()
            .find(|r| r.first().is_some_and(|c| c == label))
            .and_then(|r| r.get(1).cloned())
            .unwrap_or_else(|| panic!("{label} in {rows:?}"))
    };
    // 张三 is checked in at the first session (03-15): his enterprise is reached, but on the
    // fixture's day (03-10) no class has been held yet.
    assert_eq!(figure("参训企业（家）"), "1");
    assert_eq!(figure("举办线下培训班（期）"), "0");
    assert_eq!(figure("宣传报道（篇）"), "0");
}

/// A firm registered elsewhere between the preview and the coordinator's yes (an import through
/// the store service, a walk-in): the import is refused whole, and the preview is to be made
/// again, so the firm is not registered twice.
#[test]
fn an_import_previewed_before_a_firm_was_registered_elsewhere_is_not_written() {
    let (dir, store, mut state) = after_the_first_session();
    let file = dir.path().join("企业.csv");
    std::fs::write(
        &file,
        "企业名称,统一社会信用代码\n鄂州市并行材料有限公司,\n",
    )
    .expect("write");
    preview_enterprise_list(&store, &mut state, &file);
    assert!(state.reports.preview.is_some());
    let elsewhere = peixun::domain::Enterprise {
        id: store.new_id('E').expect("id"),
        office: store.office().to_string(),
        name: "鄂州市并行材料有限公司".into(),
        credit_code: None,
        categories: peixun::domain::Categories::NONE,
        unit: store.office().to_string(),
    };
    store
        .commit(vec![peixun::log::Payload::EnterpriseUpserted(elsewhere)])
        .expect("registered elsewhere");
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(op_count(&store), before, "nothing written");
    // The preview goes and its form opens again, the file as typed, saying why: Enter there
    // previews the sheet again.
    assert!(state.reports.preview.is_none());
    let terminal = draw(&state, 80, 24);
    assert!(find(terminal.backend().buffer(), "请重新预览").is_some());
    let Overlay::Form(form) = &state.overlay else {
        panic!("the import form again: {:?}", state.overlay);
    };
    let typed_path = form.field("path").map(|f| f.value().to_string());
    assert_eq!(typed_path, Some(file.display().to_string()));
    press(&store, &mut state, KeyCode::Enter);
    let again = state.reports.preview.as_ref().expect("previewed again");
    assert_eq!(again.plan.counts.new_enterprises, 0);
    let named = store
        .enterprises()
        .expect("enterprises")
        .into_iter()
        .filter(|e| e.name == "鄂州市并行材料有限公司")
        .count();
    assert_eq!(named, 1);
}
