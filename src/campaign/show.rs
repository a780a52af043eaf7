//! `campaign show`: the whole reference data as plain text in the current language.
//!
//! Labels come from `assets/i18n/<lang>/campaign.toml`; the data itself stays in the Chinese of
//! the documents, since that is what offices write on their forms.

use std::fmt::Write as _;

use chrono::NaiveDate;

use super::{Campaign, ChecklistKind, DatePrecision, Step, Unit, UnitLevel};
use crate::i18n::{t, tf};

fn k(key: &str) -> String {
    t(&format!("campaign.{key}"))
}

fn kf(key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    tf(&format!("campaign.{key}"), args)
}

pub(crate) fn level_label(level: UnitLevel) -> String {
    k(&format!("level_{}", level.as_str()))
}

/// A step's dates at the precision the document gives them.
pub(crate) fn step_dates(step: &Step) -> String {
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    match step.precision {
        DatePrecision::Day => step.end.to_string(),
        DatePrecision::Month => month(step.start),
        DatePrecision::Range => format!("{} ~ {}", month(step.start), month(step.end)),
    }
}

/// Writing to a String cannot fail; these keep the `let _ =` noise in one place.
fn line(out: &mut String, indent: usize, text: &str) {
    let _ = writeln!(out, "{:indent$}{text}", "", indent = indent);
}

fn field(out: &mut String, indent: usize, key: &str, value: &str) {
    line(out, indent, &format!("{}{}{value}", k(key), k("sep")));
}

fn section(out: &mut String, key: &str) {
    out.push('\n');
    line(out, 0, &format!("== {} ==", k(key)));
}

fn unit_line(c: &Campaign, u: &Unit) -> String {
    let mut s = format!("{} {}", u.id, u.short);
    if u.short != u.name {
        let _ = write!(s, "（{}）", u.name);
    }
    if u.level == UnitLevel::Zone {
        let _ = write!(s, " [{}]", level_label(u.level));
    }
    if u.also_county {
        let _ = write!(s, " [{}]", k("also_county"));
    }
    if let Some(office) = &u.office {
        let _ = write!(s, " {}{}{office}", k("office"), k("sep"));
    }
    if u.level == UnitLevel::City && !u.also_county {
        let _ = write!(s, " — {}", c.children(&u.id).len());
    }
    s
}

pub fn show_text(c: &Campaign) -> String {
    let mut out = String::new();
    line(
        &mut out,
        0,
        &kf("title", &[("name", &c.name), ("year", &c.year)]),
    );

    section(&mut out, "target");
    line(&mut out, 2, &c.target_text);
    let numbers = kf(
        "target_numbers",
        &[
            ("cities", &c.target_cities),
            ("counties", &c.target_county_units),
            ("enterprises", &c.target_enterprises),
        ],
    );
    line(&mut out, 2, &numbers);

    section(&mut out, "sources");
    for doc in &c.sources {
        let date = doc.date.map(|d| format!(" {d}")).unwrap_or_default();
        line(&mut out, 2, &format!("{} {}{date}", doc.number, doc.issuer));
        line(&mut out, 4, &doc.title);
    }

    write_units(&mut out, c);
    write_courses(&mut out, c);
    write_steps(&mut out, c);
    write_checklist(&mut out, c);
    write_annexes(&mut out, c);
    write_holidays(&mut out, c);
    out
}

fn write_units(out: &mut String, c: &Campaign) {
    section(out, "units");
    let summary = kf(
        "units_summary",
        &[
            ("cities", &c.cities().len()),
            ("counties", &c.county_level_units().len()),
            ("zones", &c.zones().len()),
        ],
    );
    line(out, 2, &summary);
    for city in c.cities() {
        line(out, 2, &unit_line(c, city));
        for child in c.children(&city.id) {
            line(out, 6, &unit_line(c, child));
        }
    }
}

fn write_courses(out: &mut String, c: &Campaign) {
    section(out, "courses_offline");
    for course in c.offline_courses() {
        let hours = course
            .hours
            .map(|h| format!("  {}", kf("hours", &[("hours", &h)])))
            .unwrap_or_default();
        line(out, 2, &format!("{} {}{hours}", course.seq, course.label()));
        if let Some(lecturer) = &course.lecturer {
            field(out, 6, "lecturer", lecturer);
        }
        if let Some(audience) = &course.audience {
            field(out, 6, "audience", audience);
        }
    }
    section(out, "courses_online");
    for course in c.online_courses() {
        line(
            out,
            2,
            &format!("{} {} {}", course.id, course.seq, course.label()),
        );
    }
    if let Some(audience) = c.online_courses().first().and_then(|x| x.audience.as_ref()) {
        field(out, 2, "audience", audience);
    }
}

fn write_steps(out: &mut String, c: &Campaign) {
    section(out, "steps");
    for step in &c.steps {
        line(out, 2, &format!("[{}] {}", step.id, step.title));
        let precision = k(match step.precision {
            DatePrecision::Day => "precision_day",
            DatePrecision::Month => "precision_month",
            DatePrecision::Range => "precision_range",
        });
        let mut when = format!("{} ({precision}; {})", step_dates(step), step.date_text);
        if let Some(days) = step.days {
            let _ = write!(when, ", {}", kf("days", &[("days", &days)]));
        }
        field(out, 6, "date", &when);
        if let Some(place) = &step.place {
            field(out, 6, "place", place);
        }
        if let Some(p) = &step.participants {
            field(out, 6, "participants", p);
        }
        if let Some(d) = &step.duties {
            field(out, 6, "duties", d);
        }
        let levels: Vec<String> = step.levels.iter().map(|l| level_label(*l)).collect();
        field(out, 6, "applies_to", &levels.join(", "));
        line(out, 6, &step.details);
        for d in &step.city_deadlines {
            let city = c
                .unit(&d.city)
                .map_or(d.city.as_str(), |u| u.short.as_str());
            let text = kf(
                "city_deadline",
                &[("city", &city), ("date", &d.due), ("text", &d.date_text)],
            );
            line(out, 6, &text);
        }
        line(out, 6, &step.section);
    }
}

