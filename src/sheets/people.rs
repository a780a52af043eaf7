//! An enrolment sheet turned into one batch of ops: people (known phones reused), their
//! enterprises (known credit codes and names reused), and enrolments. The row rules are here;
//! the header, the rows and the preview are the shared importer's (`sheets::import`).

use std::collections::{HashMap, HashSet};

use color_eyre::eyre::Result;
use serde::Serialize;

use super::enterprises::{filled_in, stored};
use super::import::{self, clean_phone, reason, Column, Need, Row, Schema, Sheet};
use super::read::SheetRows;
use crate::campaign;
use crate::domain::known_enterprises::{KnownEnterprises, Match, Seen};
use crate::domain::{credit_code, input, text, Categories, Enterprise};
use crate::error::user_error;
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::search::lookup::Owner;
use crate::store::lists;
use crate::store::Store;

pub const SCHEMA: Schema = Schema {
    columns: &[
        (Column::Name, Need::Key),
        (Column::Phone, Need::Required("cli.sheets.no_phone_column")),
        (Column::Enterprise, Need::Sign),
        (Column::CreditCode, Need::Sign),
        (Column::Position, Need::Sign),
        (Column::Category, Need::Sign),
        (Column::Unit, Need::Sign),
    ],
    no_header: "cli.sheets.no_header",
};

/// What an enrolment sheet or an enterprise list would add.
#[derive(Debug, Default, Serialize)]
pub struct PeopleCounts {
    /// An enterprise list (企业名单) rather than an enrolment sheet: no people to count.
    pub enterprise_list: bool,
    pub new_people: usize,
    pub known_people: usize,
    pub new_enterprises: usize,
    pub known_enterprises: usize,
    pub enrolments: usize,
    /// The session's capacity is passed by this many when the import is written (0: it is not).
    pub over_capacity: usize,
    pub capacity: usize,
}

impl import::Counts for PeopleCounts {
    fn line(&self, rows: usize, bad: usize) -> String {
        tf(
            if self.enterprise_list {
                "cli.sheets.counts_enterprises"
            } else {
                "cli.sheets.counts"
            },
            &[
                ("rows", &rows),
                ("new", &self.new_people),
                ("known", &self.known_people),
                ("enterprises", &self.new_enterprises),
                ("known_enterprises", &self.known_enterprises),
                ("enrolments", &self.enrolments),
                ("bad", &bad),
            ],
        )
    }
}

pub type PeoplePlan = import::Plan<PeopleCounts>;

/// A category cell, or the row's reason naming the part that is none of the seed's four.
pub(super) fn categories(raw: &str) -> Result<Categories, String> {
    Categories::parse(raw).map_err(|value| {
        reason(
            Column::Category,
            tf(
                "cli.enterprise.category_unknown",
                &[("value", &value), ("known", &Categories::known_names())],
            ),
        )
    })
}

pub fn plan(store: &Store, rows: SheetRows<'_>, session: Option<&str>) -> Result<PeoplePlan> {
    let read_at = store.heads_digest()?;
    let sheet = Sheet::find(rows, &SCHEMA, store.dir())?;
    if let Some(id) = session {
        let Some(found) = store.session(id)? else {
            return Err(user_error(tf("cli.session.not_found", &[("id", &id)])));
        };
        if let Some(refusal) = crate::log::authority::list_refusal(store.office(), &found) {
            return Err(user_error(refusal));
        }
    }
    let new_enterprises_unit = match session {
        Some(id) => lists::new_enterprises_unit(store, id)?,
        None => store.office().to_string(),
    };
    let mut rules = RowRules {
        store,
        session,
        new_enterprises_unit,
        known: KnownEnterprises::of(super::known::for_people(store)?),
        counted: HashSet::new(),
        phones_seen: HashMap::new(),
        near: 0,
    };
    let mut plan = sheet.plan(|row, plan| rules.row(row, plan))?;
    if rules.near > NEAR_SAID {
        plan.warnings.push(tf(
            "cli.sheets.near_more",
            &[("count", &(rules.near - NEAR_SAID))],
        ));
    }
    if let Some(session) = session {
        if let Some(full) = lists::over_capacity(store, session, plan.counts.enrolments)? {
            plan.counts.over_capacity = full.over;
            plan.counts.capacity = full.capacity;
            plan.warnings.push(tf(
                "cli.sheets.over_capacity",
                &[("capacity", &full.capacity), ("over", &full.over)],
            ));
        }
    }
    plan.read_at = Some(read_at);
    Ok(plan)
}

/// New enterprises near a known name said one by one; the rest are counted.
const NEAR_SAID: usize = 20;
/// The near names a warning lists.
const NEAR_NAMED: usize = 3;

