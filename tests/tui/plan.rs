//! The training plan from the 清单 tab: a county adds classes in a form (a bad field named, nothing
//! written), reports the plan with one key and takes a class out; its city reads the plan from
//! the grid and cannot change it.

use crossterm::event::KeyCode;

use super::fixtures::*;
use peixun::app::plans;
use peixun::demo::ChainWriter;
use peixun::domain::plan::{planned_class, ClassInput, Plan};
use peixun::log::Payload;
use peixun::tui::app::{Overlay, State};
use peixun::tui::Theme;

fn form_error(state: &State, field: &str) -> Option<String> {
    match &state.overlay {
        Overlay::Form(form) => form.field(field).and_then(|f| f.error.clone()),
        _ => None,
    }
}

#[test]
fn a_county_fills_in_its_plan_reports_it_and_takes_a_class_out() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::monochrome());
    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.plan");
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("鄂城区的培训计划"), "{screen}");
    assert!(screen.contains("按 a 加入一期"), "{screen}");

    press(&store, &mut state, KeyCode::Char('a'));
    let before = op_count(&store);
    // A month outside the offline training and an unknown course: both named, nothing written.
    typed(&store, &mut state, "13");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "K,99");
    press(&store, &mut state, KeyCode::Enter);
    assert!(form_error(&state, "month").is_some_and(|e| e.contains("“13”")));
    assert!(form_error(&state, "courses").is_some_and(|e| e.contains("“99”")));
    assert!(form_error(&state, "audience").is_some());
    assert_eq!(op_count(&store), before);

    // The first field with an error has the cursor.
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "5");
    press(&store, &mut state, KeyCode::Tab);
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, "K,3");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "规上企业负责人");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "80");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let plan = plans::current(&store).expect("plan");
    assert_eq!(plan.classes.len(), 1);
    assert_eq!(plan.classes[0].month, 5);
    assert_eq!(plan.classes[0].courses, ["K", "3"]);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("规上企业负责人"), "{screen}");
    assert!(screen.contains("尚未报送"), "{screen}");

    press(&store, &mut state, KeyCode::Char('d'));
    let plan = plans::current(&store).expect("plan");
    assert_eq!(plan.submitted, Some(today()));
    let item = peixun::store::checklist::rows(&store, ECHENG, today())
        .expect("checklist")
        .into_iter()
        .find(|r| r.item == "county.plan")
        .expect("plan item");
    assert_eq!(item.status.key(), "done");
    assert!(screen_text(&state, 80, 24).contains("已将培训计划报送鄂州市"));

    // Taking the class out asks first; the plan then says it changed since it was reported.
    press(&store, &mut state, KeyCode::Char('x'));
    assert!(matches!(state.overlay, Overlay::Confirm(_)));
    press(&store, &mut state, KeyCode::Enter);
    let plan = plans::current(&store).expect("plan");
    assert!(plan.classes.is_empty());
    assert!(plan.revised);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("此后有修改"), "{screen}");
    assert!(screen.contains("再次报送"), "{screen}");

    // An empty plan is not reported: said, nothing written.
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('d'));
    assert_eq!(op_count(&store), before);
    assert!(screen_text(&state, 80, 24).contains("不能报送"));

    press(&store, &mut state, KeyCode::Esc);
    assert!(state.checklist.plan.is_none());
    assert!(screen_text(&state, 80, 24).contains("鄂城区的清单"));
}

fn echeng_plan() -> Plan {
    let input = ClassInput {
        month: "6".into(),
        courses: "K,8".into(),
        audience: "专精特新企业负责人".into(),
        people: "120".into(),
        enterprises: Some("60".into()),
        cohost: None,
        teachers: "请省局选派专利导航讲师".into(),
    };
    Plan {
        year: 2023,
        classes: vec![planned_class(ECHENG, &input).expect("a good class")],
        submitted: Some(day("2023-02-24")),
        revised: false,
    }
}

