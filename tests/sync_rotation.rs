//! Key rotation: the next generation of an office's keys is accepted from a certificate signed
//! by the generation before; bundles encrypted to the old keys still open; what the old key
//! signed still verifies when relayed; a forged or unendorsed certificate is refused; held
//! ranges are re-checked when their origin is revoked.

use crate::common;

use std::collections::BTreeMap;

use crate::common::offices::refusal;
use peixun::domain::{MarkStatus, Person};
use peixun::log::Payload;
use peixun::store::Store;
use peixun::sync::export::{build, ExportOptions};
use peixun::sync::import::{import_bytes, Outcome};
use peixun::sync::rotation::{accept_rotation, rotate, Rotation, RotationError};
use peixun::sync::trust::{self, Change};
use peixun::sync::{Keys, Rejection};

const PROVINCE: &str = "420000";
const CITY: &str = "420700";
const COUNTY: &str = "420704";

struct Office {
    _dir: tempfile::TempDir,
    store: Store,
    keys: Keys,
}

impl Office {
    fn new(id: &str) -> Office {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::create(&dir.path().join("store"), id, "测试员").unwrap();
        let keys = Keys::create(store.dir(), id).unwrap();
        Office {
            _dir: dir,
            store,
            keys,
        }
    }

    fn pin(&self, other: &Office) {
        let card = other.keys.card().unwrap();
        trust::trust_card(&self.store, &card, &card.fingerprint()).unwrap();
    }

    fn send_with(&self, to: &Office, options: &ExportOptions) -> Vec<u8> {
        let (bytes, exported) = build(&self.store, &self.keys, to.store.office(), options).unwrap();
        self.store
            .set_link_seq(to.store.office(), exported.link_seq)
            .unwrap();
        bytes
    }

    fn send(&self, to: &Office) -> Vec<u8> {
        self.send_with(to, &ExportOptions::default())
    }

    fn take(&self, bytes: &[u8]) -> Result<Outcome, Rejection> {
        refusal(import_bytes(&self.store, &self.keys, bytes))
    }

    fn applied(&self, bytes: &[u8]) -> u64 {
        match self.take(bytes) {
            Ok(Outcome::Imported(summary)) => summary.counts.applied,
            other => panic!("expected an import, got {other:?}"),
        }
    }

    fn work(&self, n: u32) {
        let o = self.store.office().to_string();
        self.store
            .commit(vec![
                Payload::PersonUpserted(Person {
                    id: format!("P-{o}-{n}"),
                    office: o.clone(),
                    name: "欧阳明月".into(),
                    phone: format!("1380711{n:04}"),
                    position: String::new(),
                    enterprise: None,
                    code: format!("C{n}"),
                }),
                Payload::ChecklistMarked {
                    unit: o,
                    item: "county.contact".into(),
                    status: MarkStatus::Done,
                    note: format!("第 {n} 次"),
                },
            ])
            .unwrap();
    }

    /// Rotates this office's keys in place; the certificate for its peers.
    fn rotate(&mut self) -> Rotation {
        let (keys, certificate) = rotate(&self.store).unwrap();
        self.keys = keys;
        // Through its text form, as it travels.
        Rotation::from_text(&certificate.to_text().unwrap()).unwrap()
    }
}

fn chain() -> (Office, Office, Office) {
    let province = Office::new(PROVINCE);
    let city = Office::new(CITY);
    let county = Office::new(COUNTY);
    city.pin(&county);
    county.pin(&city);
    city.pin(&province);
    province.pin(&city);
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    (province, city, county)
}

