use super::*;
use paged::Paged;
use std::io::Write;

fn person(name: &str, phone: &str, enterprise: &str) -> Candidate {
    Candidate {
        id: format!("P-{name}"),
        name: name.to_string(),
        phone: phone.to_string(),
        code: String::new(),
        enterprise: enterprise.to_string(),
        position: "知识产权专员".to_string(),
    }
}

fn index() -> SearchIndex {
    let mut people = vec![
        person("邹浩山", "13900000001", "湖北鄂钢科技有限公司"),
        person("张三", "13800001234", "鄂州市华容新材料有限公司"),
        person("赵四", "13700000002", "梁子湖生态农业有限公司"),
        person("周山", "13600000003", "葛店开发区光电有限公司"),
        person("单雄", "13500000004", "临空物流有限公司"),
        person("吕丽", "13400000005", "鄂城区机械有限公司"),
        person("欧阳娜娜", "13300000006", "鄂城区机械有限公司"),
        person("阿卜杜·热合曼", "13200000007", "鄂城区机械有限公司"),
    ];
    people[1].code = "A7K2".into();
    let known = ["临空物流有限公司", "无人报名的企业", "临空物流有限公司"];
    SearchIndex::build(people, known.map(String::from))
}

#[test]
fn every_enterprise_is_kept_once_in_order_people_or_not() {
    let index = index();
    let known: Vec<String> = index.known_enterprises().collect();
    assert_eq!(known, ["临空物流有限公司", "无人报名的企业"]);
    let read = read_back(&cache::encode(&index)).unwrap();
    assert!(read.known_enterprises().eq(known));
}

fn names(index: &SearchIndex, query: &str) -> Vec<(String, Tier)> {
    index
        .search(query, 10)
        .iter()
        .map(|h| (index.entry(h).name.clone(), h.tier))
        .collect()
}

#[test]
fn initials_rank_ahead_of_fuzzy_matches() {
    let found = names(&index(), "zs");
    let top: Vec<&str> = found.iter().take(3).map(|(n, _)| n.as_str()).collect();
    assert_eq!(top, ["周山", "张三", "赵四"]);
    assert!(found[..3].iter().all(|(_, t)| *t == Tier::Initials));
    assert_eq!(found[3], ("邹浩山".to_string(), Tier::Fuzzy));
}

#[test]
fn a_name_typed_in_characters_that_sound_alike_finds_its_person_as_approximate() {
    // 张叁 for 张三, 邹浩珊 for 邹浩山: nobody has the characters, one person the sound.
    assert_eq!(names(&index(), "张叁"), [("张三".to_string(), Tier::Fuzzy)]);
    assert_eq!(
        names(&index(), "邹浩珊"),
        [("邹浩山".to_string(), Tier::Fuzzy)]
    );
    // Only a whole name's sound: 张 alone is still found by its character, 周珊 is not 周山's
    // prefix 周 or anyone else's, and characters someone has are never second-guessed.
    assert_eq!(names(&index(), "周珊"), [("周山".to_string(), Tier::Fuzzy)]);
    assert!(names(&index(), "张叁丰").is_empty());
    assert_eq!(names(&index(), "张三"), [("张三".to_string(), Tier::Hanzi)]);
}

#[test]
fn a_code_with_o_for_0_or_i_for_1_finds_its_person() {
    let mut people = vec![
        person("张三", "13800001234", "甲"),
        person("李四", "13900001234", "乙"),
    ];
    people[0].code = "10K0Q1".into();
    people[1].code = "10K0Q2".into();
    let index = SearchIndex::build(people, []);
    for typed in ["10K0Q1", "1oko-qi", "LOK0QL", "１０ｋ０ｑ１"] {
        assert_eq!(
            names(&index, typed),
            [("张三".to_string(), Tier::Exact)],
            "{typed}"
        );
    }
}

#[test]
fn full_pinyin_prefix() {
    assert_eq!(
        names(&index(), "zhangs")[0],
        ("张三".to_string(), Tier::Pinyin)
    );
    assert_eq!(names(&index(), "ZhangSan")[0].0, "张三");
}

#[test]
fn surname_reading_beats_a_substring() {
    let found = names(&index(), "shan");
    assert_eq!(found[0], ("单雄".to_string(), Tier::Pinyin));
    let zhou = found.iter().position(|(n, _)| n == "周山").unwrap();
    assert!(zhou > 0);
}

#[test]
fn v_stands_for_u_umlaut() {
    assert_eq!(names(&index(), "lv")[0], ("吕丽".to_string(), Tier::Pinyin));
    assert_eq!(
        names(&index(), "ll")[0],
        ("吕丽".to_string(), Tier::Initials)
    );
}

