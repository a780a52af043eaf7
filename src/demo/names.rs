//! Plausible names for demo data: people, companies, positions, lecturers and venues. Invented;
//! any likeness to a real person or company is chance.

use std::collections::HashSet;

use color_eyre::eyre::{eyre, Result};

use super::rng::Rng;
use crate::domain::credit_code;
use crate::domain::EnterpriseCategory;

/// Common surnames, the frequent ones listed twice so they come up more often (Hubei has many
/// 熊, 万, 程, 向, 覃).
const SURNAMES: &[&str] = &[
    "王", "王", "李", "李", "张", "张", "刘", "刘", "陈", "陈", "杨", "黄", "赵", "吴", "周", "徐",
    "孙", "马", "朱", "胡", "胡", "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许",
    "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜",
    "叶", "程", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "付", "方", "邹", "孟", "熊", "熊", "秦", "邱", "江",
    "尹", "薛", "段", "雷", "侯", "龙", "陶", "黎", "贺", "顾", "毛", "龚", "邵", "万", "万", "严",
    "覃", "向", "向", "戴", "柯", "童", "舒", "喻", "涂", "饶", "艾", "詹", "单", "解", "区", "仇",
    "朴",
];

/// Surnames whose reading differs from the character's common one, and compound surnames: every
/// demo store has at least one of each so search by pinyin can be tried on them.
pub const SPECIAL_SURNAMES: &[&str] = &[
    "单", "曾", "解", "区", "覃", "仇", "朴", "吕", "欧阳", "司马", "诸葛",
];

const COMPOUND_SURNAMES: &[&str] = &["欧阳", "司马", "诸葛", "上官", "皇甫"];

/// A name written with the interpunct, as Uyghur names are on ID cards.
pub const DOT_NAME: &str = "阿卜杜·热合曼";

const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玲", "鹏", "辉", "俊", "健", "宇", "浩", "凯",
    "帆", "斌", "琳", "婷", "雪", "晨", "欣", "怡", "佳", "思", "雨", "文", "博", "志", "国", "建",
    "红", "亮", "峰", "晓", "慧", "丹", "蕾", "倩", "颖", "琪", "瑶", "梦", "楠", "子", "梓", "涵",
    "睿", "轩", "昊", "然", "成", "松", "海", "波", "林", "春", "冬", "荣", "新", "兵", "坤", "骏",
];

const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "191", "198", "199",
];

/// Positions, the campaign's main audience (企业知识产权专员) most often.
const POSITIONS: &[&str] = &[
    "知识产权专员",
    "知识产权专员",
    "知识产权专员",
    "知识产权专员",
    "知识产权主管",
    "研发经理",
    "研发经理",
    "研发工程师",
    "总经理",
    "副总经理",
    "技术总监",
    "总工程师",
    "法务专员",
    "综合办主任",
    "行政经理",
    "董事长",
    "财务经理",
    "市场部经理",
    "质量部经理",
    "项目申报专员",
];

const BRAND_CHARS: &[&str] = &[
    "华", "鑫", "楚", "荆", "汉", "江", "宏", "盛", "源", "泰", "达", "信", "恒", "瑞", "丰", "天",
    "光", "博", "凯", "金", "新", "正", "中", "长", "明", "远", "创", "智", "联", "德", "隆", "昌",
    "兴", "力", "通", "安", "和", "嘉", "佳", "益", "亿", "晶", "峰", "磊", "海", "航", "宇", "星",
    "辰", "睿", "诚", "立", "成", "弘", "奥", "越", "润", "祥", "富", "腾", "鼎", "晟", "鸿", "卓",
    "晖", "锦", "东", "方", "云", "帆", "科", "德", "湖", "洪", "三", "九", "万", "百", "峻", "驰",
];

