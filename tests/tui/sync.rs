//! The 同步 tab: a city holding the golden test keys imports the golden county bundle through the
//! form (the worker's job runs in place here), sees the bundle number on the county's row and in
//! the 清单 grid, exports a bundle back to a folder, refuses a damaged file with one line, and
//! lists a folder of many files one line each under their total.

use std::collections::BTreeSet;

use crossterm::event::KeyCode;

use super::fixtures::*;
use super::snapshot_sizes;
use super::sync_fixtures::*;
use peixun::i18n::Lang;
use peixun::sync::identity::keys_dir;
use peixun::sync::{trust, Card, Keys};
use peixun::tui::app::Overlay;
use peixun::tui::tabs::sync::Panel;
use peixun::tui::Theme;

#[test]
fn importing_the_golden_bundle_shows_it_on_the_countys_row() {
    let (_dir, store, mut state) = city_with_golden_keys();
    assert_eq!(state.sync.peers.len(), 1);
    assert_eq!(state.sync.peers[0].received, None);
    let stick = tempfile::tempdir().unwrap();
    let file = stick.path().join("420704-420700-0001-20230310.pxb");
    std::fs::copy(golden().join("county-to-city-v1.pxb"), &file).unwrap();
    // A folder on a stick: every bundle in it is taken in.
    import(&store, &mut state, stick.path());
    let outcome = state.sync.outcome.clone().expect("an outcome");
    assert!(!outcome.error, "{:?}", outcome);
    // One file: its own line says it all, with no total above it.
    assert!(outcome.lines.is_empty(), "{:?}", outcome.lines);
    assert_eq!(outcome.files.len(), 1);
    assert!(
        outcome.files[0].lines[0].contains("应用 6 条"),
        "{:?}",
        outcome.files
    );
    assert_eq!(state.sync.peers[0].received, Some((1, 0)));
    assert_eq!(store.ops().count(), 7);
    // The 清单 grid says how current the county is; the city's own row says nothing.
    assert_eq!(
        state.checklist.stale.get(ECHENG).map(String::as_str),
        Some("截至第 1 号包，今天收到")
    );
    assert!(!state.checklist.stale.contains_key(EZHOU_CITY));
    assert_eq!(
        state.checklist.stale.get("420703").map(String::as_str),
        Some("尚未收到")
    );
    snapshot_sizes("sync_imported", &state);
    press(&store, &mut state, KeyCode::Char('3'));
    let row = state.checklist.units.iter().position(|u| u.unit == ECHENG);
    state.checklist.row = row.expect("鄂城区 in the grid");
    let terminal = draw(&state, 80, 24);
    let shown = find(
        terminal.backend().buffer(),
        "鄂城区的数据：截至第 1 号包，今天收到",
    );
    // Just above the selected cell's summary, the body's last line.
    assert_eq!(shown.map(|(_, y)| y), Some(20));
    press(&store, &mut state, KeyCode::Char('7'));
    // The same file again changes nothing and says so.
    import(&store, &mut state, &file);
    let again = state.sync.outcome.clone().expect("an outcome");
    assert!(
        again.files[0].lines[0].contains("已于"),
        "{:?}",
        again.files
    );
    assert_eq!(store.ops().count(), 7);
}

