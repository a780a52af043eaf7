//! The 企业 tab's rows: read a row at a time, brought up to date, kept.

use super::*;
use crate::cli::Scale;
use crate::domain::{Categories, SessionKind};
use crate::log::Payload;

/// The rows of the call list `filter` keeps, gathered.
fn rows(store: &Store, filter: CallFilter) -> Outcome<Vec<OutreachRow>> {
    let mut out = Vec::new();
    each_row(
        store,
        filter,
        |person| person,
        |row| {
            out.push(row);
            Ok(())
        },
    )?;
    Ok(out)
}

/// The rows `screen_rows` gives, after checking they are the rows worked out from everyone.
fn rows_checked(store: &Store) -> EnterpriseRows {
    let brought = screen_rows(store).unwrap();
    forget_kept_screen_rows(store).unwrap();
    assert_eq!(brought, screen_rows(store).unwrap(), "as worked out");
    brought
}

fn own_person(store: &Store, skip: usize, with: impl Fn(&Person) -> bool) -> Person {
    store
        .people()
        .unwrap()
        .into_iter()
        .filter(|p| p.office == store.office() && with(p))
        .nth(skip)
        .expect("a person of the city's own")
}

/// The rows as worked out from every record read at once, as they were before they were
/// read a row at a time.
fn rows_at_once(store: &Store, filter: CallFilter) -> Vec<OutreachRow> {
    let trained = crate::sheets::rollup::trained_people(store).unwrap();
    let people = store.people().unwrap();
    let mut out: Vec<OutreachRow> = store
        .enterprises()
        .unwrap()
        .into_iter()
        .filter(|e| within(store.office(), &e.unit))
        .filter(|e| filter.category.is_none_or(|c| e.categories.contains(c)))
        .map(|e| {
            let of_it: Vec<Person> = people
                .iter()
                .filter(|p| p.enterprise.as_deref() == Some(e.id.as_str()))
                .cloned()
                .collect();
            OutreachRow {
                unit_name: unit_name(&e.unit),
                trained: of_it.iter().any(|p| trained.contains(&p.id)),
                outreach: store
                    .get_stored::<Outreach>(&keys::outreach(&e.id))
                    .unwrap()
                    .map(|s| s.value),
                people: of_it,
                enterprise: e,
            }
        })
        .filter(|row| !(filter.untrained && row.trained))
        .collect();
    out.sort_by_cached_key(|row| {
        (
            row.enterprise.unit.clone(),
            crate::domain::pinyin::sort_key(&row.enterprise.name),
        )
    });
    out
}

#[test]
fn rows_read_a_row_at_a_time_are_the_rows_from_everything_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        crate::demo::build(&dir.path().join("s"), Scale::City, 2023, &mut |_, _| {}).unwrap();
    // Two enterprises of one name in one unit keep the order of their ids.
    let twin = |id: &str| {
        Payload::EnterpriseUpserted(Enterprise {
            id: id.into(),
            office: store.office().into(),
            name: "同名科技有限公司".into(),
            credit_code: None,
            categories: Categories::NONE,
            unit: store.office().into(),
        })
    };
    let (first, second) = (store.new_id('E').unwrap(), store.new_id('E').unwrap());
    store.commit(vec![twin(&second), twin(&first)]).unwrap();
    let category = Some(crate::domain::EnterpriseCategory::HighTech);
    for filter in [
        CallFilter::default(),
        CallFilter {
            category: None,
            untrained: true,
        },
        CallFilter {
            category,
            untrained: false,
        },
        CallFilter {
            category,
            untrained: true,
        },
    ] {
        let read = rows(&store, filter).unwrap();
        assert!(read.len() > 10, "{filter:?}: {}", read.len());
        assert!(read.iter().any(|r| r.people.len() > 1), "{filter:?}");
        assert!(read.iter().any(|r| r.outreach.is_some()), "{filter:?}");
        assert_eq!(read, rows_at_once(&store, filter), "{filter:?}");
    }
    let listed = rows(&store, CallFilter::default()).unwrap();
    let twins: Vec<&str> = listed
        .iter()
        .filter(|r| r.enterprise.name == "同名科技有限公司")
        .map(|r| r.enterprise.id.as_str())
        .collect();
    assert_eq!(twins.len(), 2);
    assert!(twins[0] < twins[1], "{twins:?}");
}

