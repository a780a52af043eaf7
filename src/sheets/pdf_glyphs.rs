//! The glyphs a PDF draws, and the font subset that holds them: each glyph is given a CID in
//! the order it is first met, with its width and the character it stands for, and at the end
//! the font is subset to those glyphs and described as the PDF wants it.

use color_eyre::eyre::{eyre, Result};
use pdf_writer::types::{FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Chunk, Finish, Name, Rect, Ref, Str};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, Tag};
use unicode_width::UnicodeWidthChar;

use super::font::PdfFont;

/// A CID font's widths are in thousandths of the text size whatever the font's own units.
const PDF_EM: f32 = 1000.0;
pub(super) const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// Whether `c` is drawn at all. Variation selectors and zero-width joiners and spaces only
/// change how a neighbour is shaped; drawn alone they would each be an empty box.
fn is_drawn(c: char) -> bool {
    !matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}') && !crate::text::is_unseen(c)
}

/// The glyph `face` draws `c` with, or none when `c` is not drawn: a variation selector, a
/// zero-width character, or a combining mark the font lacks (left out rather than drawn as a
/// box beside its letter). Any other character the font lacks is the empty glyph, 0. Drawing
/// and measuring both go by this, so the layout measures what is drawn.
pub(super) fn glyph_drawn(face: &Face, c: char) -> Option<u16> {
    if !is_drawn(c) {
        return None;
    }
    match face.glyph_index(c) {
        Some(glyph) => Some(glyph.0),
        None if is_mark(c) => None,
        None => Some(0),
    }
}

/// Whether `c` is a combining mark, set on the letter before it.
fn is_mark(c: char) -> bool {
    c.width() == Some(0)
}

/// Whether `c` may name the glyph it is drawn with in the ToUnicode map. Radicals and
/// compatibility ideographs look like (and are drawn with) a common ideograph's glyph: named by
/// them, every 一 after a ⼀ would copy as ⼀ in a reader that ignores ActualText.
fn names_its_glyph(c: char) -> bool {
    !matches!(c, '\u{2E80}'..='\u{2FDF}' | '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}')
}

/// Text as a content stream shows it.
pub(super) struct Encoded {
    /// Two bytes a glyph.
    pub cids: Vec<u8>,
    /// The glyphs (by place) that are combining marks, each with how far left to draw it.
    pub marks: Vec<(usize, f32)>,
    /// Whether the ToUnicode map gives the text back.
    pub exact: bool,
}

/// The glyphs the pages used, numbered in the order met: the number is the glyph's CID in the
/// embedded subset.
pub(super) struct Glyphs<'f> {
    face: Face<'f>,
    font: &'f PdfFont,
    remapper: GlyphRemapper,
    /// Each CID's advance in PDF units, indexed by CID.
    pub(super) widths: Vec<f32>,
    /// The character each CID was first drawn for, for the ToUnicode map, indexed by CID.
    chars: Vec<Option<char>>,
}

impl<'f> Glyphs<'f> {
    pub(super) fn new(font: &'f PdfFont) -> Result<Glyphs<'f>> {
        let face = font
            .face()
            .ok_or_else(|| eyre!("{}: not a font", font.path.display()))?;
        let mut glyphs = Glyphs {
            face,
            font,
            remapper: GlyphRemapper::new(),
            widths: Vec::new(),
            chars: Vec::new(),
        };
        // .notdef is CID 0 in every subset.
        glyphs.cid(0);
        Ok(glyphs)
    }

    fn to_pdf(&self, units: f32) -> f32 {
        units / f32::from(self.face.units_per_em()) * PDF_EM
    }

    fn cid(&mut self, glyph: u16) -> u16 {
        let cid = self.remapper.remap(glyph);
        if usize::from(cid) >= self.widths.len() {
            let advance = self
                .face
                .glyph_hor_advance(ttf_parser::GlyphId(glyph))
                .unwrap_or(0);
            self.widths.push(self.to_pdf(f32::from(advance)));
            self.chars.push(None);
        }
        cid
    }

    /// `text` as the two-byte CIDs a content stream shows, and whether the ToUnicode map gives
    /// `text` back from them. It does not when a character is not drawn, when the font lacks
    /// it (it is drawn as the empty glyph), when it is a radical drawn with an ideograph's
    /// glyph, or when its glyph was first drawn for another character.
    pub(super) fn encode(&mut self, text: &str) -> Encoded {
        let mut out = Encoded {
            cids: Vec::with_capacity(text.len() * 2),
            marks: Vec::new(),
            exact: true,
        };
        let mut before = None;
        for c in text.chars() {
            let Some(glyph) = glyph_drawn(&self.face, c) else {
                out.exact = false;
                continue;
            };
            let cid = self.cid(glyph);
            let named = &mut self.chars[usize::from(cid)];
            if glyph != 0 && names_its_glyph(c) {
                named.get_or_insert(c);
            }
            out.exact &= *named == Some(c);
            match before {
                Some(base) if is_mark(c) => {
                    out.marks
                        .push((out.cids.len() / 2, self.mark_shift(base, glyph)));
                }
                _ => before = Some(glyph),
            }
            out.cids.extend_from_slice(&cid.to_be_bytes());
        }
        out
    }

    /// How far left of where the pen is a combining mark after `base` is drawn, in thousandths
    /// of the text size: over the middle of its base, where shaping would have put it.
    fn mark_shift(&self, base: u16, mark: u16) -> f32 {
        let advance = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(base))
            .unwrap_or(0);
        let centre = self
            .face
            .glyph_bounding_box(ttf_parser::GlyphId(mark))
            .map_or(0.0, |b| (f32::from(b.x_min) + f32::from(b.x_max)) / 2.0);
        self.to_pdf(f32::from(advance) / 2.0 + centre)
    }