#[test]
fn exporting_writes_a_named_bundle_and_counts_it_as_sent() {
    let (_dir, store, mut state) = city_with_golden_keys();
    let stick = tempfile::tempdir().unwrap();
    press(&store, &mut state, KeyCode::Enter);
    assert!(matches!(state.overlay, Overlay::Form(_)));
    retype(&store, &mut state, &stick.path().display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let outcome = state.sync.outcome.clone().expect("an outcome");
    assert!(!outcome.error, "{:?}", outcome.lines);
    let written: Vec<_> = std::fs::read_dir(stick.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written.len(), 1);
    assert!(written[0].starts_with("420700-420704-0001-"), "{written:?}");
    assert_eq!(state.sync.peers[0].sent, Some((1, 0)));
    assert_eq!(store.last_sent(ECHENG).unwrap().unwrap().link_seq, 1);
}

#[test]
fn a_mistyped_folder_keeps_the_export_form_open_and_writes_nothing() {
    let (_dir, store, mut state) = city_with_golden_keys();
    let stick = tempfile::tempdir().unwrap();
    let mistyped = stick.path().join("usb");
    press(&store, &mut state, KeyCode::Enter);
    retype(&store, &mut state, &mistyped.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open");
    };
    let error = form.fields[0].error.clone().unwrap_or_default();
    assert!(error.contains(".pxb"), "{error}");
    // No job ran: it would have left its outcome on the tab.
    assert_eq!(state.sync.outcome, None);
    assert!(!mistyped.exists());
    assert_eq!(store.last_sent(ECHENG).unwrap(), None);
}

#[test]
fn a_damaged_file_is_refused_in_one_line_and_changes_nothing() {
    let (_dir, store, mut state) = city_with_golden_keys();
    let stick = tempfile::tempdir().unwrap();
    let file = stick.path().join("bad.pxb");
    let mut bytes = std::fs::read(golden().join("county-to-city-v1.pxb")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(&file, bytes).unwrap();
    let before = store.ops().count();
    import(&store, &mut state, &file);
    let outcome = state.sync.outcome.clone().expect("an outcome");
    assert!(outcome.error);
    assert_eq!(outcome.files.len(), 1);
    assert!(outcome.files[0].refused);
    assert_eq!(outcome.files[0].lines.len(), 1);
    assert!(
        outcome.files[0].lines[0].starts_with("bad.pxb：拒收，"),
        "{:?}",
        outcome.files
    );
    assert_eq!(store.ops().count(), before);
    assert_eq!(state.sync.peers[0].received, None);
}

#[test]
fn the_form_refuses_a_missing_place_and_panels_cycle() {
    let (_dir, store, mut state) = city_with_golden_keys();
    press(&store, &mut state, KeyCode::Char('i'));
    retype(&store, &mut state, "/nonexistent/stick");
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the form stays open");
    };
    let error = form.fields[0].error.clone().unwrap_or_default();
    assert!(error.contains("/nonexistent/stick"), "{error}");
    // No job ran: it would have left its outcome on the tab.
    assert_eq!(state.sync.outcome, None);
    press(&store, &mut state, KeyCode::Esc);
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(state.sync.panel, Panel::Keys);
    press(&store, &mut state, KeyCode::Char('l'));
    assert_eq!(state.sync.panel, Panel::Held);
    press(&store, &mut state, KeyCode::Char('l'));
    assert_eq!(state.sync.panel, Panel::Review);
    press(&store, &mut state, KeyCode::Char('l'));
    assert_eq!(state.sync.panel, Panel::Keys);
}

#[test]
fn a_county_exports_its_evidence_files_with_the_bundle() {
    let (dir, store) = county_store();
    let keys = Keys::read_from(&golden().join("county-keys")).expect("golden keys");
    keys.write_to(&keys_dir(store.dir())).expect("install keys");
    let text = std::fs::read_to_string(golden().join("city.card")).expect("card");
    let card = Card::from_text(&text).expect("card parses");
    trust::trust_card(&store, &card, &card.fingerprint()).expect("trusted");
    let photo = dir.path().join("现场照片.jpg");
    std::fs::write(&photo, b"photo of the training room").unwrap();
    let at = day("2023-03-01").and_time(time(10, 0));
    peixun::app::checklist::attach(&store, ECHENG, "county.plan", &photo, "", at).expect("attach");
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('7'));
    state.sync.media.clear();
    let stick = tempfile::tempdir().unwrap();
    press(&store, &mut state, KeyCode::Enter);
    let Overlay::Form(form) = &state.overlay else {
        panic!("the export form opens");
    };
    // The place to type, then whether files go too (they do unless chosen otherwise).
    assert_eq!(form.fields.len(), 2);
    retype(&store, &mut state, &stick.path().display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    let outcome = state.sync.outcome.clone().expect("an outcome");
    assert!(!outcome.error, "{:?}", outcome.lines);
    assert!(
        outcome.lines.iter().any(|l| l.contains("含佐证文件 1 个")),
        "{:?}",
        outcome.lines
    );
    // The fixture's earlier evidence was recorded without keeping its file: counted, left out.
    assert!(
        outcome
            .lines
            .iter()
            .any(|l| l.contains("1 个佐证文件不在本机")),
        "{:?}",
        outcome.lines
    );
    let written = std::fs::read_dir(stick.path()).unwrap().count();
    assert_eq!(written, 1);
}

#[test]
fn a_folder_of_many_files_shows_the_total_and_every_files_line() {
    let (_dir, store, mut state) = city_with_golden_keys();
    let stick = damaged_stick(11);
    import(&store, &mut state, stick.path());
    let outcome = state.sync.outcome.clone().expect("an outcome");
    assert!(outcome.error);
    let total = "20 个文件：导入 1 个，拒收 19 个";
    assert_eq!(outcome.lines, [total]);
    assert_eq!(outcome.files.len(), 20);
    assert_eq!(outcome.files.iter().filter(|f| f.refused).count(), 19);
    assert_eq!(state.sync.panel, Panel::Results);
    assert_eq!(store.ops().count(), 7);
    // The results are right here: the status line does not send the user to this tab.
    let status = state.status.clone().expect("a status");
    assert!(status.error);
    assert!(!status.text.contains("“同步”页"), "{}", status.text);

    let first = draw(&state, 80, 24).backend().buffer().clone();
    assert!(find(&first, "下面还有").is_some(), "more files are below");
    snapshot_sizes("sync_folder_results", &state);
    // Down goes through every file: the selected one's lines whole, the others cut to a line.
    let mut seen = BTreeSet::new();
    for selected in 0..outcome.files.len() {
        assert_eq!(
            state.sync.outcome.as_ref().map(|o| o.selected),
            Some(selected)
        );
        let buffer = draw(&state, 80, 24).backend().buffer().clone();
        assert_eq!(assert_shown_whole(&buffer, total, Lang::Zh), 1);
        for line in &outcome.files[selected].lines {
            assert_shown_whole(&buffer, line, Lang::Zh);
        }
        for (i, file) in outcome.files.iter().enumerate() {
            let line = &file.lines[0];
            let name = line.split('：').next().unwrap_or_default();
            for row in rows(&buffer) {
                let Some(shown) = row.strip_prefix("  ").filter(|r| r.starts_with(name)) else {
                    continue;
                };
                assert_ne!(i, selected, "the selected file is marked");
                let cut = shown.strip_suffix('…');
                assert!(
                    shown == line || cut.is_some_and(|c| line.starts_with(c)),
                    "{shown:?} is not {line:?} cut to a line"
                );
                seen.insert(name.to_string());
            }
        }
        press(&store, &mut state, KeyCode::Down);
    }
    assert_eq!(seen.len(), outcome.files.len(), "{seen:?}");
    assert_eq!(state.sync.outcome.as_ref().map(|o| o.selected), Some(19));
    // Esc puts the results away; the keys panel is back.
    press(&store, &mut state, KeyCode::Esc);
    assert_eq!(state.sync.outcome, None);
    assert_eq!(state.sync.panel, Panel::Keys);
}

#[test]
fn an_import_summary_breaks_between_items() {
    let (_dir, store, mut state) = city_with_golden_keys();
    let stick = damaged_stick(0);
    import(&store, &mut state, stick.path());
    let outcome = state.sync.outcome.clone().expect("an outcome");
    let good = outcome
        .files
        .iter()
        .position(|f| !f.refused)
        .expect("the good bundle");
    for _ in 0..good {
        press(&store, &mut state, KeyCode::Down);
    }
    let buffer = draw(&state, 80, 24).backend().buffer().clone();
    let summary = &outcome.files[good].lines[0];
    assert!(summary.contains("隔离 0 条"), "{summary}");
    assert!(
        assert_shown_whole(&buffer, summary, Lang::Zh) > 1,
        "the summary is longer than a line"
    );
}

/// An op another office may not write comes in with a bundle: the 待处理 panel names it, says
/// it changed nothing, and whom to call.
#[test]
fn an_op_that_breaks_the_rules_is_listed_to_see_to() {
    use peixun::demo::ChainWriter;
    use peixun::log::{device::tagged, Op, Payload};
    use peixun::sync::bundle::{seal, Draft, RangeHeader, Routing, SignedHead};
    use peixun::sync::{ChainKind, Keys};

    let (_dir, store, mut state) = city_with_golden_keys();
    let county = Keys::read_from(&golden().join("county-keys")).expect("golden county keys");
    let city = Keys::read_from(&golden().join("city-keys")).expect("golden city keys");
    let device = tagged("420704", 40);
    let mut writer = ChainWriter::new("420704", device, "冒名者");
    let op = writer
        .push(Payload::DeadlineSet {
            unit: "420704".into(),
            item: "county.offline".into(),
            due: day("2023-12-31"),
        })
        .expect("op")
        .encode()
        .expect("bytes");
    let head =
        SignedHead::sign(&county, device, ChainKind::Full, 1, Op::hash_of(&op)).expect("head");
    let draft = Draft {
        routing: Routing {
            sender: "420704".into(),
            sender_epoch: 1,
            recipient: "420700".into(),
            recipient_epoch: 1,
            bundle_id: [4; 16],
        },
        link_seq: 1,
        seen_link_seq: 0,
        created_ms: 1,
        acks: vec![],
        ranges: vec![(RangeHeader { first: 1, head }, vec![op])],
        files: vec![],
    };
    let bytes = seal(&draft, &county, &city.age_identity().to_public()).expect("sealed");
    let stick = tempfile::tempdir().expect("stick");
    let file = stick.path().join("self-deadline.pxb");
    std::fs::write(&file, bytes).expect("write");
    import(&store, &mut state, &file);
    for _ in 0..4 {
        if state.sync.panel == Panel::Held {
            break;
        }
        press(&store, &mut state, KeyCode::Char('l'));
    }
    assert_eq!(state.sync.panel, Panel::Held);
    assert_eq!(state.sync.held.len(), 1);
    let terminal = draw(&state, 80, 24);
    let buffer = terminal.backend().buffer();
    assert!(find(buffer, "待处理（1）").is_some());
    assert!(find(buffer, "未生效").is_some());
    assert!(find(buffer, "截止日期只能由该单位所在的市州或省局设定").is_some());
    assert!(
        peixun::store::checklist::deadlines(&store, "420704")
            .expect("read")
            .is_empty(),
        "nothing changed"
    );
}

#[test]
fn people_to_review_are_read_again_when_people_changed() {
    let (_dir, store) = city_store();
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('7'));
    assert!(state.sync.review.is_empty());
    // The same phone in two counties of the city, each from its own chain.
    for (n, county) in ["420702", ECHENG].into_iter().enumerate() {
        let person = peixun::domain::Person {
            id: format!("P-{county}-{n}"),
            office: county.into(),
            name: "欧阳明月".into(),
            phone: "13907110000".into(),
            position: String::new(),
            enterprise: None,
            code: format!("T0{n}AB"),
        };
        from_county(&store, county, peixun::log::Payload::PersonUpserted(person));
    }
    press(&store, &mut state, KeyCode::Char('1'));
    press(&store, &mut state, KeyCode::Char('7'));
    assert_eq!(state.sync.review.len(), 1, "{:#?}", state.sync.review);
    assert_eq!(state.sync.review[0].sightings.len(), 2);
}
