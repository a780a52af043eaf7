//! A bundle damaged on its way is said to be damaged, wherever the damage is: a changed byte in
//! the plaintext routing header must not send the coordinator off to trust an office, fetch a
//! new card or upgrade the program.

use crate::common::offices::*;
use peixun::sync::Rejection;

/// Every byte from the format version to the end of the body's length, changed one at a time
/// as a worn stick changes it, gives a refusal that says the file is damaged (or, for the low
/// byte of the version, a newer format that also says so); nothing is written.
#[test]
fn a_changed_byte_of_the_routing_header_is_said_as_damage() {
    let (_province, city, county) = hierarchy();
    county_work(&county, "a");
    let bundle = county.send(&city);
    let routing_len = usize::from(u16::from_be_bytes([bundle[10], bundle[11]]));
    let before = city.state();
    for at in 8..20 + routing_len {
        for change in [0x01u8, 0x5A] {
            let mut damaged = bundle.clone();
            damaged[at] ^= change;
            let refused = city.take(&damaged).unwrap_err();
            let said = refused.to_string();
            let damage = match &refused {
                Rejection::Corrupted { .. } | Rejection::Truncated => true,
                Rejection::TrailingGarbage { .. } => said.contains("请重新拷贝"),
                Rejection::NewerFormat { .. } => at == 9 && said.contains("文件已损坏"),
                _ => false,
            };
            assert!(damage, "byte {at} ^ {change:#x}: {refused:?}: {said}");
            // `bundle inspect` says the same, never what to trust.
            let inspected = peixun::sync::import::inspect(
                &damaged[..],
                damaged.len() as u64,
                Some((&city.store, &city.keys)),
            );
            if let Ok(inspection) = inspected {
                let note = inspection.note.unwrap_or_default();
                assert!(
                    !note.contains("信任")
                        && !note.contains("身份卡")
                        && !note.contains("不是本单位"),
                    "inspect, byte {at} ^ {change:#x}: {note}"
                );
            }
        }
    }
    assert_eq!(city.state(), before, "nothing written");
    city.imported(&bundle);
}
