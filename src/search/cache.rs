//! The office's search index kept in a file beside the store (`store::derived`), so that
//! `peixun search` answers without opening the store and the door is ready at once. The file
//! names the peixun that wrote it and carries a hash of its body: another version's or a
//! damaged file is built again, never believed.

use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::rc::Rc;

use color_eyre::eyre::{Result, WrapErr};

use super::build::EnterpriseNumber;
use super::columns::Layout;
use super::names::EnterpriseNames;
use super::office::OfficeIndex;
use super::paged::Paged;
use super::{Buffers, Candidate, SearchIndex};
use crate::i18n::tf;
use crate::store::derived::{search_index_path, DerivedFile};
use crate::store::search_changes;
use crate::store::Store;

/// The format, in the first line. After it: the length of the peixun version that wrote the
/// file and the version; the index's bytes (`columns`), written as each column is finished;
/// then the trailer: the columns' places (`SearchIndex::parts`), the bytes' length and their
/// hash; and last the trailer's length. Version 5 writes the columns as it goes, where 4 held
/// them all to write their hash first.
const MAGIC: &[u8] = b"peixun search index 5\n";

/// A trailer past this is not one of ours: an index has a few dozen columns.
const MOST_TRAILER_BYTES: u64 = 64 * 1024;

/// What passes through, hashed and counted.
struct Hashing<'a> {
    out: &'a mut dyn Write,
    hash: blake3::Hasher,
    written: usize,
}

impl Write for Hashing<'_> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let written = self.out.write(bytes)?;
        self.hash.update(&bytes[..written]);
        self.written += written;
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// Writes the file's format around the index's bytes, which `body` writes.
fn framed(
    out: &mut dyn Write,
    body: impl FnOnce(&mut dyn Write) -> std::io::Result<Layout>,
) -> std::io::Result<()> {
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    out.write_all(MAGIC)?;
    out.write_all(&[version.len() as u8])?;
    out.write_all(version)?;
    let mut hashing = Hashing {
        out,
        hash: blake3::Hasher::new(),
        written: 0,
    };
    let layout = body(&mut hashing)?;
    let (hash, written) = (hashing.hash.finalize(), hashing.written);
    let mut trailer = Vec::new();
    trailer.extend_from_slice(&(layout.len() as u32).to_le_bytes());
    for range in &layout {
        trailer.extend_from_slice(&(range.start as u64).to_le_bytes());
        trailer.extend_from_slice(&(range.end as u64).to_le_bytes());
    }
    trailer.extend_from_slice(&(written as u64).to_le_bytes());
    trailer.extend_from_slice(hash.as_bytes());
    out.write_all(&trailer)?;
    out.write_all(&(trailer.len() as u64).to_le_bytes())
}

/// Writes `index` in the file's format; a built index's bytes go out as they are, never copied.
#[cfg(test)]
pub(super) fn write(index: &SearchIndex, out: &mut dyn Write) -> std::io::Result<()> {
    framed(out, |body| {
        let (layout, bytes) = index.parts();
        let bytes = bytes
            .get(0..bytes.len())
            .ok_or(std::io::ErrorKind::UnexpectedEof)?;
        body.write_all(&bytes)?;
        Ok(layout.clone())
    })
}

/// Builds the index of `people` straight into `out` in the file's format (`write_built`).
fn write_built(
    people: impl IntoIterator<Item = (Candidate, EnterpriseNumber)>,
    known_enterprises: impl IntoIterator<Item = String>,
    aside_in: &Path,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    framed(out, |body| {
        SearchIndex::write_built(people, known_enterprises, aside_in, body)
    })
}

#[cfg(test)]
pub(super) fn encode(index: &SearchIndex) -> Vec<u8> {
    let mut bytes = Vec::new();
    write(index, &mut bytes).expect("writing to memory");
    bytes
}

