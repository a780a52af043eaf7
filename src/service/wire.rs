//! What peixuns say to the store service: length-prefixed postcard frames, one request from the
//! client, then the service's replies until the last.

use std::io::{self, Read, Write};

use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// No frame is larger: a command's output arrives in pieces, and a request is a command line.
pub const MAX_FRAME: usize = 16 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Run a command line (the program's name first, paths made absolute) with the caller's
    /// language. With `input`, the command reads standard input, which follows in `Input`
    /// frames as the sender reads it, then `InputEnd`.
    Run {
        args: Vec<String>,
        english: bool,
        input: bool,
        /// The folder the sender was started in: default file names go there.
        folder: String,
    },
    /// Who is connected.
    Who,
    /// Show the interface on the sender's terminal, this size; `today` as `--today` gives it.
    Interface {
        english: bool,
        today: Option<String>,
        cols: u16,
        rows: u16,
        /// The folder the sender was started in: paths typed there are relative to it.
        folder: String,
        /// The sender's terminal (`/dev/pts/3`), for `peixun who`.
        terminal: String,
    },
    /// A key pressed on the visiting terminal, as the interface encodes it.
    Key(Vec<u8>),
    /// The visiting terminal's new size.
    Resize { cols: u16, rows: u16 },
    /// A stop signal reached the visiting peixun.
    Stop,
    /// The next bytes of a command's standard input.
    Input(Vec<u8>),
    /// The end of a command's standard input.
    InputEnd,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    /// The request is being handled: the first reply to every request. A sender that sees
    /// the connection close before this knows nothing was done, and may do it itself.
    Started,
    Out(Vec<u8>),
    Err(Vec<u8>),
    /// The command's exit status: the last reply to `Run`.
    Exit(u8),
    /// The answer to `Who`.
    Clients(Vec<Client>),
    /// Bytes for the visiting terminal.
    Screen(Vec<u8>),
    /// The holder is closing: the visitor may take the store over, and open its interface
    /// where it was (what the interface encodes).
    HostLeft(Vec<u8>),
}

/// A peixun connected to the service, as `peixun who` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub pid: u32,
    pub since_ms: i64,
    /// What it asked for: its command line, or a question.
    pub doing: String,
}

pub fn write_frame<T: Serialize>(to: &mut impl Write, value: &T) -> io::Result<()> {
    let body = postcard::to_stdvec(value).map_err(io::Error::other)?;
    if body.len() > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "frame too large",
        ));
    }
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_le_bytes());
    frame.extend_from_slice(&body);
    to.write_all(&frame)?;
    to.flush()
}

/// The next frame, or `None` where the other side closed between frames.
pub fn read_frame<T: DeserializeOwned>(from: &mut impl Read) -> io::Result<Option<T>> {
    let mut length = [0u8; 4];
    match from.read_exact(&mut length) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let length = u32::from_le_bytes(length) as usize;
    if length > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {length} bytes is over the limit"),
        ));
    }
    let mut body = vec![0u8; length];
    from.read_exact(&mut body)?;
    postcard::from_bytes(&body)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn frames_round_trip() {
        let mut bytes = Vec::new();
        let request = Request::Run {
            args: vec![
                "peixun".into(),
                "due".into(),
                "--data-dir".into(),
                "/tmp/数据".into(),
            ],
            english: false,
            input: true,
            folder: "/home/zm".into(),
        };
        write_frame(&mut bytes, &request).unwrap();
        write_frame(&mut bytes, &Reply::Exit(2)).unwrap();
        let mut reader = bytes.as_slice();
        assert_eq!(read_frame::<Request>(&mut reader).unwrap(), Some(request));
        assert_eq!(
            read_frame::<Reply>(&mut reader).unwrap(),
            Some(Reply::Exit(2))
        );
        assert_eq!(read_frame::<Reply>(&mut reader).unwrap(), None);
    }

    #[test]
    fn an_oversized_length_is_refused_before_anything_is_allocated() {
        let bytes = u32::MAX.to_le_bytes();
        let error = read_frame::<Reply>(&mut bytes.as_slice()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    }

    proptest! {
        /// Whatever arrives on the socket, reading it ends in a frame, the end, or an error.
        #[test]
        fn any_bytes_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
            let mut reader = bytes.as_slice();
            for _ in 0..8 {
                match read_frame::<Request>(&mut reader) {
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
        }

        #[test]
        fn any_reply_round_trips(out in proptest::collection::vec(any::<u8>(), 0..64), code in any::<u8>()) {
            let mut bytes = Vec::new();
            write_frame(&mut bytes, &Reply::Out(out.clone())).unwrap();
            write_frame(&mut bytes, &Reply::Exit(code)).unwrap();
            let mut reader = bytes.as_slice();
            prop_assert_eq!(read_frame::<Reply>(&mut reader).unwrap(), Some(Reply::Out(out)));
            prop_assert_eq!(read_frame::<Reply>(&mut reader).unwrap(), Some(Reply::Exit(code)));
        }
    }
}
