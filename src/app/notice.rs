//! The 培训通知 of a session: its facts gathered (the session, its 附件1 courses, the issuing
//! office's name and 联系人), then written as .docx or .pdf to a file not there yet, since a
//! notice is edited by hand before it goes out and must never be written over.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Outcome, Refusal};
use crate::campaign::{campaign, unit_name};
use crate::domain::Session;
use crate::i18n::tf;
use crate::sheets::notice::{notice_letter, NoticeCourse, NoticeFacts, NoticeFormat};
use crate::sheets::output::absolute;
use crate::sheets::stamp::office_name;
use crate::store::Store;

/// A notice written: where, and the title it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    pub title: String,
}

/// What the notice of `session`, issued on `issued`, says.
pub fn facts(store: &Store, session: &Session, issued: NaiveDate) -> Outcome<NoticeFacts> {
    let home = store.office();
    let sent = super::teachers::sent_to_session(store, &session.id)?;
    let courses = session
        .courses
        .iter()
        .map(|c| {
            let lecturer = super::teachers::lecturer_of(&c.course, &c.lecturer, &sent);
            match campaign().course(&c.course) {
                Some(course) => NoticeCourse {
                    seq: course.seq.clone(),
                    title: course.title.clone(),
                    lecturer,
                },
                None => NoticeCourse {
                    seq: c.course.clone(),
                    title: c.course.clone(),
                    lecturer,
                },
            }
        })
        .collect();
    let mut units: Vec<String> = session.units.iter().map(|u| unit_name(u)).collect();
    if units.is_empty() {
        units.push(unit_name(&session.host));
    }
    let cohost = match &session.cohost {
        Some(unit) => Some(office_name(unit, home)?),
        None => None,
    };
    Ok(NoticeFacts {
        title: session.title.clone(),
        issuer: office_name(&session.office, home)?,
        units,
        host: office_name(&session.host, home)?,
        cohost,
        date: session.date,
        start: session.start,
        end: session.end,
        venue: session.venue.clone(),
        courses,
        audience: session.audience.clone(),
        contact: super::contacts::current(store, &session.office)?,
        issued,
    })
}

/// The session `id`, or the refusal that names it.
pub fn session(store: &Store, id: &str) -> Outcome<Session> {
    store
        .session(id)?
        .ok_or_else(|| Refusal::said(tf("cli.session.not_found", &[("id", &id)])))
}

/// Whether `path` may take a notice: a format a notice is written in, and nothing there yet.
pub fn check_path(path: &Path) -> Outcome<NoticeFormat> {
    let format = NoticeFormat::of(path).map_err(Refusal::said)?;
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Refusal::said(tf(
            "notice.cli.exists",
            &[("file", &absolute(path).display())],
        )));
    }
    Ok(format)
}

/// Writes the notice of `session` to `path`, refused before any work if the path is taken or
/// names another format.
pub fn write(store: &Store, session: &Session, path: &Path, issued: NaiveDate) -> Outcome<Written> {
    let format = check_path(path)?;
    let letter = notice_letter(&facts(store, session, issued)?);
    let bytes = match format {
        NoticeFormat::Docx => crate::sheets::docx::docx_bytes(&letter)?,
        NoticeFormat::Pdf => {
            let configured = crate::config::Config::load()?.pdf_font;
            let font = crate::sheets::font::find(configured.as_deref())?;
            crate::sheets::letter_pdf::pdf_bytes(&letter, &font)?
        }
    };
    crate::sheets::write::write_new(path, &bytes)?;
    Ok(Written {
        path: absolute(path),
        title: letter.title,
    })
}
