//! The paper round trip in 场次: the list numbers people as the printed sign-in sheet does (those
//! enrolled since are marked new), and
//! the rows ticked on paper are typed back with `p`, previewed by name and checked in at once.

use calamine::{open_workbook_auto, Data, Reader};
use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::tui::app::{Overlay, State};
use peixun::tui::Theme;

fn text(state: &State) -> String {
    screen_text(state, 80, 24)
}

/// 鄂城区's first session (three people, 张三 checked in at 08:52) open in 场次, days after it.
fn open_first() -> (tempfile::TempDir, peixun::store::Store, State, String) {
    let (dir, store) = county_store();
    let first = store
        .sessions()
        .expect("sessions")
        .into_iter()
        .find(|s| s.venue == "鄂城区政务中心三楼")
        .expect("the first session");
    let mut state = load(&store, Theme::monochrome());
    // After the session (2023-03-15), when its sheet comes back ticked.
    state.today = day("2023-03-20");
    press(&store, &mut state, KeyCode::Char('2'));
    state.sessions.select_id(&first.id);
    press(&store, &mut state, KeyCode::Enter);
    assert!(state.sessions.detail.is_some(), "the session is open");
    (dir, store, state, first.id)
}

/// Writes the session's sign-in sheet to `path` as `report signin` does, recording its order.
fn print_sheet(
    store: &peixun::store::Store,
    session: &peixun::domain::Session,
    path: &std::path::Path,
) -> u32 {
    let sheet =
        peixun::sheets::report::signin_document(store, session, "鄂城区局", day("2023-03-20"))
            .expect("sign-in sheet");
    peixun::sheets::output::write_document(
        path,
        &sheet.document,
        peixun::sheets::write::Encoding::Utf8,
    )
    .expect("written");
    sheet.order.record(store).expect("recorded")
}

#[test]
fn the_list_numbers_people_as_the_printed_sheet_does() {
    let (dir, store, state, id) = open_first();
    let session = store.session(&id).expect("read").expect("session");
    let path = dir.path().join("签到表.xlsx");
    print_sheet(&store, &session, &path);
    let mut book = open_workbook_auto(&path).expect("open sheet");
    let range = book.worksheet_range("签到表").expect("sheet");
    let screen = text(&state);
    let mut rows = 0;
    for row in range.rows().skip(3) {
        // 序号 is a number; the walk-ins' block below the list has none.
        let Some(Data::Float(n)) = row.first() else {
            continue;
        };
        let number = *n as usize;
        let Some(Data::String(name)) = row.get(1) else {
            continue;
        };
        rows += 1;
        let line = format!("{number:>4} {name}");
        assert!(screen.contains(&line), "{line} on screen:\n{screen}");
    }
    assert_eq!(rows, 3, "every enrolled person is on the sheet");
}

#[test]
fn ticked_rows_are_previewed_by_name_and_checked_in_with_one_commit() {
    let (_dir, store, mut state, id) = open_first();
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('p'));
    assert!(matches!(state.overlay, Overlay::Paper(_)));
    typed(&store, &mut state, "1，3");
    let screen = text(&state);
    // Sorted by pinyin as on the sheet: 1 李四, 2 欧阳晓明, 3 张三 (in at 08:52 already).
    assert!(
        screen.contains("将登记 1 人签到，1 人此前已签到"),
        "{screen}"
    );
    assert!(screen.contains("1 李四"), "{screen}");
    assert!(screen.contains("3 张三"), "{screen}");
    assert!(screen.contains("已于 08:52 签到"), "{screen}");
    press(&store, &mut state, KeyCode::Enter);
    assert!(
        matches!(state.overlay, Overlay::None),
        "closed once recorded"
    );
    assert_eq!(
        op_count(&store),
        before + 1,
        "one op for the one new check-in"
    );
    let attendance = peixun::store::lists::attendance(&store, &id).expect("attendance");
    let at = |name: &str| {
        let person = store
            .people()
            .expect("people")
            .into_iter()
            .find(|p| p.name == name)
            .expect("person");
        attendance.get(&person.id).and_then(|a| a.first_at)
    };
    // The paper does not say when: the session's start. The door's time stays.
    assert_eq!(at("李四"), Some(day("2023-03-15").and_time(time(9, 0))));
    assert_eq!(at("张三"), Some(day("2023-03-15").and_time(time(8, 52))));
    assert_eq!(at("欧阳晓明"), None);
    let status = state
        .status
        .as_ref()
        .map(|s| s.text.clone())
        .unwrap_or_default();
    // 李四 new, 张三 already in from the door: said apart, as the preview says them.
    assert!(
        status.contains("登记 1 人签到（另有 1 人此前已签到"),
        "{status}"
    );
    let detail = state.sessions.detail.as_ref().expect("still open");
    assert_eq!(detail.row.present, 2, "the counts follow");
}

