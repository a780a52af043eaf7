//! A CSV file read a record at a time: UTF-8 (with or without BOM) when every byte of it is,
//! else GB18030, which also reads GBK. Each record carries the line number a text editor shows
//! for its first line, blank lines and line breaks inside quoted cells counted. Read whole, a
//! file was held three times (its bytes, its text, its cells).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

use color_eyre::eyre::Result;
use encoding_rs::{CoderResult, Decoder};

use crate::error::user_error;
use crate::i18n::tf;

const BOM: &[u8] = b"\xEF\xBB\xBF";
const BUFFER: usize = 64 << 10;

/// What the first reading of a file learns: whether all of it is UTF-8, how long it is, and
/// its hash.
struct FirstReading {
    utf8: bool,
    len: u64,
    hash: blake3::Hash,
}

/// `source` read a piece at a time.
fn first_reading(source: &mut impl Read) -> std::io::Result<FirstReading> {
    let mut buffer = vec![0; BUFFER];
    let mut hasher = blake3::Hasher::new();
    let (mut carried, mut len, mut valid) = (0, 0u64, true);
    loop {
        let read = source.read(&mut buffer[carried..])?;
        hasher.update(&buffer[carried..carried + read]);
        len += read as u64;
        if read == 0 {
            return Ok(FirstReading {
                utf8: valid && carried == 0,
                len,
                hash: hasher.finalize(),
            });
        }
        let filled = carried + read;
        carried = 0;
        if valid {
            if let Err(e) = std::str::from_utf8(&buffer[..filled]) {
                // A character cut by the end of the piece is finished by the next one.
                if e.error_len().is_some() {
                    valid = false;
                } else {
                    let from = e.valid_up_to();
                    buffer.copy_within(from..filled, 0);
                    carried = filled - from;
                }
            }
        }
    }
}

/// GB18030 bytes read as UTF-8.
struct Decoded<R> {
    inner: R,
    decoder: Decoder,
    raw: Vec<u8>,
    start: usize,
    end: usize,
    at_end: bool,
    finished: bool,
}

impl<R: Read> Read for Decoded<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        // A character may take 4 bytes; fewer would never be filled.
        if out.len() < 4 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "decoding into fewer than 4 bytes",
            ));
        }
        while !self.finished {
            if self.start == self.end && !self.at_end {
                self.end = self.inner.read(&mut self.raw)?;
                self.start = 0;
                self.at_end = self.end == 0;
            }
            let (result, read, written, _) =
                self.decoder
                    .decode_to_utf8(&self.raw[self.start..self.end], out, self.at_end);
            self.start += read;
            if self.at_end && result == CoderResult::InputEmpty {
                self.finished = true;
            }
            if written > 0 {
                return Ok(written);
            }
        }
        Ok(0)
    }
}

/// A run of `\r` and `\n` bytes in the text: where it starts and ends, and how many lines it
/// ends (`\n`, or `\r` not followed by `\n`).
#[derive(Debug, Clone, Copy)]
struct Run {
    start: u64,
    end: u64,
    ends: usize,
}

/// The runs of line breaks the CSV reader has read past but not yet given a record after. A
/// run of blank lines is one entry; a record spanning more than `MAX_RUNS` of them (a cell of
/// that many lines) is refused rather than held.
#[derive(Default)]
struct Breaks {
    runs: VecDeque<Run>,
    open: Option<Run>,
    /// The open run's last byte is a `\r`: whether it ends a line depends on the next byte.
    pending_cr: bool,
}

const MAX_RUNS: usize = 100_000;

impl Breaks {
    fn byte(&mut self, at: u64, byte: u8) -> std::io::Result<()> {
        let is_break = matches!(byte, b'\r' | b'\n');
        if std::mem::take(&mut self.pending_cr) && byte != b'\n' {
            if let Some(run) = &mut self.open {
                run.ends += 1;
            }
        }
        if !is_break {
            return self.close();
        }
        let run = self.open.get_or_insert(Run {
            start: at,
            end: at,
            ends: 0,
        });
        run.end = at + 1;
        if byte == b'\n' {
            run.ends += 1;
        } else {
            self.pending_cr = true;
        }
        Ok(())
    }

