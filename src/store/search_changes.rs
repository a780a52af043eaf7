//! The kept search index brought up to date after a write that changed a few people or made a
//! few enterprises, instead of being removed and built again from every person (2.8 s at ten
//! times the province, for one walk-in). `search.changes` beside the index holds those people
//! as they are now and the new enterprises' names, and names the index it goes with; every
//! index is saved with its changes, none at first, and an index without them is not believed.
//!
//! A file found under the store's lock is still current, whoever wrote it: a write that changes
//! people first sets the index aside (renamed, durably), so a crash before it is put back leaves
//! no index to believe. Once the write is flushed, the people it changed are read back and
//! written to `search.changes`, and only then is the index put back. A write that removes the
//! index (an enterprise changed, not new; a bundle; more than `MOST_CHANGED` changes) removes
//! the one set aside and the changes with it, and so does a build saved in its place.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use color_eyre::eyre::{eyre, Result, WrapErr};
use serde::{Deserialize, Serialize};

use super::derived::{removed_if_there, Derived, DerivedFile};
use super::home::{mark_of, HomeMark};
use super::kept_records::{seal, unseal};
use crate::domain::Person;
use crate::i18n::tf;

const CHANGES: &str = "search.changes";
const ASIDE: &str = "search.idx.aside";
const MAGIC: &[u8] = b"peixun search changes 3\n";

/// Beyond this many people changed since the index was built, it is built again: every search
/// looks past the index's hits for them.
pub const MOST_CHANGED: usize = 1_000;

/// A file larger than this is not one of ours (a thousand people are about 200 KB).
const MAX_FILE: u64 = 16 << 20;

/// The files that go with the search index and are removed with it.
pub(super) fn companions(dir: &Path) -> [PathBuf; 2] {
    [dir.join(CHANGES), dir.join(ASIDE)]
}

/// A person as the search index needs them, with their enterprise's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonNow {
    pub person: Person,
    pub enterprise: String,
}

/// One person changed since the index was built: as they are now, or gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    pub id: String,
    pub now: Option<PersonNow>,
}

/// What changed since the index was built: people as they are now, by id, and the names of
/// enterprises made since (the walk-in and enrol forms offer them; their people are among
/// `people`). An enterprise changed, not new, is no change: it removes the index.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changes {
    pub people: Vec<Changed>,
    /// Sorted, each once.
    pub enterprises: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct ChangesFile {
    /// The index the changes go with (`identity`).
    index: [u8; 32],
    /// The folder they were written in: in a folder copied or moved, or copied in from
    /// another, the index is not believed.
    home: HomeMark,
    changes: Changes,
}

/// An index file told apart from any other: its length, its first bytes (the version that
/// wrote it) and its last bytes, which hold the hash of the rest (`search::cache`).
fn identity(index: &File) -> std::io::Result<[u8; 32]> {
    let len = index.metadata()?.len();
    let end = usize::try_from(len.min(4096)).unwrap_or(4096);
    let mut head = vec![0; end];
    index.read_exact_at(&mut head, 0)?;
    let mut tail = vec![0; end];
    index.read_exact_at(&mut tail, len - end as u64)?;
    let mut hash = blake3::Hasher::new();
    hash.update(&len.to_le_bytes());
    hash.update(&head);
    hash.update(&tail);
    Ok(*hash.finalize().as_bytes())
}

/// The changes file beside an index, opened together with it so that the two are one moment
/// of the folder even if a write removes them meanwhile.
pub fn open_beside(dir: &Path) -> Option<File> {
    crate::file_at::open_regular(&dir.join(CHANGES)).ok()
}

/// What changed since the kept index `index` was built, from `changes` (`open_beside`);
/// `None` if the index is not current: its changes are missing, cannot be read, or go with
/// another index. Every index is saved with its changes, none at first.
pub fn beside(dir: &Path, changes: Option<File>, index: &File) -> Option<Changes> {
    let mut bytes = Vec::new();
    changes?.take(MAX_FILE).read_to_end(&mut bytes).ok()?;
    let file: ChangesFile = postcard::from_bytes(unseal(MAGIC, &bytes)?).ok()?;
    let own = identity(index).ok()? == file.index && file.home == mark_of(dir);
    own.then_some(file.changes)
}

/// Writes `changes` beside `index`. Their bytes need not reach the disk before
/// the index is there to be read: changes that did not are not believed (their hash), and the
/// index is built again.
fn write_changes(dir: &Path, index: &File, changes: Changes) -> std::io::Result<()> {
    let file = ChangesFile {
        index: identity(index)?,
        home: mark_of(dir),
        changes,
    };
    let body = postcard::to_stdvec(&file).map_err(std::io::Error::other)?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(&seal(MAGIC, &body))?;
    temp.persist(dir.join(CHANGES)).map_err(|e| e.error)?;
    Ok(())
}

