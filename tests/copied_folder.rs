//! A data folder copied elsewhere says so once, naming where the work of both copies goes: up
//! to the office above, or, for the province, down to the cities.

use crate::common::{copy_folder, peixun, stderr, stdout};

#[test]
fn a_copied_folder_says_where_both_copies_work_goes() {
    for (office, goes, not) in [
        ("鄂城区", "两边的工作都会完整送到上级单位", "送到各市州"),
        ("湖北省", "两边的工作都会完整送到各市州", "上级单位"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("first");
        stdout(&peixun(&first, &["init", "--office", office]));
        stdout(&peixun(&first, &["people"]));
        let copy = dir.path().join("copy");
        copy_folder(&first, &copy);
        let said = stderr(&peixun(&copy, &["people"]));
        assert!(
            said.contains(goes) && !said.contains(not),
            "{office}: {said}"
        );
        assert!(
            !stderr(&peixun(&copy, &["people"])).contains("复制"),
            "said once"
        );
    }
}
