//! The embedded data: counts, exact texts and references, as the campaign documents give them.

use chrono::NaiveDate;

use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
}

fn names(units: &[&Unit]) -> Vec<String> {
    units.iter().map(|u| u.name.clone()).collect()
}

#[test]
fn assets_load() {
    let c = load().expect("embedded assets parse");
    assert_eq!(c.year, 2023);
    assert_eq!(c.target_enterprises, 10_000);
    assert!(std::ptr::eq(campaign(), campaign()), "parsed once");
}

#[test]
fn data_is_consistent() {
    assert_eq!(campaign().problems(), Vec::<String>::new());
}

#[test]
fn seventeen_cities_and_103_county_level_units() {
    let c = campaign();
    assert_eq!(c.cities().len(), 17);
    assert_eq!(c.county_level_units().len(), 103);
    assert_eq!(c.cities().len() as u32, c.target_cities);
    assert_eq!(c.county_level_units().len() as u32, c.target_county_units);
    let province = c.unit("420000").expect("province");
    assert_eq!(province.level, UnitLevel::Province);
    assert!(c
        .cities()
        .iter()
        .all(|u| u.parent.as_deref() == Some("420000")));
}

#[test]
fn counties_per_city() {
    let c = campaign();
    let expected = [
        ("武汉市", 13),
        ("黄石市", 6),
        ("十堰市", 8),
        ("宜昌市", 13),
        ("襄阳市", 9),
        ("鄂州市", 3),
        ("荆门市", 5),
        ("孝感市", 7),
        ("荆州市", 8),
        ("黄冈市", 10),
        ("咸宁市", 6),
        ("随州市", 3),
        ("恩施土家族苗族自治州", 8),
        ("仙桃市", 0),
        ("潜江市", 0),
        ("天门市", 0),
        ("神农架林区", 0),
    ];
    let cities = c.cities();
    assert_eq!(
        names(&cities),
        expected.map(|(n, _)| n.to_string()).to_vec()
    );
    let mut total = 0;
    for (city, (name, count)) in cities.iter().zip(expected) {
        let counties = c
            .children(&city.id)
            .into_iter()
            .filter(|u| u.level == UnitLevel::County)
            .count();
        assert_eq!(counties, count, "{name}");
        assert_eq!(city.also_county, count == 0, "{name}");
        total += counties;
    }
    assert_eq!(total, 99);
}

#[test]
fn city_codes_are_the_2023_codes() {
    let c = campaign();
    let ids: Vec<&str> = c.cities().iter().map(|u| u.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "420100", "420200", "420300", "420500", "420600", "420700", "420800", "420900",
            "421000", "421100", "421200", "421300", "422800", "429004", "429005", "429006",
            "429021",
        ]
    );
    assert_eq!(c.unit("421088").map(|u| u.name.as_str()), Some("监利市"));
    assert_eq!(c.unit("420882").map(|u| u.name.as_str()), Some("京山市"));
    assert_eq!(c.unit("420304").map(|u| u.name.as_str()), Some("郧阳区"));
    assert_eq!(c.unit("420607").map(|u| u.name.as_str()), Some("襄州区"));
    // County ids sit under their city's code.
    for u in c.units.iter().filter(|u| u.level == UnitLevel::County) {
        let parent = u.parent.as_deref().unwrap_or_default();
        assert_eq!(u.id[..4], parent[..4], "{}", u.name);
    }
}

