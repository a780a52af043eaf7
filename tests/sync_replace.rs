//! An office trusted with one set of keys and then with another, confirmed by phone: an office
//! that started afresh after rotating, and a revoked key that tries to come back under another
//! generation's name.

use crate::common::offices::*;
use ed25519_dalek::Signer;
use peixun::sync::identity::{Card, CardBody};
use peixun::sync::rotation::{accept_rotation, rotate};
use peixun::sync::trust::{self, Change, TrustError};
use peixun::sync::{Fault, Keys, Rejection};

fn replace(city: &Office, card: &Card) -> Result<Change, TrustError> {
    refusal(trust::trust_card_replacing(
        &city.store,
        card,
        &card.fingerprint(),
        true,
    ))
}

/// 鄂城区 rotated to its second keys, then lost its folder and started afresh at the first
/// generation. Once the city confirms the new card, the new store's bundles go in, and neither
/// of the old generations signs for 鄂城区 any more.
#[test]
fn an_office_that_rotated_and_started_afresh_is_heard_after_the_replace() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    county.pin(&city);
    let first_keys = Keys::load(county.store.dir(), ECHENG).unwrap();
    county_work(&county, "1");
    let (second_keys, certificate) = rotate(&county.store).unwrap();
    assert_eq!(
        refusal(accept_rotation(&city.store, &certificate)),
        Ok(Change::Updated)
    );
    assert!(city.store.rotation_point(ECHENG, 1).unwrap().is_some());

    let fresh = Office::new(ECHENG);
    fresh.pin(&city);
    let card = fresh.keys.card().unwrap();
    assert_eq!(card.body.epoch, 1);
    assert!(matches!(
        trust::trust_card(&city.store, &card, &card.fingerprint()),
        Err(Fault::Refused(TrustError::OlderEpoch {
            found: 1,
            trusted: 2,
            ..
        }))
    ));
    assert_eq!(replace(&city, &card), Ok(Change::Replaced));
    assert!(city.store.rotation_point(ECHENG, 1).unwrap().is_none());
    assert!(city.store.previous_key(ECHENG, 1).unwrap().is_none());

    county_work(&fresh, "afresh");
    let counts = city.applied(&fresh.send(&city));
    assert!(counts.applied > 0, "{counts:?}");

    // The old folder, under either of its generations, no longer speaks for 鄂城区.
    county_work(&county, "2");
    for old_keys in [&first_keys, &second_keys] {
        let (bytes, _) = peixun::sync::export::build(
            &county.store,
            old_keys,
            EZHOU,
            &peixun::sync::export::ExportOptions::default(),
        )
        .unwrap();
        let refused = city.take(&bytes).unwrap_err();
        assert!(
            matches!(refused, Rejection::ReplacedSender { .. }),
            "generation {}: {refused:?}",
            old_keys.epoch()
        );
    }
}

/// The card `keys` would make, but naming generation `epoch`: what whoever holds the key of a
/// revoked generation can write.
fn card_labelled(keys: &Keys, epoch: u32) -> Card {
    let honest = keys.card().unwrap();
    let body = CardBody {
        epoch,
        ..honest.body
    };
    let mut message = b"peixun card v1\0".to_vec();
    message.extend(postcard::to_stdvec(&body).unwrap());
    let signature = keys.signing_key().sign(&message).to_bytes().to_vec();
    let card = Card { body, signature };
    card.verify().unwrap();
    card
}

/// The city revoked 鄂城区's key (a laptop was stolen). A card holding that key under a later
/// generation's number is refused, with --replace too; the county's real new keys, made afresh
/// at the first generation, are taken once confirmed, and the stolen key stays refused after.
#[test]
fn a_revoked_key_never_comes_back_under_another_generation() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    city.pin(&county);
    trust::revoke(&city.store, ECHENG).unwrap();

    let stolen = card_labelled(&county.keys, 2);
    for replacing in [false, true] {
        let refused =
            trust::trust_card_replacing(&city.store, &stolen, &stolen.fingerprint(), replacing);
        assert!(
            matches!(
                refused,
                Err(Fault::Refused(TrustError::StillRevoked { .. }))
            ),
            "replace {replacing}: {refused:?}"
        );
    }

    let fresh = Office::new(ECHENG);
    let card = fresh.keys.card().unwrap();
    assert_eq!(replace(&city, &card), Ok(Change::Replaced));
    let peer = city.store.peer(ECHENG).unwrap().unwrap();
    assert!(!peer.is_revoked());
    fresh.pin(&city);
    county_work(&fresh, "afresh");
    assert!(city.applied(&fresh.send(&city)).applied > 0);

    // The stolen key, now under the next generation's number still, or under the first's.
    for epoch in [1, 3] {
        let stolen = card_labelled(&county.keys, epoch);
        assert!(
            matches!(
                replace(&city, &stolen),
                Err(TrustError::StillRevoked { .. })
            ),
            "generation {epoch}"
        );
    }
}