#[test]
fn a_city_reads_a_units_plan_from_the_grid_and_cannot_change_it() {
    let (_dir, store) = city_store();
    let mut chain = ChainWriter::new(ECHENG, peixun::log::device::tagged(ECHENG, 1), "鄂城区局");
    let op = chain
        .push(Payload::PlanSet {
            unit: ECHENG.into(),
            plan: echeng_plan(),
        })
        .expect("op");
    store.import_foreign_chain(vec![op]).expect("import");
    let mut state = load(&store, Theme::monochrome());
    press(&store, &mut state, KeyCode::Char('3'));
    let row = state
        .checklist
        .units
        .iter()
        .position(|u| u.unit == ECHENG)
        .expect("鄂城区 on the grid");
    for _ in 0..row {
        press(&store, &mut state, KeyCode::Down);
    }
    press(&store, &mut state, KeyCode::Enter);
    to_item(&store, &mut state, "county.plan");
    press(&store, &mut state, KeyCode::Enter);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("鄂城区的培训计划"), "{screen}");
    assert!(screen.contains("专精特新企业负责人"), "{screen}");
    assert!(screen.contains("请省局选派专利导航讲师"), "{screen}");
    assert!(screen.contains("报送"), "{screen}");
    assert!(!screen.contains("a 加一期"), "{screen}");

    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Char('a'));
    assert_eq!(state.overlay, Overlay::None);
    assert!(screen_text(&state, 80, 24).contains("只能由其自己填写和报送"));
    press(&store, &mut state, KeyCode::Char('d'));
    assert_eq!(op_count(&store), before);
}

#[test]
fn a_county_records_its_publicity_from_the_checklist() {
    let (_dir, store) = county_store();
    let mut state = load(&store, Theme::monochrome());
    press(&store, &mut state, KeyCode::Char('3'));
    to_item(&store, &mut state, "county.publicity");
    press(&store, &mut state, KeyCode::Enter);
    assert!(screen_text(&state, 80, 24).contains("鄂城区的宣传报道（0 篇"));
    press(&store, &mut state, KeyCode::Char('a'));
    // A title is needed: named, nothing written.
    let before = op_count(&store);
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "鄂州日报");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(op_count(&store), before);
    assert!(form_error(&state, "headline").is_some());
    typed(&store, &mut state, "鄂城区举办知识产权大培训");
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    let screen = screen_text(&state, 80, 24);
    assert!(screen.contains("鄂城区的宣传报道（1 篇"), "{screen}");
    assert!(screen.contains("鄂城区举办知识产权大培训"), "{screen}");
    assert_eq!(peixun::app::publicity::list(&store).expect("list").len(), 1);

    // A second one with the cutting itself: a missing file is named under its field, then a
    // real one is kept as the item's evidence.
    let dir = tempfile::tempdir().expect("dir");
    let cutting = dir.path().join("剪报.pdf");
    std::fs::write(&cutting, b"%PDF").expect("write");
    press(&store, &mut state, KeyCode::Char('a'));
    typed(&store, &mut state, "鄂城区企业走进培训课堂");
    press(&store, &mut state, KeyCode::Tab);
    typed(&store, &mut state, "鄂州日报");
    for _ in 0..4 {
        press(&store, &mut state, KeyCode::Tab);
    }
    let before = op_count(&store);
    typed(
        &store,
        &mut state,
        &dir.path().join("没有.pdf").display().to_string(),
    );
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(op_count(&store), before, "a missing file writes nothing");
    assert!(matches!(state.overlay, Overlay::Form(_)));
    ctrl(&store, &mut state, 'u');
    typed(&store, &mut state, &cutting.display().to_string());
    press(&store, &mut state, KeyCode::Enter);
    assert_eq!(state.overlay, Overlay::None);
    assert_eq!(op_count(&store), before + 2);
    let files = peixun::store::checklist::evidence_files(&store, &[store.office().to_string()])
        .expect("files");
    assert!(files.iter().any(|f| f.evidence.file_name == "剪报.pdf"));
}
