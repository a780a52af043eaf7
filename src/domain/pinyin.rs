//! Readings of names as coordinators type them: surnames read as surnames (单 shan, 曾 zeng),
//! every reading of a heteronym kept, ü typed as v (and u).

use pinyin::ToPinyinMulti;

/// Surnames whose surname reading is not the character's first reading, or has several.
const SURNAMES: &[(&str, &[&str])] = &[
    ("单", &["shan"]),
    ("曾", &["zeng"]),
    ("解", &["xie"]),
    ("区", &["ou"]),
    ("覃", &["qin"]),
    ("仇", &["qiu"]),
    ("朴", &["piao"]),
    ("查", &["zha"]),
    ("乐", &["yue", "le"]),
    ("长", &["chang", "zhang"]),
    ("盖", &["ge"]),
    ("缪", &["miao"]),
    ("翟", &["zhai"]),
    ("种", &["chong"]),
    ("秘", &["bi"]),
    ("繁", &["po"]),
    ("员", &["yun"]),
    ("召", &["shao"]),
    ("宿", &["su"]),
    ("折", &["she"]),
    ("祭", &["zhai"]),
    ("句", &["gou"]),
    ("牟", &["mou"]),
    ("尉", &["yu", "wei"]),
    ("隗", &["wei"]),
    ("黑", &["he"]),
    ("沈", &["shen"]),
    ("石", &["shi"]),
    ("华", &["hua"]),
    ("任", &["ren"]),
    ("纪", &["ji"]),
    ("薄", &["bo"]),
    ("应", &["ying"]),
    ("过", &["guo"]),
];

const COMPOUND_SURNAMES: &[(&str, &[&str])] = &[
    ("欧阳", &["ou", "yang"]),
    ("司马", &["si", "ma"]),
    ("诸葛", &["zhu", "ge"]),
    ("上官", &["shang", "guan"]),
    ("司徒", &["si", "tu"]),
    ("东方", &["dong", "fang"]),
    ("夏侯", &["xia", "hou"]),
    ("皇甫", &["huang", "fu"]),
    ("尉迟", &["yu", "chi"]),
    ("公孙", &["gong", "sun"]),
    ("令狐", &["ling", "hu"]),
    ("慕容", &["mu", "rong"]),
    ("长孙", &["zhang", "sun"]),
    ("宇文", &["yu", "wen"]),
    ("澹台", &["tan", "tai"]),
    ("万俟", &["mo", "qi"]),
    ("单于", &["chan", "yu"]),
    ("端木", &["duan", "mu"]),
    ("轩辕", &["xuan", "yuan"]),
    ("南宫", &["nan", "gong"]),
    ("西门", &["xi", "men"]),
    ("独孤", &["du", "gu"]),
    ("呼延", &["hu", "yan"]),
    ("赫连", &["he", "lian"]),
    ("百里", &["bai", "li"]),
    ("东郭", &["dong", "guo"]),
];

/// Most variants kept per name: heteronyms multiply, and a name of four heteronyms is rare.
const MAX_VARIANTS: usize = 32;

/// Every reading of one character, most likely first; ü becomes v, with u as an extra reading.
fn char_readings(c: char) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |r: String| {
        if !out.contains(&r) {
            out.push(r);
        }
    };
    if let Some(multi) = c.to_pinyin_multi() {
        for reading in multi {
            let plain = reading.plain();
            if plain.contains('ü') {
                push(plain.replace('ü', "v"));
                push(plain.replace('ü', "u"));
            } else {
                push(plain.to_string());
            }
        }
    } else if c.is_ascii_alphanumeric() {
        push(c.to_ascii_lowercase().to_string());
    }
    out
}

/// The readings of each syllable-bearing character of a name, surname rules applied.
/// Characters without a reading (·, rare Hanzi) are skipped; they still match as Hanzi.
pub fn name_readings(name: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = name.chars().collect();
    let mut syllables: Vec<Vec<String>> = Vec::new();
    let mut start = 0;
    if let Some((surname, readings)) = COMPOUND_SURNAMES.iter().find(|(s, _)| name.starts_with(s)) {
        for reading in readings.iter() {
            syllables.push(vec![reading.to_string()]);
        }
        start = surname.chars().count();
    } else if let Some(first) = chars.first() {
        let mut first_str = [0u8; 4];
        let first_str: &str = first.encode_utf8(&mut first_str);
        if let Some((_, readings)) = SURNAMES.iter().find(|(s, _)| *s == first_str) {
            let mut all: Vec<String> = readings.iter().map(|r| r.to_string()).collect();
            for other in likely_readings(*first) {
                if !all.contains(&other) {
                    all.push(other);
                }
            }
            syllables.push(all);
            start = 1;
        }
    }
    for c in &chars[start..] {
        let readings = likely_readings(*c);
        if !readings.is_empty() {
            syllables.push(readings);
        }
    }
    syllables
}

