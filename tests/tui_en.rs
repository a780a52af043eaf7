//! The terminal interface in English. The language is one setting for the whole process, so
//! these tests have a binary of their own where every test runs in English.

#[path = "tui/fixtures.rs"]
#[allow(dead_code)] // shared with tests/tui.rs, which uses the rest
mod fixtures;

#[path = "tui/sync_fixtures.rs"]
mod sync_fixtures;

#[path = "tui/sync_en.rs"]
mod sync_en;

#[path = "tui/door.rs"]
#[allow(dead_code)] // shared with tests/tui.rs, which uses the rest
mod door;

#[path = "tui/outreach_en.rs"]
mod outreach_en;

#[path = "tui/plan_en.rs"]
mod plan_en;

#[path = "tui/wrapping_en.rs"]
mod wrapping_en;

#[path = "tui/header_en.rs"]
mod header_en;

/// A screen at 80x24, the size coordinators use over SSH.
fn snapshot(name: &str, state: &peixun::tui::app::State) {
    let terminal = fixtures::draw(state, 80, 24);
    insta::assert_snapshot!(format!("{name}_80x24"), terminal.backend());
}
