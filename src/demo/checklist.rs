//! Checklist states for the demo: cities' deadlines for their units, and every office's own
//! marks and evidence, in a believable mix as of the demo's "today" (done, waived, still open,
//! due soon, overdue).

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use color_eyre::eyre::{eyre, Result};

use super::rng::Rng;
use crate::campaign::{campaign, Unit};
use crate::domain::{Evidence, MarkStatus};
use crate::log::Payload;

/// 鄂州 asks for the joint sessions' sign-in sheets within a week of the last one, which puts
/// an item "due soon" on the demo's today.
const EZHOU_SIGNIN_DUE: (i32, u32, u32) = (2023, 4, 26);

/// What the checklist rules need to know about one office's training so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Progress {
    /// Past sessions serving the unit.
    pub past_sessions: usize,
    /// The latest of them.
    pub last_session: Option<NaiveDate>,
}

fn mark(unit: &str, item: &str, status: MarkStatus, note: &str) -> Payload {
    Payload::ChecklistMarked {
        unit: unit.to_string(),
        item: item.to_string(),
        status,
        note: note.to_string(),
    }
}

/// A file a coordinator would attach: its name, a plausible size, and a hash standing in for
/// the content (the demo keeps no files).
fn evidence(
    rng: &mut Rng,
    unit: &Unit,
    item: &str,
    file: &str,
    note: &str,
    after: NaiveDate,
    today: NaiveDate,
) -> Result<Payload> {
    let day = after
        .checked_add_days(Days::new(rng.range(1, 4) as u64))
        .filter(|d| *d < today)
        .unwrap_or(after);
    let time = NaiveTime::from_hms_opt(rng.range(9, 17) as u32, rng.below(60) as u32, 0)
        .ok_or_else(|| eyre!("bad demo evidence time"))?;
    let file_name = format!("{}{}", unit.short, file);
    let size = rng.range(80_000, 6_000_000) as u64;
    let mut hasher = blake3::Hasher::new();
    hasher.update(unit.id.as_bytes());
    hasher.update(file_name.as_bytes());
    hasher.update(&rng.next_u64().to_le_bytes());
    Ok(Payload::EvidenceAttached {
        unit: unit.id.clone(),
        item: item.to_string(),
        evidence: Evidence {
            file_name,
            size,
            blake3: hasher.finalize().to_hex().to_string(),
            note: note.to_string(),
            added: NaiveDateTime::new(day, time),
        },
    })
}

/// Deadlines a city sets for its units: those its notice set (鄂州: plans by 2/27), and for
/// 鄂州 the sign-in sheets of its joint sessions.
pub(crate) fn city_deadlines(city: &Unit) -> Result<Vec<Payload>> {
    let c = campaign();
    let mut out = Vec::new();
    for unit in c.children(&city.id) {
        for def in c.checklist_for(&unit.id) {
            let step = c.step(&def.step);
            if let Some(d) = step.and_then(|s| s.city_deadlines.iter().find(|d| d.city == city.id))
            {
                out.push(Payload::DeadlineSet {
                    unit: unit.id.clone(),
                    item: def.id.clone(),
                    due: d.due,
                });
            }
        }
        if city.id == "420700" && unit.acts_as_county() {
            let (y, m, d) = EZHOU_SIGNIN_DUE;
            out.push(Payload::DeadlineSet {
                unit: unit.id.clone(),
                item: "county.signin".to_string(),
                due: NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| eyre!("bad demo date"))?,
            });
        }
    }
    Ok(out)
}

/// A county-level unit's (or zone's) own marks and evidence.
pub(crate) fn county_marks(
    rng: &mut Rng,
    unit: &Unit,
    progress: &Progress,
    today: NaiveDate,
) -> Result<Vec<Payload>> {
    let c = campaign();
    let id = unit.id.as_str();
    let mut out = Vec::new();
    for def in c.checklist_for(id) {
        let item = def.id.as_str();
        let due = c.due_for(def, id);
        match item {
            "county.contact" if due < today && rng.chance(0.92) => {
                out.push(named_contact(rng, id, due)?);
                out.push(mark(
                    id,
                    item,
                    MarkStatus::Done,
                    "已随培训计划报送工作联系人",
                ));
            }
            "county.plan" if id != "420702" && due < today && rng.chance(0.85) => {
                out.push(super::plans::plan(id, true, due));
                out.push(mark(
                    id,
                    item,
                    MarkStatus::Done,
                    "培训计划报送汇总表（附件2）已报送",
                ));
            }
            // 梁子湖区 is the demo's late plan: still being revised, so overdue.
            "county.plan" if id == "420702" || (due < today && rng.chance(0.6)) => {
                out.push(super::plans::plan(id, false, due));
                out.push(mark(
                    id,
                    item,
                    MarkStatus::Todo,
                    "计划修改中，待分管领导审定",
                ));
            }
            // 临空's enterprises were mobilised with 鄂城区's, so the item does not apply to it.
            "county.online_mobilise" if id == "420700-linkong" => {
                out.push(mark(
                    id,
                    item,
                    MarkStatus::Waived,
                    "与鄂城区联合发动，由鄂城区局统一报名",
                ));
            }
            "county.online_mobilise" if due < today && rng.chance(0.8) => {
                out.push(mark(
                    id,
                    item,
                    MarkStatus::Done,
                    "已通知辖区企业报名参加线上直播培训",
                ));
            }
            "county.offline" if progress.past_sessions > 0 => {
                let note = format!("已举办{}场，其余按计划推进", progress.past_sessions);
                out.push(mark(id, item, MarkStatus::Todo, &note));
            }
            // 鄂城区 still waits for late signatures on its joint session's sheet: due soon.
            "county.signin" if id == "420704" => {
                out.push(mark(
                    id,
                    item,
                    MarkStatus::Todo,
                    "第一场签到表待临空分局补签后报送",
                ));
            }
            "county.notice" | "county.handbook" | "county.signin" | "county.photos"
            | "county.publicity" => {
                let Some(last) = progress.last_session else {
                    continue;
                };
                let (p, file, note) = match item {
                    "county.notice" => (0.9, "培训通知.pdf", "盖章扫描件"),
                    "county.handbook" => (0.6, "培训手册.pdf", ""),
                    "county.signin" => (0.5, "培训签到表.xlsx", "含现场补签"),
                    "county.photos" => (0.5, "培训现场照片.zip", "12张"),
                    _ => (0.3, "宣传报道截图.png", "本地公众号、政府网站"),
                };
                if rng.chance(p) {
                    out.push(evidence(rng, unit, item, file, note, last, today)?);
                    out.push(mark(id, item, MarkStatus::Done, ""));
                } else if rng.chance(0.3) {
                    out.push(mark(id, item, MarkStatus::Todo, "材料整理中"));
                }
            }
            _ => {}
        }
    }
    // Every unit has at least named its contact person: no office is silent in the demo.
    if out.is_empty() {
        out.push(named_contact(rng, id, today)?);
        out.push(mark(
            id,
            "county.contact",
            MarkStatus::Done,
            "已随培训计划报送工作联系人",
        ));
    }
    Ok(out)
}

