//! Where this data folder lives. A folder copied to a second machine (or beside itself, or
//! restored from a backup) would otherwise go on writing the same device chain as its twin: two
//! histories under one device, which the city can only quarantine as a fork. So each store keeps
//! a mark of its home (the machine, the folder's path and its inode); a store opened away from
//! its home becomes a new device of the same office, and both twins' work reaches the city.

use std::path::Path;

use color_eyre::eyre::Result;
use serde::{Deserialize, Serialize};

use super::Store;
use crate::i18n::tf;
use crate::log::DeviceId;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeMark {
    /// /etc/machine-id where there is one, else the host name.
    pub machine: String,
    pub path: String,
    pub inode: u64,
}

/// A device this store wrote on before it was copied or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rehomed {
    pub old_device: DeviceId,
    pub new_device: DeviceId,
    pub at_ms: u64,
    /// Where the folder was before.
    pub from: HomeMark,
}

/// This machine's id, read once: a read that failed once must not make the next mark differ.
fn machine() -> String {
    static MACHINE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    MACHINE.get_or_init(read_machine).clone()
}

fn read_machine() -> String {
    for file in ["/etc/machine-id", "/var/lib/dbus/machine-id"] {
        if let Ok(id) = std::fs::read_to_string(file) {
            let id = id.trim();
            if !id.is_empty() {
                return id.to_string();
            }
        }
    }
    let mut name = [0u8; 256];
    // SAFETY: gethostname writes at most `len` bytes into the buffer it is given.
    let written = unsafe { libc::gethostname(name.as_mut_ptr().cast(), name.len()) };
    if written == 0 {
        let end = name.iter().position(|b| *b == 0).unwrap_or(name.len());
        return String::from_utf8_lossy(&name[..end]).into_owned();
    }
    String::new()
}

/// The mark of the folder `dir` as it is now.
pub fn mark_of(dir: &Path) -> HomeMark {
    use std::os::unix::fs::MetadataExt;
    let path = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    HomeMark {
        machine: machine(),
        inode: std::fs::metadata(&path).map_or(0, |m| m.ino()),
        path: path.display().to_string(),
    }
}

/// The device this store writes on from now: the stored one at home, a new one of the same office
/// when the folder was copied or moved since it was last opened. A store from before home marks
/// takes its present place as home.
pub(super) fn settle(
    dir: &Path,
    meta: &sled::Tree,
    office: &str,
    device: DeviceId,
) -> Result<DeviceId> {
    let here = mark_of(dir);
    let stored: Option<HomeMark> = match meta.get("home")? {
        Some(bytes) => postcard::from_bytes(&bytes).ok(),
        None => None,
    };
    let Some(home) = stored else {
        meta.insert("home", postcard::to_stdvec(&here)?)?;
        return Ok(device);
    };
    if home == here {
        return Ok(device);
    }
    let path = home.path.clone();
    let new_device = rehome(meta, dir, office, device, home)?;
    crate::errln!(
        "{}",
        tf(
            // The province has no office above: its work goes down, to the cities.
            if crate::campaign::campaign()
                .unit(office)
                .is_some_and(|u| u.level == crate::campaign::UnitLevel::Province)
            {
                "cli.store.rehomed_province"
            } else {
                "cli.store.rehomed"
            },
            &[
                ("path", &path),
                ("office", &crate::campaign::unit_name(office)),
                ("device", &crate::log::device::device_label(new_device)),
                ("old", &crate::log::device::device_label(device)),
            ],
        )
    );
    Ok(new_device)
}

/// Makes this store a new device of `office` at `dir`, remembering the device it wrote on
/// before and where it was (a copied folder, or the backup a store was restored from).
pub fn rehome(
    meta: &sled::Tree,
    dir: &Path,
    office: &str,
    device: DeviceId,
    from: HomeMark,
) -> Result<DeviceId> {
    let new_device = super::open::random_device_id(office, dir);
    let mut rehomed: Vec<Rehomed> = match meta.get("rehomed")? {
        Some(bytes) => postcard::from_bytes(&bytes)?,
        None => Vec::new(),
    };
    rehomed.push(Rehomed {
        old_device: device,
        new_device,
        at_ms: crate::log::hlc::now_ms(),
        from,
    });
    let mut batch = sled::Batch::default();
    batch.insert("device", &new_device.to_be_bytes());
    batch.insert("rehomed", postcard::to_stdvec(&rehomed)?);
    batch.insert("home", postcard::to_stdvec(&mark_of(dir))?);
    meta.apply_batch(batch)?;
    Ok(new_device)
}

impl Store {
    /// Whether opening found the folder copied or moved (the notice went to the error stream,
    /// which an interface covers at once).
    pub fn rehomed_on_open(&self) -> bool {
        self.rehomed_on_open
    }

    /// When the folder was copied or moved, the device this install writes on from then on.
    pub fn rehomed(&self) -> Result<Vec<Rehomed>> {
        Ok(match self.meta.get("rehomed")? {
            Some(bytes) => postcard::from_bytes(&bytes)?,
            None => Vec::new(),
        })
    }
}