fn read_array<const N: usize>(input: &mut impl Read) -> std::io::Result<[u8; N]> {
    let mut bytes = [0; N];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn read_u64(input: &mut impl Read) -> std::io::Result<u64> {
    Ok(u64::from_le_bytes(read_array(input)?))
}

fn as_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Where the index's bytes lie in the file, what they hash to, and where their columns are.
struct Framing {
    body: std::ops::Range<usize>,
    hash: [u8; 32],
    layout: Layout,
}

/// The framing of `file` of `total` bytes, if it is one of this version and its lengths add up.
fn framing(file: &File, total: u64) -> Option<Framing> {
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut start = [MAGIC, &[version.len() as u8], version].concat();
    let body_at = start.len() as u64;
    let expected = start.clone();
    file.read_exact_at(&mut start, 0).ok()?;
    if start != expected {
        return None;
    }
    let trailer_len = {
        let mut bytes = [0; 8];
        file.read_exact_at(&mut bytes, total.checked_sub(8)?).ok()?;
        u64::from_le_bytes(bytes)
    };
    let trailer_at = total.checked_sub(8)?.checked_sub(trailer_len)?;
    if trailer_len > MOST_TRAILER_BYTES || trailer_at < body_at {
        return None;
    }
    let mut trailer = vec![0; as_usize(trailer_len)];
    file.read_exact_at(&mut trailer, trailer_at).ok()?;
    let mut trailer = &trailer[..];
    let columns = u32::from_le_bytes(read_array(&mut trailer).ok()?) as u64;
    if 4 + columns * 16 + 8 + 32 != trailer_len {
        return None;
    }
    let mut layout = Vec::new();
    for _ in 0..columns {
        let start = read_u64(&mut trailer).ok()?;
        let end = read_u64(&mut trailer).ok()?;
        layout.push(as_usize(start)..as_usize(end));
    }
    let body_len = read_u64(&mut trailer).ok()?;
    if body_at.checked_add(body_len)? != trailer_at {
        return None;
    }
    Some(Framing {
        body: as_usize(body_at)..as_usize(trailer_at),
        hash: read_array(&mut trailer).ok()?,
        layout,
    })
}

/// The hash of `file`'s bytes in `range`, read a piece at a time.
fn hash_of(file: &File, range: std::ops::Range<usize>) -> Option<[u8; 32]> {
    let mut hash = blake3::Hasher::new();
    let mut piece = vec![0; 1 << 18];
    let mut at = range.start;
    while at < range.end {
        let want = (range.end - at).min(piece.len());
        file.read_exact_at(&mut piece[..want], at as u64).ok()?;
        hash.update(&piece[..want]);
        at += want;
    }
    Some(*hash.finalize().as_bytes())
}

/// The index in `bytes`, kept in a file as `load` finds it; `None` if it is not a whole one of
/// this version.
#[cfg(test)]
pub(super) fn decode(bytes: &[u8]) -> Option<SearchIndex> {
    let mut file = tempfile::tempfile().ok()?;
    file.write_all(bytes).ok()?;
    kept(&file, bytes.len() as u64)
}

/// The index in `file` of `total` bytes, checked against its hash by reading it, then read a
/// page at a time as searches need it: the check does not keep the file's pages, and searches
/// keep only a few (`paged`).
fn kept(file: &File, total: u64) -> Option<SearchIndex> {
    let framing = framing(file, total)?;
    if hash_of(file, framing.body.clone())? != framing.hash {
        return None;
    }
    let buffers = Buffers::Kept {
        file: Paged::of(file.try_clone().ok()?, framing.body.end),
        body: framing.body,
    };
    SearchIndex::from_parts(framing.layout, buffers)
}

/// The index kept in `dir` with the people changed since it was built, if there is one this
/// peixun wrote whole. Only current while the store's lock is held (`Store::lock_only`, or the
/// store open).
pub fn load(dir: &Path) -> Result<Option<OfficeIndex>> {
    let failed = || tf("cli.store.open_failed", &[("dir", &dir.display())]);
    let file = match crate::file_at::open_regular(&search_index_path(dir)) {
        Ok(file) => file,
        // Not there, or not a file peixun wrote: built again.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidInput
            ) =>
        {
            return Ok(None)
        }
        Err(e) => return Err(e).wrap_err_with(failed),
    };
    let changes = search_changes::open_beside(dir);
    let total = file.metadata().wrap_err_with(failed)?.len();
    let Some(kept) = kept(&file, total) else {
        return Ok(None);
    };
    Ok(search_changes::beside(dir, changes, &file)
        .map(|changes| OfficeIndex::with_changes(kept, changes)))
}

