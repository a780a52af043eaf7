//! Turning what a coordinator typed (in a form or as flags) into records, with one message per
//! bad field in the UI language. The TUI forms and the CLI share these, so they agree.

use chrono::{Datelike, NaiveDate, NaiveTime};

use super::{
    credit_code, text, Categories, Enterprise, Person, Session, SessionCourse, SessionKind,
};
use crate::campaign::hierarchy::{session_area, within};
use crate::campaign::{campaign, unit_name};
use crate::i18n::{t, tf};

/// A field that did not parse, named the way the form and the flags name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}",
            t(&format!("cli.field.{}", self.field)),
            self.message
        )
    }
}

/// All of a form's bad fields at once, so they can be fixed in one go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl std::fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl std::error::Error for FieldErrors {}

struct Collector(Vec<FieldError>);

impl Collector {
    fn push(&mut self, field: &'static str, message: String) {
        self.0.push(FieldError { field, message });
    }

    /// Refuses a field holding a character no field takes (an escape sequence, a bidi mark).
    fn clean_text(&mut self, field: &'static str, value: &str) {
        if let Some(c) = text::forbidden_char(value) {
            self.push(field, text::forbidden_message(c));
        }
    }
}

pub fn parse_date(raw: &str) -> Result<NaiveDate, String> {
    let cleaned: String = raw.trim().chars().map(text::fold_full_width).collect();
    let cleaned = cleaned.replace(['/', '.'], "-");
    if cleaned.is_empty() {
        return Err(t("cli.input.required"));
    }
    let parsed = NaiveDate::parse_from_str(&cleaned, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(&cleaned, "%Y%m%d"));
    let date = parsed.map_err(|_| {
        // 2023-02-30 has the right shape; say the day does not exist rather than show the shape.
        let shaped = cleaned.split('-').count() == 3
            && cleaned.chars().all(|c| c.is_ascii_digit() || c == '-');
        let key = if shaped {
            "cli.input.no_such_day"
        } else {
            "cli.input.bad_date"
        };
        tf(key, &[("value", &raw)])
    })?;
    let holidays = &crate::campaign::campaign().holidays;
    if holidays.year(date.year()).is_none() {
        let years: Vec<i32> = holidays.years.iter().map(|y| y.year).collect();
        let first = years.iter().min().copied().unwrap_or_default();
        let last = years.iter().max().copied().unwrap_or_default();
        return Err(tf(
            "cli.input.out_of_calendar",
            &[("value", &raw), ("first", &first), ("last", &last)],
        ));
    }
    Ok(date)
}

pub fn parse_time(raw: &str) -> Result<NaiveTime, String> {
    let cleaned: String = raw.trim().chars().map(text::fold_full_width).collect();
    let cleaned = cleaned.replace('：', ":");
    if cleaned.is_empty() {
        return Err(t("cli.input.required"));
    }
    NaiveTime::parse_from_str(&cleaned, "%H:%M")
        .map_err(|_| tf("cli.input.bad_time", &[("value", &raw)]))
}

/// A unit by name, short name or code; the error suggests the nearest names.
pub fn resolve_unit(raw: &str) -> Result<String, String> {
    match campaign().find_unit(raw.trim()) {
        Ok(unit) => Ok(unit.id.clone()),
        Err(near) if near.is_empty() => Err(tf("cli.input.unknown_unit", &[("value", &raw)])),
        Err(near) => {
            let names: Vec<&str> = near.iter().map(|u| u.name.as_str()).collect();
            Err(tf(
                "cli.input.unknown_unit_near",
                &[("value", &raw), ("near", &names.join(&t("cli.list_sep")))],
            ))
        }
    }
}

pub fn parse_kind(raw: &str) -> Result<SessionKind, String> {
    let raw = raw.trim();
    SessionKind::ALL
        .into_iter()
        .find(|k| {
            k.key() == raw
                || k.label() == raw
                || crate::i18n::t_in(crate::i18n::Lang::Zh, &format!("cli.kind.{}", k.key())) == raw
        })
        .ok_or_else(|| tf("cli.input.bad_kind", &[("value", &raw)]))
}

