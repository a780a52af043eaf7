//! Fewer bytes per frame for Chinese screens over SSH.
//!
//! ratatui's crossterm backend moves the cursor explicitly whenever a changed cell is not the one
//! right after the last, which is the case after every wide (CJK) character (the cell it covers
//! is never drawn) and across every unchanged cell. A row of names and enterprises then costs a
//! cursor move (about 8 bytes) per character on top of its 3 UTF-8 bytes, and blanking it a move
//! per character too. This backend is the crossterm backend with two changes:
//! - it knows the cursor went two cells on after a wide character;
//! - it keeps a copy of what the screen shows, and across a short run of unchanged cells in the
//!   current style it prints them again when that is shorter than moving the cursor.
//!
//! Styles are set when they change; the 16 ANSI colours with their classic short codes (which
//! 16-colour terminals also understand), others as crossterm writes them. Each frame ends with
//! styles reset.

use std::io::{self, Write};

use crossterm::cursor::{Hide, MoveTo, Show};
use crossterm::style::{Attribute, Colors, Print, SetAttribute, SetColors};
use crossterm::terminal::{self, Clear};
use crossterm::{execute, queue};
use ratatui::backend::{Backend, ClearType, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// What the terminal shows, as far as this backend wrote it: a cell, or `None` for the column
/// a wide character covers.
#[derive(Default)]
struct Shadow {
    cols: usize,
    cells: Vec<Option<Cell>>,
    /// False after anything whose effect on the screen is not known (a partial clear, lines
    /// appended, a symbol of unsure width): no reprinting until the next full clear.
    valid: bool,
}

impl Shadow {
    fn blank(cols: u16, rows: u16) -> Shadow {
        let cols = usize::from(cols);
        Shadow {
            cols,
            cells: vec![Some(Cell::default()); cols * usize::from(rows)],
            valid: true,
        }
    }

    fn index(&self, x: u16, y: u16) -> Option<usize> {
        let x = usize::from(x);
        (x < self.cols)
            .then(|| usize::from(y) * self.cols + x)
            .filter(|&i| i < self.cells.len())
    }

    /// Records `cell` printed at (x, y) `width` columns wide, with what terminals do to a wide
    /// character partly overwritten: the rest of it is blanked.
    fn put(&mut self, x: u16, y: u16, cell: &Cell, width: Option<u16>) {
        let (Some(i), Some(width)) = (self.index(x, y), width) else {
            self.valid = false;
            return;
        };
        let end = i + usize::from(width);
        let row_end = (i / self.cols + 1) * self.cols;
        if end > row_end {
            self.valid = false;
            return;
        }
        if self.cells[i].is_none() && i % self.cols > 0 {
            self.cells[i - 1] = Some(Cell::default());
        }
        if end < row_end && self.cells[end].is_none() {
            self.cells[end] = Some(Cell::default());
        }
        self.cells[i] = Some(cell.clone());
        for covered in &mut self.cells[i + 1..end] {
            *covered = None;
        }
    }

    /// The bytes that redraw columns `from..to` of row `y` as they are, if they are all in
    /// `pen`'s style and whole characters.
    fn reprint(&self, y: u16, from: u16, to: u16, pen: (Color, Color, Modifier)) -> Option<String> {
        if !self.valid {
            return None;
        }
        let mut out = String::new();
        let mut x = from;
        while x < to {
            let cell = self.cells.get(self.index(x, y)?)?.as_ref()?;
            if (cell.fg, cell.bg, cell.modifier) != pen {
                return None;
            }
            let width = u16::try_from(cell.symbol().width())
                .ok()
                .filter(|w| *w > 0)?;
            out.push_str(cell.symbol());
            x += width;
        }
        (x == to).then_some(out)
    }
}

pub struct CjkBackend<W: Write> {
    writer: W,
    shadow: Shadow,
    /// Where the cursor was last put: ratatui asks for it around a clear (on every resize), and
    /// asking the terminal is a round trip over SSH that some terminals never answer.
    cursor: Position,
    /// The size of a terminal that is not this process's (a visiting peixun's), as it last
    /// said; `None` asks this process's terminal.
    told_size: Option<std::sync::Arc<std::sync::atomic::AtomicU32>>,
}

impl<W: Write> CjkBackend<W> {
    /// A backend for a screen in an unknown state: reprinting starts after the first clear.
    pub fn new(writer: W) -> CjkBackend<W> {
        CjkBackend {
            writer,
            shadow: Shadow {
                valid: false,
                ..Shadow::default()
            },
            cursor: Position::ORIGIN,
            told_size: None,
        }
    }

    /// For a blank screen of this size (the alternate screen when just entered, a fresh
    /// buffer): reprinting works from the first frame.
    pub fn with_size(writer: W, cols: u16, rows: u16) -> CjkBackend<W> {
        CjkBackend {
            writer,
            shadow: Shadow::blank(cols, rows),
            cursor: Position::ORIGIN,
            told_size: None,
        }
    }

    /// For another process's terminal, blank: its size is what `size` holds (`pack_size`).
    pub fn told(writer: W, size: std::sync::Arc<std::sync::atomic::AtomicU32>) -> CjkBackend<W> {
        let (cols, rows) = unpack_size(size.load(std::sync::atomic::Ordering::SeqCst));
        CjkBackend {
            told_size: Some(size),
            ..CjkBackend::with_size(writer, cols, rows)
        }
    }
}

/// A terminal size in one atomic word.
pub fn pack_size(cols: u16, rows: u16) -> u32 {
    (u32::from(cols) << 16) | u32::from(rows)
}

pub fn unpack_size(packed: u32) -> (u16, u16) {
    ((packed >> 16) as u16, (packed & 0xffff) as u16)
}

/// How far the cursor moves printing `cell`, when that is certain: not for zero-width symbols
/// or emoji presentation (VS16), whose width terminals disagree on.
fn advance(cell: &Cell) -> Option<u16> {
    let symbol = cell.symbol();
    let width = u16::try_from(symbol.width()).ok()?;
    (width > 0 && !symbol.contains('\u{FE0F}')).then_some(width)
}

/// Bytes of the cursor move to (x, y): ESC [ row ; col H.
fn move_len(x: u16, y: u16) -> usize {
    let digits = |n: u16| (u32::from(n) + 1).to_string().len();
    4 + digits(x) + digits(y)
}

/// The SGR code of an ANSI colour as foreground (add 10 for background).
fn ansi(color: Color) -> Option<u8> {
    Some(match color {
        Color::Reset => 39,
        Color::Black => 30,
        Color::Red => 31,
        Color::Green => 32,
        Color::Yellow => 33,
        Color::Blue => 34,
        Color::Magenta => 35,
        Color::Cyan => 36,
        Color::Gray => 37,
        Color::DarkGray => 90,
        Color::LightRed => 91,
        Color::LightGreen => 92,
        Color::LightYellow => 93,
        Color::LightBlue => 94,
        Color::LightMagenta => 95,
        Color::LightCyan => 96,
        Color::White => 97,
        _ => return None,
    })
}

/// Sets the colours that changed from (fg, bg) to (to_fg, to_bg).
fn queue_colors(
    w: &mut impl Write,
    (fg, bg): (Color, Color),
    to: (Color, Color),
) -> io::Result<()> {
    match (ansi(to.0), ansi(to.1)) {
        (Some(f), Some(b)) => match (to.0 != fg, to.1 != bg) {
            (true, true) => write!(w, "\x1b[{f};{}m", b + 10),
            (true, false) => write!(w, "\x1b[{f}m"),
            (false, true) => write!(w, "\x1b[{}m", b + 10),
            (false, false) => Ok(()),
        },
        _ => queue!(
            w,
            SetColors(Colors::new(to.0.into_crossterm(), to.1.into_crossterm()))
        ),
    }
}

const ATTRIBUTES: [(Modifier, Attribute); 9] = [
    (Modifier::BOLD, Attribute::Bold),
    (Modifier::DIM, Attribute::Dim),
    (Modifier::ITALIC, Attribute::Italic),
    (Modifier::UNDERLINED, Attribute::Underlined),
    (Modifier::SLOW_BLINK, Attribute::SlowBlink),
    (Modifier::RAPID_BLINK, Attribute::RapidBlink),
    (Modifier::REVERSED, Attribute::Reverse),
    (Modifier::HIDDEN, Attribute::Hidden),
    (Modifier::CROSSED_OUT, Attribute::CrossedOut),
];

impl<W: Write> Backend for CjkBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let w = &mut self.writer;
        let (mut fg, mut bg, mut modifier) = (Color::Reset, Color::Reset, Modifier::empty());
        let mut cursor: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            if cursor != Some((x, y)) {
                let gap = match cursor {
                    Some((cx, cy)) if cy == y && cx < x => {
                        self.shadow.reprint(y, cx, x, (fg, bg, modifier))
                    }
                    _ => None,
                };
                match gap {
                    Some(text) if text.len() < move_len(x, y) => queue!(w, Print(text))?,
                    _ => queue!(w, MoveTo(x, y))?,
                }
            }
            let width = advance(cell);
            cursor = width.and_then(|n| Some((x.checked_add(n)?, y)));
            self.shadow.put(x, y, cell, width);
            if cell.modifier != modifier {
                // Turning one attribute off has no portable code (bold and dim share one), so
                // start from none and set what the cell has, colours included.
                if !(modifier - cell.modifier).is_empty() {
                    queue!(w, SetAttribute(Attribute::Reset))?;
                    (fg, bg) = (Color::Reset, Color::Reset);
                    modifier = Modifier::empty();
                }
                for (flag, attribute) in ATTRIBUTES {
                    if cell.modifier.contains(flag) && !modifier.contains(flag) {
                        queue!(w, SetAttribute(attribute))?;
                    }
                }
                modifier = cell.modifier;
            }
            if cell.fg != fg || cell.bg != bg {
                queue_colors(w, (fg, bg), (cell.fg, cell.bg))?;
                (fg, bg) = (cell.fg, cell.bg);
            }
            queue!(w, Print(cell.symbol()))?;
        }
        // Resets colours as well.
        queue!(w, SetAttribute(Attribute::Reset))
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.shadow.valid = false;
        for _ in 0..n {
            queue!(self.writer, Print("\n"))?;
        }
        self.writer.flush()
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        execute!(self.writer, Hide)
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        execute!(self.writer, Show)
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        Ok(self.cursor)
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.cursor = position.into();
        execute!(self.writer, MoveTo(self.cursor.x, self.cursor.y))
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        let kind = match clear_type {
            ClearType::All => terminal::ClearType::All,
            ClearType::AfterCursor => terminal::ClearType::FromCursorDown,
            ClearType::BeforeCursor => terminal::ClearType::FromCursorUp,
            ClearType::CurrentLine => terminal::ClearType::CurrentLine,
            ClearType::UntilNewLine => terminal::ClearType::UntilNewLine,
        };
        execute!(self.writer, Clear(kind))?;
        self.shadow = match (clear_type, self.size()) {
            (ClearType::All, Ok(size)) => Shadow::blank(size.width, size.height),
            _ => Shadow::default(),
        };
        Ok(())
    }

    fn size(&self) -> io::Result<Size> {
        let (width, height) = match &self.told_size {
            Some(told) => unpack_size(told.load(std::sync::atomic::Ordering::SeqCst)),
            None => terminal::size()?,
        };
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        let size = terminal::window_size()?;
        Ok(WindowSize {
            columns_rows: Size {
                width: size.columns,
                height: size.rows,
            },
            pixels: Size {
                width: size.width,
                height: size.height,
            },
        })
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::backend::CrosstermBackend;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};
    use ratatui::text::Line;
    use ratatui::widgets::Paragraph;
    use ratatui::{Terminal, TerminalOptions, Viewport};

    use super::*;

    /// A writer the test can read after the terminal took it.
    #[derive(Clone, Default)]
    struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);

    impl Write for Shared {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// The bytes of drawing `frames` one after the other, and the screen they leave.
    fn frames(frames: &[&[&str]], cjk: bool) -> (usize, String) {
        let area = Rect::new(0, 0, 60, 4);
        let options = || TerminalOptions {
            viewport: Viewport::Fixed(area),
        };
        let out = Shared::default();
        let draw = |frame: &mut ratatui::Frame, lines: &[&str]| {
            let style = Style::new().fg(Color::Green);
            let lines: Vec<Line> = lines.iter().map(|l| Line::styled(*l, style)).collect();
            frame.render_widget(Paragraph::new(lines), frame.area());
        };
        if cjk {
            let backend = CjkBackend::with_size(out.clone(), 60, 4);
            let mut t = Terminal::with_options(backend, options()).unwrap();
            for lines in frames {
                t.draw(|f| draw(f, lines)).unwrap();
            }
        } else {
            let backend = CrosstermBackend::new(out.clone());
            let mut t = Terminal::with_options(backend, options()).unwrap();
            for lines in frames {
                t.draw(|f| draw(f, lines)).unwrap();
            }
        }
        let bytes = out.0.borrow().clone();
        let mut parser = vt100::Parser::new(4, 60, 0);
        parser.process(&bytes);
        (bytes.len(), parser.screen().contents())
    }

    fn compare(frames_: &[&[&str]]) -> (usize, usize) {
        let (ours, our_screen) = frames(frames_, true);
        let (theirs, their_screen) = frames(frames_, false);
        assert_eq!(our_screen, their_screen);
        let last = frames_.last().unwrap();
        for line in last.iter() {
            assert!(
                our_screen.contains(line),
                "{line} missing from\n{our_screen}"
            );
        }
        (ours, theirs)
    }

    #[test]
    fn the_same_screens_in_fewer_bytes() {
        let row = "张三 鄂州市华宇光电科技有限公司 138****1234";
        // A first frame, a row replaced, rows blanked, a character changed mid-row.
        let (ours, theirs) = compare(&[&[row, row]]);
        assert!(ours * 3 < theirs * 2, "{ours} vs {theirs}");
        let (ours, theirs) = compare(&[&[row, row], &["赵四 湖北洪万农业科技股份有限公司", ""]]);
        assert!(ours * 2 < theirs, "{ours} vs {theirs}");
        let (ours, theirs) = compare(&[&[row, row], &[row, "张三 鄂州市华宇光电技术有限公司"]]);
        assert!(ours <= theirs, "{ours} vs {theirs}");
        let (ours, theirs) = compare(&[&[row], &["a张三", "b"], &["张三x", "西"]]);
        assert!(ours <= theirs, "{ours} vs {theirs}");
    }
}