    /// The font's name in the file: a tag made from the glyphs in the subset, then its own name.
    pub(super) fn base_name(&self) -> String {
        let own = self
            .face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
            .unwrap_or_else(|| "Font".into());
        let own: String = own
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let mut hash = blake3::Hasher::new();
        for glyph in self.remapper.remapped_gids() {
            hash.update(&glyph.to_le_bytes());
        }
        let tag: String = hash.finalize().as_bytes()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect();
        format!("{tag}+{own}")
    }

    /// The subset's program and whether it is CFF (embedded bare, as FontFile3) rather than
    /// TrueType (embedded whole, as FontFile2). A variable font is subset at its default
    /// instance; CFF2 outlines come out as TrueType.
    pub(super) fn program(&self) -> Result<(Vec<u8>, bool)> {
        let path = self.font.path.display();
        let subset = subsetter::subset_with_variations(
            &self.font.data,
            self.font.index,
            &[],
            &self.remapper,
        )
        .map_err(|e| eyre!("{path}: the font could not be subset ({e})"))?;
        let face = ttf_parser::RawFace::parse(&subset, 0)
            .map_err(|e| eyre!("{path}: the font's subset could not be read ({e})"))?;
        match face.table(Tag::from_bytes(b"CFF ")) {
            Some(cff) => Ok((cff.to_vec(), true)),
            None => Ok((subset, false)),
        }
    }

    /// The ToUnicode map: each CID drawn for a character, in CID order.
    pub(super) fn to_unicode(&self) -> Vec<u8> {
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        for (cid, c) in self.chars.iter().enumerate() {
            if let (Ok(cid), Some(c)) = (u16::try_from(cid), c) {
                cmap.pair(cid, *c);
            }
        }
        cmap.finish().into_vec()
    }

    /// The font's descriptor, naming `program` as its outlines.
    pub(super) fn descriptor(&self, id: Ref, base: &str, program: Ref, cff: bool) -> Chunk {
        let face = &self.face;
        let bbox = face.global_bounding_box();
        let ascent = self.to_pdf(f32::from(face.ascender()));
        let mut flags = FontFlags::SYMBOLIC;
        if base.contains("Serif") {
            flags |= FontFlags::SERIF;
        }
        let mut chunk = Chunk::new();
        let mut descriptor = chunk.font_descriptor(id);
        descriptor
            .name(Name(base.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                self.to_pdf(f32::from(bbox.x_min)),
                self.to_pdf(f32::from(bbox.y_min)),
                self.to_pdf(f32::from(bbox.x_max)),
                self.to_pdf(f32::from(bbox.y_max)),
            ))
            .italic_angle(face.italic_angle())
            .ascent(ascent)
            .descent(self.to_pdf(f32::from(face.descender())))
            .cap_height(
                face.capital_height()
                    .map_or(ascent, |h| self.to_pdf(f32::from(h))),
            )
            // Fonts do not say their stems' width; this is the usual estimate from the weight.
            .stem_v(10.0 + 0.244 * (f32::from(face.weight().to_number()) - 50.0));
        if cff {
            descriptor.font_file3(program);
        } else {
            descriptor.font_file2(program);
        }
        descriptor.finish();
        chunk
    }
}

#[cfg(test)]
mod tests {
    use super::super::pdf_file::{Info, PdfFile};
    use super::*;