/// The official a unit names as its 联系人, from a few days before the item was due.
fn named_contact(rng: &mut Rng, unit: &str, due: NaiveDate) -> Result<Payload> {
    const POSTS: [&str; 4] = ["科长", "副科长", "副局长", "科员"];
    let post = *rng.pick(&POSTS);
    let name = super::names::person_name(rng);
    let phone = super::names::mobile(rng, &mut std::collections::HashSet::new())?;
    let since = due.checked_sub_days(Days::new(5)).unwrap_or(due);
    let contact = crate::domain::contact::contact(&name, &phone, post, since)
        .map_err(|e| eyre!("demo contact for {unit}: {e:?}"))?;
    Ok(Payload::ContactSet {
        unit: unit.to_string(),
        contact,
    })
}

/// A city's own marks: the plan summary it sent the province, and the materials it is
/// collecting from its units.
pub(crate) fn city_marks(
    rng: &mut Rng,
    city: &Unit,
    units_with_material: usize,
    today: NaiveDate,
) -> Vec<Payload> {
    let c = campaign();
    let id = city.id.as_str();
    let mut out = Vec::new();
    for def in c.checklist_for(id) {
        let item = def.id.as_str();
        match item {
            "city.plan_summary" if def.due < today && (id == "420700" || rng.chance(0.9)) => {
                out.push(mark(id, item, MarkStatus::Done, "已报省知识产权局办公室"));
            }
            "city.evidence" if units_with_material > 0 => {
                let note = format!("已收到{units_with_material}个单位的佐证材料");
                out.push(mark(id, item, MarkStatus::Todo, &note));
            }
            _ => {}
        }
    }
    if out.is_empty() {
        out.push(mark(
            id,
            "city.plan_summary",
            MarkStatus::Todo,
            "汇总中，部分县区计划未报",
        ));
    }
    out
}

/// The province's own duties that fell due before `today`: the launch at 天门 and the online
/// training's notice are done; the rest are still ahead.
fn province_marks(province: &Unit, today: NaiveDate) -> Vec<Payload> {
    let notes = [
        ("province.launch", "2月在天门市举办启动仪式"),
        ("province.online_notice", "已印发线上大培训通知"),
    ];
    campaign()
        .checklist_for(&province.id)
        .into_iter()
        .filter(|def| def.due < today)
        .filter_map(|def| {
            let (_, note) = notes.iter().find(|(id, _)| *id == def.id)?;
            Some(mark(&province.id, &def.id, MarkStatus::Done, note))
        })
        .collect()
}

/// Marks for every office in scope, by office, in scope order.
pub(crate) fn all(
    rng: &mut Rng,
    offices: &[&Unit],
    progress: &HashMap<String, Progress>,
    today: NaiveDate,
) -> Result<Vec<(String, Vec<Payload>)>> {
    let mut out: Vec<(String, Vec<Payload>)> = Vec::new();
    let mut with_material: HashMap<String, usize> = HashMap::new();
    for unit in offices.iter().filter(|u| u.acts_as_county()) {
        let p = progress.get(&unit.id).cloned().unwrap_or_default();
        let marks = county_marks(rng, unit, &p, today)?;
        if marks
            .iter()
            .any(|m| matches!(m, Payload::EvidenceAttached { .. }))
        {
            if let Some(city) = campaign().city_of(&unit.id) {
                *with_material.entry(city.id.clone()).or_default() += 1;
            }
        }
        out.push((unit.id.clone(), marks));
    }
    for city in offices.iter().filter(|u| u.acts_as_city()) {
        let mut payloads = city_deadlines(city)?;
        let n = with_material.get(&city.id).copied().unwrap_or(0);
        payloads.extend(city_marks(rng, city, n, today));
        match out.iter_mut().find(|(office, _)| *office == city.id) {
            // A 直管市 is both: one office, one chain.
            Some((_, existing)) => existing.extend(payloads),
            None => out.push((city.id.clone(), payloads)),
        }
    }
    for province in offices
        .iter()
        .filter(|u| u.level == crate::campaign::UnitLevel::Province)
    {
        out.push((province.id.clone(), province_marks(province, today)));
    }
    Ok(out)
}
