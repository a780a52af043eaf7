//! A person as an enrolment or walk-in form gives them: a known phone is that person; otherwise
//! a new person, with their enterprise found among the office's or made new.

use super::{Confirm, Outcome, Refusal};
use crate::campaign;
use crate::domain::input::{self, FieldError};
use crate::domain::known_enterprises::{KnownEnterprises, Match, Seen};
use crate::domain::{credit_code, pinyin, text, Categories, Enterprise};
use crate::i18n::{t, tf};
use crate::log::Payload;
use crate::search::lookup::Owner;
use crate::store::lists;
use crate::store::{Enrolled, PersonDraft, Store};

/// One list change at a time in a process (two doors, or a door and a command, served by one
/// holder): what is read to decide (a phone's person, a list's room, whether someone is in
/// already) and the write it decides stay one step, so two doors do not make the same person
/// twice, fill a session past its capacity or both count one arrival.
pub(crate) fn one_list_change_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static CHANGING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    CHANGING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The person `draft` describes enrolled in `session` (the list's keeper checked by the caller),
/// and the ops that make it so: a new person (and enterprise) and the enrolment, or none when a
/// known person is on the list already.
pub(super) fn enrol_payloads(
    store: &Store,
    session: &str,
    draft: &PersonDraft,
) -> Outcome<(Enrolled, Vec<Payload>)> {
    let phone =
        text::normalise_phone(&draft.phone).map_err(|e| Refusal::field("phone", e.to_string()))?;
    let mut payloads = Vec::new();
    let enrolled = match crate::search::lookup::by_phone_named(store, &phone, &draft.name)? {
        Owner::Others(owners) => {
            // A mistyped phone would record someone else: the name given must be theirs.
            let message = crate::search::lookup::phone_of_another(&phone, &owners, &draft.name);
            return Err(Refusal::field("phone", message));
        }
        Owner::Named(person) => {
            let was_enrolled = lists::is_enrolled(store, session, &person.id)?;
            Enrolled::Known {
                person,
                was_enrolled,
            }
        }
        Owner::Nobody => {
            let unit = lists::new_enterprises_unit(store, session)?;
            let (enterprise, create) = enterprise_for(store, draft, &unit)?;
            let person = input::person(
                store.new_id('P')?,
                store.office().to_string(),
                &draft.name,
                &phone,
                &draft.position,
                enterprise,
            )
            .map_err(|e| Refusal::Fields(e.0))?;
            payloads.extend(create);
            payloads.push(Payload::PersonUpserted(person.clone()));
            Enrolled::New(person)
        }
    };
    if !matches!(
        enrolled,
        Enrolled::Known {
            was_enrolled: true,
            ..
        }
    ) {
        payloads.push(Payload::EnrolmentSet {
            session: session.to_string(),
            person: enrolled.person().id.clone(),
            enrolled: true,
        });
    }
    Ok((enrolled, payloads))
}

/// The id of the enterprise a form names, and the op creating it (in `unit`) when it is new.
fn enterprise_for(
    store: &Store,
    draft: &PersonDraft,
    unit: &str,
) -> Outcome<(Option<String>, Option<Payload>)> {
    let name = text::clean(&draft.enterprise);
    let code = match text::clean(&draft.credit_code) {
        None => None,
        Some(raw) => Some(
            credit_code::validate(&raw)
                .map_err(|e| Refusal::field("credit_code", e.to_string()))?,
        ),
    };
    if name.is_none() && code.is_none() {
        return Ok((None, None));
    }
    let typed = name.as_deref().unwrap_or_default();
    let found = EnterprisesNamed::read(store, typed, code.as_deref())?;
    if let Some(id) = found.by_id {
        return Ok((Some(id), None));
    }
    match found.named.resolve(typed, code.as_deref()) {
        Match::Known(e, _) => return Ok((Some(e.id.to_string()), None)),
        Match::Conflict(message) => {
            let field = if code.is_some() {
                "credit_code"
            } else {
                "enterprise"
            };
            return Err(Refusal::Fields(vec![FieldError { field, message }]));
        }
        Match::New => {}
    }
    // Part of a known name (晶晶水产 for 鄂州市晶晶水产科技有限公司), or the initials the form
    // offered it by (ezsjj), means that enterprise, never a new one with a short name. When
    // another name may be meant too (博瑞科技有限公司 is part of 武汉博瑞科技有限公司 and a short
    // form of 鄂州博瑞科技有限责任公司), all are asked about: the wrong firm is never taken.
    let (partial, near) = if found.partial.count == 0 {
        (&found.by_initials, None)
    } else {
        (
            &found.partial,
            Some(&found.longer).filter(|longer| longer.count > 0),
        )
    };
    match (partial.first.as_slice(), near) {
        ([], _) => {}
        ([(_, id)], None) if partial.count == 1 => return Ok((Some(id.clone()), None)),
        (many, near) => {
            let near_first = near.map_or(&[][..], |near| near.first.as_slice());
            let shown: Vec<&str> = many
                .iter()
                .chain(near_first)
                .take(PARTIAL_SHOWN)
                .map(|(name, _)| name.as_str())
                .collect();
            let count = partial.count + near.map_or(0, |near| near.count);
            return Err(Refusal::field(
                "enterprise",
                tf(
                    "cli.enrol.enterprise_ambiguous",
                    &[
                        ("value", &typed),
                        ("count", &count),
                        ("names", &shown.join(", ")),
                    ],
                ),
            ));
        }
    }
    let Some(name) = name else {
        return Err(Refusal::field("enterprise", t("cli.input.required")));
    };
    // A credit code no enterprise here has says it is another enterprise.
    if !draft.new_enterprise && code.is_none() && !found.near.first.is_empty() {
        let near: Vec<String> = found.near.first.into_iter().map(|(n, _)| n).collect();
        return Err(Refusal::Confirm(Confirm::NewEnterprise {
            typed: name,
            near,
        }));
    }
    let enterprise = input::enterprise(
        store.new_id('E')?,
        store.office().to_string(),
        &name,
        code.as_deref(),
        Categories::NONE,
        unit,
    )
    .map_err(|e| Refusal::Fields(e.0))?;
    Ok((
        Some(enterprise.id.clone()),
        Some(Payload::EnterpriseUpserted(enterprise)),
    ))
}

/// Whether `name`'s initials start with `typed`, from its start or after a place in it, as the
/// form's suggestions match them.
fn initials_start_with(name: &str, typed: &str) -> bool {
    let (initials, starts) = pinyin::name_part_initials(name);
    starts.iter().any(|&start| {
        initials
            .get(start..)
            .is_some_and(|from| from.starts_with(typed))
    })
}

/// Names of an ambiguous part shown in the message.
const PARTIAL_SHOWN: usize = 5;

/// What the office's enterprises say of a form's enterprise, read one at a time: a walk-in at
/// ten times the province held all 120,000 twice over (150 MB) to look one up.
struct EnterprisesNamed {
    /// The one whose id was typed.
    by_id: Option<String>,
    /// Every enterprise with the typed name or code, in order: all `KnownEnterprises::resolve`
    /// looks at for them.
    named: KnownEnterprises,
    /// The first few whose names hold the typed name (two characters or more), and how many.
    partial: FirstFew,
    /// The same for names whose initials start with what was typed, when it is two or more
    /// lower-case Latin letters (as the form's suggestions match them).
    by_initials: FirstFew,
    /// Names one character from the typed one (a 市 left out, a character mistyped), or of
    /// which the typed one may be a short form (鄂州晶晶水产), that do not hold it whole.
    near: FirstFew,
    /// Of those, the ones one character off or of which the typed name is the short form, not
    /// the full one: what may be meant besides a name holding the typed one whole (晶晶水产
    /// typed: 鄂州晶晶水产, not 鄂州市晶晶实业).
    longer: FirstFew,
}

/// The first few enterprises found (name, id), each name once (two units may have registered
/// one), and how many were.
#[derive(Default)]
struct FirstFew {
    first: Vec<(String, String)>,
    count: usize,
}

impl FirstFew {
    fn add(&mut self, e: &Enterprise) {
        self.count += 1;
        if self.first.len() < PARTIAL_SHOWN && self.first.iter().all(|(name, _)| *name != e.name) {
            self.first.push((e.name.clone(), e.id.clone()));
        }
    }
}

impl EnterprisesNamed {
    fn read(store: &Store, typed: &str, code: Option<&str>) -> Outcome<EnterprisesNamed> {
        let mut found = EnterprisesNamed {
            by_id: None,
            named: KnownEnterprises::default(),
            partial: FirstFew::default(),
            by_initials: FirstFew::default(),
            near: FirstFew::default(),
            longer: FirstFew::default(),
        };
        let typed_chars: Vec<char> = typed.chars().collect();
        let short_form = text::ShortForm::new(campaign::places(), typed);
        let partial = typed.chars().count() >= 2;
        let initials = partial && typed.bytes().all(|b| b.is_ascii_lowercase());
        for e in store.enterprises_for_people_each() {
            let e = e?;
            if e.id == typed && found.by_id.is_none() {
                found.by_id = Some(e.id.clone());
            }
            let holds_typed = partial && e.name.contains(typed);
            if holds_typed {
                found.partial.add(&e);
            }
            if initials && initials_start_with(&e.name, typed) {
                found.by_initials.add(&e);
            }
            if !holds_typed && e.name != typed {
                // Each test only when the cheaper ones said no: this runs for every firm.
                let loose =
                    text::near_name(&typed_chars, &e.name) || short_form.left_out_of(&e.name);
                let short = !loose && short_form.of(&e.name);
                if loose || short {
                    found.near.add(&e);
                }
                if loose || (short && short_form.shortens(&e.name)) {
                    found.longer.add(&e);
                }
            }
            if e.name == typed || (code.is_some() && e.credit_code.as_deref() == code) {
                found.named.add(&e, Seen::Stored);
            }
        }
        Ok(found)
    }
}