/// Characters read more than one way in names, with the readings people use for them. Other
/// characters keep their first reading only: the dictionary's rare readings (童 zhong, 俊 shun)
/// would otherwise put strangers at the top of a search.
const NAME_HETERONYMS: &[(char, &[&str])] = &[
    ('长', &["chang", "zhang"]),
    ('乐', &["le", "yue"]),
    ('重', &["zhong", "chong"]),
    ('行', &["xing", "hang"]),
    ('朝', &["zhao", "chao"]),
    ('传', &["chuan", "zhuan"]),
    ('强', &["qiang", "jiang"]),
    ('茜', &["qian", "xi"]),
    ('蔚', &["wei", "yu"]),
    ('单', &["dan", "shan", "chan"]),
    ('曾', &["zeng", "ceng"]),
    ('解', &["jie", "xie"]),
    ('查', &["cha", "zha"]),
    ('区', &["qu", "ou"]),
    ('覃', &["qin", "tan"]),
    ('仇', &["qiu", "chou"]),
    ('朴', &["piao", "pu"]),
    ('会', &["hui", "kuai"]),
    ('卜', &["bu", "bo"]),
    ('都', &["du", "dou"]),
    ('盛', &["sheng", "cheng"]),
    ('露', &["lu", "lou"]),
    ('薄', &["bo", "bao"]),
    ('缪', &["miao", "mou"]),
    ('秘', &["mi", "bi"]),
    ('尉', &["wei", "yu"]),
    ('翟', &["zhai", "di"]),
    ('奇', &["qi", "ji"]),
    ('宿', &["su", "xiu"]),
    ('员', &["yuan", "yun"]),
    ('召', &["zhao", "shao"]),
    ('折', &["zhe", "she"]),
    ('牟', &["mou", "mu"]),
    ('黑', &["hei", "he"]),
];

/// The readings worth indexing for a character in a name: the listed ones for name heteronyms,
/// else the first (both v and u for ü).
fn likely_readings(c: char) -> Vec<String> {
    if let Some((_, readings)) = NAME_HETERONYMS.iter().find(|(h, _)| *h == c) {
        return readings.iter().map(|r| r.to_string()).collect();
    }
    let all = char_readings(c);
    match all.first() {
        // char_readings puts the u spelling right after the v one.
        Some(first) if first.contains('v') => all.into_iter().take(2).collect(),
        Some(first) => vec![first.clone()],
        None => all,
    }
}

/// One way of reading a name: its initials and its full pinyin; `primary` is the likeliest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub initials: String,
    pub full: String,
    pub primary: bool,
}

/// The readings of a name, the likeliest first, at most `MAX_VARIANTS`.
pub fn variants(name: &str) -> Vec<Variant> {
    let syllables = name_readings(name);
    if syllables.is_empty() {
        return Vec::new();
    }
    let mut combos: Vec<Vec<&str>> = vec![Vec::new()];
    for readings in &syllables {
        let mut next = Vec::new();
        for combo in &combos {
            for reading in readings {
                if next.len() >= MAX_VARIANTS {
                    break;
                }
                let mut extended = combo.clone();
                extended.push(reading.as_str());
                next.push(extended);
            }
        }
        combos = next;
    }
    let mut out: Vec<Variant> = Vec::new();
    for (i, combo) in combos.iter().enumerate() {
        let variant = Variant {
            initials: combo.iter().filter_map(|s| s.chars().next()).collect(),
            full: combo.concat(),
            primary: i == 0,
        };
        if !out.iter().any(|v| v.full == variant.full) {
            out.push(variant);
        }
    }
    out
}

/// The order people expect a list of names in: by pinyin (surname readings applied), then by
/// the characters themselves.
pub fn sort_key(name: &str) -> (String, String) {
    // Syllables apart, so chen sorts before cheng and du before duan.
    let syllables: Vec<String> = name_readings(name)
        .into_iter()
        .filter_map(|readings| readings.into_iter().next())
        .collect();
    (syllables.join(" "), name.to_string())
}

/// Initials of a free text such as an enterprise name (first reading of each character).
pub fn text_initials(text: &str) -> String {
    text.chars()
        .filter_map(|c| char_readings(c).into_iter().next())
        .filter_map(|r| r.chars().next())
        .collect()
}

/// An enterprise name's initials, and where in them the name may be said from: the start, and
/// after each place in it (省, 市, 县, 区, a leading 湖北 or 中国), where the trade name begins.
/// Starting anywhere else makes `zs` find every 鄂州市 (州市) enterprise.
pub fn name_part_initials(name: &str) -> (String, Vec<usize>) {
    let mut initials = String::new();
    let mut starts = vec![0];
    let mut previous = None;
    for (i, c) in name.chars().enumerate() {
        if let Some(initial) = char_readings(c)
            .into_iter()
            .next()
            .and_then(|r| r.chars().next())
        {
            initials.push(initial);
        }
        if ends_place(i, previous, c) {
            starts.push(initials.len());
        }
        previous = Some(c);
    }
    starts.retain(|&s| s < initials.len());
    starts.dedup();
    (initials, starts)
}