    fn close(&mut self) -> std::io::Result<()> {
        if let Some(run) = self.open.take() {
            if self.runs.len() >= MAX_RUNS {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    tf("cli.sheets.cell_lines", &[("max", &MAX_RUNS)]),
                ));
            }
            self.runs.push_back(run);
        }
        Ok(())
    }

    fn end_of_text(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.pending_cr) {
            if let Some(run) = &mut self.open {
                run.ends += 1;
            }
        }
        self.close()
    }

    /// The number of lines ended before the first byte from `from` on that is no line break,
    /// forgetting the runs before it.
    fn ended_before_text_from(&mut self, from: u64) -> usize {
        let mut text = from;
        let mut ended = 0;
        while let Some(run) = self.runs.front() {
            if run.start > text {
                break;
            }
            if run.end > text {
                text = run.end;
            }
            ended += run.ends;
            self.runs.pop_front();
        }
        ended
    }
}

/// The text on its way to the CSV reader, its line breaks noted.
struct Noting<R> {
    inner: R,
    offset: u64,
    breaks: Rc<RefCell<Breaks>>,
}

impl<R: Read> Read for Noting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        let mut breaks = self.breaks.borrow_mut();
        if read == 0 {
            breaks.end_of_text()?;
        }
        for (i, byte) in out[..read].iter().enumerate() {
            breaks.byte(self.offset + i as u64, *byte)?;
        }
        self.offset += read as u64;
        Ok(read)
    }
}

/// The file's bytes as they are read, hashed and counted, so that the second reading can tell
/// whether it read what the first one did.
struct Hashing<R> {
    inner: R,
    seen: Rc<RefCell<(blake3::Hasher, u64)>>,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        let mut seen = self.seen.borrow_mut();
        seen.0.update(&out[..read]);
        seen.1 += read as u64;
        Ok(read)
    }
}