/// A warning of the plan as the terminal interface shows it: the hint to preview with
/// `--dry-run` is the command line's, and the interface previews every import anyway.
pub fn on_screen(warning: &str) -> &str {
    let hint = t("cli.sheets.preview_first");
    warning.strip_suffix(hint.as_str()).unwrap_or(warning)
}

/// A normalised phone as a number, one per phone: a 1 then its digits, so that a landline's
/// leading 0 counts. A phone has at most 12 digits, so nothing wraps. Held as text, the phones
/// of a million rows took 80 MB.
fn phone_key(phone: &str) -> u64 {
    phone
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(1, |key: u64, digit| {
            key.wrapping_mul(10).wrapping_add(u64::from(digit - b'0'))
        })
}

/// What a row's enterprise columns come to.
enum RowEnterprise {
    /// The row names no enterprise.
    Unnamed,
    /// A known enterprise, or one the import makes, by id.
    Id(String),
    /// Why the row's name and code cannot be one enterprise.
    Refused(String),
}

struct RowRules<'a> {
    store: &'a Store,
    session: Option<&'a str>,
    /// Where a new enterprise without a 单位 of its own is filed: the class's unit when the
    /// sheet signs people up for one, as at its door.
    new_enterprises_unit: String,
    known: KnownEnterprises,
    /// Stored enterprises already counted as known, so each counts once.
    counted: HashSet<String>,
    /// The first row of each phone (by `phone_key`), so a second row with it is named.
    phones_seen: HashMap<u64, usize>,
    /// New enterprises whose names are one character from a known one's, said as warnings.
    near: usize,
}

