//! The payloads of a long write worked out before it is written (a sheet of a million rows):
//! the chunk being filled in memory, every full one encoded in an unnamed file beside the store.
//! Held in memory, a sheet's payloads took about 400 bytes a row, to the end of its write.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use color_eyre::eyre::{eyre, Result, WrapErr};

use super::staged::CHUNK;
use crate::i18n::tf;
use crate::log::Payload;

/// A write's payloads in the order made. Cloned, the file is shared; only a spool that is not
/// shared takes more payloads.
#[derive(Debug, Clone, Default)]
pub struct PayloadSpool {
    /// Where the file goes; the system's temporary folder when none is given.
    dir: Option<PathBuf>,
    file: Option<Arc<File>>,
    /// Payloads in the file, in chunks of `CHUNK`.
    spilled: usize,
    /// Payloads not in the file, after those that are.
    tail: Vec<Payload>,
}

impl From<Vec<Payload>> for PayloadSpool {
    fn from(payloads: Vec<Payload>) -> PayloadSpool {
        PayloadSpool {
            tail: payloads,
            ..PayloadSpool::default()
        }
    }
}

fn spill_failed(dir: Option<&Path>) -> String {
    let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
    tf("cli.store.spill_failed", &[("dir", &dir.display())])
}

impl PayloadSpool {
    /// An empty spool whose file, once needed, goes in `dir`.
    pub fn new(dir: &Path) -> PayloadSpool {
        PayloadSpool {
            dir: Some(dir.to_path_buf()),
            ..PayloadSpool::default()
        }
    }

    pub fn len(&self) -> usize {
        self.spilled + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, payload: Payload) -> Result<()> {
        self.tail.push(payload);
        if self.tail.len() >= CHUNK {
            self.spill()?;
        }
        Ok(())
    }

    pub fn extend(&mut self, payloads: impl IntoIterator<Item = Payload>) -> Result<()> {
        payloads.into_iter().try_for_each(|p| self.push(p))
    }

    /// The payloads in memory go to the end of the file, as one chunk.
    fn spill(&mut self) -> Result<()> {
        let dir = self.dir.clone();
        let failed = || spill_failed(dir.as_deref());
        if self.file.is_none() {
            let file = match &dir {
                Some(dir) => tempfile::tempfile_in(dir),
                None => tempfile::tempfile(),
            };
            self.file = Some(Arc::new(file.wrap_err_with(failed)?));
        }
        let file = self
            .file
            .as_mut()
            .and_then(Arc::get_mut)
            .ok_or_else(|| eyre!("payloads added to a spool that is shared"))?;
        let bytes = postcard::to_stdvec(&self.tail).wrap_err("encoding payloads")?;
        let len = u64::try_from(bytes.len()).wrap_err("a chunk over 16 EiB")?;
        // A read in between left the cursor elsewhere.
        file.seek(SeekFrom::End(0))
            .and_then(|_| file.write_all(&len.to_le_bytes()))
            .and_then(|()| file.write_all(&bytes))
            .wrap_err_with(failed)?;
        self.spilled += self.tail.len();
        self.tail.clear();
        Ok(())
    }

    /// Every payload in the order pushed, in chunks of at most `CHUNK`, read back one at a time.
    pub fn chunks(&self) -> Result<impl Iterator<Item = Result<Vec<Payload>>> + '_> {
        let mut file = self.file.as_deref();
        if let Some(file) = &mut file {
            file.seek(SeekFrom::Start(0))
                .wrap_err_with(|| spill_failed(self.dir.as_deref()))?;
        }
        let mut left = self.spilled;
        let spilled = std::iter::from_fn(move || {
            let file = file.as_mut().filter(|_| left > 0)?;
            let chunk = read_chunk(file);
            // A chunk that cannot be read ends the reading: what follows it is not known.
            left = match &chunk {
                Ok(chunk) if !chunk.is_empty() => left.saturating_sub(chunk.len()),
                _ => 0,
            };
            Some(chunk)
        });
        Ok(spilled.chain(self.tail.chunks(CHUNK).map(|c| Ok(c.to_vec()))))
    }
}