#[test]
fn ezhou_units_and_zones() {
    let c = campaign();
    let ezhou = c.children("420700");
    assert_eq!(
        names(&ezhou),
        [
            "梁子湖区",
            "华容区",
            "鄂城区",
            "葛店经济技术开发区",
            "鄂州临空经济区"
        ]
    );
    let ids: Vec<&str> = ezhou.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "420702",
            "420703",
            "420704",
            "420700-gedian",
            "420700-linkong"
        ]
    );
    let gedian = c.unit("420700-gedian").expect("葛店");
    assert_eq!(gedian.level, UnitLevel::Zone);
    assert_eq!(gedian.short, "葛店开发区");
    assert_eq!(gedian.office.as_deref(), Some("葛店分局"));
    let linkong = c.unit("420700-linkong").expect("临空");
    assert_eq!(linkong.short, "临空经济区");
    assert_eq!(linkong.office.as_deref(), Some("临空分局"));
    assert_eq!(
        c.unit("420704").and_then(|u| u.office.as_deref()),
        Some("鄂城区局")
    );
    assert_eq!(
        c.unit("420703").and_then(|u| u.office.as_deref()),
        Some("华容区局")
    );
    let lzh = c.unit("420702").expect("梁子湖区");
    assert_eq!(lzh.office.as_deref(), Some("梁子湖区局"));
    assert!(lzh.aliases.iter().any(|a| a == "梁子区局"));
    assert_eq!(c.zones().len(), 2);
    assert!(!gedian.is_county_level(), "zones are not among the 103");
    assert_eq!(
        c.city_of("420700-gedian").map(|u| u.id.as_str()),
        Some("420700")
    );
    assert_eq!(c.city_of("420700").map(|u| u.id.as_str()), Some("420700"));
    assert_eq!(c.city_of("420000"), None);
    assert_eq!(c.city_of("999999"), None);
}

#[test]
fn ids_unique_and_parents_exist() {
    let c = campaign();
    let mut ids: Vec<&str> = c.units.iter().map(|u| u.id.as_str()).collect();
    let n = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n);
    assert_eq!(n, 1 + 17 + 99 + 2);
    for u in &c.units {
        match &u.parent {
            Some(p) => assert!(c.unit(p).is_some(), "{} -> {p}", u.id),
            None => assert_eq!(u.level, UnitLevel::Province),
        }
        assert!(!u.short.is_empty());
    }
}

#[test]
fn offline_courses_of_annex_1() {
    let c = campaign();
    let offline = c.offline_courses();
    assert_eq!(offline.len(), 15);
    assert!(offline.iter().all(|x| x.hours == Some(1.5)));
    let keynote = c.course("K").expect("keynote");
    assert_eq!(keynote.category, CourseCategory::Keynote);
    assert_eq!(
        keynote.title,
        "《锚定建设全国构建新发展格局先行区目标，奋力谱写新时代知识产权强省建设新篇章》"
    );
    assert_eq!(keynote.lecturer.as_deref(), Some("省知识产权局领导"));
    assert_eq!(
        keynote.audience.as_deref(),
        Some("县（市）区知识产权相关单位人员")
    );
    let ids: Vec<&str> = offline.iter().map(|x| x.id.as_str()).collect();
    let mut expected = vec!["K".to_string()];
    expected.extend((1..=14).map(|i| i.to_string()));
    assert_eq!(ids, expected);
    for course in offline
        .iter()
        .filter(|x| x.category == CourseCategory::Optional)
    {
        assert_eq!(course.lecturer.as_deref(), Some("选派师资（自选课程）"));
        assert_eq!(course.audience.as_deref(), Some("县（市）区企业高管、代表"));
    }
    assert_eq!(
        c.course("1").map(|x| x.title.as_str()),
        Some("“智慧桥”专利技术需求挖掘与转化对接实操")
    );
    assert_eq!(
        c.course("14").map(|x| x.title.as_str()),
        Some("海外商标、专利注册申请及布局实务")
    );
}

#[test]
fn online_courses_sizhi_wuhui() {
    let c = campaign();
    let online = c.online_courses();
    assert_eq!(online.len(), 9);
    let sizhi: Vec<_> = online
        .iter()
        .filter(|x| x.category == CourseCategory::Sizhi)
        .collect();
    let wuhui: Vec<_> = online
        .iter()
        .filter(|x| x.category == CourseCategory::Wuhui)
        .collect();
    assert_eq!(sizhi.len(), 4);
    assert_eq!(wuhui.len(), 5);
    assert!(wuhui
        .iter()
        .all(|x| x.tag.as_deref().is_some_and(|t| t.starts_with('会'))));
    assert!(sizhi.iter().all(|x| x.tag.is_none()));
    assert_eq!(
        c.course("H1").map(Course::label).as_deref(),
        Some("知识产权检索查新技能实务（会检索查新）")
    );
    assert_eq!(
        c.course("Z4").map(|x| x.title.as_str()),
        Some("技术研发与高价值知识产权培育及挖掘")
    );
}