/// Whether `c`, character `i` of an enterprise's name, coming after `previous`, ends a place
/// in it: 省, 市, 县, 区, or a leading 湖北 or 中国.
fn ends_place(i: usize, previous: Option<char>, c: char) -> bool {
    matches!(c, '省' | '市' | '县' | '区')
        || (i == 1 && matches!((previous, c), (Some('湖'), '北') | (Some('中'), '国')))
}

/// The most characters a place at the start of a name takes (鄂州市, 江夏区); a longer stretch
/// ending in one is part of the name itself (葛店开发区).
const LONGEST_PLACE: usize = 4;

/// An enterprise's name after the places it starts with (湖北, 鄂州市, 江夏区): what tells it
/// apart from the others of its area where there is room for a few characters only. The whole
/// name when it is nothing but places.
pub fn after_leading_places(name: &str) -> &str {
    let (mut from, mut place_starts, mut previous) = (0, 0, None);
    for (i, (at, c)) in name.char_indices().enumerate() {
        if i + 1 - place_starts > LONGEST_PLACE {
            break;
        }
        if ends_place(i, previous, c) {
            from = at + c.len_utf8();
            place_starts = i + 1;
        }
        previous = Some(c);
    }
    match &name[from..] {
        "" => name,
        rest => rest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enterprise_names_are_said_from_after_their_places() {
        let (initials, starts) = name_part_initials("鄂州市华宇光电科技有限公司");
        assert_eq!(initials, "ezshygdkjyxgs");
        assert_eq!(starts, [0, 3]);
        let (_, starts) = name_part_initials("湖北省鄂州市葛店开发区光电有限公司");
        assert_eq!(starts, [0, 2, 3, 6, 11]);
        assert_eq!(name_part_initials("鄂州市").1, [0]);
    }

    #[test]
    fn names_are_shown_from_after_their_leading_places() {
        for (name, shown) in [
            ("湖北泰洪激光技术有限公司", "泰洪激光技术有限公司"),
            (
                "湖北省鄂州市葛店开发区光电有限公司",
                "葛店开发区光电有限公司",
            ),
            ("武汉市江夏区金港科技有限公司", "金港科技有限公司"),
            ("中国长江三峡集团", "长江三峡集团"),
            (
                "湖北洪万农业科技股份有限公司武汉东湖新技术开发区分公司",
                "洪万农业科技股份有限公司武汉东湖新技术开发区分公司",
            ),
            ("华宇光电", "华宇光电"),
            ("鄂州市", "鄂州市"),
            ("", ""),
        ] {
            assert_eq!(after_leading_places(name), shown, "{name}");
        }
    }

    fn primary(name: &str) -> (String, String) {
        let v = variants(name).into_iter().next().unwrap();
        (v.initials, v.full)
    }

    #[test]
    fn surnames_read_as_surnames() {
        for (name, full) in [
            ("单雄", "shanxiong"),
            ("曾国", "zengguo"),
            ("解放", "xiefang"),
            ("区明", "ouming"),
            ("覃丽", "qinli"),
            ("仇伟", "qiuwei"),
            ("朴正", "piaozheng"),
            ("查良", "zhaliang"),
        ] {
            assert_eq!(primary(name).1, full, "{name}");
        }
    }

    #[test]
    fn heteronyms_keep_every_reading() {
        let all: Vec<String> = variants("单雄").into_iter().map(|v| v.full).collect();
        assert!(all.contains(&"danxiong".to_string()), "{all:?}");
        let le: Vec<String> = variants("乐天").into_iter().map(|v| v.full).collect();
        assert_eq!(&le[..2], ["yuetian", "letian"]);
    }

    #[test]
    fn rare_dictionary_readings_are_not_indexed() {
        let tong: Vec<String> = variants("童俊").into_iter().map(|v| v.initials).collect();
        assert_eq!(tong, ["tj"]);
        let chang: Vec<String> = variants("张长").into_iter().map(|v| v.initials).collect();
        assert_eq!(chang, ["zc", "zz"]);
    }

    #[test]
    fn compound_surnames_and_middle_dots() {
        assert_eq!(primary("欧阳娜娜").0, "oynn");
        assert_eq!(primary("诸葛亮").0, "zgl");
        assert_eq!(primary("司马光").0, "smg");
        assert_eq!(primary("阿卜杜·热合曼").0, "abdrhm");
    }

    #[test]
    fn u_umlaut_is_typed_as_v_or_u() {
        let all: Vec<String> = variants("吕丽").into_iter().map(|v| v.full).collect();
        assert_eq!(all[0], "lvli");
        assert!(all.contains(&"luli".to_string()));
    }

    #[test]
    fn names_sort_by_pinyin_with_surname_readings() {
        let mut names = [
            "张三", "单雄", "李四", "曾国", "程伟", "陈文", "段霞", "杜敏",
        ];
        names.sort_by_key(|n| sort_key(n));
        assert_eq!(
            names,
            ["陈文", "程伟", "杜敏", "段霞", "李四", "单雄", "曾国", "张三"]
        );
    }

    #[test]
    fn enterprise_initials() {
        assert_eq!(text_initials("湖北鄂钢科技有限公司"), "hbegkjyxgs");
    }
}