/// The records of the CSV text in `source` (its first `len` bytes), each with its line number.
pub fn records(
    mut source: impl Read + Seek + 'static,
    path: &Path,
    cap: u64,
) -> Result<impl Iterator<Item = Result<(usize, Vec<String>)>>> {
    let unreadable = |e: std::io::Error| {
        user_error(tf(
            "cli.input_file.unreadable",
            &[
                ("file", &path.display()),
                ("reason", &crate::error::io_reason(&e)),
            ],
        ))
    };
    let first = first_reading(&mut (&mut source).take(cap + 1)).map_err(unreadable)?;
    if first.len > cap {
        return Err(user_error(tf(
            "cli.input_file.too_large",
            &[
                ("file", &path.display()),
                ("size", &first.len.div_ceil(1 << 20)),
                ("cap", &(cap >> 20)),
            ],
        )));
    }
    source.seek(SeekFrom::Start(0)).map_err(unreadable)?;
    let seen = Rc::new(RefCell::new((blake3::Hasher::new(), 0)));
    let mut source = Hashing {
        inner: source.take(first.len),
        seen: Rc::clone(&seen),
    };
    let mut head = [0; 3];
    let head_len = (&mut source).take(3).read(&mut head).map_err(unreadable)?;
    let head = if head[..head_len] == *BOM {
        &[][..]
    } else {
        &head[..head_len]
    };
    let source = std::io::Cursor::new(head.to_vec()).chain(source);
    let text: Box<dyn Read> = if first.utf8 {
        Box::new(source)
    } else {
        Box::new(BufReader::with_capacity(
            BUFFER,
            Decoded {
                inner: source,
                decoder: encoding_rs::GB18030.new_decoder(),
                raw: vec![0; BUFFER],
                start: 0,
                end: 0,
                at_end: false,
                finished: false,
            },
        ))
    };
    let breaks = Rc::new(RefCell::new(Breaks::default()));
    let reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Noting {
            inner: text,
            offset: 0,
            breaks: Rc::clone(&breaks),
        });
    let path = path.to_path_buf();
    let mut line = 1;
    let mut records = reader.into_records();
    let mut checked = false;
    Ok(std::iter::from_fn(move || {
        let record = match records.next() {
            Some(Ok(record)) => record,
            // Read twice, the file must be the same both times: changed in between, its
            // encoding may have been told from other bytes.
            None if !std::mem::replace(&mut checked, true) => {
                let (hasher, read) = &*seen.borrow();
                return (*read != first.len || hasher.finalize() != first.hash).then(|| {
                    Err(user_error(tf(
                        "cli.sheets.changed_while_read",
                        &[("file", &path.display())],
                    )))
                });
            }
            None => return None,
            Some(Err(e)) => {
                return Some(Err(user_error(tf(
                    "cli.sheets.bad_csv",
                    &[("file", &path.display()), ("row", &line), ("reason", &e)],
                ))))
            }
        };
        // A record's position is where the previous one ended, before any blank lines.
        let from = record.position().map_or(0, csv::Position::byte);
        line += breaks.borrow_mut().ended_before_text_from(from);
        Some(Ok((line, record.iter().map(str::to_string).collect())))
    }))
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    /// The file read whole, as before: the rows the streamed reading must give.
    fn read_whole(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, String> {
        let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
        };
        let bytes = text.as_bytes();
        let line_breaks = |bytes: &[u8]| {
            (0..bytes.len())
                .filter(|&i| {
                    bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
                })
                .count()
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let (mut rows, mut counted_to, mut line) = (Vec::new(), 0, 1);
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            let mut offset = record
                .position()
                .map_or(0, |p| p.byte() as usize)
                .min(bytes.len());
            while matches!(bytes.get(offset), Some(b'\r' | b'\n')) {
                offset += 1;
            }
            line += line_breaks(&bytes[counted_to.min(offset)..offset]);
            counted_to = offset;
            rows.push((line, record.iter().map(str::to_string).collect()));
        }
        Ok(rows)
    }

    fn read_streamed(bytes: &[u8]) -> Result<Vec<(usize, Vec<String>)>, String> {
        records(Cursor::new(bytes.to_vec()), Path::new("x.csv"), 1 << 20)
            .map_err(|e| e.to_string())?
            .collect::<Result<Vec<_>>>()
            .map_err(|e| e.to_string())
    }

    fn text_like() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(b"\r".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b",".to_vec()),
            Just(b"\"".to_vec()),
            Just(BOM.to_vec()),
            Just("张三".as_bytes().to_vec()),
            Just(encoding_rs::GB18030.encode("李四").0.into_owned()),
            Just(b"13800001234".to_vec()),
            any::<u8>().prop_map(|b| vec![b]),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        /// Read a piece at a time, any bytes give the rows, numbers and errors of the file read
        /// whole.
        #[test]
        fn streamed_reading_gives_what_whole_reading_gave(bytes in text_like()) {
            let streamed = read_streamed(&bytes);
            let whole = read_whole(&bytes);
            proptest::prop_assert_eq!(streamed.is_ok(), whole.is_ok());
            if let (Ok(streamed), Ok(whole)) = (streamed, whole) {
                proptest::prop_assert_eq!(streamed, whole);
            }
        }
    }

    #[test]
    fn old_mac_line_ends_number_rows_too() {
        let rows = read_streamed(b"\x00\r\x00\r\rname,phone").unwrap();
        let numbers: Vec<usize> = rows.iter().map(|(n, _)| *n).collect();
        assert_eq!(numbers, [1, 2, 4]);
    }

    #[test]
    fn encodings_are_detected() {
        let text = "姓名,手机\n张三,13800001234\n";
        let want = vec![
            (1, vec!["姓名".to_string(), "手机".to_string()]),
            (2, vec!["张三".to_string(), "13800001234".to_string()]),
        ];
        let (gb, _, _) = encoding_rs::GB18030.encode(text);
        assert_eq!(read_streamed(&gb).unwrap(), want);
        let mut bom = BOM.to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(read_streamed(&bom).unwrap(), want);
        // A rare character GBK lacks survives GB18030.
        let (rare, _, _) = encoding_rs::GB18030.encode("𠮷");
        assert_eq!(read_streamed(&rare).unwrap()[0].1, ["𠮷"]);
    }

    #[test]
    fn a_long_file_is_read_across_pieces_with_its_line_numbers() {
        let mut text = String::from("姓名,手机\r\n");
        for i in 0..20_000 {
            text.push_str(&format!("测试{i},138{i:08}\r\n"));
            if i % 1_000 == 0 {
                text.push_str("\r\n\"多行\n单元格\",1\r\n");
            }
        }
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        assert_eq!(read_streamed(&gb), read_whole(&gb));
        assert_eq!(read_streamed(text.as_bytes()), read_whole(text.as_bytes()));
    }

    #[test]
    fn blank_lines_are_held_as_one_run() {
        let mut breaks = Breaks::default();
        let mut at = 0;
        for byte in b"a,b\r\n".iter().chain(b"\r\n".repeat(1_000_000).iter()) {
            breaks.byte(at, *byte).unwrap();
            at += 1;
        }
        breaks.byte(at, b'c').unwrap();
        assert_eq!(breaks.runs.len(), 1);
        assert_eq!(breaks.ended_before_text_from(5), 1_000_001);
        assert!(breaks.runs.is_empty());
    }

    #[test]
    fn a_record_over_too_many_lines_is_refused_not_held() {
        let mut text = String::from("姓名,手机\n\"");
        text.push_str(&"x\n".repeat(MAX_RUNS + 1));
        text.push_str("\",1\n");
        let error = read_streamed(text.as_bytes()).unwrap_err();
        assert!(error.contains(&MAX_RUNS.to_string()), "{error}");
    }

    /// A file that reads as `first` the first time and as `second` after it is sought back.
    struct Changing {
        first: Cursor<Vec<u8>>,
        second: Cursor<Vec<u8>>,
        sought: bool,
    }

    impl Read for Changing {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.sought {
                self.second.read(out)
            } else {
                self.first.read(out)
            }
        }
    }

    impl Seek for Changing {
        fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
            self.sought = true;
            self.second.seek(to)
        }
    }

    fn read_changing(first: &[u8], second: &[u8]) -> Result<Vec<(usize, Vec<String>)>, String> {
        let changing = Changing {
            first: Cursor::new(first.to_vec()),
            second: Cursor::new(second.to_vec()),
            sought: false,
        };
        records(changing, Path::new("变.csv"), 1 << 20)
            .map_err(|e| e.to_string())?
            .collect::<Result<Vec<_>>>()
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_file_changed_between_its_two_readings_is_refused() {
        let utf8 = "name,phone\n张三,13800001234\n".as_bytes().to_vec();
        let (gb, _, _) = encoding_rs::GB18030.encode("name,phone\n张三丰,13800001234\n");
        assert_eq!(gb.len(), utf8.len(), "same length, other bytes");
        let error = read_changing(&gb, &utf8).unwrap_err();
        assert!(
            error.contains("变.csv") && error.contains("改动"),
            "{error}"
        );
        // An empty file given a BOM and a row in between: read as first found, no panic.
        let mut bom = BOM.to_vec();
        bom.extend_from_slice(b"a,b\n");
        assert_eq!(read_changing(b"", &bom), Ok(Vec::new()));
        // Unchanged, it reads.
        assert_eq!(read_changing(&utf8, &utf8).unwrap().len(), 2);
    }

    #[test]
    fn a_file_past_the_cap_is_refused() {
        let error = records(Cursor::new(vec![b'a'; 100]), Path::new("大.csv"), 10)
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("大.csv")));
    }
}
