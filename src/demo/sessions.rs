//! The demo's training calendar: a city's joint sessions as the seed lists them, each unit's own
//! sessions from March to November, the province's 3-day online training, the specialist exam
//! by region and its makeup.

use chrono::{Datelike, NaiveDate, NaiveTime, Weekday};
use color_eyre::eyre::{eyre, Result};

use super::names;
use super::rng::Rng;
use crate::campaign::{campaign, Unit};
use crate::domain::{Session, SessionCourse, SessionKind};
use crate::store::Store;

/// Who organises the online training and the exam: the province office.
pub const PROVINCE: &str = "420000";

/// Exam regions (方案 二（四）"分片组织"): a name, a venue and the cities it serves.
const EXAM_REGIONS: &[(&str, &str, &[&str])] = &[
    (
        "武汉片区",
        "武汉市洪山区湖北省知识产权培训基地第一教室",
        &[
            "420100", "420200", "420700", "420900", "421100", "421200", "421300",
        ],
    ),
    (
        "宜昌片区",
        "宜昌市伍家岗区宜昌市知识产权服务中心培训室",
        &[
            "420500", "420800", "421000", "422800", "429004", "429005", "429006",
        ],
    ),
    (
        "襄阳片区",
        "襄阳市樊城区襄阳市科技馆报告厅",
        &["420300", "420600", "429021"],
    ),
];

/// An exam session with the units whose online trainees it takes.
pub type Exam = (Session, Vec<String>);

/// What the sessions are made from; shared by every part of the calendar.
pub(crate) struct Calendar<'a> {
    pub store: &'a Store,
    pub rng: Rng,
    pub lecturers: Vec<String>,
    /// Sessions made so far in the province's id space.
    pub province_sessions: u32,
}

fn date(y: i32, m: u32, d: u32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d).ok_or_else(|| eyre!("bad demo date {y}-{m}-{d}"))
}

fn time(h: u32, m: u32) -> Result<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0).ok_or_else(|| eyre!("bad demo time {h}:{m}"))
}

/// Days in `from..=to` a session can be held: working days by the campaign's holiday calendar,
/// but not the weekend make-up workdays (调休), which nobody books a training for.
pub fn session_days(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let holidays = &campaign().holidays;
    from.iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| {
            holidays.is_working_day(*d) && !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        })
        .collect()
}

