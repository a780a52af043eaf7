//! Realistic demo stores, reproducible from a seed: 鄂州's city office (its five units, the
//! seed's three joint sessions, ~400 enterprises, ~1,500 people) or the province office
//! (17 cities, 103 county-level units, ~12,000 enterprises, ~40,000 people, ~2,000 sessions).
//!
//! Same seed, same records: the store's device id comes from the seed, so `Store::new_id` gives
//! the same ids; only op clock times (wall clock) differ between two builds. Records the store's
//! office may not write (each unit's own checklist marks) are written as that unit's own device
//! chain and taken in through `Store::import_foreign_chain`.

mod cert;
pub mod chain;
mod checklist;
mod crowd;
mod names;
mod outreach;
mod plans;
mod rng;
mod season;
mod sessions;
mod sizes;
mod stress;

pub use sizes::{Scale, Sizes};

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use color_eyre::eyre::{eyre, Result, WrapErr};

pub use chain::ChainWriter;
use checklist::Progress;
pub use crowd::crowd;
use rng::Rng;
pub use season::county_season;
use sessions::Calendar;

use crate::campaign::{campaign, stem, Unit, UnitLevel};
use crate::domain::{Enterprise, EnterpriseCategory, Person, Session, SessionKind};
use crate::log::{Op, Payload};
use crate::store::Store;

/// The date a demo store counts its checklist from: mid-campaign, so items are in every state.
pub const TODAY: (i32, u32, u32) = (2023, 4, 20);

/// Payloads per commit: big enough to be quick, small enough to keep memory flat.
const BATCH: usize = 2000;

pub fn today() -> Result<NaiveDate> {
    let (y, m, d) = TODAY;
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| eyre!("bad demo date"))
}