#[test]
fn rows_brought_up_to_date_after_a_few_people_changed_are_the_rows_from_everyone() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        crate::demo::build(&dir.path().join("s"), Scale::City, 2023, &mut |_, _| {}).unwrap();
    let first = rows_checked(&store);
    let untrained = first
        .iter()
        .find(|r| !r.trained && r.people().len() > 0)
        .map(|r| r.id.to_string())
        .expect("an enterprise nobody of which is trained");
    let other = first
        .iter()
        .find(|r| r.id != untrained)
        .map(|r| r.id.to_string())
        .unwrap();

    // A walk-in of the untrained enterprise, checked in as often as the rule asks.
    let rules = crate::cert::Rules::load().unwrap();
    let walk_in = Person {
        id: store.new_id('P').unwrap(),
        office: store.office().to_string(),
        name: "钱多多".into(),
        phone: "13900008888".into(),
        position: String::new(),
        enterprise: Some(untrained.clone()),
        code: String::new(),
    };
    let mut write = vec![Payload::PersonUpserted(walk_in.clone())];
    let sessions = store.sessions().unwrap();
    let offline = sessions
        .iter()
        .filter(|s| s.kind == SessionKind::Offline && s.office == store.office());
    for session in offline.take(rules.offline_sessions as usize) {
        write.push(Payload::CheckedIn {
            session: session.id.clone(),
            person: walk_in.id.clone(),
            at: session.date.and_hms_opt(9, 0, 0).unwrap(),
        });
    }
    store.commit(write).unwrap();
    let rows = rows_checked(&store);
    let row = rows.get(rows.position(&untrained).unwrap()).unwrap();
    assert!(row.trained, "the walk-in trained the enterprise");
    assert!(row.people().any(|line| line.starts_with("钱多多 ")));

    // Someone moved to another enterprise, and someone to none.
    let mut moved = own_person(&store, 0, |p| p.enterprise.is_some());
    moved.enterprise = Some(other.clone());
    let mut left = own_person(&store, 1, |p| p.enterprise.is_some());
    left.enterprise = None;
    store
        .commit(vec![
            Payload::PersonUpserted(moved),
            Payload::PersonUpserted(left),
        ])
        .unwrap();
    rows_checked(&store);
}

#[test]
fn only_a_write_to_a_few_people_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        crate::demo::build(&dir.path().join("s"), Scale::City, 2023, &mut |_, _| {}).unwrap();
    let extra = screen_rows_extra().unwrap();
    // A row no count from everyone would give: it stays only while the rows are brought up
    // to date rather than worked out again.
    let mark = |store: &Store| {
        let key = SCREEN_ROWS.key(store, &extra).unwrap();
        screen_rows(store).unwrap();
        let just_kept = || Err(color_eyre::eyre::eyre!("kept just now"));
        let mut kept: KeptRows = SCREEN_ROWS
            .get_or_bring_up_to_date(store, &extra, |_, _| Ok(None), just_kept)
            .unwrap();
        let marker = Enterprise {
            id: "E-marker".into(),
            office: store.office().into(),
            name: "标记".into(),
            credit_code: None,
            categories: Categories::NONE,
            unit: store.office().into(),
        };
        kept.rows.push(&marker, "标记", false, None, []).unwrap();
        SCREEN_ROWS.keep(store, &extra, &key, store.quiet(), &kept);
    };
    let marked = |store: &Store| screen_rows(store).unwrap().position("E-marker").is_some();
    mark(&store);
    let mut someone = own_person(&store, 0, |_| true);
    someone.name.push('乙');
    store
        .commit(vec![Payload::PersonUpserted(someone)])
        .unwrap();
    assert!(marked(&store), "brought up to date");

    let enterprise = store.enterprises().unwrap().remove(0);
    store
        .commit(vec![Payload::EnterpriseUpserted(enterprise)])
        .unwrap();
    assert!(!marked(&store), "an enterprise written: worked out again");
}

#[test]
fn repeated_names_count_every_row_of_a_name_seen_twice() {
    let names = ["甲公司", "乙公司", "甲公司", "丙公司", "甲公司", "乙公司"];
    assert_eq!(repeated_names(names.into_iter()), 5);
    assert_eq!(repeated_names(["甲公司", "乙公司"].into_iter()), 0);
}
