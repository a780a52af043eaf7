//! The 培训通知 of a session, worded the way the seed's 鄂州 notice (鄂州市监办〔2023〕4号) is set:
//! a centred title, the 主送 line, numbered parts (一、二、…) with a paragraph each, the contact,
//! and the issuing office with the date at the foot. The facts come in plain (the app gathers
//! them); what is built here is a `Letter`, which the .docx and .pdf writers set on the page.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};

use super::doc::document_date;
use crate::domain::contact::Contact;
use crate::i18n::{t, tf};

/// What a notice says, gathered from the session, the catalogue and the office's contact.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeFacts {
    pub title: String,
    /// The office that issues the notice, by its official name.
    pub issuer: String,
    /// The units whose enterprises are invited, by name.
    pub units: Vec<String>,
    /// 承办 and 协办, by official name, when they are not the issuer alone.
    pub host: String,
    pub cohost: Option<String>,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    pub venue: String,
    pub courses: Vec<NoticeCourse>,
    pub audience: String,
    pub contact: Option<Contact>,
    /// The day the notice is issued (落款).
    pub issued: NaiveDate,
}

/// A course of 附件1 as the notice names it.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeCourse {
    /// The 序号 cell of 附件1 (专题辅导, 1..14), or the id of a course the catalogue lacks.
    pub seq: String,
    pub title: String,
    /// Empty when the session names no lecturer.
    pub lecturer: String,
}

/// A paragraph of the body: a part's heading (一、培训时间) or its text.
#[derive(Debug, Clone, PartialEq)]
pub enum Para {
    Heading(String),
    Text(String),
}

/// A document in the official style, ready for a writer: the title, the 主送 line, the body,
/// and the 落款 lines (office, date) set to the right.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    pub title: String,
    pub addressee: String,
    pub body: Vec<Para>,
    pub signature: Vec<String>,
}

impl Letter {
    /// Every line of text in reading order, for a plain look (and tests).
    pub fn lines(&self) -> Vec<String> {
        let mut out = vec![self.title.clone(), self.addressee.clone()];
        out.extend(self.body.iter().map(|p| match p {
            Para::Heading(text) | Para::Text(text) => text.clone(),
        }));
        out.extend(self.signature.iter().cloned());
        out
    }
}

/// What a notice is written as, by the file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeFormat {
    /// An editable Word document.
    Docx,
    Pdf,
}

impl NoticeFormat {
    /// The format `path` asks for, or the message naming the two a notice is written as.
    pub fn of(path: &std::path::Path) -> Result<NoticeFormat, String> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("docx") => Ok(NoticeFormat::Docx),
            Some("pdf") => Ok(NoticeFormat::Pdf),
            _ => Err(tf(
                "notice.cli.format_refused",
                &[("file", &path.display())],
            )),
        }
    }
}

/// The name a notice gets unless another is given: 培训通知-华容区第1期-2023-04-25.docx.
pub fn default_name(title: &str, date: NaiveDate) -> String {
    let name = super::output::default_name(&t("notice.cli.sheet"), title, date);
    std::path::Path::new(&name)
        .with_extension("docx")
        .display()
        .to_string()
}

/// 星期二 (Tuesday in English).
pub fn weekday(date: NaiveDate) -> String {
    let key = match date.weekday() {
        Weekday::Mon => "mon",
        Weekday::Tue => "tue",
        Weekday::Wed => "wed",
        Weekday::Thu => "thu",
        Weekday::Fri => "fri",
        Weekday::Sat => "sat",
        Weekday::Sun => "sun",
    };
    t(&format!("notice.weekday.{key}"))
}

/// The numeral of part `n` (from 0): 一、二、… in Chinese, 1. 2. … in English.
fn part(n: usize, heading: &str) -> Para {
    let numerals: Vec<String> = t("notice.doc.numerals")
        .split(',')
        .map(str::to_string)
        .collect();
    let numeral = numerals
        .get(n)
        .cloned()
        .unwrap_or_else(|| (n + 1).to_string());
    Para::Heading(tf(
        "notice.doc.part",
        &[("numeral", &numeral), ("heading", &t(heading))],
    ))
}

/// Typed text as a sentence of the body: ended with a full stop unless it ends in one already.
fn sentence(text: &str) -> String {
    let ended = text
        .chars()
        .last()
        .is_none_or(|c| "。．.！!？?；;".contains(c));
    if ended {
        text.to_string()
    } else {
        format!("{text}{}", t("notice.doc.full_stop"))
    }
}

fn course_line(n: usize, course: &NoticeCourse) -> String {
    // 附件1 numbers its optional courses; the keynote's 序号 cell is a word (专题辅导).
    let label = if course.seq.chars().all(|c| c.is_ascii_digit()) {
        tf("notice.doc.course_seq", &[("seq", &course.seq)])
    } else {
        course.seq.clone()
    };
    let line = tf(
        "notice.doc.course",
        &[("n", &(n + 1)), ("label", &label), ("title", &course.title)],
    );
    if course.lecturer.is_empty() {
        tf("notice.doc.course_end", &[("line", &line)])
    } else {
        tf(
            "notice.doc.course_lecturer",
            &[("line", &line), ("lecturer", &course.lecturer)],
        )
    }
}