/// A card of the keys trusted that says another generation was edited, and is refused: taken,
/// it would refuse the office's own bundles as signed by the wrong generation. Confirmed by
/// phone it is taken: the card trusted may be the edited one, and the honest card its mend.
#[test]
fn an_edited_card_of_the_keys_trusted_is_asked_about() {
    let city = Office::new(EZHOU);
    let county = Office::new(ECHENG);
    let newer = card_labelled(&county.keys, 3);
    trust::trust_card(&city.store, &newer, &newer.fingerprint()).unwrap();
    let older = county.keys.card().unwrap();
    let refused = trust::trust_card(&city.store, &older, &older.fingerprint());
    assert!(
        matches!(refused, Err(Fault::Refused(TrustError::AlteredCard { .. }))),
        "{refused:?}"
    );
    assert_eq!(city.store.peer(ECHENG).unwrap().unwrap().card, newer);
    assert_eq!(replace(&city, &older), Ok(Change::Corrected));
    assert_eq!(city.store.peer(ECHENG).unwrap().unwrap().card, older);
}

/// The card 华容区 had before it rotated is its past, not an office starting afresh: refused,
/// with --replace too, and the keys trusted stay.
#[test]
fn a_card_from_before_a_rotation_is_refused_even_with_replace() {
    let city = Office::new(EZHOU);
    let county = Office::new(HUARONG);
    city.pin(&county);
    let before = county.keys.card().unwrap();
    let (_, certificate) = rotate(&county.store).unwrap();
    assert_eq!(
        refusal(accept_rotation(&city.store, &certificate)),
        Ok(Change::Updated)
    );
    let trusted = city.store.peer(HUARONG).unwrap().unwrap().card;
    let refused = replace(&city, &before);
    assert!(
        matches!(
            refused,
            Err(TrustError::Superseded {
                found: 1,
                trusted: 2,
                ..
            })
        ),
        "{refused:?}"
    );
    assert!(refused.unwrap_err().to_string().contains("轮换前"));
    assert_eq!(city.store.peer(HUARONG).unwrap().unwrap().card, trusted);
}

/// 鄂城区's records reach the city; then its folder is lost and it starts afresh, and both the
/// city and the province confirm its new card. The records signed before by the replaced keys
/// still travel on to the province; the new 鄂城区's bundles are not taken for a copied folder's,
/// and it is sent the city's sessions the lost folder had; what the lost folder signs after the
/// replacement is refused.
#[test]
fn records_signed_before_a_replacement_travel_on_and_nothing_after() {
    let (province, city, lost) = hierarchy();
    let city_session = format!("s/S-{EZHOU}-c");
    city.store
        .commit(vec![session(EZHOU, &format!("S-{EZHOU}-c"), "市级培训班")])
        .unwrap();
    lost.applied(&city.send(&lost));
    assert!(lost.has(&city_session));
    county_work(&lost, "old");
    city.applied(&lost.send(&city));
    let old_record = format!("s/S-{ECHENG}-old");
    assert!(city.has(&old_record), "{:?}", city.state().keys());

    // The last bundle before the loss, still on the stick.
    county_work(&lost, "transit");
    let in_transit = lost.send(&city);
    std::thread::sleep(std::time::Duration::from_millis(5));

    let fresh = Office::new(ECHENG);
    fresh.pin(&city);
    let card = fresh.keys.card().unwrap();
    for office in [&city, &province] {
        assert_eq!(replace(office, &card), Ok(Change::Replaced));
    }
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert!(
        city.applied(&in_transit).applied > 0,
        "nothing written before is lost"
    );
    assert!(city.has(&format!("s/S-{ECHENG}-transit")));

    let counts = province.applied(&city.send(&province));
    assert!(counts.left_out.is_empty(), "{:?}", counts.left_out);
    assert!(
        province.has(&old_record),
        "the old records reach the province"
    );

    let summary = city.imported(&fresh.send(&city));
    assert_eq!(summary.twin_of, None, "no copied folder: a new install");
    fresh.applied(&city.send(&fresh));
    assert!(
        fresh.has(&city_session),
        "what the lost folder held is sent again"
    );

    // The lost folder, found again, writes on with the replaced keys: refused by name.
    county_work(&lost, "after");
    let refused = city.take(&lost.send(&city)).unwrap_err();
    assert!(
        matches!(refused, Rejection::ReplacedSender { .. }),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("原来那份安装"), "{refused}");
}