#[test]
fn step_dates() {
    let c = campaign();
    let plan = c.step("county_plan").expect("county_plan");
    assert_eq!(plan.end, date(2023, 2, 28));
    assert_eq!(plan.due_in_city("420700"), date(2023, 2, 27));
    assert_eq!(plan.due_in_city("420100"), date(2023, 2, 28));
    let summary = c.step("city_plan_summary").expect("city_plan_summary");
    assert_eq!(
        (summary.end, summary.precision),
        (date(2023, 2, 28), DatePrecision::Day)
    );
    let materials = c.step("materials").expect("materials");
    assert_eq!(materials.end, date(2023, 11, 30));
    let launch = c.step("launch").expect("launch");
    assert_eq!(
        (launch.start, launch.end),
        (date(2023, 2, 1), date(2023, 2, 28))
    );
    assert_eq!(launch.place.as_deref(), Some("天门市"));
    assert_eq!(
        launch.duties.as_deref(),
        Some("省知识产权局、天门市人民政府主办，天门市知识产权局承办。")
    );
    let online = c.step("online_training").expect("online_training");
    assert_eq!(
        (online.precision, online.days),
        (DatePrecision::Month, Some(3))
    );
    assert_eq!(online.start, date(2023, 3, 1));
    let offline = c.step("offline_training").expect("offline_training");
    assert_eq!(
        (offline.start, offline.end),
        (date(2023, 3, 1), date(2023, 11, 30))
    );
    let cert = c.step("certification").expect("certification");
    assert_eq!(
        (cert.start, cert.end),
        (date(2023, 5, 1), date(2023, 6, 30))
    );
    assert_eq!(c.certification.certificate, "湖北省知识产权专员证书");
    assert_eq!(c.certification.makeup_attempts, 1);
    for s in &c.steps {
        assert!(s.start <= s.end, "{}", s.id);
        assert_eq!(s.start.format("%Y").to_string(), "2023", "{}", s.id);
    }
}

#[test]
fn checklists_by_level() {
    let c = campaign();
    let county: Vec<&str> = c
        .checklist_for("420704")
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    for id in [
        "county.contact",
        "county.plan",
        "county.online_mobilise",
        "county.offline",
    ] {
        assert!(county.contains(&id), "{id}");
    }
    let evidence: Vec<&str> = c
        .checklist_for("420704")
        .iter()
        .filter(|i| i.kind == ChecklistKind::Material)
        .map(|i| i.title.as_str())
        .collect();
    assert_eq!(
        evidence,
        [
            "培训通知",
            "培训手册",
            "培训签到表",
            "培训现场照片",
            "宣传报道等"
        ]
    );
    assert!(county.iter().all(|id| id.starts_with("county.")));
    assert_eq!(
        c.checklist_for("420700-gedian").len(),
        county.len(),
        "zones get county items"
    );
    let city = c.checklist_for("420700");
    assert!(city.iter().all(|i| i.level == UnitLevel::City));
    assert!(city
        .iter()
        .any(|i| i.id == "city.plan_summary" && i.due == date(2023, 2, 28)));
    assert!(city.iter().any(|i| i.id == "city.stats"));
    assert!(city
        .iter()
        .any(|i| i.id == "city.submit" && i.due == date(2023, 11, 30)));
    let tianmen = c.checklist_for("429006");
    assert_eq!(tianmen.len(), county.len() + city.len(), "直管市 does both");
    let province: Vec<&str> = c
        .checklist_for("420000")
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(
        province,
        [
            "province.launch",
            "province.online_notice",
            "province.selection",
            "province.certification",
            "province.report"
        ]
    );
    // 鄂州 brought the plan forward to 2/27; 武汉's districts keep the province's 2/28.
    let plan = c
        .checklist
        .iter()
        .find(|i| i.id == "county.plan")
        .expect("plan item");
    assert_eq!(c.due_for(plan, "420704"), date(2023, 2, 27));
    assert_eq!(c.due_for(plan, "420700-linkong"), date(2023, 2, 27));
    assert_eq!(c.due_for(plan, "420102"), date(2023, 2, 28));
}

