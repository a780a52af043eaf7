//! Device ids name the office that writes on them. The top 24 bits are a tag derived from the
//! office's id, so an office cannot start a chain on another office's device (a county on the
//! province's public view, say): a receiver refuses a chain whose device's tag is another
//! office's. The other 40 bits are random for a real device and derived for a view.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::op::DeviceId;

const LOW_BITS: u32 = 40;
const LOW_MASK: u64 = (1 << LOW_BITS) - 1;

/// The 24-bit tag of `office`.
pub fn office_tag(office: &str) -> u64 {
    let key = blake3::derive_key("peixun 2023 office device tag v1", office.as_bytes());
    u64::from(key[0]) << 16 | u64::from(key[1]) << 8 | u64::from(key[2])
}

/// A device id of `office` whose low bits come from `low`.
pub fn tagged(office: &str, low: u64) -> DeviceId {
    office_tag(office) << LOW_BITS | (low & LOW_MASK)
}

/// The office of the campaign whose tag `device` carries, if any. Devices made before tags
/// (random in all 64 bits) almost never carry one; they are bound to the first office seen on
/// them instead.
pub fn tag_owner(device: DeviceId) -> Option<&'static str> {
    static OWNERS: OnceLock<HashMap<u64, String>> = OnceLock::new();
    OWNERS
        .get_or_init(|| {
            crate::campaign::campaign()
                .units
                .iter()
                .map(|u| (office_tag(&u.id), u.id.clone()))
                .collect()
        })
        .get(&(device >> LOW_BITS))
        .map(String::as_str)
}

/// The part of a device id that tells two devices of one office apart, as record ids show it.
pub fn short_label(device: DeviceId) -> String {
    format!("{:06x}", device & 0xFF_FFFF)
}

/// A device id as the audit trail prints it.
pub fn device_label(device: super::DeviceId) -> String {
    format!("{device:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_office_has_its_own_tag() {
        let units = &crate::campaign::campaign().units;
        let tags: std::collections::HashSet<u64> =
            units.iter().map(|u| office_tag(&u.id)).collect();
        assert_eq!(tags.len(), units.len());
        for unit in units {
            assert_eq!(tag_owner(tagged(&unit.id, 12345)), Some(unit.id.as_str()));
        }
        // The golden bundles' device, made before tags, belongs to no office by its tag.
        assert_eq!(tag_owner(0x0123_4567_89ab_cdef), None);
    }
}