#[test]
fn a_rotation_is_accepted_from_the_old_key_and_old_signatures_still_verify() {
    let (province, city, mut county) = chain();
    county.work(1);
    // Taken in at the city under generation 1, not yet relayed to the province.
    assert_eq!(city.applied(&county.send(&city)), 2);
    // The city writes to the county's generation 1 keys before hearing of the rotation.
    let to_old_keys = city.send(&county);
    let certificate = county.rotate();
    assert_eq!(county.keys.epoch(), 2);
    assert_eq!(certificate.old_epoch, 1);

    // Signed with generation 2: refused until the city takes in the certificate.
    county.work(2);
    let second = county.send(&city);
    assert!(matches!(
        city.take(&second),
        Err(Rejection::SenderEpoch {
            found: 2,
            trusted: 1,
            ..
        })
    ));
    assert_eq!(
        refusal(accept_rotation(&city.store, &certificate)),
        Ok(Change::Updated)
    );
    assert_eq!(city.store.peer(COUNTY).unwrap().unwrap().card.body.epoch, 2);
    assert_eq!(city.applied(&second), 2);
    // Again is a no-op.
    assert_eq!(
        refusal(accept_rotation(&city.store, &certificate)),
        Ok(Change::Unchanged)
    );
    // The county reads the bundle sent to its old keys with the keys kept aside.
    assert!(county.take(&to_old_keys).is_ok());

    // The province learns of the rotation too; the city relays ops 1-2 under the county's
    // generation 1 signature and 3-4 under generation 2: both verify.
    assert_eq!(
        refusal(accept_rotation(&province.store, &certificate)),
        Ok(Change::Updated)
    );
    assert_eq!(province.applied(&city.send(&province)), 4);
    let mut owned: BTreeMap<String, Vec<u8>> = province
        .store
        .state_entries()
        .unwrap()
        .into_iter()
        .collect();
    owned.retain(|k, _| k.starts_with("p/"));
    assert_eq!(owned.len(), 2);
}

/// A roster never replaces a key: the province keeps the county's generation 1 when the
/// city's roster names generation 2, and moves on only with the county's own certificate.
#[test]
fn a_rotation_reaches_the_province_by_certificate_never_by_roster() {
    let (province, city, mut county) = chain();
    county.work(1);
    assert_eq!(city.applied(&county.send(&city)), 2);
    let certificate = county.rotate();
    accept_rotation(&city.store, &certificate).unwrap();
    // The city's next roster carries the county's generation 2 card: not taken.
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    let report = trust::accept_roster(&province.store, &province.keys, &roster).unwrap();
    assert!(report.contains(&(COUNTY.to_string(), Change::KeptHeld)));
    let epoch = |o: &Office| o.store.peer(COUNTY).unwrap().unwrap().card.body.epoch;
    assert_eq!(epoch(&province), 1);
    // Ops 1-2, signed by generation 1 before the rotation, relayed: they verify.
    assert_eq!(province.applied(&city.send(&province)), 2);
    // Work signed by generation 2 waits, named, until the province has the certificate.
    county.work(2);
    assert_eq!(city.applied(&county.send(&city)), 2);
    assert_eq!(province.applied(&city.send(&province)), 0);
    assert_eq!(
        refusal(accept_rotation(&province.store, &certificate)),
        Ok(Change::Updated)
    );
    assert_eq!(epoch(&province), 2);
    assert_eq!(province.applied(&city.send(&province)), 2);
    // The same certificate again is no news.
    assert_eq!(
        refusal(accept_rotation(&province.store, &certificate)),
        Ok(Change::Unchanged)
    );
    // An office that only ever knew generation 2 (from a roster) has nothing to check it with.
    let other = Office::new(PROVINCE);
    other.pin(&city);
    trust::accept_roster(&other.store, &other.keys, &roster).unwrap();
    assert_eq!(
        refusal(accept_rotation(&other.store, &certificate)),
        Ok(Change::Unchanged)
    );
    // The trusted card under a made-up generation, or of a revoked office, is not "no news".
    let made_up = Rotation {
        old_epoch: 5,
        ..Rotation::from_text(&certificate.to_text().unwrap()).unwrap()
    };
    assert!(matches!(
        refusal(accept_rotation(&other.store, &made_up)),
        Err(RotationError::BadEndorsement { .. })
    ));
    trust::revoke(&other.store, COUNTY).unwrap();
    assert!(matches!(
        refusal(accept_rotation(&other.store, &certificate)),
        Err(RotationError::Revoked { epoch: 2, .. })
    ));
}