/// Every person of the office, from the kept index when there is one, else built from the store
/// straight into the kept file, and read from it: at ten times the province, the index held
/// whole as well was 98 MB more at the build's peak, for pages a search mostly never touches.
pub fn office_index(store: &Store) -> Result<OfficeIndex> {
    if let Some(index) = load(store.dir())? {
        return Ok(index);
    }
    let generation = store.derived_generation(DerivedFile::Search)?;
    let names = Rc::new(EnterpriseNames::read(store)?);
    let mut unread = None;
    let saved = store.save_derived(DerivedFile::Search, generation, |out| {
        let people = super::door::office_candidates(store, Rc::clone(&names), &mut unread);
        write_built(people, EnterpriseNames::each_name(names), store.dir(), out)?;
        match unread {
            // Without them it is no index to keep.
            Some(_) => Err(std::io::Error::other("a person could not be read")),
            None => Ok(()),
        }
    });
    if let Some(e) = unread {
        return Err(e);
    }
    if let Ok(true) = saved {
        if let Some(kept) = load(store.dir())? {
            return Ok(kept);
        }
    }
    // Not kept (a write came meanwhile, or a full disk): built again, held, which costs time
    // but not answers.
    Ok(OfficeIndex::whole(super::door::office_index(store)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn people() -> Vec<Candidate> {
        vec![Candidate {
            id: "P-1".into(),
            name: "张三".into(),
            phone: "13800001234".into(),
            code: "A7K2".into(),
            enterprise: "华宇光电".into(),
            position: "总经理".into(),
        }]
    }

    fn known() -> [String; 2] {
        ["华宇光电".to_string(), "无人报名的企业".to_string()]
    }

    fn index() -> SearchIndex {
        SearchIndex::build(people(), known())
    }

    proptest! {
        /// Written as it is built, with the enterprises numbered by the caller, the file is the
        /// one an index built whole and numbered by itself writes.
        #[test]
        fn built_into_the_file_is_built_whole_then_written(
            people in proptest::collection::vec(
                ("[张王李欧阳]{1,3}", "1[3-9][0-9]{9}", "[A-Z0-9]{0,6}", "(华宇光电|鄂州市机械|)"),
                0..40,
            ),
            numbers in (0u32..50, 0u32..50).prop_filter("one name each", |(a, b)| a != b),
        ) {
            let people: Vec<Candidate> = people
                .into_iter()
                .enumerate()
                .map(|(i, (name, phone, code, enterprise))| Candidate {
                    id: format!("P-{i:03}"),
                    name,
                    phone,
                    code,
                    enterprise,
                    position: String::new(),
                })
                .collect();
            let (aside_in, mut streamed) = (tempfile::tempdir().unwrap(), Vec::new());
            let numbered = people.iter().map(|p| {
                let number = match p.enterprise.as_str() {
                    "华宇光电" => Some(numbers.0),
                    "鄂州市机械" => Some(numbers.1),
                    _ => None,
                };
                (p.clone(), number)
            });
            write_built(numbered, known(), aside_in.path(), &mut streamed).unwrap();
            prop_assert_eq!(&streamed, &encode(&SearchIndex::build(people, known())));
            prop_assert!(decode(&streamed).is_some());
        }
    }

    /// The index's bytes and layout for people of every shape, pinned: what version 5 of the
    /// file holds, as the build that gathered every column in memory first (b83e28b) wrote
    /// it too. A change here is a new version.
    #[test]
    fn the_index_written_is_the_one_version_5_writes() {
        let people: Vec<Candidate> = (0..60)
            .map(|i| Candidate {
                id: format!("P-{i:03}"),
                name: ["张三", "欧阳娜娜", "王小明", "李四", "单于"][i % 5].into(),
                phone: match i % 4 {
                    0 => String::new(),
                    _ => format!("1380000{i:04}"),
                },
                code: match i % 3 {
                    0 => String::new(),
                    _ => format!("a{i}k"),
                },
                enterprise: ["华宇光电", "鄂州市机械", "", "武汉长江科技有限公司"][i % 4].into(),
                position: "总经理".into(),
            })
            .collect();
        let index = SearchIndex::build(people, known());
        let (layout, bytes) = index.parts();
        let mut hash = blake3::Hasher::new();
        for range in layout {
            hash.update(&(range.start as u64).to_le_bytes());
            hash.update(&(range.end as u64).to_le_bytes());
        }
        hash.update(&bytes.get(0..bytes.len()).unwrap());
        assert_eq!(
            hash.finalize().to_hex().as_str(),
            "b7019d12c3c31c05bcb4a5dd3b52bb696d2e71db48044e7929eb2003c869b00f"
        );
    }

    #[test]
    fn only_this_versions_whole_file_is_read() {
        let bytes = encode(&index());
        let read = decode(&bytes).unwrap();
        assert_eq!(read.search("zs", 5).len(), 1);
        assert!(read.known_enterprises().eq(["华宇光电", "无人报名的企业"]));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(decode(&flipped).is_none());
        let mut other_version = bytes.clone();
        other_version[MAGIC.len() + 1] = b'x';
        let mut huge = bytes.clone();
        huge[MAGIC.len() + 1 + env!("CARGO_PKG_VERSION").len() + 32] = 0xff;
        assert!(decode(&other_version).is_none());
        assert!(decode(&huge).is_none());
        assert!(decode(&bytes[..bytes.len() - 1]).is_none());
        assert!(decode(b"").is_none());
    }
}
