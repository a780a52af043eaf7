//! The certification chain as the store holds it: every person's facts in one pass, and the
//! writes (import, evaluation, adjustments, approvals, results, certificates, points).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::model::{
    Adjustment, Approval, Certificate, Evaluation, Marks, OnlineEntry, PointsEntry, ResultEntry,
};
use super::pipeline::{status, Attempt, Facts, Status};
use super::{city_of, Rules};
use crate::domain::{Person, Session, SessionKind};
use crate::log::{Stamp, Stored};
use crate::store::lists;
use crate::store::Store;

/// One person's place in the chain, with what the screens and reports show about them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertPerson {
    pub person: Person,
    pub enterprise: String,
    /// The person's unit: their enterprise's, else the office that enrolled them.
    pub unit: String,
    pub city: String,
    pub facts: Facts,
    pub status: Status,
}

fn decode<T: DeserializeOwned>(key: &str, bytes: &[u8]) -> Result<Stored<T>> {
    postcard::from_bytes(bytes).wrap_err_with(|| format!("record {key} is damaged"))
}

/// The raw cert records of the store, grouped by person.
#[derive(Default)]
struct Raw {
    online: HashMap<String, Vec<OnlineEntry>>,
    evaluation: HashMap<String, Evaluation>,
    adjustment: HashMap<String, Adjustment>,
    approval: HashMap<String, Approval>,
    results: HashMap<String, Vec<(String, Marks)>>,
    /// Every result written for (person, session), oldest first (the keys sort that way).
    history: HashMap<(String, String), Vec<ResultEntry>>,
    certificates: HashMap<String, Vec<Certificate>>,
    /// Claims on each number: (stamp, person).
    claims: HashMap<String, Vec<(Stamp, String)>>,
    points: HashMap<String, Vec<PointsEntry>>,
}

impl CertPerson {
    /// The book's order: by city, unit and person.
    pub fn book_order(&self) -> (&str, &str, &str) {
        (&self.city, &self.unit, &self.person.id)
    }
}

/// The sessions that count for the chain: offline ones by who was there, expansion classes by
/// who is enrolled (and whether the class was approved).
#[derive(Default)]
struct Attended {
    offline: HashMap<String, u32>,
    expansion: HashMap<String, Vec<(String, bool)>>,
}

/// The kinds of cert records kept under each person's id and under it further
/// ("x/o/{person}/..."), and those kept under the id alone ("x/e/{person}").
const NESTED: [&str; 5] = ["o", "r", "h", "c", "m"];
const UNDER_ID: [&str; 2] = ["e", "j"];

/// The records of one kind, read along with the people in the store's order.
struct Along {
    kind: &'static str,
    nested: bool,
    entries: std::iter::Peekable<sled::Iter>,
}

impl Store {
    /// The records shared by everyone (approvals, number claims), and each person's to be read
    /// along with them rather than everyone's at once: with the enterprises as `EnterpriseNames`
    /// holds them, `cert list` at ten times the province peaked at 110 MB instead of 163 MB.
    fn cert_raw_along(&self) -> Result<(Raw, Vec<Along>)> {
        let mut raw = Raw::default();
        for shared in ["x/a/", "x/n/"] {
            raw.read(self.scan_state(shared))?;
        }
        let along = NESTED
            .iter()
            .map(|kind| (kind, true))
            .chain(UNDER_ID.iter().map(|kind| (kind, false)))
            .map(|(kind, nested)| Along {
                kind,
                nested,
                entries: self.scan_state(&format!("x/{kind}/")).peekable(),
            })
            .collect();
        Ok((raw, along))
    }

    /// The cert records of one person, and those shared by everyone (approvals, number claims):
    /// a few prefixes instead of every record.
    fn cert_raw_of(&self, person: &str) -> Result<Raw> {
        let mut raw = Raw::default();
        for shared in ["x/a/", "x/n/"] {
            raw.read(self.scan_state(shared))?;
        }
        for kind in NESTED {
            raw.read(self.scan_state(&format!("x/{kind}/{person}/")))?;
        }
        for kind in UNDER_ID {
            let key = format!("x/{kind}/{person}");
            if let Some(bytes) = self.state.get(&key)? {
                raw.read(std::iter::once(Ok((key.as_bytes().into(), bytes))))?;
            }
        }
        Ok(raw)
    }
}