impl RowRules<'_> {
    fn row(&mut self, row: &Row, plan: &mut PeoplePlan) -> Result<Vec<String>> {
        let store = self.store;
        let mut reasons = row.forbidden(&[Column::Name, Column::Position, Column::Enterprise]);
        let name = row.get(Column::Name);
        reasons.extend(row.required(Column::Name));
        let phone = match text::normalise_phone(&clean_phone(&row.get(Column::Phone))) {
            Ok(phone) => Some(phone),
            Err(e) => {
                reasons.push(reason(Column::Phone, e));
                None
            }
        };
        let code = row.get(Column::CreditCode);
        let code = if code.is_empty() {
            None
        } else {
            match credit_code::validate(&code) {
                Ok(code) => Some(code),
                Err(e) => {
                    reasons.push(reason(Column::CreditCode, e));
                    None
                }
            }
        };
        let kinds = categories(&row.get(Column::Category)).unwrap_or_else(|e| {
            reasons.push(e);
            Categories::NONE
        });
        if let Some(phone) = &phone {
            if let Some(first) = self.phones_seen.get(&phone_key(phone)) {
                reasons.push(tf("cli.sheets.same_phone", &[("row", first)]));
            } else {
                self.phones_seen.insert(phone_key(phone), row.number);
            }
        }
        let (Some(phone), true) = (phone, reasons.is_empty()) else {
            return Ok(reasons);
        };
        // A mistyped phone would enrol someone else: the row must name the phone's owner. Checked
        // before the row's enterprise, which a refused row must not write either.
        let owner = match crate::search::lookup::by_phone_named(store, &phone, &name)? {
            Owner::Others(owners) => {
                let message = crate::search::lookup::phone_of_another(&phone, &owners, &name);
                return Ok(vec![reason(Column::Phone, message)]);
            }
            Owner::Named(known) => Some(known),
            Owner::Nobody => None,
        };
        let enterprise = match self.enterprise(row, code, kinds, plan)? {
            RowEnterprise::Unnamed => None,
            RowEnterprise::Id(id) => Some(id),
            RowEnterprise::Refused(message) => return Ok(vec![message]),
        };
        let person_id = match owner {
            Some(known) => {
                plan.counts.known_people += 1;
                known.id
            }
            None => {
                let person = input::person(
                    store.new_id('P')?,
                    store.office().to_string(),
                    &name,
                    &phone,
                    &row.get(Column::Position),
                    enterprise,
                )?;
                plan.counts.new_people += 1;
                let id = person.id.clone();
                plan.payloads.push(Payload::PersonUpserted(person))?;
                id
            }
        };
        if let Some(session) = self.session {
            if !lists::is_enrolled(store, session, &person_id)? {
                plan.counts.enrolments += 1;
                plan.payloads.push(Payload::EnrolmentSet {
                    session: session.to_string(),
                    person: person_id,
                    enrolled: true,
                })?;
            }
        }
        Ok(Vec::new())
    }

    fn say_near(&mut self, row: usize, name: &str, plan: &mut PeoplePlan) {
        let typed: Vec<char> = name.chars().collect();
        let found = self.known.like(name, campaign::places(), NEAR_NAMED);
        let Some((_, seen)) = found.first() else {
            return;
        };
        // The registered ones (they come first) together, or else an earlier row of the sheet
        // alone, with its row.
        let near = found
            .iter()
            .filter(|(_, other)| other.is_empty() == seen.is_empty())
            .take(if seen.is_empty() { NEAR_NAMED } else { 1 })
            .map(|(e, _)| e.name)
            .collect::<Vec<_>>();
        let one_apart = near.iter().all(|known| text::near_name(&typed, known));
        let near = near.join(&t("cli.sheets.near_sep"));
        self.near += 1;
        if self.near <= NEAR_SAID {
            let key = match (seen.is_empty(), one_apart) {
                (true, true) => "cli.sheets.near_enterprise",
                (false, true) => "cli.sheets.near_on_row",
                (true, false) => "cli.sheets.like_enterprise",
                (false, false) => "cli.sheets.like_on_row",
            };
            plan.warnings.push(tf(
                key,
                &[
                    ("row", &row),
                    ("name", &name),
                    ("near", &near),
                    ("seen", seen),
                    ("preview", &t("cli.sheets.preview_first")),
                ],
            ));
        }
    }

    /// The row's enterprise, known or new.
    fn enterprise(
        &mut self,
        row: &Row,
        code: Option<String>,
        kinds: Categories,
        plan: &mut PeoplePlan,
    ) -> Result<RowEnterprise> {
        let store = self.store;
        let name = row.get(Column::Enterprise);
        if name.is_empty() && code.is_none() {
            return Ok(RowEnterprise::Unnamed);
        }
        match self.known.resolve(&name, code.as_deref()) {
            Match::Conflict(message) => Ok(RowEnterprise::Refused(message)),
            Match::Known(k, seen) => {
                if seen == Seen::Stored && self.counted.insert(k.id.to_string()) {
                    plan.counts.known_enterprises += 1;
                    let stored = stored(store, k.id)?;
                    let row_says = Enterprise {
                        credit_code: code,
                        categories: kinds,
                        ..stored.clone()
                    };
                    plan.payloads.extend(
                        filled_in(&stored, &row_says, store.office())
                            .map(Payload::EnterpriseUpserted),
                    )?;
                }
                Ok(RowEnterprise::Id(k.id.to_string()))
            }
            Match::New => {
                // One character from a known name, or a short form of one, is most often the same
                // enterprise: made new as the sheet says, and said, so the preview can be
                // corrected first.
                if code.is_none() {
                    self.say_near(row.number, &name, plan);
                }
                let unit = row.get(Column::Unit);
                let unit = if unit.is_empty() {
                    self.new_enterprises_unit.clone()
                } else {
                    unit
                };
                match input::enterprise(
                    store.new_id('E')?,
                    store.office().to_string(),
                    &name,
                    code.as_deref(),
                    kinds,
                    &unit,
                ) {
                    Ok(e) => {
                        plan.counts.new_enterprises += 1;
                        let id = e.id.clone();
                        self.known.add(&e, Seen::Row(row.number));
                        plan.payloads.push(Payload::EnterpriseUpserted(e))?;
                        Ok(RowEnterprise::Id(id))
                    }
                    Err(errors) => Ok(RowEnterprise::Refused(
                        errors.to_string().replace('\n', &t("cli.reason_sep")),
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod phone_key_tests {
    use super::phone_key;
    use crate::domain::text;

    proptest::proptest! {
        /// Two phones share a key exactly when they are the same phone.
        #[test]
        fn phones_share_a_key_only_when_the_same(
            a in "(\\+86 )?(1[3-9][0-9]{9}|0[0-9]{9,11})",
            b in "(\\+86 )?(1[3-9][0-9]{9}|0[0-9]{9,11})",
        ) {
            let (Ok(a), Ok(b)) = (text::normalise_phone(&a), text::normalise_phone(&b)) else {
                return Ok(());
            };
            proptest::prop_assert_eq!(a == b, phone_key(&a) == phone_key(&b));
            proptest::prop_assert_eq!(phone_key(&a), phone_key(&a.clone()));
        }
    }

    #[test]
    fn a_landline_keeps_its_leading_zeros() {
        let key = |p: &str| phone_key(&text::normalise_phone(p).unwrap());
        assert_ne!(key("010-1234567"), key("0010-1234567"));
        assert_eq!(key("13800001234"), key("+86 138-0000-1234"));
    }
}