/// The device id of `office`'s demo device for `seed`.
pub fn device_id(seed: u64, office: &str) -> u64 {
    let mut hasher = blake3::Hasher::new();
    hasher.update(b"peixun demo device");
    hasher.update(&seed.to_le_bytes());
    hasher.update(office.as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
    crate::log::device::tagged(office, u64::from_le_bytes(bytes))
}

/// Builds the demo store of `scale` in `dir` (which must not hold a store yet), calling
/// `progress(done, total)` in ops as it goes.
pub fn build(
    dir: &Path,
    scale: Scale,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Store> {
    build_sized(dir, scale, Sizes::of(scale), seed, progress)
}

/// A session with the people enrolled and those checked in (indices into the people).
struct Planned {
    session: Session,
    enrolled: Vec<u32>,
    present: Vec<(u32, NaiveDateTime)>,
}

/// Commits payloads in batches and reports progress.
struct Sink<'a> {
    store: &'a Store,
    batch: Vec<Payload>,
    done: usize,
    total: usize,
    progress: &'a mut dyn FnMut(usize, usize),
}

impl Sink<'_> {
    fn push(&mut self, payload: Payload) -> Result<()> {
        self.batch.push(payload);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<()> {
        let batch = std::mem::take(&mut self.batch);
        let n = batch.len();
        self.store
            .commit(batch)
            .wrap_err("writing the demo store")?;
        self.done += n;
        (self.progress)(self.done, self.total);
        Ok(())
    }

    fn import(&mut self, ops: Vec<Op>) -> Result<()> {
        for chunk in ops.chunks(BATCH) {
            self.store
                .import_foreign_chain(chunk.to_vec())
                .wrap_err("writing the demo units' own records")?;
            self.done += chunk.len();
            (self.progress)(self.done, self.total);
        }
        Ok(())
    }
}

/// Region words a company of `unit` may carry in its name.
fn places(unit: &Unit) -> Vec<String> {
    let city = campaign().city_of(&unit.id).unwrap_or(unit);
    let mut out = vec![
        "湖北".to_string(),
        city.short.clone(),
        stem(&city.short).unwrap_or_else(|| city.short.clone()),
    ];
    if unit.level == UnitLevel::County && (unit.short.ends_with('市') || unit.short.ends_with('县'))
    {
        out.push(unit.short.clone());
    }
    out
}

/// Relative number of enterprises in a unit: industrial zones and Wuhan's districts have more.
fn weight(unit: &Unit) -> f64 {
    let base = match unit.level {
        UnitLevel::Zone => 1.6,
        _ if unit.short.ends_with('区') => 1.3,
        _ if unit.short.ends_with('市') => 1.1,
        _ => 0.8,
    };
    let wuhan = campaign()
        .city_of(&unit.id)
        .is_some_and(|c| c.id == "420100");
    if wuhan {
        base * 2.0
    } else {
        base
    }
}

/// An index drawn with the given cumulative weights.
fn draw(rng: &mut Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(0.0);
    let x = rng.unit() * total;
    cumulative
        .partition_point(|c| *c <= x)
        .min(cumulative.len().saturating_sub(1))
}

fn cumulative(weights: impl IntoIterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .into_iter()
        .map(|w| {
            sum += w;
            sum
        })
        .collect()
}

fn enterprises(store: &Store, rng: &mut Rng, units: &[&Unit], n: usize) -> Result<Vec<Enterprise>> {
    let cum = cumulative(units.iter().map(|u| weight(u)));
    let places: Vec<Vec<String>> = units.iter().map(|u| places(u)).collect();
    let (mut names, mut codes) = (HashSet::new(), HashSet::new());
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        // Every unit gets enterprises, then the weights decide.
        let u = if i < units.len() { i } else { draw(rng, &cum) };
        let unit = units[u];
        let category = match rng.below(100) {
            0..=44 => EnterpriseCategory::TechSme,
            45..=79 => EnterpriseCategory::HighTech,
            80..=93 => EnterpriseCategory::Specialised,
            _ => EnterpriseCategory::Listed,
        };
        let name = names::company(rng, &places[u], category, &mut names)?;
        // Zones are not divisions: their companies register under the city's code.
        let division = if unit.id.len() == 6 {
            unit.id.as_str()
        } else {
            unit.parent.as_deref().unwrap_or("420000")
        };
        let code = names::credit_code(rng, division, &mut codes)?;
        out.push(Enterprise {
            id: store.new_id('E')?,
            office: store.office().to_string(),
            name,
            credit_code: Some(code),
            categories: category.into(),
            unit: unit.id.clone(),
        });
    }
    Ok(out)
}

fn people(store: &Store, rng: &mut Rng, firms: &[Enterprise], n: usize) -> Result<Vec<Person>> {
    if firms.is_empty() {
        return Ok(Vec::new());
    }
    // Firm sizes are skewed: a few large firms send many people.
    let cum = cumulative(firms.iter().map(|_| 1.0 + 6.0 * rng.unit().powi(3)));
    let mut special: HashMap<usize, String> = HashMap::new();
    let slots: Vec<usize> = (0..n).collect();
    for (k, slot) in rng
        .sample(&slots, names::SPECIAL_SURNAMES.len() + 1)
        .into_iter()
        .enumerate()
    {
        let name = match names::SPECIAL_SURNAMES.get(k) {
            Some(surname) => names::name_with_surname(rng, surname),
            None => names::DOT_NAME.to_string(),
        };
        special.insert(slot, name);
    }
    let mut phones = HashSet::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let firm = if i < firms.len() { i } else { draw(rng, &cum) };
        let name = match special.remove(&i) {
            Some(name) => name,
            None => names::person_name(rng),
        };
        let id = store.new_id('P')?;
        out.push(Person {
            code: crate::domain::code::participant_code(&id),
            id,
            office: store.office().to_string(),
            name,
            phone: names::mobile(rng, &mut phones)?,
            position: names::position(rng),
            enterprise: Some(firms[firm].id.clone()),
        });
    }
    Ok(out)
}