fn write_checklist(out: &mut String, c: &Campaign) {
    section(out, "checklist");
    for (level, key) in [
        (UnitLevel::County, "checklist_county"),
        (UnitLevel::City, "checklist_city"),
        (UnitLevel::Province, "checklist_province"),
    ] {
        line(out, 2, &k(key));
        for item in c.checklist.iter().filter(|i| i.level == level) {
            let kind = k(match item.kind {
                ChecklistKind::Step => "kind_step",
                ChecklistKind::Material => "kind_material",
            });
            // A date the documents do not give is the program's assumption and says so.
            // The province has nobody above it to set the date.
            let due = if item.due_given {
                item.due.to_string()
            } else if item.level == UnitLevel::Province {
                kf("due_provisional_own", &[("date", &item.due)])
            } else {
                kf("due_provisional", &[("date", &item.due)])
            };
            let text = format!(
                "{} [{kind}] {}{}{due} ({})",
                item.title,
                k("due"),
                k("sep"),
                item.id
            );
            line(out, 6, &text);
            field(out, 10, "source", &item.source);
        }
    }

    section(out, "joint_sessions");
    let name = |id: &str| c.unit(id).map_or(id.to_string(), |u| u.short.clone());
    for s in &c.joint_sessions {
        line(out, 2, &format!("{} #{} {}", name(&s.city), s.seq, s.text));
        let mut roles = format!("{}{}{}", k("host"), k("sep"), name(&s.host));
        if let Some(co) = &s.co_host {
            let _ = write!(roles, "; {}{}{}", k("co_host"), k("sep"), name(co));
        }
        line(out, 6, &roles);
    }

    section(out, "certification");
    let cert = &c.certification;
    // Each value with the section it is printed in, so it is never taken for a local rule.
    let cited = |name: &str, text: &str| match cert.sources.get(name) {
        Some(section) => format!("{text}（{section}）"),
        None => text.to_string(),
    };
    field(
        out,
        2,
        "certificate",
        &cited("certificate", &cert.certificate),
    );
    let assessments = cert.assessments.join("、");
    field(out, 2, "assessments", &cited("assessments", &assessments));
    let makeup = kf("makeup", &[("n", &cert.makeup_attempts)]);
    line(out, 2, &cited("makeup_attempts", &makeup));
    field(out, 2, "selection", &cited("selection", &cert.selection));
    field(out, 2, "expansion", &cited("expansion", &cert.expansion));
    field(out, 2, "after", &cited("after", &cert.after));
}

fn write_annexes(out: &mut String, c: &Campaign) {
    section(out, "services");
    line(out, 2, "序号 | 服务类别 | 服务内容 | 备注");
    for s in &c.services {
        let row = format!("{} | {} | {} | {}", s.seq, s.category, s.content, s.remark);
        line(out, 2, &row);
    }

    section(out, "liaison");
    line(out, 2, "序号 | 对口联系市州 | 处室");
    for l in &c.liaison {
        line(
            out,
            2,
            &format!("{} | {} | {}", l.seq, l.cities_text, l.office),
        );
    }

    section(out, "materials");
    for m in &c.materials {
        line(out, 2, &m.label());
        for item in &m.items {
            line(out, 4, &item.label());
        }
    }
    line(out, 2, &c.contact.note);

    section(out, "contact");
    let contact = &c.contact;
    let due = format!(
        "{} — {}{}{}",
        contact.recipient,
        k("due"),
        k("sep"),
        contact.due
    );
    line(out, 2, &due);
    field(out, 2, "email", &contact.email);
    field(out, 2, "person", &contact.person);
    field(out, 2, "phone", &contact.phone);

    section(out, "stats_table");
    let table = &c.stats_table;
    line(out, 2, &table.title);
    line(
        out,
        2,
        &format!("{}{}", table.stamp_prefix, table.stamp_example),
    );
    field(out, 2, "columns", &table.columns.join(" | "));
}

fn write_holidays(out: &mut String, c: &Campaign) {
    section(out, "holidays");
    for year in &c.holidays.years {
        let text = kf(
            "holiday_year",
            &[
                ("year", &year.year),
                ("holidays", &year.holidays.len()),
                ("workdays", &year.workdays.len()),
                ("notice", &year.notice),
            ],
        );
        line(out, 2, &text);
        if year.provisional {
            line(out, 4, &format!("({})", k("provisional")));
        }
        for h in &year.holidays {
            let range = if h.from == h.to {
                h.from.to_string()
            } else {
                format!("{} ~ {}", h.from, h.to)
            };
            let workdays: Vec<String> = year
                .workdays
                .iter()
                .filter(|w| w.holiday == h.name)
                .map(|w| w.date.to_string())
                .collect();
            let mut text = format!("{} {range}", h.name);
            if !workdays.is_empty() {
                let _ = write!(text, " / {}", workdays.join(", "));
            }
            line(out, 4, &text);
        }
    }
}