/// Every field of a session as typed; on edit, fields left out keep their value.
#[derive(Debug, Clone, Default, PartialEq, Eq, clap::Args)]
pub struct SessionInput {
    /// offline, online, exam, makeup or expansion
    #[arg(long)]
    pub kind: Option<String>,
    #[arg(long)]
    pub title: Option<String>,
    /// YYYY-MM-DD
    #[arg(long)]
    pub date: Option<String>,
    /// HH:MM
    #[arg(long)]
    pub start: Option<String>,
    /// HH:MM
    #[arg(long)]
    pub end: Option<String>,
    #[arg(long)]
    pub venue: Option<String>,
    /// Units covered, comma separated names or codes
    #[arg(long)]
    pub units: Option<String>,
    /// Host unit (承办) [default: this office]
    #[arg(long)]
    pub host: Option<String>,
    /// Co-host unit (协办); "-" clears it
    #[arg(long)]
    pub cohost: Option<String>,
    /// Course ids with lecturers, comma separated, e.g. K:省局领导,3:李老师
    #[arg(long)]
    pub courses: Option<String>,
    #[arg(long)]
    pub audience: Option<String>,
    #[arg(long)]
    pub capacity: Option<String>,
}

fn split_list(raw: &str) -> impl Iterator<Item = &str> {
    raw.split([',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

impl SessionInput {
    /// The fields of an existing session, for an edit form to start from.
    pub fn from_session(s: &Session) -> SessionInput {
        let courses: Vec<String> = s
            .courses
            .iter()
            .map(|c| format!("{}:{}", c.course, c.lecturer))
            .collect();
        SessionInput {
            kind: Some(s.kind.key().to_string()),
            title: Some(s.title.clone()),
            date: Some(s.date.to_string()),
            start: Some(s.start.format("%H:%M").to_string()),
            end: Some(s.end.format("%H:%M").to_string()),
            venue: Some(s.venue.clone()),
            units: Some(s.units.join(",")),
            host: Some(s.host.clone()),
            cohost: Some(s.cohost.clone().unwrap_or_default()),
            courses: Some(courses.join(",")),
            audience: Some(s.audience.clone()),
            capacity: Some(s.capacity.to_string()),
        }
    }

    /// Applies the given fields over `base`. A new session needs title, date, start, end and venue.
    pub fn apply(&self, mut s: Session) -> Result<Session, FieldErrors> {
        let mut errors = Collector(Vec::new());
        if let Some(raw) = &self.kind {
            match parse_kind(raw) {
                Ok(kind) => s.kind = kind,
                Err(e) => errors.push("kind", e),
            }
        }
        if let Some(raw) = &self.title {
            s.title = text::clean_prose(raw).unwrap_or_default();
        }
        if s.title.is_empty() {
            errors.push("title", t("cli.input.required"));
        }
        if let Some(raw) = &self.date {
            match parse_date(raw) {
                Ok(d) => s.date = d,
                Err(e) => errors.push("date", e),
            }
        }
        for (field, raw, slot) in [
            ("start", &self.start, &mut s.start),
            ("end", &self.end, &mut s.end),
        ] {
            if let Some(raw) = raw {
                match parse_time(raw) {
                    Ok(time) => *slot = time,
                    Err(e) => errors.push(field, e),
                }
            }
        }
        if s.end <= s.start {
            errors.push("end", t("cli.input.end_before_start"));
        }
        if let Some(raw) = &self.venue {
            s.venue = text::clean_prose(raw).unwrap_or_default();
        }
        if s.venue.is_empty() {
            errors.push("venue", t("cli.input.required"));
        }
        if let Some(raw) = &self.units {
            let mut units = Vec::new();
            for name in split_list(raw) {
                match resolve_unit(name) {
                    Ok(id) if !units.contains(&id) => units.push(id),
                    Ok(_) => {}
                    Err(e) => errors.push("units", e),
                }
            }
            s.units = units;
        }
        if let Some(raw) = &self.host {
            match resolve_unit(raw) {
                Ok(id) => s.host = id,
                Err(e) => errors.push("host", e),
            }
        }
        if let Some(raw) = &self.cohost {
            let raw = raw.trim();
            if raw.is_empty() || raw == "-" {
                s.cohost = None;
            } else {
                match resolve_unit(raw) {
                    Ok(id) if id == s.host => errors.push("cohost", t("cli.input.cohost_is_host")),
                    Ok(id) => s.cohost = Some(id),
                    Err(e) => errors.push("cohost", e),
                }
            }
        }
        if s.units.is_empty() {
            s.units.push(s.host.clone());
        }
        let area = session_area(&s.office);
        // A class is credited to its host: a county hosts only its own, a city its own or its
        // counties' (authority::Rule::Host says the same to a bundle).
        let own_host = within(&s.office, &s.host);
        if !own_host {
            errors.push(
                "host",
                tf(
                    "cli.input.host_not_below",
                    &[
                        ("unit", &unit_name(&s.host)),
                        ("office", &unit_name(&s.office)),
                    ],
                ),
            );
        }
        let named = s.units.iter().map(|u| ("units", u));
        let host = Some(("host", &s.host)).filter(|_| own_host);
        for (field, unit) in named
            .chain(host)
            .chain(s.cohost.iter().map(|u| ("cohost", u)))
        {
            if !within(area, unit) {
                errors.push(
                    field,
                    tf(
                        "cli.input.outside_area",
                        &[
                            ("unit", &unit_name(unit)),
                            ("office", &unit_name(&s.office)),
                            ("area", &unit_name(area)),
                        ],
                    ),
                );
            }
        }
        if let Some(raw) = &self.courses {
            let mut courses = Vec::new();
            for entry in split_list(raw) {
                let (id, lecturer) = entry
                    .split_once([':', '：'])
                    .map_or((entry, ""), |(a, b)| (a.trim(), b.trim()));
                if campaign().courses.iter().any(|c| c.id == id) {
                    courses.push(SessionCourse {
                        course: id.to_string(),
                        lecturer: lecturer.to_string(),
                    });
                } else {
                    errors.push("courses", tf("cli.input.unknown_course", &[("value", &id)]));
                }
            }
            s.courses = courses;
        }
        if let Some(raw) = &self.audience {
            s.audience = text::clean_prose(raw).unwrap_or_default();
        }
        if let Some(raw) = &self.capacity {
            let folded: String = raw.trim().chars().map(text::fold_full_width).collect();
            match folded.parse::<u32>() {
                Ok(n) if n > 0 => s.capacity = n,
                _ => errors.push("capacity", tf("cli.input.bad_number", &[("value", raw)])),
            }
        }
        errors.clean_text("title", &s.title);
        errors.clean_text("venue", &s.venue);
        errors.clean_text("audience", &s.audience);
        for course in &s.courses {
            errors.clean_text("courses", &course.lecturer);
        }
        if errors.0.is_empty() {
            Ok(s)
        } else {
            Err(FieldErrors(errors.0))
        }
    }
}

/// A new person from typed fields; the phone is normalised, the name required.
pub fn person(
    id: String,
    office: String,
    name: &str,
    phone: &str,
    position: &str,
    enterprise: Option<String>,
) -> Result<Person, FieldErrors> {
    let mut errors = Collector(Vec::new());
    let name = text::clean(name).unwrap_or_default();
    if name.is_empty() {
        errors.push("name", t("cli.input.required"));
    }
    errors.clean_text("name", &name);
    errors.clean_text("position", position);
    let phone = match text::normalise_phone(phone) {
        Ok(p) => p,
        Err(e) => {
            errors.push("phone", e.to_string());
            String::new()
        }
    };
    if !errors.0.is_empty() {
        return Err(FieldErrors(errors.0));
    }
    Ok(Person {
        code: super::code::participant_code(&id),
        id,
        office,
        name,
        phone,
        position: text::clean(position).unwrap_or_default(),
        enterprise,
    })
}

/// A new enterprise from typed fields; the credit code, when given, must check.
pub fn enterprise(
    id: String,
    office: String,
    name: &str,
    credit_code: Option<&str>,
    categories: Categories,
    unit: &str,
) -> Result<Enterprise, FieldErrors> {
    let mut errors = Collector(Vec::new());
    let name = text::clean(name).unwrap_or_default();
    if name.is_empty() {
        errors.push("name", t("cli.input.required"));
    }
    errors.clean_text("name", &name);
    let credit_code = match credit_code.map(str::trim).filter(|c| !c.is_empty()) {
        None => None,
        Some(raw) => match credit_code::validate(raw) {
            Ok(code) => Some(code),
            Err(e) => {
                errors.push("credit_code", e.to_string());
                None
            }
        },
    };
    let unit = match resolve_unit(unit) {
        // An office registers the enterprises of its own area; a neighbour's are the neighbour's.
        Ok(u) if !crate::campaign::hierarchy::within(&office, &u) => {
            errors.push(
                "unit",
                tf(
                    "cli.input.unit_outside",
                    &[
                        ("unit", &crate::campaign::unit_name(&u)),
                        ("office", &crate::campaign::unit_name(&office)),
                    ],
                ),
            );
            String::new()
        }
        Ok(u) => u,
        Err(e) => {
            errors.push("unit", e);
            String::new()
        }
    };
    if !errors.0.is_empty() {
        return Err(FieldErrors(errors.0));
    }
    Ok(Enterprise {
        id,
        office,
        name,
        credit_code,
        categories,
        unit,
    })
}