/// Before a build of the whole index is saved as `index` (written, not yet in place): the
/// index it replaces goes, with its changes, and the new one is given none.
pub(super) fn changes_for_new_build(dir: &Path, index: &File) -> std::io::Result<()> {
    let [changes, aside] = companions(dir);
    if changes.exists() || aside.exists() {
        DerivedFile::Search.remove_from(dir)?;
        File::open(dir)?.sync_all()?;
    }
    write_changes(dir, index, Changes::default())
}

/// The people a commit changes (gathered across its transaction's attempts) and the
/// enterprises it makes (as its last attempt found them).
#[derive(Default)]
pub(crate) struct PeopleTouched {
    touched: Mutex<Touched>,
}

#[derive(Default)]
struct Touched {
    set_aside: bool,
    ids: BTreeSet<String>,
    new_enterprises: BTreeSet<String>,
}

impl PeopleTouched {
    fn touched(&self) -> std::io::Result<std::sync::MutexGuard<'_, Touched>> {
        self.touched
            .lock()
            .map_err(|_| std::io::Error::other("people touched lock poisoned"))
    }

    /// Notes that the write changes person `id`, setting the kept index aside the first time.
    pub(crate) fn touch(&self, derived: &Derived, id: &str) -> std::io::Result<()> {
        self.note(derived, |touched| &mut touched.ids, id)
    }

    /// A transaction's attempt begins: whether an enterprise is new is this attempt's to say
    /// (another write may have made it since the last attempt).
    pub(crate) fn new_attempt(&self) {
        let mut touched = self.touched.lock().unwrap_or_else(|e| e.into_inner());
        touched.new_enterprises.clear();
    }

    /// Notes that the write makes enterprise `id`, which the store did not have.
    pub(crate) fn touch_new_enterprise(&self, derived: &Derived, id: &str) -> std::io::Result<()> {
        self.note(derived, |touched| &mut touched.new_enterprises, id)
    }

    /// Adds `id` to the set `which` picks, setting the kept index aside the first time.
    fn note(
        &self,
        derived: &Derived,
        which: impl FnOnce(&mut Touched) -> &mut BTreeSet<String>,
        id: &str,
    ) -> std::io::Result<()> {
        let mut touched = self.touched()?;
        if !touched.set_aside {
            set_aside(derived)?;
            touched.set_aside = true;
        }
        let ids = which(&mut touched);
        if ids.len() <= MOST_CHANGED {
            ids.insert(id.to_string());
        }
        Ok(())
    }

    /// Whether this write made enterprise `id` (a write to it again in the same commit is the
    /// same new enterprise).
    pub(crate) fn made_enterprise(&self, id: &str) -> std::io::Result<bool> {
        Ok(self.touched()?.new_enterprises.contains(id))
    }

    /// The people changed and the enterprises made, if the index was set aside for them.
    fn taken(&self) -> Result<Option<(BTreeSet<String>, BTreeSet<String>)>> {
        let mut touched = self
            .touched
            .lock()
            .map_err(|_| eyre!("people touched lock poisoned"))?;
        Ok(touched.set_aside.then(|| {
            (
                std::mem::take(&mut touched.ids),
                std::mem::take(&mut touched.new_enterprises),
            )
        }))
    }
}

/// Renames the kept index aside ahead of a write that changes people or makes enterprises; its
/// sources moved, so no build begun before is saved.
fn set_aside(derived: &Derived) -> std::io::Result<()> {
    let mut generation = derived
        .generation
        .lock()
        .map_err(|_| std::io::Error::other("derived files lock poisoned"))?;
    generation[DerivedFile::Search as usize] += 1;
    let [changes, aside] = companions(&derived.dir);
    match std::fs::rename(DerivedFile::Search.path(&derived.dir), &aside) {
        Ok(()) => File::open(&derived.dir)?.sync_all(),
        // No index: one left aside by a crash is older than the store.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            removed_if_there(&aside)?;
            removed_if_there(&changes).map(drop)
        }
        Err(e) => Err(e),
    }
}

/// Reads back from the store after a write what the search index needs of it.
pub(crate) trait ReadBack {
    fn person_now(&self, id: &str) -> Result<Option<PersonNow>>;
    fn enterprise_name(&self, id: &str) -> Result<Option<String>>;
}

