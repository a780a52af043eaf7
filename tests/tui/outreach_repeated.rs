//! The 企业 tab is a worklist of records: a firm two counties both registered is a row of each.
//! Its header says how many rows are such firms, which the reports count once.

use crossterm::event::KeyCode;
use peixun::domain::Enterprise;
use peixun::log::Payload;
use peixun::tui::Theme;

use super::fixtures::*;

fn firm(county: &str, name: &str) -> Payload {
    Payload::EnterpriseUpserted(Enterprise {
        id: format!("E-{county}-1"),
        office: county.into(),
        name: name.into(),
        credit_code: None,
        categories: Default::default(),
        unit: county.into(),
    })
}

#[test]
fn the_header_says_how_many_rows_two_units_both_registered() {
    let (_dir, store) = city_store();
    for county in ["420704", "420703"] {
        from_county(&store, county, firm(county, "鄂州市同心科技有限公司"));
    }
    from_county(&store, "420702", firm("420702", "梁子湖另一家有限公司"));
    let mut state = load(&store, Theme::coloured());
    press(&store, &mut state, KeyCode::Char('8'));
    assert_eq!(state.outreach.rows.len(), 3);
    let screen = screen_text(&state, 120, 30);
    assert!(
        screen.contains("其中 2 行是几个单位都登记了的同名企业"),
        "{screen}"
    );
}