const INDUSTRIES: &[&str] = &[
    "科技",
    "科技",
    "新材料",
    "新材料",
    "生物科技",
    "生物医药",
    "智能装备",
    "光电科技",
    "电子科技",
    "机械制造",
    "精细化工",
    "农业科技",
    "食品",
    "环保科技",
    "医疗器械",
    "汽车零部件",
    "建材",
    "信息技术",
    "软件",
    "新能源",
    "节能科技",
    "纺织",
    "包装",
    "物流装备",
    "冶金",
    "铸造",
    "电气",
    "水产科技",
    "生态农业",
    "航空科技",
    "智能制造",
    "检测技术",
    "激光技术",
    "半导体",
];

const AFFILIATIONS: &[&str] = &[
    "湖北省知识产权发展中心",
    "湖北省知识产权培训基地",
    "湖北省知识产权保护中心",
    "中南财经政法大学知识产权研究中心",
    "华中科技大学法学院",
    "湖北工业大学知识产权学院",
    "湖北省专利代理师协会",
    "湖北省商标品牌发展促进会",
    "武汉知识产权交易所",
];

fn given(rng: &mut Rng) -> &'static str {
    GIVEN[rng.below(GIVEN.len())]
}

pub fn person_name(rng: &mut Rng) -> String {
    let surname = if rng.chance(0.01) {
        *rng.pick(COMPOUND_SURNAMES)
    } else {
        *rng.pick(SURNAMES)
    };
    let mut name = surname.to_string();
    name.push_str(given(rng));
    if rng.chance(0.7) {
        name.push_str(given(rng));
    }
    name
}

/// A person name with the given surname (to place the special surnames).
pub fn name_with_surname(rng: &mut Rng, surname: &str) -> String {
    let mut name = surname.to_string();
    name.push_str(given(rng));
    if rng.chance(0.6) {
        name.push_str(given(rng));
    }
    name
}

/// A mobile number not in `used`, which it is added to.
pub fn mobile(rng: &mut Rng, used: &mut HashSet<String>) -> Result<String> {
    for _ in 0..1000 {
        let phone = format!("{}{:08}", rng.pick(MOBILE_PREFIXES), rng.below(100_000_000));
        if used.insert(phone.clone()) {
            return Ok(phone);
        }
    }
    Err(eyre!("could not find an unused demo phone number"))
}

pub fn position(rng: &mut Rng) -> String {
    (*rng.pick(POSITIONS)).to_string()
}

/// A company name not in `used` (added to it). `places` are the region words a company of this
/// unit might carry (湖北, 鄂州市, 大冶市 ...).
pub fn company(
    rng: &mut Rng,
    places: &[String],
    category: EnterpriseCategory,
    used: &mut HashSet<String>,
) -> Result<String> {
    for _ in 0..1000 {
        let place = rng.pick(places);
        let brand = format!("{}{}", rng.pick(BRAND_CHARS), rng.pick(BRAND_CHARS));
        let industry = rng.pick(INDUSTRIES);
        let form = match category {
            EnterpriseCategory::Listed if rng.chance(0.8) => "股份有限公司",
            _ if rng.chance(0.12) => "股份有限公司",
            _ if rng.chance(0.08) => "集团有限公司",
            _ if rng.chance(0.1) => "有限责任公司",
            _ => "有限公司",
        };
        let name = format!("{place}{brand}{industry}{form}");
        if used.insert(name.clone()) {
            return Ok(name);
        }
    }
    Err(eyre!("could not find an unused demo company name"))
}

/// A valid 统一社会信用代码 of a company registered in `division` (a 6-digit division code).
pub fn credit_code(rng: &mut Rng, division: &str, used: &mut HashSet<String>) -> Result<String> {
    let charset: Vec<char> = credit_code::body_charset().chars().collect();
    let digits: Vec<char> = ('0'..='9').collect();
    for _ in 0..1000 {
        // Codes issued since 2015 carry "MA" bodies; older firms kept their organisation code.
        let body: String = if rng.chance(0.7) {
            let mut b = String::from("MA4");
            b.push(*rng.pick(&['9', 'A', 'C', 'D', 'F']));
            for _ in 0..4 {
                b.push(*rng.pick(&charset));
            }
            b
        } else {
            let mut b = String::new();
            b.push(*rng.pick(&['0', '3', '5', '6', '7']));
            for _ in 0..7 {
                b.push(*rng.pick(&digits));
            }
            b
        };
        let code = credit_code::complete(&format!("91{division}{body}"))
            .ok_or_else(|| eyre!("demo credit code prefix 91{division}{body} is not valid"))?;
        if used.insert(code.clone()) {
            return Ok(code);
        }
    }
    Err(eyre!("could not find an unused demo credit code"))
}

