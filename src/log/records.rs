//! A state key in words, for messages: "场次 S-1 的报名（P-7）" rather than `n/S-1/P-7`.

use crate::campaign::unit_name;
use crate::i18n::tf;

/// What `key` (as `apply::keys` and `apply_cert::keys` write it) names, in the user's language;
/// a key of no known shape is shown as it is.
pub fn describe(key: &str) -> String {
    let parts: Vec<&str> = key.split('/').collect();
    let said = |what: &str, args: &[(&str, &dyn std::fmt::Display)]| {
        tf(&format!("cli.record.{what}"), args)
    };
    match parts.as_slice() {
        ["s", id] => said("session", &[("id", id)]),
        ["e", id] => said("enterprise", &[("id", id)]),
        ["p", id] => said("person", &[("id", id)]),
        ["h", _] => said("phone_lookup", &[("key", &key)]),
        ["o", _] => said("code_lookup", &[("key", &key)]),
        ["n", session, person] => said("enrolment", &[("session", session), ("person", person)]),
        ["a", session, person] => said("attendance", &[("session", session), ("person", person)]),
        ["c", unit, item] | ["v", unit, item, _] => {
            said("item", &[("unit", &unit_name(unit)), ("item", item)])
        }
        ["d", unit, item] => said("deadline", &[("unit", &unit_name(unit)), ("item", item)]),
        ["x", "a", session] => said("approval", &[("session", session)]),
        ["t", session] => said("tally", &[("session", session)]),
        ["w", "n", id] => said("nomination", &[("id", id)]),
        ["w", "s", id] => said("selection", &[("id", id)]),
        ["l", unit] => said("contact", &[("unit", &unit_name(unit))]),
        ["y", unit, year] => said("plan", &[("unit", &unit_name(unit)), ("year", year)]),
        ["x", "r", person, session] => said("result", &[("session", session), ("person", person)]),
        ["x", _, person, ..] => said("certification", &[("person", person)]),
        ["r", enterprise] => said("outreach", &[("enterprise", enterprise)]),
        ["u", "n", id] => said("need", &[("id", id)]),
        ["u", "a", id] => said("answer", &[("id", id)]),
        ["b", id] => said("publicity", &[("id", id)]),
        ["f", id] => said("teacher", &[("id", id)]),
        ["i", session, teacher] => {
            said("assignment", &[("session", session), ("teacher", teacher)])
        }
        ["g", unit] => said("calls", &[("unit", &unit_name(unit))]),
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::apply::keys;

    #[test]
    fn every_kind_of_key_a_refusal_can_name_reads_as_words() {
        crate::i18n::set_lang(crate::i18n::Lang::Zh);
        assert_eq!(
            describe(&keys::enrolment("S-420700-1", "P-9")),
            "场次 S-420700-1 的报名名单（人员 P-9）"
        );
        assert_eq!(
            describe(&keys::attendance("S-1", "P-9")),
            "场次 S-1 的签到（人员 P-9）"
        );
        assert_eq!(
            describe(&keys::mark("420704", "county.contact")),
            "鄂城区的清单项 county.contact"
        );
        assert_eq!(describe(&keys::session("S-1")), "场次 S-1");
        assert_eq!(
            describe(&keys::plan("420703", 2023)),
            "华容区 2023 年的培训计划"
        );
        assert_eq!(describe(&keys::contact("420703")), "华容区的联系人");
        assert_eq!(describe("x/a/S-9"), "扩招班 S-9 的省局批准");
        assert_eq!(
            describe(&keys::selection("W-420700-1")),
            "评选推荐 W-420700-1 的省局评选结果"
        );
        assert_eq!(
            describe("h/562c"),
            "按手机号查找的索引（h/562c），可用 peixun doctor 检查"
        );
        assert_eq!(describe("zz/unknown"), "zz/unknown");
    }
}