impl Derived {
    /// After a write that may have set the index aside: puts it back with the people it changed
    /// as `now` reads them (`None`: the write was refused, nothing changed). Returns whether it
    /// is back; else, if it was set aside, its generation moved and `settle` removes it.
    pub(crate) fn bring_back_search(
        &self,
        people: &PeopleTouched,
        now: Option<&dyn ReadBack>,
    ) -> Result<bool> {
        let Some((ids, enterprises)) = people.taken()? else {
            return Ok(false);
        };
        let changed = match now {
            None => Changes::default(),
            Some(now) if ids.len() + enterprises.len() <= MOST_CHANGED => Changes {
                people: ids
                    .into_iter()
                    .map(|id| now.person_now(&id).map(|now| Changed { id, now }))
                    .collect::<Result<_>>()?,
                enterprises: enterprises
                    .iter()
                    .map(|id| now.enterprise_name(id))
                    .filter_map(Result::transpose)
                    .collect::<Result<BTreeSet<_>>>()?
                    .into_iter()
                    .collect(),
            },
            Some(_) => return Ok(false),
        };
        let mut generation = self
            .generation
            .lock()
            .map_err(|_| eyre!("derived files lock poisoned"))?;
        // A build begun during the write read the state before it.
        generation[DerivedFile::Search as usize] += 1;
        self.put_back(changed)
            .wrap_err_with(|| tf("cli.store.write_failed", &[("dir", &self.dir.display())]))
    }

    /// Writes the changes beside the index set aside and puts it back; false if there is no
    /// index to put back (another write removed it) or too many people changed since it was
    /// built. Called with the generations locked.
    fn put_back(&self, changed: Changes) -> std::io::Result<bool> {
        let [_, aside] = companions(&self.dir);
        let index = match File::open(&aside) {
            Ok(index) => index,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        let Some(earlier) = beside(&self.dir, open_beside(&self.dir), &index) else {
            return Ok(false);
        };
        if changed == Changes::default() {
            // Nothing written: back as it was, with its changes (durable or not, as below).
            std::fs::rename(&aside, DerivedFile::Search.path(&self.dir))?;
            return Ok(true);
        }
        let mut people: BTreeMap<String, Option<PersonNow>> =
            earlier.people.into_iter().map(|c| (c.id, c.now)).collect();
        people.extend(changed.people.into_iter().map(|c| (c.id, c.now)));
        let enterprises: BTreeSet<String> = earlier
            .enterprises
            .into_iter()
            .chain(changed.enterprises)
            .collect();
        if people.len() + enterprises.len() > MOST_CHANGED {
            return Ok(false);
        }
        let changes = Changes {
            people: people
                .into_iter()
                .map(|(id, now)| Changed { id, now })
                .collect(),
            enterprises: enterprises.into_iter().collect(),
        };
        write_changes(&self.dir, &index, changes)?;
        // The changes' name is on disk before the index is back beside them.
        File::open(&self.dir)?.sync_all()?;
        // Not made durable: after a crash the index is either back or still aside, and aside it
        // is only built again.
        std::fs::rename(&aside, DerivedFile::Search.path(&self.dir))?;
        Ok(true)
    }
}

impl ReadBack for super::Store {
    fn person_now(&self, id: &str) -> Result<Option<PersonNow>> {
        let Some(person) = self.person(id)? else {
            return Ok(None);
        };
        let enterprise = match &person.enterprise {
            Some(e) => self.enterprise(e)?.map(|e| e.name).unwrap_or_default(),
            None => String::new(),
        };
        Ok(Some(PersonNow { person, enterprise }))
    }

