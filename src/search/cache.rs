//! The office's search index kept in a file beside the store (`store::derived`), so that
//! `peixun search` answers without opening the store and the door is ready at once. The file
//! names the peixun that wrote it and carries a hash of its body: another version's or a
//! damaged file is built again, never believed.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

use super::columns::Layout;
use super::office::OfficeIndex;
use super::paged::Paged;
use super::{Buffers, SearchIndex};
use crate::i18n::tf;
use crate::store::derived::{search_index_path, DerivedFile};
use crate::store::search_changes;
use crate::store::Store;

/// The format, in the first line. After it: the peixun version that wrote the file, a hash of
/// the two buffers, the columns' places (`SearchIndex::parts`), the buffers' lengths, then the
/// text buffer and the numbers buffer, each read straight into place. Version 4 goes with
/// `search.changes`, which an earlier peixun would not read.
const MAGIC: &[u8] = b"peixun search index 4\n";

/// Writes `index` in the file's format; a built index's buffers go out as they are, never
/// copied.
pub(super) fn write(index: &SearchIndex, out: &mut dyn Write) -> std::io::Result<()> {
    let (layout, text, numbers) = index.parts();
    let unreadable = || std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
    let text = text.get(0..text.len()).ok_or_else(unreadable)?;
    let numbers = numbers.get(0..numbers.len()).ok_or_else(unreadable)?;
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut hash = blake3::Hasher::new();
    hash.update(&text);
    hash.update(&numbers);
    out.write_all(MAGIC)?;
    out.write_all(&[version.len() as u8])?;
    out.write_all(version)?;
    out.write_all(hash.finalize().as_bytes())?;
    out.write_all(&(layout.len() as u32).to_le_bytes())?;
    for range in layout {
        out.write_all(&(range.start as u64).to_le_bytes())?;
        out.write_all(&(range.end as u64).to_le_bytes())?;
    }
    out.write_all(&(text.len() as u64).to_le_bytes())?;
    out.write_all(&(numbers.len() as u64).to_le_bytes())?;
    out.write_all(&text)?;
    out.write_all(&numbers)
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

fn read_u64(input: &mut impl Read) -> std::io::Result<usize> {
    Ok(usize::try_from(u64::from_le_bytes(read_array(input)?)).unwrap_or(usize::MAX))
}

/// Exactly `len` bytes, read into their own buffer without zeroing it first.
fn read_exactly(input: &mut impl Read, len: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(len);
    input.take(len as u64).read_to_end(&mut bytes)?;
    if bytes.len() != len {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(bytes)
}

/// What comes before the two buffers.
struct Header {
    hash: [u8; 32],
    layout: Layout,
    text_len: usize,
    numbers_len: usize,
    /// Where the text buffer starts; the numbers buffer follows it, and the file ends there.
    body_at: usize,
}

/// The header of a file of `total` bytes, if it is one of this version and its lengths add up.
fn header(input: &mut impl Read, total: u64) -> Option<Header> {
    let magic: [u8; MAGIC.len()] = read_array(input).ok()?;
    let [len] = read_array(input).ok()?;
    let version = read_exactly(input, usize::from(len)).ok()?;
    if magic != MAGIC || version != env!("CARGO_PKG_VERSION").as_bytes() {
        return None;
    }
    let hash: [u8; 32] = read_array(input).ok()?;
    let columns = u32::from_le_bytes(read_array(input).ok()?) as u64;
    let header = (MAGIC.len() + 1 + usize::from(len) + 32 + 4 + 16) as u64 + columns * 16;
    if header > total {
        return None;
    }
    let mut layout = Vec::new();
    for _ in 0..columns {
        let start = read_u64(input).ok()?;
        let end = read_u64(input).ok()?;
        layout.push(start..end);
    }
    let text_len = read_u64(input).ok()?;
    let numbers_len = read_u64(input).ok()?;
    if (text_len as u64).checked_add(numbers_len as u64)? != total - header {
        return None;
    }
    Some(Header {
        hash,
        layout,
        text_len,
        numbers_len,
        body_at: usize::try_from(header).ok()?,
    })
}

/// The hash of the next `len` bytes of `input`, read a piece at a time.
fn hash_of(input: &mut impl Read, len: usize) -> Option<[u8; 32]> {
    let mut hash = blake3::Hasher::new();
    let mut piece = vec![0; 1 << 18];
    let mut left = len;
    while left > 0 {
        let want = left.min(piece.len());
        input.read_exact(&mut piece[..want]).ok()?;
        hash.update(&piece[..want]);
        left -= want;
    }
    Some(*hash.finalize().as_bytes())
}

/// The index in `bytes`, kept in a file as `load` finds it; `None` if it is not a whole one of
/// this version.
#[cfg(test)]
pub(super) fn decode(bytes: &[u8]) -> Option<SearchIndex> {
    use std::io::{Seek, SeekFrom};
    let mut file = tempfile::tempfile().ok()?;
    file.write_all(bytes).ok()?;
    file.seek(SeekFrom::Start(0)).ok()?;
    kept(&file, bytes.len() as u64)
}

/// The index in `file` of `total` bytes, checked against its hash by reading it, then read a
/// page at a time as searches need it: the check does not keep the file's pages, and searches
/// keep only a few (`paged`).
fn kept(file: &File, total: u64) -> Option<SearchIndex> {
    let mut input = file;
    let h = header(&mut input, total)?;
    if hash_of(&mut input, h.text_len.checked_add(h.numbers_len)?)? != h.hash {
        return None;
    }
    let text = h.body_at..h.body_at + h.text_len;
    let numbers = text.end..text.end + h.numbers_len;
    let buffers = Buffers::Kept {
        file: Paged::of(file.try_clone().ok()?, numbers.end),
        text,
        numbers,
    };
    SearchIndex::from_parts(h.layout, buffers)
}

/// The index kept in `dir` with the people changed since it was built, if there is one this
/// peixun wrote whole. Only current while the store's lock is held (`Store::lock_only`, or the
/// store open).
pub fn load(dir: &Path) -> Result<Option<OfficeIndex>> {
    let failed = || tf("cli.store.open_failed", &[("dir", &dir.display())]);
    let file = match File::open(search_index_path(dir)) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
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
/// and kept for next time. A kept index is read a page at a time, the built one dropped: at ten
/// times the province the built one is 98 MB that a search mostly never touches.
pub fn office_index(store: &Store) -> Result<OfficeIndex> {
    if let Some(index) = load(store.dir())? {
        return Ok(index);
    }
    let generation = store.derived_generation(DerivedFile::Search)?;
    let index = super::door::office_index(store)?;
    // Keeping it only spares the next search the build: a full disk costs time, not answers.
    if let Ok(true) = store.save_derived(DerivedFile::Search, generation, |out| write(&index, out))
    {
        if let Some(kept) = load(store.dir())? {
            return Ok(kept);
        }
    }
    Ok(OfficeIndex::whole(index))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Candidate;

    fn index() -> SearchIndex {
        SearchIndex::build(
            vec![Candidate {
                id: "P-1".into(),
                name: "张三".into(),
                phone: "13800001234".into(),
                code: "A7K2".into(),
                enterprise: "华宇光电".into(),
                position: "总经理".into(),
            }],
            ["华宇光电".to_string(), "无人报名的企业".to_string()],
        )
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