#[test]
fn a_rotation_never_moves_keys_it_cannot_account_for() {
    let work = tempfile::tempdir().unwrap();
    let county = work.path().join("county");
    let run = |args: &[&str]| common::peixun(&county, args);
    common::stdout(&run(&["init", "--office", "鄂城区"]));
    common::stdout(&run(&["keys", "init"]));
    let cert = work.path().join("rotation.toml");
    let cert = cert.to_str().unwrap();
    // Where generation 1 would be kept is taken: nothing is rotated.
    std::fs::create_dir(county.join("keys-epoch-1")).unwrap();
    std::fs::write(county.join("keys-epoch-1").join("note.txt"), "旧").unwrap();
    let out = run(&["keys", "rotate", "-o", cert]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("keys-epoch-1 已存在"),
        "{}",
        common::text(&out)
    );
    assert!(!county.join("keys.next").exists());
    assert_eq!(common::json(&run(&["keys", "show", "--json"]))["epoch"], 1);
    std::fs::remove_dir_all(county.join("keys-epoch-1")).unwrap();
    common::stdout(&run(&["keys", "rotate", "-o", cert]));
    // A keys.next that is not the next generation (here generation 1 again) is left alone.
    copy_dir(&county.join("keys-epoch-1"), &county.join("keys.next"));
    let out = run(&["keys", "show", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::text(&out).contains("未完成的密钥更换"),
        "{}",
        common::text(&out)
    );
    assert!(county.join("keys.next").join("sign.key").exists());
    assert!(county.join("keys-epoch-1").join("sign.key").exists());
    std::fs::remove_dir_all(county.join("keys.next")).unwrap();
    assert_eq!(common::json(&run(&["keys", "show", "--json"]))["epoch"], 2);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn forged_unknown_and_revoked_endorsements_are_refused() {
    let (_province, city, mut county) = chain();
    let mut impostor = Office::new(COUNTY);
    let forged = impostor.rotate();
    // Signed by a key the city never trusted.
    assert_eq!(
        refusal(accept_rotation(&city.store, &forged)),
        Err(RotationError::BadEndorsement {
            office: COUNTY.into()
        })
    );
    // An office the city does not know.
    let mut stranger = Office::new("420703");
    let certificate = stranger.rotate();
    assert!(matches!(
        refusal(accept_rotation(&city.store, &certificate)),
        Err(RotationError::UnknownPeer { .. })
    ));
    // Two rotations ahead: the certificate for generation 3 is endorsed by 2, not trusted yet.
    let first = county.rotate();
    let second = county.rotate();
    assert!(matches!(
        refusal(accept_rotation(&city.store, &second)),
        Err(RotationError::OtherGeneration {
            endorsed: 2,
            trusted: 1,
            ..
        })
    ));
    // A revoked generation cannot vouch for the next.
    trust::revoke(&city.store, COUNTY).unwrap();
    assert!(matches!(
        refusal(accept_rotation(&city.store, &first)),
        Err(RotationError::Revoked { epoch: 1, .. })
    ));
    assert_eq!(city.store.peer(COUNTY).unwrap().unwrap().card.body.epoch, 1);
}

#[test]
fn held_ranges_are_rechecked_after_a_revocation() {
    let (_province, city, county) = chain();
    county.work(1);
    let _lost = county.send(&city);
    county.work(2);
    let device = county.store.device();
    let hash2 = county.store.op_hash(device, 2).unwrap().unwrap();
    let later = county.send_with(
        &city,
        &ExportOptions {
            since: Some(BTreeMap::from([(device, (2, hash2))])),
            ..ExportOptions::default()
        },
    );
    match city.take(&later).unwrap() {
        Outcome::Imported(s) => assert_eq!((s.counts.applied, s.counts.held), (0, 2)),
        other => panic!("{other:?}"),
    }
    assert_eq!(city.store.held_ranges().unwrap().len(), 1);
    trust::revoke(&city.store, COUNTY).unwrap();
    assert_eq!(
        peixun::sync::import::recheck_held(&city.store, &city.keys).unwrap(),
        1
    );
    assert!(city.store.held_ranges().unwrap().is_empty());
    assert_eq!(city.store.quarantined().unwrap().len(), 1);
    assert!(city.store.heads().unwrap().is_empty());
}

#[test]
fn the_cli_rotates_and_the_peer_trusts_the_certificate() {
    let work = tempfile::tempdir().unwrap();
    let (county_dir, city_dir) = (work.path().join("county"), work.path().join("city"));
    let run = |dir: &std::path::Path, args: &[&str]| common::stdout(&common::peixun(dir, args));
    run(&county_dir, &["init", "--office", "鄂城区"]);
    run(&city_dir, &["init", "--office", "鄂州市"]);
    run(&county_dir, &["keys", "init"]);
    let card = work.path().join("county.card");
    run(
        &county_dir,
        &["keys", "export", "-o", card.to_str().unwrap()],
    );
    let shown = common::json(&common::peixun(&county_dir, &["keys", "show", "--json"]));
    let fingerprint = shown["fingerprint"].as_str().unwrap().to_string();
    run(
        &city_dir,
        &[
            "keys",
            "trust",
            card.to_str().unwrap(),
            "--fingerprint",
            &fingerprint,
        ],
    );
    let cert = work.path().join("rotation.toml");
    let out = run(
        &county_dir,
        &["keys", "rotate", "-o", cert.to_str().unwrap()],
    );
    assert!(out.contains("第 2 代"), "{out}");
    let shown = common::json(&common::peixun(&county_dir, &["keys", "show", "--json"]));
    assert_eq!(shown["epoch"], 2);
    let out = run(&city_dir, &["keys", "trust", cert.to_str().unwrap()]);
    assert!(out.contains("第 2 代"), "{out}");
    let again = run(&city_dir, &["keys", "trust", cert.to_str().unwrap()]);
    assert!(again.contains("本单位已信任，未做改动"), "{again}");
    let listed = common::json(&common::peixun(&city_dir, &["keys", "list", "--json"]));
    assert_eq!(listed[0]["epoch"], 2);
    // Altered in one character of the endorsement: refused, exit 2, nothing changes.
    let text = std::fs::read_to_string(&cert).unwrap();
    let at = text.find("endorsement = \"").unwrap() + 20;
    let mut bytes = text.into_bytes();
    bytes[at] = if bytes[at] == b'0' { b'1' } else { b'0' };
    std::fs::write(&cert, bytes).unwrap();
    let out = common::peixun(&city_dir, &["keys", "trust", cert.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
}

/// The folders as a crash leaves them, from a finished rotation of `dir` (generation 1 → 2):
/// after the new keys were written whole, with the old ones still in place or already moved.
fn undo_the_renames(dir: &std::path::Path, old_still_in_place: bool) {
    std::fs::rename(dir.join("keys"), dir.join("keys.next")).unwrap();
    if old_still_in_place {
        std::fs::rename(dir.join("keys-epoch-1"), dir.join("keys")).unwrap();
    }
}

#[test]
fn a_rotation_interrupted_after_the_new_keys_were_written_is_finished_on_the_next_run() {
    for old_still_in_place in [true, false] {
        let work = tempfile::tempdir().unwrap();
        let (county_dir, city_dir) = (work.path().join("county"), work.path().join("city"));
        let run = |dir: &std::path::Path, args: &[&str]| common::stdout(&common::peixun(dir, args));
        run(&county_dir, &["init", "--office", "鄂城区"]);
        run(&city_dir, &["init", "--office", "鄂州市"]);
        for (from, to) in [(&county_dir, &city_dir), (&city_dir, &county_dir)] {
            let card = work.path().join("peer.card");
            run(from, &["keys", "export", "-o", card.to_str().unwrap()]);
            let shown = common::json(&common::peixun(from, &["keys", "show", "--json"]));
            let fingerprint = shown["fingerprint"].as_str().unwrap().to_string();
            let card = card.to_str().unwrap();
            run(to, &["keys", "trust", card, "--fingerprint", &fingerprint]);
        }
        let cert = work.path().join("rotation.toml");
        run(
            &county_dir,
            &["keys", "rotate", "-o", cert.to_str().unwrap()],
        );
        let kept = county_dir.join("keys").join("rotation.toml");
        assert_eq!(
            std::fs::read_to_string(&kept).unwrap(),
            std::fs::read_to_string(&cert).unwrap()
        );
        undo_the_renames(&county_dir, old_still_in_place);

        // Any command that needs the keys finishes the rotation rather than making new keys.
        let shown = common::json(&common::peixun(&county_dir, &["keys", "show", "--json"]));
        assert_eq!(shown["epoch"], 2, "old keys in place: {old_still_in_place}");
        assert!(!county_dir.join("keys.next").exists());
        assert!(county_dir.join("keys-epoch-1").join("sign.key").exists());
        // The kept certificate is what the city takes; the county's next bundle is then accepted.
        run(&city_dir, &["keys", "trust", kept.to_str().unwrap()]);
        run(
            &county_dir,
            &["checklist", "mark", "county.contact", "done"],
        );
        let stick = work.path().join("stick");
        std::fs::create_dir(&stick).unwrap();
        let stick_arg = stick.to_str().unwrap();
        run(
            &county_dir,
            &["bundle", "export", "--to", "420700", "-o", stick_arg],
        );
        let out = run(&city_dir, &["bundle", "import", stick_arg]);
        assert!(out.contains("应用"), "{out}");
    }
}
