//! The header in English: every tab named at 80 columns, shortened when the full titles do not fit.

use super::fixtures::*;
use peixun::i18n::{set_lang, Lang};
use peixun::tui::Theme;

#[test]
fn the_english_header_names_every_tab_at_80_columns() {
    set_lang(Lang::En);
    for (_dir, store) in [county_store(), city_store()] {
        let state = load(&store, Theme::coloured());
        let screen = screen_text(&state, 80, 24);
        let header = screen.lines().next().unwrap_or_default();
        for tab in [
            "1 Cal ", "2 Sess ", "3 List ", "4 Door ", "5 Rep ", "6 Cert ", "7 Sync ", "8 Firms ",
        ] {
            assert!(header.contains(tab), "{tab} missing: {header}");
        }
        // With room the full titles come back.
        let wide = screen_text(&state, 120, 24);
        let header = wide.lines().next().unwrap_or_default();
        assert!(
            header.contains("1 Calendar ") && header.contains("4 Check-in "),
            "{header}"
        );
    }
}