#[test]
fn phone_tail_code_and_hanzi() {
    assert_eq!(
        names(&index(), "1234")[0],
        ("张三".to_string(), Tier::Exact)
    );
    assert!(names(&index(), "123")
        .iter()
        .all(|(_, t)| *t != Tier::Exact));
    assert_eq!(
        names(&index(), "a7k2")[0],
        ("张三".to_string(), Tier::Exact)
    );
    assert_eq!(
        names(&index(), "娜")[0],
        ("欧阳娜娜".to_string(), Tier::Hanzi)
    );
    assert_eq!(names(&index(), "热合曼")[0].0, "阿卜杜·热合曼");
    assert_eq!(names(&index(), "ｚｓ")[0].1, Tier::Initials);
}

#[test]
fn compound_surname_and_enterprise() {
    assert_eq!(
        names(&index(), "oy")[0],
        ("欧阳娜娜".to_string(), Tier::Initials)
    );
    let by_enterprise = names(&index(), "hbeg");
    assert_eq!(by_enterprise[0], ("邹浩山".to_string(), Tier::Enterprise));
    let by_name = names(&index(), "华容");
    assert_eq!(by_name[0], ("张三".to_string(), Tier::Enterprise));
}

#[test]
fn enterprise_initials_match_from_the_middle_of_a_name() {
    // People name an enterprise without its place: 华容新材料 for 鄂州市华容新材料有限公司.
    assert_eq!(
        names(&index(), "hrxcl")[0],
        ("张三".to_string(), Tier::Enterprise)
    );
    // Only from after a place: 州市 in 鄂州市 is not a name anyone says.
    assert!(names(&index(), "zs")
        .iter()
        .all(|(_, tier)| *tier != Tier::Enterprise));
    assert!(names(&index(), "yxgs").is_empty());
}

#[test]
fn nothing_for_nothing() {
    assert!(index().search("", 10).is_empty());
    assert!(index()
        .search("xq", 10)
        .iter()
        .all(|h| h.tier == Tier::Fuzzy));
    assert!(index().search("zzzzzz", 10).is_empty());
}

fn read_back(bytes: &[u8]) -> Option<SearchIndex> {
    cache::decode(bytes)
}

const QUERIES: &[&str] = &[
    "zs",
    "zhangs",
    "shan",
    "lv",
    "1234",
    "a7k2",
    "娜",
    "热合曼",
    "oy",
    "hbeg",
    "华容",
    "hrxcl",
    "ｚｓ",
];

fn everything(index: &SearchIndex) -> Vec<Vec<(Candidate, Tier)>> {
    QUERIES
        .iter()
        .map(|q| {
            index
                .search(q, 10)
                .iter()
                .map(|h| (index.entry(h), h.tier))
                .collect()
        })
        .collect()
}

#[test]
fn an_index_read_back_from_bytes_finds_the_same_people() {
    let built = index();
    let read = read_back(&cache::encode(&built)).unwrap();
    assert_eq!(read.len(), built.len());
    assert_eq!(everything(&read), everything(&built));
    assert!(everything(&built).iter().all(|found| !found.is_empty()));
    assert_eq!(everything(&read)[5][0].0.code, "A7K2");
}

#[test]
fn bytes_cut_short_are_no_index() {
    let bytes = cache::encode(&index());
    for len in [0, 1, 9, bytes.len() / 2, bytes.len() - 1] {
        assert!(read_back(&bytes[..len]).is_none(), "{len}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(read_back(&longer).is_none());
}

proptest::proptest! {
    /// Columns that do not fit together are no index; ones that fit but hold nonsense give odd
    /// answers at worst, never a panic (the file's hash keeps those out of a real search).
    #[test]
    fn damaged_columns_never_panic(at in 0usize..4096, byte in proptest::num::u8::ANY) {
        let built = index();
        let (layout, body) = built.parts();
        let mut body = body.get(0..body.len()).unwrap().into_owned();
        let at = at % body.len();
        body[at] = byte;
        // The same columns held, and read a page at a time from a file.
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&body).unwrap();
        let kept = Buffers::Kept {
            file: Paged::of(file, body.len()),
            body: 0..body.len(),
        };
        let held = Buffers::Built { body };
        let read = [held, kept].map(|buffers| SearchIndex::from_parts(layout.clone(), buffers));
        proptest::prop_assert_eq!(read[0].is_some(), read[1].is_some());
        if let [Some(held), Some(kept)] = read {
            let one_by_one = held.view().known_enterprises;
            let one_by_one: Vec<String> =
                (0..one_by_one.len() as u32).map(|i| one_by_one.get(i).into_owned()).collect();
            proptest::prop_assert_eq!(held.known_enterprises().collect::<Vec<_>>(), one_by_one.clone());
            proptest::prop_assert_eq!(kept.known_enterprises().collect::<Vec<_>>(), one_by_one);
            let (held, kept) = (everything(&held), everything(&kept));
            for found in &held {
                proptest::prop_assert!(found.len() <= 10);
            }
            proptest::prop_assert_eq!(held, kept);
        }
    }
}