#[test]
fn ezhou_joint_sessions() {
    let c = campaign();
    let sessions = c.joint_sessions_of("420700");
    assert_eq!(sessions.len(), 3);
    assert_eq!(sessions[0].host, "420704");
    assert_eq!(sessions[0].co_host.as_deref(), Some("420700-linkong"));
    assert_eq!(sessions[1].host, "420700-gedian");
    assert_eq!(sessions[1].co_host.as_deref(), Some("420703"));
    assert_eq!(sessions[2].units, ["420702"]);
    let mut covered: Vec<&str> = sessions
        .iter()
        .flat_map(|s| s.units.iter())
        .map(String::as_str)
        .collect();
    covered.sort_unstable();
    let mut all: Vec<&str> = c.children("420700").iter().map(|u| u.id.as_str()).collect();
    all.sort_unstable();
    assert_eq!(covered, all, "every 鄂州 unit in exactly one session");
}

#[test]
fn annex_3_services() {
    let c = campaign();
    assert_eq!(c.services.len(), 7);
    let seqs: Vec<u32> = c.services.iter().map(|s| s.seq).collect();
    assert_eq!(seqs, (1..=7).collect::<Vec<_>>());
    assert_eq!(c.services[0].category, "知识产权创造服务");
    assert_eq!(c.services[6].category, "其他知识产权公共服务");
    assert_eq!(c.services[2].remark, "指导地方和参训企业知产变资产");
}

#[test]
fn annex_4_liaison_covers_every_city_once() {
    let c = campaign();
    assert_eq!(c.liaison.len(), 6);
    let mut ids: Vec<&str> = c
        .liaison
        .iter()
        .flat_map(|l| l.cities.iter())
        .map(String::as_str)
        .collect();
    ids.sort_unstable();
    let mut cities: Vec<&str> = c.cities().iter().map(|u| u.id.as_str()).collect();
    cities.sort_unstable();
    assert_eq!(ids, cities);
    assert_eq!(c.liaison[5].office, "人事处（机关党委）");
    assert_eq!(
        c.liaison_for("420700").map(|l| l.office.as_str()),
        Some("办公室")
    );
    assert_eq!(
        c.liaison_for("429021").map(|l| l.office.as_str()),
        Some("运用促进处")
    );
    // The printed short names match the ids, in order.
    for l in &c.liaison {
        let printed: Vec<&str> = l.cities_text.split('、').collect();
        assert_eq!(printed.len(), l.cities.len());
        for (text, id) in printed.iter().zip(&l.cities) {
            let unit = c.unit(id).expect("liaison city");
            assert!(unit.name.starts_with(text), "{text} vs {}", unit.name);
        }
    }
}

#[test]
fn annex_5_materials_and_contact() {
    let c = campaign();
    let labels: Vec<String> = c.materials.iter().map(Material::label).collect();
    assert_eq!(
        labels,
        [
            "一、培训工作总结",
            "二、培训统计表（见样表）",
            "三、县（市）区培训佐证材料"
        ]
    );
    let items: Vec<String> = c.materials[2]
        .items
        .iter()
        .map(MaterialItem::label)
        .collect();
    assert_eq!(
        items,
        [
            "1. 培训通知",
            "2. 培训手册",
            "3. 培训签到表",
            "4. 培训现场照片",
            "5. 宣传报道等"
        ]
    );
    assert_eq!(c.contact.email, "365970494@qq.com");
    assert_eq!(c.contact.person, "常承恩");
    assert_eq!(c.contact.phone, "027-86759057");
    assert_eq!(c.contact.due, date(2023, 11, 30));
}

#[test]
fn stats_table_layout() {
    let t = &campaign().stats_table;
    assert_eq!(t.title, "2023 年全省“百县万企”知识产权大培训情况统计表");
    assert_eq!(t.stamp_prefix, "单位（盖章）：");
    assert_eq!(
        t.stamp_line("鄂州市知识产权局"),
        "单位（盖章）：鄂州市知识产权局"
    );
    assert_eq!(
        t.columns,
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
}

#[test]
fn json_round_trip() {
    let c = campaign();
    let json = serde_json::to_string(c).expect("serialize");
    let back: Campaign = serde_json::from_str(&json).expect("deserialize");
    assert_eq!(&back, c);
    assert!(json.contains("\"level\":\"zone\""));
}