impl Raw {
    /// Reads from `along` each kind's records up to the end of `person`'s: theirs, and any of
    /// someone whose keys sort before theirs though their id does not (one that goes on from
    /// theirs with a character before '/'), which wait here until that one is reached.
    fn read_up_to(&mut self, along: &mut [Along], person: &str) -> Result<()> {
        for a in along {
            let mut past = format!("x/{}/{person}", a.kind).into_bytes();
            past.push(if a.nested { b'/' + 1 } else { 0 });
            let before = |entry: &sled::Result<(sled::IVec, sled::IVec)>| {
                entry
                    .as_ref()
                    .map_or(true, |(key, _)| key.as_ref() < past.as_slice())
            };
            self.read(std::iter::from_fn(|| a.entries.next_if(before)))?;
        }
        Ok(())
    }

    fn read(
        &mut self,
        entries: impl Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>,
    ) -> Result<()> {
        let raw = self;
        for entry in entries {
            let (key, bytes) = entry?;
            let key = String::from_utf8_lossy(&key).into_owned();
            let Some((kind, rest)) = key[2..].split_once('/') else {
                continue;
            };
            let first = |rest: &str| {
                rest.split_once('/')
                    .map(|(a, b)| (a.to_string(), b.to_string()))
            };
            match kind {
                "o" => {
                    if let Some((person, _)) = first(rest) {
                        let value = decode::<OnlineEntry>(&key, &bytes)?.value;
                        raw.online.entry(person).or_default().push(value);
                    }
                }
                "e" => {
                    raw.evaluation
                        .insert(rest.to_string(), decode(&key, &bytes)?.value);
                }
                "j" => {
                    raw.adjustment
                        .insert(rest.to_string(), decode(&key, &bytes)?.value);
                }
                "a" => {
                    raw.approval
                        .insert(rest.to_string(), decode(&key, &bytes)?.value);
                }
                "r" => {
                    if let Some((person, session)) = first(rest) {
                        let marks = decode::<Marks>(&key, &bytes)?.value;
                        raw.results
                            .entry(person)
                            .or_default()
                            .push((session, marks));
                    }
                }
                "h" => {
                    let mut parts = rest.splitn(3, '/');
                    if let (Some(person), Some(session)) = (parts.next(), parts.next()) {
                        let entry = decode::<ResultEntry>(&key, &bytes)?.value;
                        raw.history
                            .entry((person.to_string(), session.to_string()))
                            .or_default()
                            .push(entry);
                    }
                }
                "c" => {
                    if let Some((person, _)) = first(rest) {
                        let c = decode::<Certificate>(&key, &bytes)?.value;
                        raw.certificates.entry(person).or_default().push(c);
                    }
                }
                "n" => {
                    if let Some((number, person)) = rest.rsplit_once('/') {
                        let stamp = decode::<()>(&key, &bytes)?.stamp;
                        raw.claims
                            .entry(number.to_string())
                            .or_default()
                            .push((stamp, person.to_string()));
                    }
                }
                "m" => {
                    if let Some((person, _)) = first(rest) {
                        let p = decode::<PointsEntry>(&key, &bytes)?.value;
                        raw.points.entry(person).or_default().push(p);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}

impl Store {
    /// Everyone the store knows, with their certification facts and status, sorted by city,
    /// unit and person.
    pub fn cert_book(&self, rules: &Rules) -> Result<Vec<CertPerson>> {
        let mut book = Vec::new();
        self.each_cert_person(rules, |c| {
            book.push(c);
            Ok(())
        })?;
        book.sort_by(|a, b| a.book_order().cmp(&b.book_order()));
        Ok(book)
    }

    /// Everyone's place in the chain, one person at a time in the store's order: what counts or
    /// looks for someone never holds the whole book (80 MB at province).
    pub fn each_cert_person(
        &self,
        rules: &Rules,
        mut visit: impl FnMut(CertPerson) -> Result<()>,
    ) -> Result<()> {
        let (mut raw, mut along) = self.cert_raw_along()?;
        let sessions = self.sessions_by_id()?;
        let mut attended = Attended::default();
        for session in in_order(&sessions) {
            match session.kind {
                SessionKind::Offline => {
                    for (person, a) in lists::attendance(self, &session.id)? {
                        if a.present {
                            *attended.offline.entry(person).or_default() += 1;
                        }
                    }
                }
                SessionKind::Expansion => {
                    let approved = raw.approval.get(&session.id).is_some_and(|a| a.approved);
                    for person in lists::enrolled_ids(self, &session.id)? {
                        attended
                            .expansion
                            .entry(person)
                            .or_default()
                            .push((session.id.clone(), approved));
                    }
                }
                _ => {}
            }
        }
        let enterprises = EnterpriseNames::read(self)?;
        for person in self.people_each() {
            let person = person?;
            let enterprise = person
                .enterprise
                .as_deref()
                .and_then(|e| enterprises.get(e));
            raw.read_up_to(&mut along, &person.id)?;
            visit(assemble(
                person,
                enterprise,
                &mut raw,
                &mut attended,
                &sessions,
                rules,
            ))?;
        }
        Ok(())
    }

    fn sessions_by_id(&self) -> Result<HashMap<String, Session>> {
        Ok(self
            .sessions()?
            .into_iter()
            .map(|s| (s.id.clone(), s))
            .collect())
    }

    /// One person's place in the chain, when the store knows them: their own records and the
    /// sessions' lists at their name, not everyone's.
    pub fn cert_person(&self, rules: &Rules, person: &str) -> Result<Option<CertPerson>> {
        let sessions = self.sessions_by_id()?;
        self.cert_person_among(rules, person, &sessions, &in_order(&sessions))
    }

    /// The place in the chain of each of `people` the store knows, reading the sessions once.
    pub fn cert_people<'a>(
        &self,
        rules: &Rules,
        people: impl IntoIterator<Item = &'a String>,
    ) -> Result<Vec<CertPerson>> {
        let sessions = self.sessions_by_id()?;
        let ordered = in_order(&sessions);
        let mut out = Vec::new();
        for person in people {
            out.extend(self.cert_person_among(rules, person, &sessions, &ordered)?);
        }
        Ok(out)
    }

    fn cert_person_among(
        &self,
        rules: &Rules,
        person: &str,
        sessions: &HashMap<String, Session>,
        ordered: &[&Session],
    ) -> Result<Option<CertPerson>> {
        let Some(person) = self.person(person)? else {
            return Ok(None);
        };
        let mut raw = self.cert_raw_of(&person.id)?;
        let mut attended = Attended::default();
        for session in ordered {
            match session.kind {
                SessionKind::Offline if lists::attended(self, &session.id, &person.id)? => {
                    *attended.offline.entry(person.id.clone()).or_default() += 1;
                }
                SessionKind::Expansion if lists::is_enrolled(self, &session.id, &person.id)? => {
                    let approved = raw.approval.get(&session.id).is_some_and(|a| a.approved);
                    attended
                        .expansion
                        .entry(person.id.clone())
                        .or_default()
                        .push((session.id.clone(), approved));
                }
                _ => {}
            }
        }
        let enterprise = match &person.enterprise {
            Some(id) => self.enterprise(id)?.map(|e| (e.name, e.unit)),
            None => None,
        };
        Ok(Some(assemble(
            person,
            enterprise,
            &mut raw,
            &mut attended,
            sessions,
            rules,
        )))
    }

    /// One person's stored online entries by slot, to tell an import what is new.
    pub fn online_entries(&self, person: &str) -> Result<BTreeMap<String, OnlineEntry>> {
        let prefix = format!("x/o/{person}/");
        let mut out = BTreeMap::new();
        for entry in self.scan_state(&prefix) {
            let (key, bytes) = entry?;
            let key = String::from_utf8_lossy(&key).into_owned();
            out.insert(
                key[prefix.len()..].to_string(),
                decode::<OnlineEntry>(&key, &bytes)?.value,
            );
        }
        Ok(out)
    }

    /// Every certificate number ever claimed, valid or not: none is ever given out again.
    pub fn certificate_numbers(&self) -> Result<Vec<String>> {
        let mut numbers: Vec<String> = Vec::new();
        for key in self.scan_state("x/n/").keys() {
            let key = String::from_utf8_lossy(&key?).into_owned();
            if let Some((number, _)) = key[4..].rsplit_once('/') {
                numbers.push(number.to_string());
            }
        }
        numbers.sort();
        numbers.dedup();
        Ok(numbers)
    }

    /// The province's approval of an expansion class, if it gave one.
    pub fn expansion_approval(&self, session: &str) -> Result<Option<Approval>> {
        Ok(self
            .get_stored::<Approval>(&crate::log::apply_cert_keys::approval(session))?
            .map(|s| s.value))
    }

    /// The next certificate numbers for `count` people: after the highest ever claimed in this
    /// format and year, skipping any number already claimed.
    pub fn next_certificates(
        &self,
        rules: &Rules,
        count: usize,
        date: NaiveDate,
    ) -> Result<Vec<Certificate>> {
        let format = rules.number_format();
        let year = rules.certificate_year;
        let taken = self.certificate_numbers()?;
        let mut seq = taken
            .iter()
            .filter_map(|n| format.seq_of(n, year))
            .max()
            .unwrap_or(0);
        let mut out = Vec::with_capacity(count);
        while out.len() < count {
            seq += 1;
            let number = format.render(year, seq);
            if taken.binary_search(&number).is_err() {
                out.push(Certificate { number, seq, date });
            }
        }
        Ok(out)
    }
}

/// Every enterprise's name and unit by id, to find each person's. One text apiece, sorted by
/// id: in a map of strings, at ten times the province the map's table alone was 29 MB.
struct EnterpriseNames(Vec<EnterpriseName>);

/// An enterprise's id, unit and name, one after the other.
struct EnterpriseName {
    text: Box<str>,
    id_len: usize,
    unit_len: usize,
}

impl EnterpriseName {
    fn id(&self) -> &str {
        &self.text[..self.id_len]
    }
}

impl EnterpriseNames {
    fn read(store: &Store) -> Result<EnterpriseNames> {
        let mut all = Vec::new();
        for e in store.enterprises_each() {
            let e = e?;
            crate::domain::room::in_list(&mut all, 1);
            all.push(EnterpriseName {
                id_len: e.id.len(),
                unit_len: e.unit.len(),
                text: [e.id, e.unit, e.name].concat().into_boxed_str(),
            });
        }
        all.sort_unstable_by(|a, b| a.id().cmp(b.id()));
        Ok(EnterpriseNames(all))
    }

    /// The enterprise's name and unit.
    fn get(&self, id: &str) -> Option<(String, String)> {
        let at = self.0.binary_search_by(|e| e.id().cmp(id)).ok()?;
        let e = &self.0[at];
        let (unit, name) = e.text[e.id_len..].split_at(e.unit_len);
        Some((name.to_string(), unit.to_string()))
    }
}

/// The sessions by day and id: a person's expansion classes come in the same order however
/// they were read.
fn in_order(sessions: &HashMap<String, Session>) -> Vec<&Session> {
    let mut ordered: Vec<&Session> = sessions.values().collect();
    ordered.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    ordered
}

/// One person's facts and status from the records read for them, which it takes out of `raw`
/// and `attended`.
fn assemble(
    person: Person,
    enterprise: Option<(String, String)>,
    raw: &mut Raw,
    attended: &mut Attended,
    sessions: &HashMap<String, Session>,
    rules: &Rules,
) -> CertPerson {
    let id = person.id.clone();
    let mut facts = Facts {
        offline_attended: attended.offline.remove(&id).unwrap_or(0),
        evaluation: raw.evaluation.remove(&id),
        adjustment: raw.adjustment.remove(&id),
        expansion: attended.expansion.remove(&id).unwrap_or_default(),
        points: raw.points.remove(&id).unwrap_or_default(),
        ..Facts::default()
    };
    for entry in raw.online.remove(&id).unwrap_or_default() {
        match entry {
            OnlineEntry::Watched { minutes, .. } => facts.online_minutes += minutes,
            OnlineEntry::Questionnaire { returned } => facts.questionnaire = Some(returned),
            OnlineEntry::Test { score } => facts.test = Some(score),
        }
    }
    for (session, marks) in raw.results.remove(&id).unwrap_or_default() {
        if let Some(s) = sessions.get(&session) {
            let history = raw
                .history
                .remove(&(id.clone(), session.clone()))
                .unwrap_or_default();
            facts.attempts.push(Attempt {
                history,
                session,
                kind: s.kind,
                date: s.date,
                marks,
                approved: s.kind != SessionKind::Expansion
                    || raw.approval.get(&s.id).is_some_and(|a| a.approved),
            });
        }
    }
    for c in raw.certificates.remove(&id).unwrap_or_default() {
        // The earliest claim on a number holds it; a later one must be issued again.
        let holder = raw
            .claims
            .get(&c.number)
            .and_then(|claims| claims.iter().min())
            .map(|(_, p)| p.as_str());
        let valid = holder == Some(id.as_str());
        facts.certificates.push((c, valid));
    }
    facts
        .points
        .sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    let status = status(&facts, rules);
    let (enterprise, unit) = enterprise.unwrap_or_else(|| (String::new(), person.office.clone()));
    CertPerson {
        enterprise,
        city: city_of(&unit),
        unit,
        person,
        facts,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Categories, Enterprise};
    use crate::log::Payload;

    fn person(id: &str, enterprise: Option<&str>) -> Payload {
        Payload::PersonUpserted(Person {
            id: id.into(),
            office: "420000".into(),
            name: format!("学员{id}"),
            phone: String::new(),
            position: String::new(),
            enterprise: enterprise.map(Into::into),
            code: id.into(),
        })
    }

    fn watched(person: &str, course: &str, minutes: u32) -> Payload {
        Payload::OnlineRecorded {
            person: person.into(),
            unit: "420000".into(),
            entry: OnlineEntry::Watched {
                course: course.into(),
                minutes,
            },
        }
    }

    /// Whoever's records sort before another's though their id sorts after it (an id going on
    /// from another's with '-', before '/') still gets them all, as read alone; and each person
    /// finds their enterprise's name and unit.
    #[test]
    fn the_book_read_along_the_people_is_each_read_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), "420000", "测试员").unwrap();
        let mut payloads = vec![Payload::EnterpriseUpserted(Enterprise {
            id: "E-420000-1".into(),
            office: "420000".into(),
            name: "华宇光电".into(),
            credit_code: None,
            categories: Categories::NONE,
            unit: "420704".into(),
        })];
        let ids = ["P-420000-1", "P-420000-1-2", "P-420000-10", "P-420000-2"];
        for (i, id) in ids.iter().enumerate() {
            payloads.push(person(id, (i % 2 == 0).then_some("E-420000-1")));
            let minutes = 100 * (i as u32 + 1);
            payloads.push(watched(id, "甲", minutes));
            payloads.push(watched(id, "乙", 1));
        }
        store.commit(payloads).unwrap();
        let rules = Rules::embedded().unwrap();
        let book = store.cert_book(&rules).unwrap();
        assert_eq!(book.len(), ids.len());
        for c in &book {
            let i = ids.iter().position(|id| *id == c.person.id).unwrap();
            assert_eq!(
                c.facts.online_minutes,
                100 * (i as u32 + 1) + 1,
                "{}",
                c.person.id
            );
            let (enterprise, unit) = if i % 2 == 0 {
                ("华宇光电", "420704")
            } else {
                ("", "420000")
            };
            assert_eq!((c.enterprise.as_str(), c.unit.as_str()), (enterprise, unit));
            assert_eq!(
                store.cert_person(&rules, &c.person.id).unwrap().as_ref(),
                Some(c)
            );
        }
    }
}
