//! The state's keys: one prefix per kind of record, so that reads go by prefix.

pub fn session(id: &str) -> String {
    format!("s/{id}")
}
pub fn enterprise(id: &str) -> String {
    format!("e/{id}")
}
pub fn person(id: &str) -> String {
    format!("p/{id}")
}
pub fn enrolment(session: &str, person: &str) -> String {
    format!("n/{session}/{person}")
}
pub fn attendance(session: &str, person: &str) -> String {
    format!("a/{session}/{person}")
}
pub fn mark(unit: &str, item: &str) -> String {
    format!("c/{unit}/{item}")
}
pub fn evidence(unit: &str, item: &str, hash: &str) -> String {
    format!("v/{unit}/{item}/{hash}")
}
pub fn deadline(unit: &str, item: &str) -> String {
    format!("d/{unit}/{item}")
}
/// People currently enrolled in a session, kept with every enrolment change.
pub fn enrolled_count(session: &str) -> String {
    format!("k/{session}")
}
/// People currently checked in to a session.
pub fn present_count(session: &str) -> String {
    format!("q/{session}")
}
/// A unit's 联系人.
pub fn contact(unit: &str) -> String {
    format!("l/{unit}")
}
/// A unit's office phone for its contact (its own prefix: `l/` holds contacts only).
pub fn office_phone(unit: &str) -> String {
    format!("lo/{unit}")
}
/// A nomination for the 评选.
pub fn nomination(id: &str) -> String {
    format!("w/n/{id}")
}
/// The province's choice on a nomination, kept apart from the city's record of it.
pub fn selection(nomination: &str) -> String {
    format!("w/s/{nomination}")
}
/// A unit's training plan for a year.
pub fn plan(unit: &str, year: i32) -> String {
    format!("y/{unit}/{year}")
}
/// A joint session's counts as its office last sent them down.
pub fn tally(session: &str) -> String {
    format!("t/{session}")
}
/// Where an enterprise stands in its unit's outreach.
pub fn outreach(enterprise: &str) -> String {
    format!("r/{enterprise}")
}
/// A need for a 附件3 service.
pub fn need(id: &str) -> String {
    format!("u/n/{id}")
}
/// The answer to a need, kept apart from the unit's record of it.
pub fn answer(need: &str) -> String {
    format!("u/a/{need}")
}
/// A publicity item.
pub fn publicity(id: &str) -> String {
    format!("b/{id}")
}
/// A teacher of the register.
pub fn teacher(id: &str) -> String {
    format!("f/{id}")
}
/// Whether a teacher is sent to a session.
pub fn assignment(session: &str, teacher: &str) -> String {
    format!("i/{session}/{teacher}")
}
/// Where a call list's export is found in the log: the unit, for `primary_key`.
pub fn calls(unit: &str) -> String {
    format!("g/{unit}")
}