/// The province knows 鄂城区 from the city's roster. 鄂城区 starts afresh and the city confirms
/// its new card; the city's next roster names it, and the province keeps the keys it holds. What
/// the new 鄂城区 signs, relayed by the city, is left out saying why and what to do, not called
/// forged; once the province confirms the card too, the same bundle brings it.
#[test]
fn records_signed_with_keys_only_a_roster_names_wait_for_a_phone_check() {
    let (province, city, _lost) = hierarchy();
    let fresh = Office::new(ECHENG);
    fresh.pin(&city);
    let card = fresh.keys.card().unwrap();
    assert_eq!(replace(&city, &card), Ok(Change::Replaced));
    let roster = trust::make_roster(&city.store, &city.keys).unwrap();
    let report = refusal(trust::accept_roster(
        &province.store,
        &province.keys,
        &roster,
    ));
    assert_eq!(report, Ok(vec![(ECHENG.to_string(), Change::KeptHeld)]));

    county_work(&fresh, "afresh");
    city.applied(&fresh.send(&city));
    let relayed = city.send(&province);
    let summary = province.imported(&relayed);
    let left: Vec<(&str, bool)> = summary
        .refused
        .iter()
        .map(|r| (r.code, r.waits_for_trust))
        .collect();
    assert_eq!(
        left,
        [("keys-not-confirmed", true)],
        "{:?}",
        summary.refused
    );
    let reason = &summary.refused[0].reason;
    assert!(
        reason.contains("名册") && reason.contains("--replace"),
        "{reason}"
    );
    let record = format!("s/S-{ECHENG}-afresh");
    assert!(!province.has(&record));

    assert_eq!(replace(&province, &card), Ok(Change::Replaced));
    province.imported(&relayed);
    assert!(province.has(&record), "the same bundle brings it now");
}

/// The keys replaced were an impostor's: revoked on their own, what they signed before the
/// replacement is no longer taken in, and the keys trusted now stay.
#[test]
fn replaced_keys_revoked_on_their_own_sign_nothing_more() {
    let (province, city, lost) = hierarchy();
    county_work(&lost, "old");
    city.applied(&lost.send(&city));
    let from_lost = lost.send(&province);
    let fresh = Office::new(ECHENG);
    assert_eq!(
        replace(&province, &fresh.keys.card().unwrap()),
        Ok(Change::Replaced)
    );
    assert_eq!(province.store.revoke_replaced(ECHENG).unwrap(), 1);
    let refused = province.take(&from_lost).unwrap_err();
    assert!(
        matches!(refused, Rejection::RevokedSender { .. }),
        "said as revoked, not altered: {refused:?}"
    );
    assert_eq!(province.store.revoke_replaced(ECHENG).unwrap(), 0);

    let summary = province.imported(&city.send(&province));
    assert_eq!(summary.refused.len(), 1, "{:?}", summary.refused);
    assert!(!province.has(&format!("s/S-{ECHENG}-old")));
    let peer = province.store.peer(ECHENG).unwrap().unwrap();
    assert!(!peer.is_revoked());
    assert_eq!(peer.card, fresh.keys.card().unwrap());
}

/// An office revoked after its keys were replaced: the replaced keys sign nothing more either,
/// not even a bundle dated before the replacement.
#[test]
fn revoking_an_office_stops_its_replaced_keys_too() {
    let (province, city, lost) = hierarchy();
    county_work(&lost, "old");
    city.applied(&lost.send(&city));
    let from_lost = lost.send(&province);
    let fresh = Office::new(ECHENG);
    assert_eq!(
        replace(&province, &fresh.keys.card().unwrap()),
        Ok(Change::Replaced)
    );
    trust::revoke(&province.store, ECHENG).unwrap();
    let refused = province.take(&from_lost).unwrap_err();
    assert!(
        matches!(refused, Rejection::RevokedSender { .. }),
        "{refused:?}"
    );
    assert!(!province.has(&format!("s/S-{ECHENG}-old")));
}