    fn enterprise_name(&self, id: &str) -> Result<Option<String>> {
        Ok(self.enterprise(id)?.map(|e| e.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Categories, Enterprise};
    use crate::log::Payload;
    use crate::store::Store;

    fn person(i: usize, name: &str) -> Payload {
        Payload::PersonUpserted(Person {
            id: format!("P-420704-t{i}"),
            office: "420704".into(),
            name: name.into(),
            phone: format!("138{i:08}"),
            position: String::new(),
            enterprise: Some("E-420704-1".into()),
            code: format!("T{i}"),
        })
    }

    fn enterprise(name: &str) -> Payload {
        Payload::EnterpriseUpserted(Enterprise {
            id: "E-420704-1".into(),
            office: "420704".into(),
            name: name.into(),
            credit_code: None,
            categories: Categories::NONE,
            unit: "420704".into(),
        })
    }

    /// A store with an enterprise, two people, and an index kept (any bytes will do here).
    fn store_with_index(dir: &Path) -> Store {
        let store = Store::create(&dir.join("store"), "420704", "测试员").unwrap();
        store
            .commit(vec![
                enterprise("华宇光电"),
                person(1, "张三"),
                person(2, "李四"),
            ])
            .unwrap();
        let generation = store.derived_generation(DerivedFile::Search).unwrap();
        assert!(store
            .save_derived(DerivedFile::Search, generation, |out| out
                .write_all(b"the index of two people"))
            .unwrap());
        store
    }

    fn changes(store: &Store) -> Option<Vec<Changed>> {
        all_changes(store).map(|changes| changes.people)
    }

    fn all_changes(store: &Store) -> Option<Changes> {
        let index = File::open(DerivedFile::Search.path(store.dir())).unwrap();
        beside(store.dir(), open_beside(store.dir()), &index)
    }

    fn names(beside: Option<Vec<Changed>>) -> Vec<(String, Option<String>)> {
        beside
            .expect("changes of this index")
            .into_iter()
            .map(|c| {
                (
                    c.id,
                    c.now.map(|n| format!("{} {}", n.person.name, n.enterprise)),
                )
            })
            .collect()
    }

    #[test]
    fn a_changed_person_is_kept_beside_the_index_and_the_index_stays() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        let index = DerivedFile::Search.path(store.dir());
        assert_eq!(changes(&store), Some(Vec::new()));
        store.commit(vec![person(3, "王五")]).unwrap();
        assert_eq!(std::fs::read(&index).unwrap(), b"the index of two people");
        assert_eq!(
            names(changes(&store)),
            [("P-420704-t3".into(), Some("王五 华宇光电".into()))]
        );
        // The next write adds to them; the same person twice is there once, as now.
        store
            .commit(vec![person(1, "张叁"), person(3, "王武")])
            .unwrap();
        assert_eq!(
            names(changes(&store)),
            [
                ("P-420704-t1".into(), Some("张叁 华宇光电".into())),
                ("P-420704-t3".into(), Some("王武 华宇光电".into())),
            ]
        );
        assert!(!dir.path().join("store").join(ASIDE).exists());
    }

    #[test]
    fn an_enterprise_or_too_many_people_remove_the_index_and_its_changes() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        store.commit(vec![person(3, "王五")]).unwrap();
        store.commit(vec![enterprise("华宇光电科技")]).unwrap();
        for path in [DerivedFile::Search.path(store.dir())]
            .into_iter()
            .chain(companions(store.dir()))
        {
            assert!(!path.exists(), "{}", path.display());
        }
        let store = store_with_index(&dir.path().join("again"));
        let many = (10..10 + MOST_CHANGED + 1)
            .map(|i| person(i, "赵六"))
            .collect();
        store.commit(many).unwrap();
        assert!(!DerivedFile::Search.path(store.dir()).exists());
        assert!(!store.dir().join(CHANGES).exists());
    }

    /// A walk-in from an enterprise the office did not have: the index stays, the person is
    /// beside it with the enterprise's name, and the name is known; the same enterprise written
    /// again later (renamed) removes the index.
    #[test]
    fn a_new_enterprise_is_kept_beside_the_index_and_a_changed_one_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        let Payload::EnterpriseUpserted(mut made) = enterprise("新星光电") else {
            unreachable!()
        };
        made.id = "E-420704-2".into();
        let Payload::PersonUpserted(mut walk_in) = person(3, "王五") else {
            unreachable!()
        };
        walk_in.enterprise = Some(made.id.clone());
        store
            .commit(vec![
                Payload::EnterpriseUpserted(made.clone()),
                Payload::PersonUpserted(walk_in),
            ])
            .unwrap();
        let index = DerivedFile::Search.path(store.dir());
        assert_eq!(std::fs::read(&index).unwrap(), b"the index of two people");
        let changes = all_changes(&store).expect("changes of this index");
        assert_eq!(changes.enterprises, ["新星光电"]);
        assert_eq!(
            names(Some(changes.people)),
            [("P-420704-t3".into(), Some("王五 新星光电".into()))]
        );
        made.name = "新星光电科技".into();
        store
            .commit(vec![Payload::EnterpriseUpserted(made)])
            .unwrap();
        assert!(!index.exists());
        assert!(!store.dir().join(CHANGES).exists());
    }

