//! The office's search index kept in a file beside the store (`store::derived`), so that
//! `peixun search` answers without opening the store and the door is ready at once. The file
//! names the peixun that wrote it and carries a hash of its body: another version's or a
//! damaged file is built again, never believed.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use color_eyre::eyre::{Result, WrapErr};

use super::door::candidates;
use super::SearchIndex;
use crate::i18n::tf;
use crate::store::derived::search_index_path;
use crate::store::Store;

/// The format, in the first line. After it: the peixun version that wrote the file, a hash of
/// the two buffers, the columns' places (`SearchIndex::parts`), the buffers' lengths, then the
/// text buffer and the numbers buffer, each read straight into place.
const MAGIC: &[u8] = b"peixun search index 2\n";

pub(super) fn encode(index: &SearchIndex) -> Vec<u8> {
    let (layout, text, numbers) = index.parts();
    let version = env!("CARGO_PKG_VERSION").as_bytes();
    let mut hash = blake3::Hasher::new();
    hash.update(text.as_bytes());
    hash.update(numbers);
    let mut bytes = Vec::with_capacity(MAGIC.len() + 128 + text.len() + numbers.len());
    bytes.extend_from_slice(MAGIC);
    bytes.push(version.len() as u8);
    bytes.extend_from_slice(version);
    bytes.extend_from_slice(hash.finalize().as_bytes());
    bytes.extend_from_slice(&(layout.len() as u32).to_le_bytes());
    for range in layout {
        bytes.extend_from_slice(&(range.start as u64).to_le_bytes());
        bytes.extend_from_slice(&(range.end as u64).to_le_bytes());
    }
    bytes.extend_from_slice(&(text.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&(numbers.len() as u64).to_le_bytes());
    bytes.extend_from_slice(text.as_bytes());
    bytes.extend_from_slice(numbers);
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

/// The index in `input` of `total` bytes; `None` if it is not a whole one of this version.
pub(super) fn decode(input: &mut impl Read, total: u64) -> Option<SearchIndex> {
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
    let text = String::from_utf8(read_exactly(input, text_len).ok()?).ok()?;
    let numbers = read_exactly(input, numbers_len).ok()?;
    let mut check = blake3::Hasher::new();
    check.update(text.as_bytes());
    check.update(&numbers);
    if check.finalize().as_bytes() != &hash {
        return None;
    }
    SearchIndex::from_parts(layout, text, numbers)
}

/// The index kept in `dir`, if there is one this peixun wrote whole. Only current while the
/// store's lock is held (`Store::lock_only`, or the store open).
pub fn load(dir: &Path) -> Result<Option<SearchIndex>> {
    let failed = || tf("cli.store.open_failed", &[("dir", &dir.display())]);
    let mut file = match File::open(search_index_path(dir)) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).wrap_err_with(failed),
    };
    let total = file.metadata().wrap_err_with(failed)?.len();
    Ok(decode(&mut file, total))
}

/// Every person of the office, from the kept index when there is one, else built from the store
/// and kept for next time.
pub fn office_index(store: &Store) -> Result<SearchIndex> {
    if let Some(index) = load(store.dir())? {
        return Ok(index);
    }
    let generation = store.search_generation()?;
    let index = SearchIndex::build(candidates(store, &store.people()?)?);
    // Keeping it only spares the next search the build: a full disk costs time, not answers.
    let _ = store.save_search_index(generation, &encode(&index));
    Ok(index)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::Candidate;

    fn index() -> SearchIndex {
        SearchIndex::build(vec![Candidate {
            id: "P-1".into(),
            name: "张三".into(),
            phone: "13800001234".into(),
            code: "A7K2".into(),
            enterprise: "华宇光电".into(),
            position: "总经理".into(),
        }])
    }

    #[test]
    fn only_this_versions_whole_file_is_read() {
        let decode = |bytes: &[u8]| decode(&mut &bytes[..], bytes.len() as u64);
        let bytes = encode(&index());
        let read = decode(&bytes).unwrap();
        assert_eq!(read.search("zs", 5).len(), 1);
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