/// Who checked in to a past session: 70-95% of those enrolled, around the start time.
fn attendance(
    rng: &mut Rng,
    session: &Session,
    enrolled: &[u32],
    today: NaiveDate,
) -> Vec<(u32, NaiveDateTime)> {
    if session.date >= today || enrolled.is_empty() {
        return Vec::new();
    }
    let rate = 0.70 + 0.25 * rng.unit();
    let n = ((enrolled.len() as f64) * rate).round() as usize;
    let start = NaiveDateTime::new(session.date, session.start);
    let mut present: Vec<(u32, NaiveDateTime)> = rng
        .sample(enrolled, n)
        .into_iter()
        .map(|p| {
            // Most arrive in the half hour before the start, a few come late.
            let offset = rng.range(0, 45 * 60) as i64 - 35 * 60;
            (p, start + Duration::seconds(offset))
        })
        .collect();
    present.sort_by_key(|(_, at)| *at);
    present
}

/// Indices of the people of each unit (by their enterprise's unit).
fn people_by_unit<'a>(firms: &'a [Enterprise], people: &[Person]) -> HashMap<&'a str, Vec<u32>> {
    let firm_unit: HashMap<&str, &str> = firms
        .iter()
        .map(|e| (e.id.as_str(), e.unit.as_str()))
        .collect();
    let mut by_unit: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        if let Some(unit) = p.enterprise.as_deref().and_then(|e| firm_unit.get(e)) {
            by_unit.entry(unit).or_default().push(i as u32);
        }
    }
    by_unit
}

/// The calendar with its enrolments and attendance: joint sessions, online days, exams and
/// makeup, then each unit's own sessions.
fn plan_sessions(
    store: &Store,
    rng: &mut Rng,
    units: &[&Unit],
    offices: &[&Unit],
    sizes: Sizes,
    by_unit: &HashMap<&str, Vec<u32>>,
    today: NaiveDate,
) -> Result<Vec<Planned>> {
    let candidates = |units: &[String]| -> Vec<u32> {
        units
            .iter()
            .flat_map(|u| by_unit.get(u.as_str()).into_iter().flatten().copied())
            .collect()
    };

    let mut cal = Calendar {
        store,
        rng: rng.fork(4),
        lecturers: Vec::new(),
        province_sessions: 0,
    };
    let mut lecturer_rng = rng.fork(5);
    cal.lecturers = (0..24)
        .map(|_| names::lecturer(&mut lecturer_rng))
        .collect();
    let mut arng = rng.fork(6);
    let mut planned: Vec<Planned> = Vec::new();
    let cities: Vec<&Unit> = offices
        .iter()
        .copied()
        .filter(|u| u.acts_as_city())
        .collect();
    for city in &cities {
        for s in cal.joint(city)? {
            let n = arng.range(80, 120);
            let enrolled = arng.sample(&candidates(&s.units), n);
            planned.push(Planned {
                session: s,
                enrolled,
                present: Vec::new(),
            });
        }
    }
    let unit_ids: Vec<String> = units.iter().map(|u| u.id.clone()).collect();
    let online_people = arng.sample(&candidates(&unit_ids), sizes.online_enrolled);
    for s in cal.online(&unit_ids)? {
        let present = attendance(&mut arng, &s, &online_people, today);
        planned.push(Planned {
            session: s,
            enrolled: online_people.clone(),
            present,
        });
    }
    let (exams, makeup) = cal.exams(units)?;
    // 遴选 decides who sits the exams: the certification chain seats them (see `cert::plan`).
    for (s, _) in exams {
        planned.push(Planned {
            session: s,
            enrolled: Vec::new(),
            present: Vec::new(),
        });
    }
    planned.push(Planned {
        session: makeup,
        enrolled: Vec::new(),
        present: Vec::new(),
    });

    let own = sizes.sessions.saturating_sub(planned.len());
    let days = sessions::session_days(
        NaiveDate::from_ymd_opt(2023, 3, 1).ok_or_else(|| eyre!("bad date"))?,
        NaiveDate::from_ymd_opt(2023, 11, 30).ok_or_else(|| eyre!("bad date"))?,
    );
    let mut per_unit = vec![own / units.len().max(1); units.len()];
    let unit_idx: Vec<usize> = (0..units.len()).collect();
    for i in arng.sample(&unit_idx, own % units.len().max(1)) {
        per_unit[i] += 1;
    }
    for (unit, count) in units.iter().zip(per_unit) {
        for s in cal.unit_sessions(unit, count, &days)? {
            let n = arng.range(40, 120);
            let enrolled = arng.sample(&candidates(&s.units), n);
            planned.push(Planned {
                session: s,
                enrolled,
                present: Vec::new(),
            });
        }
    }
    for p in planned.iter_mut() {
        if p.session.kind == SessionKind::Offline {
            p.present = attendance(&mut arng, &p.session, &p.enrolled, today);
        }
        // A room is booked for everyone enrolled.
        let n = u32::try_from(p.enrolled.len()).unwrap_or(u32::MAX);
        if p.session.capacity < n {
            p.session.capacity = [100, 120, 150, 200]
                .into_iter()
                .find(|c| *c >= n)
                .unwrap_or(n);
        }
    }

    Ok(planned)
}

