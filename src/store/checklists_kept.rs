//! Every unit's checklist records (marks, deadlines, evidence) and the day the store is set to,
//! kept beside the store (`derived`), so that `peixun due`, run by a scheduled job or at login,
//! answers without opening the store: its time then does not grow with the store. The file
//! names the peixun that wrote it and carries a hash of its body; another version's or a
//! damaged file is made again, never believed.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use color_eyre::eyre::{Result, WrapErr};
use serde::{Deserialize, Serialize};

use super::checklist::Records;
use super::derived::DerivedFile;
use super::Store;
use crate::i18n::tf;

const MAGIC: &[u8] = b"peixun checklists 1\n";

/// A file larger than this is not one of ours (a province's checklists are about 130 KB).
const MAX_FILE: u64 = 64 << 20;

/// The checklists' records of a store, as read from it or kept beside it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct Checklists {
    office: String,
    /// The day the store is set to (a demo's), if any.
    today: Option<NaiveDate>,
    /// State key to stored bytes, for every key under `c/`, `d/` and `v/`.
    records: BTreeMap<String, Vec<u8>>,
}

impl Checklists {
    /// What the store holds now.
    pub fn of(store: &Store) -> Result<Checklists> {
        let mut records = BTreeMap::new();
        for prefix in ["c/", "d/", "v/"] {
            for (rest, bytes) in store.under(prefix)? {
                records.insert(format!("{prefix}{rest}"), bytes);
            }
        }
        Ok(Checklists {
            office: store.office().to_string(),
            today: store.set_day()?,
            records,
        })
    }

    pub fn office(&self) -> &str {
        &self.office
    }

    /// The day the store is set to, else today.
    pub fn today(&self) -> NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    fn encode(&self) -> Result<Vec<u8>> {
        let body = postcard::to_stdvec(self)?;
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        let mut bytes = Vec::with_capacity(MAGIC.len() + 1 + version.len() + 32 + body.len());
        bytes.extend_from_slice(MAGIC);
        bytes.push(version.len() as u8);
        bytes.extend_from_slice(version);
        bytes.extend_from_slice(blake3::hash(&body).as_bytes());
        bytes.extend_from_slice(&body);
        Ok(bytes)
    }

    /// The checklists in `bytes`, if they are a whole file of this peixun.
    fn decode(bytes: &[u8]) -> Option<Checklists> {
        let rest = bytes.strip_prefix(MAGIC)?;
        let (&len, rest) = rest.split_first()?;
        let (version, rest) = rest.split_at_checked(usize::from(len))?;
        if version != env!("CARGO_PKG_VERSION").as_bytes() {
            return None;
        }
        let (hash, body) = rest.split_at_checked(32)?;
        if blake3::hash(body).as_bytes() != hash {
            return None;
        }
        postcard::from_bytes(body).ok()
    }
}

impl Records for Checklists {
    fn under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .records
            .range(prefix.to_string()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, bytes)| (key[prefix.len()..].to_string(), bytes.clone()))
            .collect())
    }
}

/// The checklists kept in `dir`, if there is a whole file of this peixun. Only current while
/// the store's lock is held (`Store::lock_only`, or the store open).
pub fn load(dir: &Path) -> Result<Option<Checklists>> {
    let path = DerivedFile::Checklist.path(dir);
    let failed = || tf("cli.store.open_failed", &[("dir", &dir.display())]);
    let bytes = match std::fs::metadata(&path) {
        Ok(meta) if meta.len() > MAX_FILE => return Ok(None),
        Ok(_) => std::fs::read(&path).wrap_err_with(failed)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).wrap_err_with(failed),
    };
    Ok(Checklists::decode(&bytes))
}

/// The store's checklists, kept for the next process unless a write changed them meanwhile.
pub fn keep(store: &Store) -> Result<Checklists> {
    let generation = store.derived_generation(DerivedFile::Checklist)?;
    let checklists = Checklists::of(store)?;
    let bytes = checklists.encode()?;
    // Keeping them only spares the next `due` the store's open: a full disk costs time.
    let _ = store.save_derived(DerivedFile::Checklist, generation, |out| {
        out.write_all(&bytes)
    });
    Ok(checklists)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checklists() -> Checklists {
        Checklists {
            office: "420704".into(),
            today: NaiveDate::from_ymd_opt(2023, 5, 8),
            records: [
                ("c/420704/plan".to_string(), vec![1, 2]),
                ("c/420704b/plan".to_string(), vec![3]),
                ("d/420704/plan".to_string(), vec![4]),
            ]
            .into(),
        }
    }

    #[test]
    fn only_this_versions_whole_file_is_read() {
        let bytes = checklists().encode().unwrap();
        assert_eq!(Checklists::decode(&bytes), Some(checklists()));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(Checklists::decode(&flipped), None);
        let mut other_version = bytes.clone();
        other_version[MAGIC.len() + 1] = b'x';
        assert_eq!(Checklists::decode(&other_version), None);
        assert_eq!(Checklists::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Checklists::decode(&bytes[..MAGIC.len() + 3]), None);
        assert_eq!(Checklists::decode(b""), None);
    }

    #[test]
    fn a_prefix_reads_its_own_records_only() {
        let under = checklists().under("c/420704/").unwrap();
        assert_eq!(under, vec![("plan".to_string(), vec![1, 2])]);
        assert!(checklists().under("v/").unwrap().is_empty());
    }

    proptest::proptest! {
        #[test]
        fn no_bytes_make_the_reader_panic(bytes in proptest::collection::vec(0u8..=255, 0..200)) {
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&bytes);
            let _ = Checklists::decode(&file);
            let _ = Checklists::decode(&bytes);
        }
    }
}
