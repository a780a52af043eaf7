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

/// Whether the first `len` bytes of `source` are UTF-8, read a piece at a time.
fn is_utf8(source: &mut impl Read) -> std::io::Result<(bool, u64)> {
    let mut buffer = vec![0; BUFFER];
    let (mut carried, mut len, mut valid) = (0, 0u64, true);
    loop {
        let read = source.read(&mut buffer[carried..])?;
        len += read as u64;
        if read == 0 {
            return Ok((valid && carried == 0, len));
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

/// Where each `\r` and `\n` of the text is, and whether it ends a line (`\n`, or `\r` not
/// followed by `\n`), noted as the CSV reader reads the text through it. Only what the reader
/// has read ahead of the records it gave is kept.
#[derive(Default)]
struct Breaks {
    seen: VecDeque<(u64, bool)>,
    /// A `\r` at the end of a piece: whether it ends a line depends on the next byte.
    pending_cr: Option<u64>,
}

struct Noting<R> {
    inner: R,
    offset: u64,
    breaks: Rc<RefCell<Breaks>>,
}

impl<R: Read> Read for Noting<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        let mut breaks = self.breaks.borrow_mut();
        let Breaks { seen, pending_cr } = &mut *breaks;
        if read == 0 {
            if let Some(at) = pending_cr.take() {
                seen.push_back((at, true));
            }
        }
        for (i, byte) in out[..read].iter().enumerate() {
            let at = self.offset + i as u64;
            if let Some(cr) = pending_cr.take() {
                seen.push_back((cr, *byte != b'\n'));
            }
            match byte {
                b'\n' => seen.push_back((at, true)),
                b'\r' => *pending_cr = Some(at),
                _ => {}
            }
        }
        self.offset += read as u64;
        Ok(read)
    }
}

impl Breaks {
    /// The number of lines ended before the first byte from `from` on that is no line break,
    /// forgetting those breaks.
    fn ended_before_text_from(&mut self, from: u64) -> usize {
        let (mut start, mut ended) = (from, 0);
        while let Some(&(at, ends)) = self.seen.front() {
            if at > start {
                break;
            }
            if at == start {
                start += 1;
            }
            ended += usize::from(ends);
            self.seen.pop_front();
        }
        ended
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
    let (utf8, len) = is_utf8(&mut (&mut source).take(cap + 1)).map_err(unreadable)?;
    if len > cap {
        return Err(user_error(tf(
            "cli.input_file.too_large",
            &[
                ("file", &path.display()),
                ("size", &len.div_ceil(1 << 20)),
                ("cap", &(cap >> 20)),
            ],
        )));
    }
    source.seek(SeekFrom::Start(0)).map_err(unreadable)?;
    let mut head = [0; 3];
    let head_len = (&mut source).take(3).read(&mut head).map_err(unreadable)?;
    let skip = if head[..head_len] == *BOM { 3 } else { 0 };
    source.seek(SeekFrom::Start(skip)).map_err(unreadable)?;
    let source = source.take(len - skip);
    let text: Box<dyn Read> = if utf8 {
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
    Ok(std::iter::from_fn(move || {
        let record = match records.next()? {
            Ok(record) => record,
            Err(e) => {
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
    fn a_file_past_the_cap_is_refused() {
        let error = records(Cursor::new(vec![b'a'; 100]), Path::new("大.csv"), 10)
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("大.csv")));
    }
}