    fn font() -> PdfFont {
        crate::sheets::font::find(None).expect("a Chinese font (CI installs one)")
    }

    /// A TrueType and a CFF font as Debian installs them (`.ci/run` installs both).
    fn fonts_of_each_kind() -> Vec<(PdfFont, bool)> {
        let font = |path: &str| {
            crate::sheets::font::find(Some(path.as_ref()))
                .expect("fonts-wqy-microhei and fonts-noto-cjk")
        };
        vec![
            (
                font("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
                false,
            ),
            (
                font("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
                true,
            ),
        ]
    }

    #[test]
    fn the_font_holds_the_glyphs_drawn_and_no_others() {
        for (font, cff) in fonts_of_each_kind() {
            let mut glyphs = Glyphs::new(&font).unwrap();
            // .notdef, then 中 国 表 in the order met; 中 again is the same CID.
            let shown = glyphs.encode("中国中表");
            assert_eq!(
                (shown.cids, shown.exact),
                (vec![0, 1, 0, 2, 0, 1, 0, 3], true)
            );
            assert_eq!(glyphs.widths.len(), 4);
            assert_eq!(glyphs.chars, [None, Some('中'), Some('国'), Some('表')]);
            assert!(
                glyphs.widths[1] > 900.0,
                "a Chinese character is about an em wide"
            );
            let cmap = String::from_utf8(glyphs.to_unicode()).unwrap();
            assert!(cmap.contains("<0001> <4E2D>"), "{cmap}");
            let (program, is_cff) = glyphs.program().unwrap();
            assert_eq!(is_cff, cff, "{}", font.path.display());
            if cff {
                assert_eq!(program[0], 1, "a bare CFF program, version 1");
            } else {
                // The parts of composite glyphs come along, after the glyphs drawn.
                let glyphs = Face::parse(&program, 0).unwrap().number_of_glyphs();
                assert!((4..50).contains(&glyphs), "{glyphs} glyphs");
            }
            let mut pdf = PdfFile::new(Vec::new(), &font).unwrap();
            pdf.page(595.0, 842.0, |c| c.text(40.0, 60.0, 12.0, "中国", false))
                .unwrap();
            let info = Info {
                title: "",
                author: "",
            };
            let pdf = String::from_utf8_lossy(&pdf.finish(&info).unwrap()).into_owned();
            if cff {
                assert!(pdf.contains("/FontFile3") && pdf.contains("/CIDFontType0C"));
            } else {
                assert!(pdf.contains("/FontFile2") && pdf.contains("/CIDToGIDMap /Identity"));
            }
        }
    }

    #[test]
    fn a_combining_mark_is_moved_back_over_the_middle_of_its_letter() {
        for (font, _) in fonts_of_each_kind() {
            let mut glyphs = Glyphs::new(&font).unwrap();
            let shown = glyphs.encode("Cafe\u{301}s");
            assert_eq!(shown.cids.len(), 12);
            assert!(shown.exact, "the accent copies as itself");
            let [(at, shift)] = shown.marks[..] else {
                panic!("{:?}", shown.marks)
            };
            assert_eq!(at, 4, "the accent is the fifth glyph");
            // Back at least half of the e, and not past its start.
            let e = glyphs.widths[usize::from(shown.cids[7])];
            assert!(shift > 0.0 && shift < 2.0 * e, "{shift} against {e}");
            assert!(
                glyphs.encode("é").marks.is_empty(),
                "a composed letter is one glyph"
            );
        }
    }

    #[test]
    fn a_radical_never_names_the_glyph_it_is_drawn_with() {
        for (font, _) in fonts_of_each_kind() {
            let mut glyphs = Glyphs::new(&font).unwrap();
            assert!(!glyphs.encode("⼀").exact, "{}", font.path.display());
            assert!(glyphs.encode("一").exact, "一 names its own glyph");
            assert!(!glyphs.chars.contains(&Some('⼀')));
        }
    }

    #[test]
    fn a_character_the_font_lacks_or_that_is_not_drawn_does_not_copy_back() {
        let font = font();
        let mut glyphs = Glyphs::new(&font).unwrap();
        let missing = glyphs.encode("\u{10FFFD}");
        assert_eq!((missing.cids, missing.exact), (vec![0, 0], false));
        assert_eq!(glyphs.chars, [None]);
        let shown = glyphs.encode("葛\u{E0100}");
        assert_eq!(
            (shown.cids.len(), shown.exact),
            (2, false),
            "the selector is not drawn"
        );
        assert!(!is_drawn('\u{200D}') && is_drawn('中'));
    }
}