/// Builds a demo store of `scale` with the given sizes (see `build`).
pub fn build_sized(
    dir: &Path,
    scale: Scale,
    sizes: Sizes,
    seed: u64,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Store> {
    let c = campaign();
    let today = today()?;
    let office = match scale {
        Scale::City => "420700",
        Scale::Province | Scale::Stress => sessions::PROVINCE,
    };
    let office_unit = c
        .unit(office)
        .ok_or_else(|| eyre!("unknown demo office {office}"))?;
    // Units that hold sessions and enterprises; offices that keep a checklist.
    let (units, offices): (Vec<&Unit>, Vec<&Unit>) = match scale {
        Scale::City => {
            let units: Vec<&Unit> = c
                .children(office)
                .into_iter()
                .filter(|u| u.acts_as_county())
                .collect();
            let mut offices = vec![office_unit];
            offices.extend(units.iter().copied());
            (units, offices)
        }
        Scale::Province | Scale::Stress => (
            c.units.iter().filter(|u| u.acts_as_county()).collect(),
            c.units
                .iter()
                .filter(|u| !c.checklist_for(&u.id).is_empty())
                .collect(),
        ),
    };
    let mut rng = Rng::new(seed);
    let actor = names::person_name(&mut rng.fork(1));
    // The store's own errors name the folder, in the coordinator's language.
    let store = Store::create_with_device(dir, office, &actor, device_id(seed, office))?;

    let firms = enterprises(&store, &mut rng.fork(2), &units, sizes.enterprises)?;
    let people = people(&store, &mut rng.fork(3), &firms, sizes.people)?;
    let by_unit = people_by_unit(&firms, &people);
    let mut planned = plan_sessions(&store, &mut rng, &units, &offices, sizes, &by_unit, today)?;

    // Checklists: who has held a session already decides which materials exist.
    let mut progress_by_unit: HashMap<String, Progress> = HashMap::new();
    for p in planned
        .iter()
        .filter(|p| p.session.kind == SessionKind::Offline && p.session.date < today)
    {
        for unit in &p.session.units {
            let entry = progress_by_unit.entry(unit.clone()).or_default();
            entry.past_sessions += 1;
            entry.last_session = entry.last_session.max(Some(p.session.date));
        }
    }
    let marks = checklist::all(&mut rng.fork(7), &offices, &progress_by_unit, today)?;
    let mut own_marks = Vec::new();
    let mut foreign = Vec::new();
    let mut actor_rng = rng.fork(8);
    for (unit, payloads) in marks {
        if unit == office {
            own_marks = payloads;
            continue;
        }
        let mut chain = ChainWriter::new(
            &unit,
            device_id(seed, &unit),
            &names::person_name(&mut actor_rng),
        );
        for payload in payloads {
            foreign.push(chain.push(payload)?);
        }
    }

    // The certification chain: the province's records, the store's exam results, a city's
    // expansion class; what the store's office may not write comes in as the writer's chain.
    let firm_unit: HashMap<String, String> = firms
        .iter()
        .map(|e| (e.id.clone(), e.unit.clone()))
        .collect();
    let unit_of = |i: u32| {
        people
            .get(i as usize)
            .and_then(|p| p.enterprise.as_ref())
            .and_then(|e| firm_unit.get(e).cloned())
    };
    let mut chain = cert::plan(&mut rng.fork(9), &people, &unit_of, &planned)?;
    // The exams seat the selected candidates, the makeup those who failed.
    for p in &mut planned {
        if let Some(seated) = chain.seated.remove(&p.session.id) {
            let needed = u32::try_from(seated.len()).unwrap_or(u32::MAX).div_ceil(10) * 10;
            p.session.capacity = p.session.capacity.max(needed);
            p.enrolled = seated;
        }
    }
    let own_cert = chain.write(office, seed, &mut actor_rng, &mut foreign)?;
    let sessions: Vec<&Session> = planned.iter().map(|p| &p.session).collect();
    let own_outreach = outreach::own(&store, &mut rng.fork(10), &firms, &sessions, today)?;
    // Sessions of an office above the store's (the province's online days and exams in a city
    // store) come as that office's chain, as they would by bundle.
    let mut above: HashMap<String, ChainWriter> = HashMap::new();
    for p in planned.iter().filter(|p| p.session.office != office) {
        let writer = above.entry(p.session.office.clone()).or_insert_with(|| {
            ChainWriter::new(
                &p.session.office,
                device_id(seed, &format!("{}/sessions", p.session.office)),
                &names::person_name(&mut actor_rng),
            )
        });
        foreign.push(writer.push(Payload::SessionUpserted(p.session.clone()))?);
    }

    let total = firms.len()
        + own_cert.len()
        + people.len()
        + planned
            .iter()
            .filter(|p| p.session.office == office)
            .count()
        + planned
            .iter()
            .map(|p| p.enrolled.len() + p.present.len())
            .sum::<usize>()
        + own_marks.len()
        + own_outreach.len()
        + foreign.len();
    progress(0, total);
    let person_ids: Vec<String> = people.iter().map(|p| p.id.clone()).collect();
    let pid = |i: u32| person_ids.get(i as usize).cloned().unwrap_or_default();
    let mut sink = Sink {
        store: &store,
        batch: Vec::with_capacity(BATCH),
        done: 0,
        total,
        progress,
    };
    for e in firms {
        sink.push(Payload::EnterpriseUpserted(e))?;
    }
    for p in people {
        sink.push(Payload::PersonUpserted(p))?;
    }
    for p in planned.iter().filter(|p| p.session.office == office) {
        sink.push(Payload::SessionUpserted(p.session.clone()))?;
    }
    for p in &planned {
        for &i in &p.enrolled {
            sink.push(Payload::EnrolmentSet {
                session: p.session.id.clone(),
                person: pid(i),
                enrolled: true,
            })?;
        }
        for &(i, at) in &p.present {
            sink.push(Payload::CheckedIn {
                session: p.session.id.clone(),
                person: pid(i),
                at,
            })?;
        }
    }
    for m in own_marks {
        sink.push(m)?;
    }
    for payload in own_cert {
        sink.push(payload)?;
    }
    for payload in own_outreach {
        sink.push(payload)?;
    }
    sink.flush()?;
    sink.import(foreign)?;
    store
        .set_today(today)
        .wrap_err("pinning the demo's today")?;
    Ok(store)
}
