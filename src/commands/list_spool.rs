//! Whole-store lists printed in order without holding them: each record's output goes to an
//! unnamed scratch file in the store's folder as it is read, and only its sort key and place stay
//! in memory. At ten times the province, `people` held 646 MB while it kept every row for the
//! sort, and `people --json` 280 MB (reading each person again from the store after the sort
//! took 2.5 times as long).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, WrapErr};

use super::print_table_each;
use crate::i18n::tf;
use crate::search::pinyin::sort_key;

/// A record's place: its sort key, and where its output lies in the scratch file. A key of
/// several parts is kept as the parts joined by a NUL byte, which no part holds (text with
/// control characters is refused at input), so the bytes sort as the parts would in turn.
struct Place {
    key: Box<[u8]>,
    at: u64,
    len: usize,
}

/// Outputs gathered in the order read, to be given back in order.
pub struct ListSpool {
    dir: PathBuf,
    written: BufWriter<File>,
    places: Vec<Place>,
    at: u64,
}

impl ListSpool {
    pub fn new(dir: &Path) -> Result<ListSpool> {
        let file = tempfile::tempfile_in(dir).wrap_err_with(|| scratch_failed(dir))?;
        Ok(ListSpool {
            dir: dir.to_path_buf(),
            written: BufWriter::new(file),
            places: Vec::new(),
            at: 0,
        })
    }

    /// An output to be given back by `name`: its pinyin reading, then the name itself.
    pub fn push(&mut self, name: &str, output: &[u8]) -> Result<()> {
        let (reading, name) = sort_key(name);
        self.push_by(&[reading.as_str(), name.as_str()], output)
    }

    /// An output to be given back in the order of `key`, part by part.
    pub fn push_by(&mut self, key: &[&str], output: &[u8]) -> Result<()> {
        self.written
            .write_all(output)
            .wrap_err_with(|| scratch_failed(&self.dir))?;
        self.places.push(Place {
            key: key.join("\0").into_bytes().into_boxed_slice(),
            at: self.at,
            len: output.len(),
        });
        self.at += output.len() as u64;
        Ok(())
    }

    /// The outputs sorted by their keys; ties stay in the order they were read.
    pub fn sorted(self) -> Result<SortedList> {
        let ListSpool {
            dir,
            written,
            mut places,
            ..
        } = self;
        let file = written
            .into_inner()
            .map_err(|e| e.into_error())
            .wrap_err_with(|| scratch_failed(&dir))?;
        places.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(SortedList { dir, file, places })
    }
}

pub struct SortedList {
    dir: PathBuf,
    file: File,
    places: Vec<Place>,
}

impl SortedList {
    /// Each output in order, read back from the scratch file.
    pub fn each(&self) -> impl Iterator<Item = Result<Vec<u8>>> + '_ {
        self.places.iter().map(|place| {
            let mut output = vec![0; place.len];
            crate::file_at::read_exact_at(&self.file, &mut output, place.at)
                .wrap_err_with(|| scratch_failed(&self.dir))?;
            Ok(output)
        })
    }
}

/// Rows gathered in order, printed as a table.
pub fn print_rows(headers: &[String], sorted: &SortedList) -> Result<()> {
    print_table_each(headers, || {
        Ok(sorted
            .each()
            .map(|row| Ok(postcard::from_bytes::<Vec<String>>(&row?)?)))
    })
}

fn scratch_failed(dir: &Path) -> String {
    tf("cli.store.scratch_failed", &[("dir", &dir.display())])
}
