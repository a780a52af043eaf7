//! Whole-store lists printed by name without holding them: each record's output goes to an
//! unnamed scratch file in the store's folder as it is read, and only its sort key and place stay
//! in memory. At ten times the province, `people` held 646 MB this way round, and `people
//! --json` 280 MB at its peak (reading each person again from the store after the sort took 2.5
//! times as long).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};

use crate::i18n::tf;
use crate::search::pinyin::sort_key;

/// A record's place: its name's sort key (reading, then name) in one allocation, and where its
/// output lies in the scratch file.
struct Place {
    key: Box<[u8]>,
    reading_len: usize,
    at: u64,
    len: usize,
}

impl Place {
    fn key(&self) -> (&[u8], &[u8]) {
        self.key.split_at(self.reading_len)
    }
}

/// Outputs gathered in the order read, to be given back by name.
pub struct ByName {
    dir: PathBuf,
    written: BufWriter<File>,
    places: Vec<Place>,
    at: u64,
}

impl ByName {
    pub fn new(dir: &Path) -> Result<ByName> {
        let file = tempfile::tempfile_in(dir).wrap_err_with(|| scratch_failed(dir))?;
        Ok(ByName {
            dir: dir.to_path_buf(),
            written: BufWriter::new(file),
            places: Vec::new(),
            at: 0,
        })
    }

    pub fn push(&mut self, name: &str, output: &[u8]) -> Result<()> {
        self.written
            .write_all(output)
            .wrap_err_with(|| scratch_failed(&self.dir))?;
        let (reading, name) = sort_key(name);
        self.places.push(Place {
            reading_len: reading.len(),
            key: [reading.as_bytes(), name.as_bytes()]
                .concat()
                .into_boxed_slice(),
            at: self.at,
            len: output.len(),
        });
        self.at += output.len() as u64;
        Ok(())
    }

    /// The outputs sorted by name; ties stay in the order they were read.
    pub fn sorted(self) -> Result<Sorted> {
        let ByName {
            dir,
            written,
            mut places,
            ..
        } = self;
        let file = written
            .into_inner()
            .map_err(|e| e.into_error())
            .wrap_err_with(|| scratch_failed(&dir))?;
        places.sort_by(|a, b| a.key().cmp(&b.key()));
        Ok(Sorted { dir, file, places })
    }
}

pub struct Sorted {
    dir: PathBuf,
    file: File,
    places: Vec<Place>,
}

impl Sorted {
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// Each output, by name, read back from the scratch file.
    pub fn each(&self) -> impl Iterator<Item = Result<Vec<u8>>> + '_ {
        self.places.iter().map(|place| {
            let mut output = vec![0; place.len];
            crate::file_at::read_exact_at(&self.file, &mut output, place.at)
                .wrap_err_with(|| scratch_failed(&self.dir))?;
            Ok(output)
        })
    }
}

fn scratch_failed(dir: &Path) -> String {
    tf("cli.store.scratch_failed", &[("dir", &dir.display())])
}