impl Calendar<'_> {
    fn blank(
        &mut self,
        kind: SessionKind,
        title: String,
        units: Vec<String>,
        host: &str,
    ) -> Result<Session> {
        // The online training and the exams are the province's, whichever store the demo fills:
        // their ids are in its space and its chain writes them.
        let (id, office) = if host == PROVINCE && self.store.office() != PROVINCE {
            self.province_sessions += 1;
            (
                format!("S-{PROVINCE}-demo-{}", self.province_sessions),
                PROVINCE.to_string(),
            )
        } else {
            (self.store.new_id('S')?, self.store.office().to_string())
        };
        Ok(Session {
            id,
            office,
            kind,
            title,
            units,
            host: host.to_string(),
            cohost: None,
            date: date(2023, 3, 1)?,
            start: time(9, 0)?,
            end: time(12, 0)?,
            venue: String::new(),
            courses: Vec::new(),
            audience: String::new(),
            capacity: 100,
        })
    }

    fn lecturer(&mut self) -> String {
        let i = self.rng.below(self.lecturers.len());
        self.lecturers.get(i).cloned().unwrap_or_default()
    }

    /// The keynote (when asked) and `optional` distinct courses of 附件1, in catalogue order.
    fn offline_courses(&mut self, keynote: bool, optional: usize) -> Vec<SessionCourse> {
        let mut out = Vec::new();
        if keynote {
            out.push(SessionCourse {
                course: "K".to_string(),
                lecturer: "省知识产权局领导".to_string(),
            });
        }
        let ids: Vec<usize> = (1..=14).collect();
        let mut picked = self.rng.sample(&ids, optional);
        picked.sort_unstable();
        for id in picked {
            let lecturer = self.lecturer();
            out.push(SessionCourse {
                course: id.to_string(),
                lecturer,
            });
        }
        out
    }

    /// Start and end for `n` courses of 1.5 h with 15-minute breaks and a lunch break.
    fn hours(&mut self, n: usize) -> Result<(NaiveTime, NaiveTime)> {
        let n = n.max(1) as u32;
        if n <= 2 && self.rng.chance(0.35) {
            let minutes = 14 * 60 + n * 90 + (n - 1) * 15;
            return Ok((time(14, 0)?, time(minutes / 60, minutes % 60)?));
        }
        let morning = n.min(2);
        let afternoon = n - morning;
        let end = if afternoon == 0 {
            9 * 60 + morning * 90 + (morning - 1) * 15
        } else {
            14 * 60 + afternoon * 90 + (afternoon - 1) * 15
        };
        Ok((time(9, 0)?, time(end / 60, end % 60)?))
    }

    /// A working day in `from..=to`.
    fn day_between(&mut self, from: NaiveDate, to: NaiveDate) -> Result<NaiveDate> {
        let days = session_days(from, to);
        if days.is_empty() {
            return Err(eyre!("no working day between {from} and {to}"));
        }
        Ok(*self.rng.pick(&days))
    }

    /// A city's joint sessions exactly as its notice sets them (units, 承办, 协办), each with the
    /// keynote and 2-3 optional courses, spread over March and April.
    pub fn joint(&mut self, city: &Unit) -> Result<Vec<Session>> {
        let joints = campaign().joint_sessions_of(&city.id);
        let windows = [(3, 13, 3, 24), (3, 27, 4, 7), (4, 10, 4, 19)];
        let audience = campaign()
            .step("offline_training")
            .and_then(|s| s.participants.clone())
            .unwrap_or_default();
        let mut out = Vec::new();
        for (i, joint) in joints.iter().enumerate() {
            let title = format!(
                "{}2023年“百县万企”知识产权线下大培训（第{}场）",
                city.short,
                names::numeral(joint.seq as usize)
            );
            let mut s = self.blank(
                SessionKind::Offline,
                title,
                joint.units.clone(),
                &joint.host,
            )?;
            s.cohost = joint.co_host.clone();
            let (m1, d1, m2, d2) = windows[i % windows.len()];
            s.date = self.day_between(date(2023, m1, d1)?, date(2023, m2, d2)?)?;
            let optional = self.rng.range(2, 3);
            s.courses = self.offline_courses(true, optional);
            let (start, end) = self.hours(s.courses.len())?;
            s.start = start;
            s.end = end;
            s.venue = if city.id == "420700" {
                (*self.rng.pick(names::ezhou_venues(&joint.host))).to_string()
            } else {
                let host = campaign()
                    .unit(&joint.host)
                    .map_or("", |u| u.short.as_str());
                names::venue(&mut self.rng, host)
            };
            s.audience = audience.clone();
            s.capacity = 150;
            out.push(s);
        }
        Ok(out)
    }

    /// `count` sessions of one unit between March and November, numbered in date order.
    pub fn unit_sessions(
        &mut self,
        unit: &Unit,
        count: usize,
        days: &[NaiveDate],
    ) -> Result<Vec<Session>> {
        let mut dates: Vec<NaiveDate> = (0..count).map(|_| *self.rng.pick(days)).collect();
        dates.sort_unstable();
        let mut out = Vec::new();
        for (i, day) in dates.into_iter().enumerate() {
            let keynote = self.rng.chance(0.25);
            // Half a day at least: two courses, or the keynote and one.
            let optional = self.rng.range(if keynote { 1 } else { 2 }, 3);
            let courses = self.offline_courses(keynote, optional);
            let theme = courses
                .iter()
                .find(|c| c.course != "K")
                .map_or("知识产权", |c| names::course_theme(&c.course));
            let title = if self.rng.chance(0.5) {
                format!("{}“百县万企”知识产权培训班（第{}期）", unit.short, i + 1)
            } else {
                format!("{}“百县万企”{}专题培训班", unit.short, theme)
            };
            let mut s = self.blank(SessionKind::Offline, title, vec![unit.id.clone()], &unit.id)?;
            s.date = day;
            let (start, end) = self.hours(courses.len())?;
            s.start = start;
            s.end = end;
            s.courses = courses;
            s.venue = if unit.parent.as_deref() == Some("420700") {
                (*self.rng.pick(names::ezhou_venues(&unit.id))).to_string()
            } else {
                names::venue(&mut self.rng, &unit.short)
            };
            s.audience = "县（市）区企业高管、代表".to_string();
            s.capacity = *self.rng.pick(&[80, 100, 120, 150]);
            out.push(s);
        }
        Ok(out)
    }

    /// The province's online training: three consecutive working days in March, one session a
    /// day (四知 on the first, 五会 on the other two), serving `units`.
    pub fn online(&mut self, units: &[String]) -> Result<Vec<Session>> {
        // Monday to Wednesday of the second, third or fourth week of March never meets a holiday.
        let mondays: Vec<NaiveDate> = session_days(date(2023, 3, 6)?, date(2023, 3, 22)?)
            .into_iter()
            .filter(|d| matches!(d.weekday(), Weekday::Mon | Weekday::Tue | Weekday::Wed))
            .collect();
        let first = *self.rng.pick(&mondays);
        let plan: [&[&str]; 3] = [
            &["Z1", "Z2", "Z3", "Z4"],
            &["H1", "H2", "H3"],
            &["H4", "H5"],
        ];
        let mut out = Vec::new();
        for (day, courses) in plan.iter().enumerate() {
            let title = format!("2023年全省“百县万企”知识产权线上大培训（第{}天）", day + 1);
            let mut s = self.blank(SessionKind::Online, title, units.to_vec(), PROVINCE)?;
            s.date = first + chrono::Days::new(day as u64);
            s.courses = courses
                .iter()
                .map(|c| SessionCourse {
                    course: (*c).to_string(),
                    lecturer: self.lecturer(),
                })
                .collect();
            let (start, end) = if courses.len() > 2 {
                (
                    time(9, 0)?,
                    time(if courses.len() > 3 { 17 } else { 15 }, 30)?,
                )
            } else {
                // The last day ends with live questions and the assessment questionnaire.
                (time(9, 0)?, time(16, 0)?)
            };
            s.start = start;
            s.end = end;
            s.venue = "湖北省知识产权综合服务平台（线上直播）".to_string();
            s.audience = "各县（市）区企事业单位知识产权工作专（兼）职人员".to_string();
            s.capacity = 5000;
            out.push(s);
        }
        Ok(out)
    }

    /// One exam (考试 + 实操) per region that has units in scope, in May or June, then one
    /// makeup in late June for all of them. Returns the exams with their cities, and the makeup.
    pub fn exams(&mut self, scope: &[&Unit]) -> Result<(Vec<Exam>, Session)> {
        let mut exams = Vec::new();
        let mut all_units = Vec::new();
        for (region, venue, cities) in EXAM_REGIONS {
            let units: Vec<String> = scope
                .iter()
                .filter(|u| {
                    campaign()
                        .city_of(&u.id)
                        .is_some_and(|c| cities.contains(&c.id.as_str()))
                })
                .map(|u| u.id.clone())
                .collect();
            if units.is_empty() {
                continue;
            }
            let title = format!("2023年湖北省知识产权专员考核认证（{region}）");
            let mut s = self.blank(SessionKind::Exam, title, units.clone(), PROVINCE)?;
            s.date = self.day_between(date(2023, 5, 15)?, date(2023, 6, 9)?)?;
            s.start = time(9, 0)?;
            s.end = time(16, 30)?;
            s.venue = (*venue).to_string();
            s.audience = "线上大培训遴选学员、市州扩招培训班学员".to_string();
            s.capacity = 120;
            all_units.extend(units.iter().cloned());
            exams.push((s, units));
        }
        let mut makeup = self.blank(
            SessionKind::Makeup,
            "2023年湖北省知识产权专员考核认证补考".to_string(),
            all_units,
            PROVINCE,
        )?;
        makeup.date = self.day_between(date(2023, 6, 19)?, date(2023, 6, 30)?)?;
        makeup.start = time(9, 0)?;
        makeup.end = time(16, 30)?;
        makeup.venue = EXAM_REGIONS[0].1.to_string();
        makeup.audience = "考核认证未通过学员（补考一次）".to_string();
        makeup.capacity = 60;
        Ok((exams, makeup))
    }
}