#[test]
fn a_row_the_sheet_does_not_have_is_named_and_nothing_is_written() {
    let (_dir, store, mut state, id) = open_first();
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('p'));
    typed(&store, &mut state, "2,4");
    let screen = text(&state);
    assert!(screen.contains("签到表上没有序号 4（共 3 行）"), "{screen}");
    press(&store, &mut state, KeyCode::Enter);
    assert!(
        matches!(state.overlay, Overlay::Paper(_)),
        "stays open to fix"
    );
    typed(&store, &mut state, "x");
    assert!(text(&state).contains("不是序号列表"), "{}", text(&state));
    press(&store, &mut state, KeyCode::Esc);
    assert!(matches!(state.overlay, Overlay::None));
    assert_eq!(op_count(&store), before);
    // The store refuses the same on its own, whole.
    assert!(peixun::app::checkin::paper(&store, &id, &[2, 4], None, state.today).is_err());
    assert_eq!(op_count(&store), before);
}

/// A sheet printed, then someone enrolled who sorts first: `p` reads the rows against the
/// printed version, names it, and says the list moved since.
#[test]
fn the_paper_entry_reads_rows_against_the_sheet_as_printed() {
    let (dir, store, _, id) = open_first();
    let session = store.session(&id).expect("read").expect("session");
    let path = dir.path().join("签到表.xlsx");
    let version = print_sheet(&store, &session, &path);
    assert_eq!(version, 1);
    let printed = peixun::store::printed::sheet(&store, &id, None)
        .expect("read")
        .expect("kept");
    let second = store
        .person(&printed.people[1])
        .expect("read")
        .expect("person")
        .name;
    peixun::app::sessions::enrol(
        &store,
        &id,
        &peixun::store::PersonDraft {
            name: "阿华".into(),
            phone: "13807119999".into(),
            ..Default::default()
        },
        false,
    )
    .expect("late enrolment");
    // Reopened after the enrolment, as the tab would be.
    let mut state = load(&store, Theme::monochrome());
    // After the session (2023-03-15), when its sheet comes back ticked.
    state.today = day("2023-03-20");
    press(&store, &mut state, KeyCode::Char('2'));
    state.sessions.select_id(&id);
    press(&store, &mut state, KeyCode::Enter);
    // The list numbers people as the paper does: 阿华 sorts first but is on no sheet yet.
    let screen = text(&state);
    assert!(screen.contains(&format!("   2 {second}")), "{screen}");
    assert!(screen.contains("  新 阿华"), "{screen}");
    press(&store, &mut state, KeyCode::Char('p'));
    assert!(matches!(state.overlay, Overlay::Paper(_)));
    typed(&store, &mut state, "2");
    let screen = text(&state);
    assert!(screen.contains("按第 1 版签到表"), "{screen}");
    assert!(screen.contains("新报名 1 人不在这版表上"), "{screen}");
    assert!(screen.contains(&second), "{screen}");
    press(&store, &mut state, KeyCode::Enter);
    let present = peixun::store::lists::attendance(&store, &id).expect("read");
    let names: Vec<String> = present
        .keys()
        .map(|p| store.person(p).expect("read").expect("person").name)
        .collect();
    assert!(names.contains(&second), "{names:?}");
    assert!(!names.contains(&"阿华".to_string()));
}
