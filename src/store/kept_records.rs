//! Records of the state kept beside the store under some key prefixes (`derived`), so that a
//! command run by a scheduled job, at login or for a quick look (`peixun due`, `peixun
//! checklist`, `peixun sessions`, `peixun report stats`) answers without opening the store: its
//! time then does not grow with the store. A file names the peixun that wrote it and the
//! prefixes it holds, and carries a hash of its body; another version's, another kind's or a
//! damaged file is made again. It also names the folder it was written in (`home::mark_of`):
//! in a folder copied or moved, or copied in from another, it is not believed, and the store is
//! opened instead, which says the folder moved.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use serde::{Deserialize, Serialize};

use super::derived::DerivedFile;
use super::home::{mark_of, HomeMark};
use super::Store;

/// Where records of the state are read from: the store, or a copy kept beside it.
pub trait Records {
    /// The records under `prefix` as (the rest of the key, the stored bytes), in key order.
    fn under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>>;
    /// The record under `key`, if any.
    fn get(&self, key: &str) -> Result<Option<Vec<u8>>>;
}

impl Records for Store {
    fn under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        for entry in self.state.scan_prefix(prefix) {
            let (key, bytes) = entry?;
            let key = String::from_utf8_lossy(&key);
            out.push((key[prefix.len()..].to_string(), bytes.to_vec()));
        }
        Ok(out)
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.state.get(key)?.map(|bytes| bytes.to_vec()))
    }
}

impl<T: Records + ?Sized> Records for std::sync::Arc<T> {
    fn under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        (**self).under(prefix)
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        (**self).get(key)
    }
}

const MAGIC: &[u8] = b"peixun kept records 2\n";

/// `body` after `magic`, this peixun's version and the body's hash: a file beside the store
/// that only the same peixun believes, and only whole.
pub(super) fn seal(magic: &[u8], body: &[u8]) -> Vec<u8> {
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut bytes = Vec::with_capacity(magic.len() + 1 + version.len() + 32 + body.len());
    bytes.extend_from_slice(magic);
    bytes.push(version.len() as u8);
    bytes.extend_from_slice(version);
    bytes.extend_from_slice(blake3::hash(body).as_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// The body `seal` put in `bytes`, if they are a whole file of this peixun with this `magic`.
pub(super) fn unseal<'a>(magic: &[u8], bytes: &'a [u8]) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(magic)?;
    let (&len, rest) = rest.split_first()?;
    let (version, rest) = rest.split_at_checked(usize::from(len))?;
    if version != env!("CARGO_PKG_VERSION").as_bytes() {
        return None;
    }
    let (hash, body) = rest.split_at_checked(32)?;
    (blake3::hash(body).as_bytes() == hash).then_some(body)
}

/// A file larger than this is not one of ours (a province's checklists are about 130 KB).
const MAX_FILE: u64 = 64 << 20;

/// The records of a store under a derived file's prefixes, as read from it or kept beside it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct KeptRecords {
    /// The prefixes the records were read under: a file of another kind is not believed.
    prefixes: Vec<String>,
    office: String,
    /// The folder the records were written in.
    home: HomeMark,
    /// The day the store is set to (a demo's), if any.
    today: Option<NaiveDate>,
    /// State key to stored bytes.
    records: BTreeMap<String, Vec<u8>>,
}