    /// Format 5 keeps the index's hash at its end: two indexes of one length that begin alike
    /// are still told apart.
    #[test]
    fn indexes_alike_but_for_their_end_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let files = [b"hash one", b"hash two"].map(|end| {
            let path = dir.path().join(String::from_utf8_lossy(end).to_string());
            let mut bytes = vec![7; 10_000];
            bytes.extend_from_slice(end);
            std::fs::write(&path, bytes).unwrap();
            File::open(path).unwrap()
        });
        assert_ne!(identity(&files[0]).unwrap(), identity(&files[1]).unwrap());
    }

    #[test]
    fn a_new_build_saved_drops_the_changes_of_the_one_before() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        store.commit(vec![person(3, "王五")]).unwrap();
        let generation = store.derived_generation(DerivedFile::Search).unwrap();
        assert!(store
            .save_derived(DerivedFile::Search, generation, |out| out
                .write_all(b"the index of three people"))
            .unwrap());
        assert_eq!(changes(&store), Some(Vec::new()));
        // An index without its changes is not current.
        std::fs::remove_file(store.dir().join(CHANGES)).unwrap();
        assert_eq!(changes(&store), None);
    }

    #[test]
    fn changes_of_another_index_or_damaged_are_not_believed() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        store.commit(vec![person(3, "王五")]).unwrap();
        let index = DerivedFile::Search.path(store.dir());
        // The same length, other bytes: another index.
        std::fs::write(&index, b"the index of two PEOPLE").unwrap();
        assert_eq!(changes(&store), None);
        std::fs::write(&index, b"the index of two people").unwrap();
        assert_eq!(changes(&store).map(|c| c.len()), Some(1));
        let path = store.dir().join(CHANGES);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(changes(&store), None);
    }

    #[test]
    fn a_refused_write_puts_the_index_back_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        store.commit(vec![person(3, "王五")]).unwrap();
        let Payload::PersonUpserted(mut stranger) = person(4, "钱七") else {
            unreachable!()
        };
        stranger.enterprise = Some("E-none".into());
        let refused = store.commit(vec![person(5, "孙八"), Payload::PersonUpserted(stranger)]);
        assert!(
            matches!(refused, Err(crate::store::CommitError::Refused(_))),
            "{refused:?}"
        );
        assert_eq!(
            std::fs::read(DerivedFile::Search.path(store.dir())).unwrap(),
            b"the index of two people"
        );
        assert_eq!(
            names(changes(&store)),
            [("P-420704-t3".into(), Some("王五 华宇光电".into()))]
        );
        assert!(!store.dir().join(ASIDE).exists());
    }

    #[test]
    fn a_write_made_whose_people_cannot_be_read_back_leaves_no_index() {
        let dir = tempfile::tempdir().unwrap();
        let derived = Derived::new(dir.path());
        let before = derived.generations().unwrap();
        assert!(derived
            .save(DerivedFile::Search, before[0], |out| out
                .write_all(b"index"))
            .unwrap());
        let people = PeopleTouched::default();
        people.touch(&derived, "P-1").unwrap();
        struct Unreadable;
        impl ReadBack for Unreadable {
            fn person_now(&self, _: &str) -> Result<Option<PersonNow>> {
                Err(eyre!("damaged"))
            }
            fn enterprise_name(&self, _: &str) -> Result<Option<String>> {
                Err(eyre!("damaged"))
            }
        }
        assert!(derived
            .bring_back_search(&people, Some(&Unreadable))
            .is_err());
        derived
            .settle_beyond(before, crate::store::derived::Fed::default())
            .unwrap();
        for path in [DerivedFile::Search.path(dir.path())]
            .into_iter()
            .chain(companions(dir.path()))
        {
            assert!(!path.exists(), "{}", path.display());
        }
    }

    #[test]
    fn an_index_left_aside_by_a_crash_is_never_put_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_index(dir.path());
        let index = DerivedFile::Search.path(store.dir());
        let aside = store.dir().join(ASIDE);
        // A write crashed after setting the index aside; the next build is not saved yet.
        std::fs::rename(&index, &aside).unwrap();
        store.commit(vec![person(3, "王五")]).unwrap();
        assert!(!index.exists());
        assert!(!aside.exists());
    }

    proptest::proptest! {
        #[test]
        fn no_bytes_make_the_reader_panic(bytes in proptest::collection::vec(0u8..=255, 0..300)) {
            let dir = tempfile::tempdir().unwrap();
            let index = dir.path().join("search.idx");
            std::fs::write(&index, b"index").unwrap();
            let mut file = seal(MAGIC, &bytes);
            file.truncate(bytes.len() % (file.len() + 1));
            std::fs::write(dir.path().join(CHANGES), &file).unwrap();
            let read = beside(dir.path(), open_beside(dir.path()), &File::open(&index).unwrap());
            proptest::prop_assert_eq!(read, None);
        }
    }
}