fn read_chunk(mut file: &File) -> Result<Vec<Payload>> {
    let mut len = [0; 8];
    file.read_exact(&mut len)
        .wrap_err("a spooled chunk cut short")?;
    let len = usize::try_from(u64::from_le_bytes(len)).wrap_err("a spooled chunk too long")?;
    let mut bytes = vec![0; len];
    file.read_exact(&mut bytes)
        .wrap_err("a spooled chunk cut short")?;
    postcard::from_bytes(&bytes).wrap_err("a spooled chunk that does not decode")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(i: usize) -> Payload {
        let (id, name) = (format!("P-420704-t-{i}"), format!("测试{i}"));
        crate::log::fixtures::person(&id, &name, &format!("138{i:08}"), "")
    }

    fn ids(spool: &PayloadSpool) -> Vec<String> {
        spool
            .chunks()
            .unwrap()
            .flat_map(|chunk| {
                let chunk = chunk.unwrap();
                assert!(!chunk.is_empty() && chunk.len() <= CHUNK);
                chunk
            })
            .map(|p| match p {
                Payload::PersonUpserted(p) => p.id,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn payloads_come_back_in_order_whether_spilled_or_not() {
        let dir = tempfile::tempdir().unwrap();
        for n in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 7] {
            let mut spool = PayloadSpool::new(dir.path());
            spool.extend((0..n).map(person)).unwrap();
            assert_eq!(spool.len(), n);
            assert_eq!(spool.tail.len(), n % CHUNK, "full chunks are in the file");
            let want: Vec<String> = (0..n).map(|i| format!("P-420704-t-{i}")).collect();
            assert_eq!(ids(&spool), want, "{n}");
            assert_eq!(ids(&spool), want, "read twice, {n}");
            let shared = spool.clone();
            assert_eq!(ids(&shared), want, "a clone reads the same, {n}");
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "the file has no name"
        );
    }

    #[test]
    fn a_spilled_write_is_committed_whole_and_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::Store::create(dir.path(), "420704", "测试员").unwrap();
        let before = crate::log::fixtures::names_in(dir.path());
        let mut spool = PayloadSpool::new(store.dir());
        spool.extend((0..2 * CHUNK + 3).map(person)).unwrap();
        assert!(spool.file.is_some(), "spilled");
        let heard = std::cell::Cell::new(0);
        let written = store
            .commit_staged(&spool, &|done, _| heard.set(done))
            .unwrap();
        assert_eq!(written, 2 * CHUNK + 3);
        assert_eq!(heard.get(), 2 * CHUNK + 3);
        let people = store.people().unwrap();
        assert_eq!(people.len(), 2 * CHUNK + 3);
        assert!(people
            .iter()
            .any(|p| p.id == format!("P-420704-t-{}", 2 * CHUNK + 2)));
        drop(spool);
        assert_eq!(
            crate::log::fixtures::names_in(dir.path()),
            before,
            "nothing left beside the store"
        );
    }

    #[test]
    fn a_shared_spool_takes_no_more() {
        let dir = tempfile::tempdir().unwrap();
        let mut spool = PayloadSpool::new(dir.path());
        spool.extend((0..CHUNK).map(person)).unwrap();
        let shared = spool.clone();
        assert!(spool.extend((0..CHUNK).map(person)).is_err());
        drop(shared);
    }

    #[test]
    fn a_folder_it_cannot_write_is_named() {
        let mut spool = PayloadSpool::new(Path::new("/nonexistent/peixun-spool"));
        let error = spool.extend((0..CHUNK).map(person)).unwrap_err();
        assert!(
            format!("{error:#}").contains("/nonexistent/peixun-spool"),
            "{error:#}"
        );
    }
}