impl KeptRecords {
    /// What the store holds now under `file`'s prefixes.
    pub fn of(store: &Store, file: DerivedFile) -> Result<KeptRecords> {
        let mut records = BTreeMap::new();
        for prefix in file.prefixes() {
            for (rest, bytes) in store.under(prefix)? {
                records.insert(format!("{prefix}{rest}"), bytes);
            }
        }
        Ok(KeptRecords {
            prefixes: prefixes(file),
            office: store.office().to_string(),
            home: mark_of(store.dir()),
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
        Ok(seal(MAGIC, &postcard::to_stdvec(self)?))
    }

    /// The records in `bytes`, if they are a whole file of this peixun holding `file`'s.
    fn decode(bytes: &[u8], file: DerivedFile) -> Option<KeptRecords> {
        let body = unseal(MAGIC, bytes)?;
        let kept: KeptRecords = postcard::from_bytes(body).ok()?;
        (kept.prefixes == prefixes(file)).then_some(kept)
    }
}

fn prefixes(file: DerivedFile) -> Vec<String> {
    file.prefixes().iter().map(|p| p.to_string()).collect()
}

impl Records for KeptRecords {
    fn under(&self, prefix: &str) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .records
            .range(prefix.to_string()..)
            .take_while(|(key, _)| key.starts_with(prefix))
            .map(|(key, bytes)| (key[prefix.len()..].to_string(), bytes.clone()))
            .collect())
    }

    fn get(&self, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.records.get(key).cloned())
    }
}

/// `file`'s records kept in `dir`, if there is a whole file of this peixun. Only current while
/// the store's lock is held (`Store::lock_only`, or the store open).
pub fn load(dir: &Path, file: DerivedFile) -> Option<KeptRecords> {
    let path = file.path(dir);
    // A copy that cannot be read is as good as none: the store is opened instead, and says
    // what is wrong with the folder if anything is.
    let bytes = match std::fs::metadata(&path) {
        Ok(meta) if meta.len() <= MAX_FILE => std::fs::read(&path).ok(),
        _ => None,
    };
    bytes
        .and_then(|bytes| KeptRecords::decode(&bytes, file))
        .filter(|kept| kept.home == mark_of(dir))
}

/// The store's records for `file`, kept for the next process unless a write changed them
/// meanwhile.
pub fn keep(store: &Store, file: DerivedFile) -> Result<KeptRecords> {
    let generation = store.derived_generation(file)?;
    let kept = KeptRecords::of(store, file)?;
    let bytes = kept.encode()?;
    // Keeping them only spares the next process the store's open: a full disk costs time.
    let _ = store.save_derived(file, generation, |out| out.write_all(&bytes));
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checklists() -> KeptRecords {
        KeptRecords {
            prefixes: prefixes(DerivedFile::Checklist),
            office: "420704".into(),
            home: mark_of(Path::new("/srv/peixun")),
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
    fn only_this_versions_whole_file_of_the_same_kind_is_read() {
        let file = DerivedFile::Checklist;
        let bytes = checklists().encode().unwrap();
        assert_eq!(KeptRecords::decode(&bytes, file), Some(checklists()));
        assert_eq!(KeptRecords::decode(&bytes, DerivedFile::Sessions), None);
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(KeptRecords::decode(&flipped, file), None);
        let mut other_version = bytes.clone();
        other_version[MAGIC.len() + 1] = b'x';
        assert_eq!(KeptRecords::decode(&other_version, file), None);
        assert_eq!(KeptRecords::decode(&bytes[..bytes.len() - 1], file), None);
        assert_eq!(KeptRecords::decode(&bytes[..MAGIC.len() + 3], file), None);
        assert_eq!(KeptRecords::decode(b"", file), None);
    }

    #[test]
    fn a_prefix_reads_its_own_records_only() {
        let under = checklists().under("c/420704/").unwrap();
        assert_eq!(under, vec![("plan".to_string(), vec![1, 2])]);
        assert!(checklists().under("v/").unwrap().is_empty());
        assert_eq!(checklists().get("d/420704/plan").unwrap(), Some(vec![4]));
        assert_eq!(checklists().get("d/420704/pla").unwrap(), None);
    }

    proptest::proptest! {
        #[test]
        fn no_bytes_make_the_reader_panic(bytes in proptest::collection::vec(0u8..=255, 0..200)) {
            let mut file = MAGIC.to_vec();
            file.extend_from_slice(&bytes);
            let _ = KeptRecords::decode(&file, DerivedFile::Checklist);
            let _ = KeptRecords::decode(&bytes, DerivedFile::Sessions);
        }
    }
}