/// A lecturer with an affiliation, as written on a session's programme.
pub fn lecturer(rng: &mut Rng) -> String {
    let name = person_name(rng);
    format!("{name}（{}）", rng.pick(AFFILIATIONS))
}

/// Rooms in 鄂州 where each of its units holds sessions.
pub fn ezhou_venues(unit: &str) -> &'static [&'static str] {
    match unit {
        "420704" => &[
            "鄂城区政务服务中心三楼会议室",
            "鄂城区市场监督管理局五楼会议室",
            "鄂州市民中心二楼报告厅",
            "鄂城区科技局一楼会议室",
        ],
        "420703" => &[
            "华容区人民政府第一会议室",
            "华容区科技创业中心报告厅",
            "华容区市场监督管理局三楼会议室",
        ],
        "420702" => &[
            "梁子湖区人民政府二楼会议室",
            "梁子湖区政务服务中心会议室",
            "梁子湖区太和镇便民服务中心会议室",
        ],
        "420700-gedian" => &[
            "葛店开发区管委会一楼会议中心",
            "葛店开发区人才大厦报告厅",
            "葛店开发区企业服务中心会议室",
        ],
        "420700-linkong" => &[
            "临空经济区管委会三楼报告厅",
            "临空经济区政务服务中心会议室",
            "燕矶镇便民服务中心会议室",
        ],
        _ => &["鄂州市市场监督管理局六楼会议室"],
    }
}

/// A room in any other unit, named after it.
pub fn venue(rng: &mut Rng, unit_short: &str) -> String {
    const ROOMS: &[&str] = &[
        "政务服务中心会议室",
        "市场监督管理局会议室",
        "科技局报告厅",
        "人民政府第一会议室",
        "经济开发区管委会会议室",
        "民营经济服务中心报告厅",
        "科技企业孵化器路演厅",
    ];
    format!("{unit_short}{}", rng.pick(ROOMS))
}

/// A two-word theme for a session built around one optional course (附件1 1-14).
pub fn course_theme(course: &str) -> &'static str {
    match course {
        "1" => "专利转化对接",
        "2" => "质押融资",
        "3" => "新法政策解读",
        "4" => "专利导航",
        "5" => "风险防范",
        "6" => "高价值专利培育",
        "7" => "项目申报",
        "8" => "维权保护",
        "9" => "标准化管理",
        "10" => "专利开放许可",
        "11" => "地理标志",
        "12" => "商标品牌",
        "13" => "知识产权文化",
        "14" => "海外布局",
        _ => "知识产权",
    }
}

/// Chinese numerals for 第一场 … (the seed numbers the joint sessions this way).
pub fn numeral(n: usize) -> &'static str {
    ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
        .get(n.wrapping_sub(1))
        .copied()
        .unwrap_or("十")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_validate_and_names_are_unique() {
        let mut rng = Rng::new(1);
        let mut used = HashSet::new();
        for _ in 0..200 {
            let code = credit_code(&mut rng, "420704", &mut used).unwrap();
            assert!(
                crate::domain::credit_code::validate(&code).is_ok(),
                "{code}"
            );
            assert!(code.starts_with("91420704"));
        }
        let mut phones = HashSet::new();
        for _ in 0..200 {
            let p = mobile(&mut rng, &mut phones).unwrap();
            assert_eq!(
                crate::domain::text::normalise_phone(&p).as_deref(),
                Ok(p.as_str())
            );
        }
        assert_eq!(phones.len(), 200);
    }
}