/// The notice of `facts` as a letter in the official style.
pub fn notice_letter(facts: &NoticeFacts) -> Letter {
    let sep = t("notice.doc.list_sep");
    let date = document_date(facts.date);
    let mut opening = tf(
        "notice.doc.opening",
        &[
            ("issuer", &facts.issuer),
            ("date", &date),
            ("title", &facts.title),
        ],
    );
    if facts.host != facts.issuer || facts.cohost.is_some() {
        opening.push_str(&match &facts.cohost {
            Some(cohost) => tf(
                "notice.doc.hosts",
                &[("host", &facts.host), ("cohost", cohost)],
            ),
            None => tf("notice.doc.host", &[("host", &facts.host)]),
        });
    }
    opening.push_str(&t("notice.doc.as_follows"));
    let mut body = vec![Para::Text(opening)];
    let mut parts = 0;
    let mut add = |body: &mut Vec<Para>, heading: &str, texts: Vec<String>| {
        body.push(part(parts, heading));
        parts += 1;
        body.extend(texts.into_iter().map(Para::Text));
    };
    let time = tf(
        "notice.doc.time",
        &[
            ("date", &date),
            ("weekday", &weekday(facts.date)),
            ("start", &facts.start.format("%H:%M")),
            ("end", &facts.end.format("%H:%M")),
        ],
    );
    add(&mut body, "notice.doc.time_heading", vec![time]);
    add(
        &mut body,
        "notice.doc.venue_heading",
        vec![sentence(&facts.venue)],
    );
    let courses = if facts.courses.is_empty() {
        vec![t("notice.doc.no_courses")]
    } else {
        facts
            .courses
            .iter()
            .enumerate()
            .map(|(n, c)| course_line(n, c))
            .collect()
    };
    add(&mut body, "notice.doc.courses_heading", courses);
    let units = facts.units.join(&sep);
    let audience = if facts.audience.is_empty() {
        tf("notice.doc.audience_default", &[("units", &units)])
    } else {
        sentence(&facts.audience)
    };
    add(&mut body, "notice.doc.audience_heading", vec![audience]);
    add(
        &mut body,
        "notice.doc.enrol_heading",
        vec![tf("notice.doc.enrol", &[("issuer", &facts.issuer)])],
    );
    let contact = match &facts.contact {
        Some(c) if c.position.is_empty() => tf(
            "notice.doc.contact",
            &[("name", &c.name), ("phone", &c.phone)],
        ),
        Some(c) => tf(
            "notice.doc.contact_position",
            &[
                ("name", &c.name),
                ("position", &c.position),
                ("phone", &c.phone),
            ],
        ),
        // Left to be filled in by hand: the document is meant to be edited before it goes out.
        None => t("notice.doc.contact_blank"),
    };
    add(&mut body, "notice.doc.contact_heading", vec![contact]);
    Letter {
        title: tf("notice.doc.title", &[("title", &facts.title)]),
        addressee: tf("notice.doc.addressee", &[("units", &units)]),
        body,
        signature: vec![facts.issuer.clone(), document_date(facts.issued)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NoticeFacts {
        NoticeFacts {
            title: "华容区知识产权培训班（第1期）".into(),
            issuer: "华容区局".into(),
            units: vec!["华容区".into(), "葛店开发区".into()],
            host: "华容区局".into(),
            cohost: Some("葛店分局".into()),
            date: "2023-04-25".parse().unwrap(),
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
            end: NaiveTime::from_hms_opt(11, 30, 0).unwrap(),
            venue: "华容区政务中心".into(),
            courses: vec![
                NoticeCourse {
                    seq: "专题辅导".into(),
                    title: "《锚定目标》".into(),
                    lecturer: "省局领导".into(),
                },
                NoticeCourse {
                    seq: "3".into(),
                    title: "专利申请实务".into(),
                    lecturer: String::new(),
                },
            ],
            audience: String::new(),
            contact: None,
            issued: "2023-04-20".parse().unwrap(),
        }
    }

    #[test]
    fn the_notice_reads_in_the_official_order() {
        let letter = notice_letter(&facts());
        assert_eq!(letter.title, "关于举办华容区知识产权培训班（第1期）的通知");
        assert_eq!(letter.addressee, "华容区、葛店开发区各有关单位、企业：");
        let lines = letter.lines();
        let at = |text: &str| {
            lines
                .iter()
                .position(|l| l.contains(text))
                .unwrap_or_else(|| panic!("{text} in {lines:#?}"))
        };
        assert!(lines.iter().any(|l| l.contains("葛店分局协办")));
        assert!(at("一、培训时间") < at("2023年4月25日（星期二）09:00—11:30"));
        assert!(at("二、培训地点") < at("华容区政务中心。"));
        assert!(at("三、培训内容") < at("《锚定目标》，主讲：省局领导"));
        assert!(at("附件1第3项课程：专利申请实务。") > at("三、培训内容"));
        assert!(at("四、参训对象") < at("五、报名方式"));
        assert!(at("六、联系人及电话") < at("联系人："));
        assert_eq!(letter.signature, ["华容区局", "2023年4月20日"]);
    }
}
