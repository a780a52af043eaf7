//! A PDF written out as it is drawn: each page's content is compressed and written as soon as
//! the page is done, and only what the end of the file needs is kept meanwhile (where each object
//! starts, the pages' numbers, the glyphs used). The font goes in last, as a subset of the glyphs
//! the pages used, so a document of 20,000 pages holds no more than one of 20.
//!
//! One font, as a CID font (Identity-H, two bytes a glyph) with a ToUnicode map, so the text can
//! be searched and copied. Drawing is text (filled, or filled and stroked to look heavier) and
//! the borders of boxes; places are given from the top left in points, as the layout works.

use std::collections::HashMap;
use std::io::Write;

use color_eyre::eyre::{eyre, Result};
use flate2::write::ZlibEncoder;
use flate2::Compression;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str, TextStr};
use subsetter::GlyphRemapper;
use ttf_parser::{Face, Tag};

use super::font::PdfFont;

const FONT: Name = Name(b"F0");
/// A CID font's widths are in thousandths of the text size whatever the font's own units.
const PDF_EM: f32 = 1000.0;
const SYSTEM_INFO: SystemInfo = SystemInfo {
    registry: Str(b"Adobe"),
    ordering: Str(b"Identity"),
    supplement: 0,
};

/// What the file says about itself.
pub(super) struct Info<'a> {
    pub title: &'a str,
    pub author: &'a str,
}

/// The glyphs the pages used, numbered in the order met: the number is the glyph's CID in the
/// embedded subset.
struct Glyphs<'f> {
    face: Face<'f>,
    font: &'f PdfFont,
    remapper: GlyphRemapper,
    /// The character each CID was first drawn for, for the ToUnicode map.
    chars: HashMap<u16, char>,
    /// Each CID's advance in PDF units, indexed by CID.
    widths: Vec<f32>,
}

impl<'f> Glyphs<'f> {
    fn new(font: &'f PdfFont) -> Result<Glyphs<'f>> {
        let face = font
            .face()
            .ok_or_else(|| eyre!("{}: not a font", font.path.display()))?;
        let mut glyphs = Glyphs {
            face,
            font,
            remapper: GlyphRemapper::new(),
            chars: HashMap::new(),
            widths: Vec::new(),
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
        }
        cid
    }

    /// `text` as the two-byte CIDs a content stream shows.
    fn encode(&mut self, text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for c in text.chars() {
            let glyph = self.face.glyph_index(c).map_or(0, |g| g.0);
            let cid = self.cid(glyph);
            if glyph != 0 {
                self.chars.entry(cid).or_insert(c);
            }
            out.extend_from_slice(&cid.to_be_bytes());
        }
        out
    }

    fn is_cff(&self) -> bool {
        self.face
            .raw_face()
            .table(Tag::from_bytes(b"CFF "))
            .is_some()
    }

    /// The font's name in the file: a tag that differs with the subset, then its own name.
    fn base_name(&self) -> String {
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
        for cid in 0..self.remapper.num_gids() {
            hash.update(&self.widths[usize::from(cid)].to_le_bytes());
        }
        hash.update(&u32::from(self.remapper.num_gids()).to_le_bytes());
        let tag: String = hash.finalize().as_bytes()[..6]
            .iter()
            .map(|b| char::from(b'A' + b % 26))
            .collect();
        format!("{tag}+{own}")
    }
}

/// Where a page is drawn: its content so far and the glyphs it adds to the document's.
pub(super) struct Canvas<'p, 'f> {
    content: Content,
    glyphs: &'p mut Glyphs<'f>,
    height: f64,
}

impl Canvas<'_, '_> {
    /// `text` at `size` points, its baseline `baseline` points from the top of the page;
    /// `heavy` strokes the outlines a little as well, for a bold look with one face.
    pub(super) fn text(&mut self, x: f64, baseline: f64, size: f64, text: &str, heavy: bool) {
        if text.is_empty() {
            return;
        }
        let shown = self.glyphs.encode(text);
        let c = &mut self.content;
        c.save_state();
        if heavy {
            c.set_line_width((size / 40.0) as f32);
        }
        c.begin_text();
        if heavy {
            c.set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        c.set_font(FONT, size as f32);
        let y = self.height - baseline;
        c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x as f32, y as f32]);
        c.show(Str(&shown));
        c.end_text();
        c.restore_state();
    }

    /// The borders of boxes given as (left, top, width, height), `width` points thick.
    pub(super) fn boxes(&mut self, boxes: &[(f64, f64, f64, f64)], width: f32) {
        if boxes.is_empty() {
            return;
        }
        let c = &mut self.content;
        c.set_line_width(width);
        for &(x, top, w, h) in boxes {
            c.rect(x as f32, (self.height - top - h) as f32, w as f32, h as f32);
        }
        c.stroke();
    }
}

/// A PDF being written to `out`.
pub(super) struct PdfFile<'f, W: Write> {
    out: W,
    written: u64,
    /// Where each object starts, by its number less one.
    starts: Vec<Option<u64>>,
    glyphs: Glyphs<'f>,
    tree: Ref,
    font: Ref,
    pages: Vec<Ref>,
}

impl<'f, W: Write> PdfFile<'f, W> {
    pub(super) fn new(out: W, font: &'f PdfFont) -> Result<PdfFile<'f, W>> {
        let mut file = PdfFile {
            out,
            written: 0,
            starts: Vec::new(),
            glyphs: Glyphs::new(font)?,
            tree: Ref::new(1),
            font: Ref::new(1),
            pages: Vec::new(),
        };
        file.tree = file.reserve();
        file.font = file.reserve();
        // The second line's high bytes tell transfer programs the file is binary.
        file.put(b"%PDF-1.7\n%\x80\x80\x80\x80\n")?;
        Ok(file)
    }

    fn reserve(&mut self) -> Ref {
        self.starts.push(None);
        Ref::new(self.starts.len() as i32)
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        // Passed on bare, so the caller can say which file could not be written and why.
        self.out.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Writes the one object `chunk` holds, numbered `id`.
    fn object(&mut self, id: Ref, chunk: &Chunk) -> Result<()> {
        let slot = usize::try_from(id.get() - 1).map_err(|_| eyre!("PDF object {id:?}"))?;
        self.starts[slot] = Some(self.written);
        self.put(chunk.as_bytes())
    }

    /// Draws a page `width` by `height` points and writes it out.
    pub(super) fn page(
        &mut self,
        width: f64,
        height: f64,
        draw: impl FnOnce(&mut Canvas) -> Result<()>,
    ) -> Result<()> {
        let mut canvas = Canvas {
            content: Content::new(),
            glyphs: &mut self.glyphs,
            height,
        };
        draw(&mut canvas)?;
        let content = deflated(&canvas.content.finish())?;
        let content_id = self.reserve();
        let mut chunk = Chunk::new();
        chunk
            .stream(content_id, &content)
            .filter(Filter::FlateDecode);
        self.object(content_id, &chunk)?;
        let page_id = self.reserve();
        let mut chunk = Chunk::new();
        let mut page = chunk.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, width as f32, height as f32))
            .parent(self.tree)
            .contents(content_id);
        page.resources().fonts().pair(FONT, self.font);
        page.finish();
        self.object(page_id, &chunk)?;
        self.pages.push(page_id);
        Ok(())
    }

    /// Writes the font, the page tree, the catalog and the cross-reference table, and gives back
    /// what the file was written to.
    pub(super) fn finish(mut self, info: &Info) -> Result<W> {
        self.embed_font()?;
        let mut chunk = Chunk::new();
        chunk
            .pages(self.tree)
            .kids(self.pages.iter().copied())
            .count(self.pages.len() as i32);
        self.object(self.tree, &chunk)?;
        let info_id = self.reserve();
        let mut chunk = Chunk::new();
        let mut about = chunk.indirect(info_id).start::<DocumentInfo>();
        if !info.title.is_empty() {
            about.title(TextStr(info.title));
        }
        if !info.author.is_empty() {
            about.author(TextStr(info.author));
        }
        about.creator(TextStr("peixun"));
        about.finish();
        self.object(info_id, &chunk)?;
        let catalog_id = self.reserve();
        let mut chunk = Chunk::new();
        chunk
            .indirect(catalog_id)
            .start::<Catalog>()
            .pages(self.tree)
            .lang(TextStr("zh-CN"));
        self.object(catalog_id, &chunk)?;

        let xref = self.written;
        let mut table = format!("xref\n0 {}\n0000000000 65535 f\r\n", self.starts.len() + 1);
        for start in &self.starts {
            match start {
                Some(at) => table.push_str(&format!("{at:010} 00000 n\r\n")),
                None => return Err(eyre!("PDF: an object was numbered and not written")),
            }
        }
        table.push_str(&format!(
            "trailer\n<< /Size {} /Root {} 0 R /Info {} 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.starts.len() + 1,
            catalog_id.get(),
            info_id.get(),
        ));
        self.put(table.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// The font as a Type 0 font over a CID font of the glyphs used, with its program (TrueType
    /// outlines, or the bare CFF program for CFF outlines) and its ToUnicode map.
    fn embed_font(&mut self) -> Result<()> {
        let g = &self.glyphs;
        let path = g.font.path.display();
        let subset = subsetter::subset(&g.font.data, g.font.index, &g.remapper)
            .map_err(|e| eyre!("{path}: the font could not be subset: {e:?}"))?;
        let cff = g.is_cff();
        let program = if cff {
            let face = ttf_parser::RawFace::parse(&subset, 0)
                .map_err(|e| eyre!("{path}: the font's subset: {e}"))?;
            face.table(Tag::from_bytes(b"CFF "))
                .ok_or_else(|| eyre!("{path}: the font's subset has no CFF program"))?
                .to_vec()
        } else {
            subset
        };
        let program = deflated(&program)?;
        let base = g.base_name();
        let face = &g.face;
        let bbox = face.global_bounding_box();
        let ascent = g.to_pdf(f32::from(face.ascender()));
        let descent = g.to_pdf(f32::from(face.descender()));
        let cap = face
            .capital_height()
            .map_or(ascent, |h| g.to_pdf(f32::from(h)));
        let widths = g.widths.clone();
        let mut cmap = UnicodeCmap::new(Name(b"Custom"), SYSTEM_INFO);
        let mut mapped: Vec<(&u16, &char)> = g.chars.iter().collect();
        mapped.sort_unstable();
        for (cid, c) in mapped {
            cmap.pair(*cid, *c);
        }
        let cmap = cmap.finish();
        let font_bbox = Rect::new(
            g.to_pdf(f32::from(bbox.x_min)),
            g.to_pdf(f32::from(bbox.y_min)),
            g.to_pdf(f32::from(bbox.x_max)),
            g.to_pdf(f32::from(bbox.y_max)),
        );

        let cid_id = self.reserve();
        let descriptor_id = self.reserve();
        let cmap_id = self.reserve();
        let program_id = self.reserve();

        let mut chunk = Chunk::new();
        let type0_name = if cff {
            format!("{base}-Identity-H")
        } else {
            base.clone()
        };
        chunk
            .type0_font(self.font)
            .base_font(Name(type0_name.as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid_id)
            .to_unicode(cmap_id);
        self.object(self.font, &chunk)?;

        let mut chunk = Chunk::new();
        let mut cid = chunk.cid_font(cid_id);
        cid.subtype(if cff {
            CidFontType::Type0
        } else {
            CidFontType::Type2
        })
        .base_font(Name(base.as_bytes()))
        .system_info(SYSTEM_INFO)
        .font_descriptor(descriptor_id)
        .default_width(0.0);
        if !cff {
            cid.cid_to_gid_map_predefined(Name(b"Identity"));
        }
        cid.widths().consecutive(0, widths);
        cid.finish();
        self.object(cid_id, &chunk)?;

        let mut chunk = Chunk::new();
        let mut descriptor = chunk.font_descriptor(descriptor_id);
        descriptor
            .name(Name(base.as_bytes()))
            .flags(FontFlags::SYMBOLIC)
            .bbox(font_bbox)
            .italic_angle(0.0)
            .ascent(ascent)
            .descent(descent)
            .cap_height(cap)
            .stem_v(80.0);
        if cff {
            descriptor.font_file3(program_id);
        } else {
            descriptor.font_file2(program_id);
        }
        descriptor.finish();
        self.object(descriptor_id, &chunk)?;

        let mut chunk = Chunk::new();
        chunk.cmap(cmap_id, &cmap);
        self.object(cmap_id, &chunk)?;

        let mut chunk = Chunk::new();
        let mut stream = chunk.stream(program_id, &program);
        stream.filter(Filter::FlateDecode);
        if cff {
            stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        }
        stream.finish();
        self.object(program_id, &chunk)
    }
}

fn deflated(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut z = ZlibEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::default());
    z.write_all(bytes)?;
    Ok(z.finish()?)
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use proptest::prelude::*;

    use super::*;

    fn font() -> &'static PdfFont {
        static FONT: OnceLock<PdfFont> = OnceLock::new();
        FONT.get_or_init(|| {
            super::super::font::find(None).expect("a Chinese font (CI installs one)")
        })
    }

    fn written(pages: &[&[&str]]) -> Vec<u8> {
        let mut pdf = PdfFile::new(Vec::new(), font()).unwrap();
        for lines in pages {
            pdf.page(595.0, 842.0, |canvas| {
                for (i, line) in lines.iter().enumerate() {
                    canvas.text(40.0, 60.0 + 20.0 * i as f64, 12.0, line, i == 0);
                }
                canvas.boxes(&[(30.0, 40.0, 500.0, 300.0)], 0.5);
                Ok(())
            })
            .unwrap();
        }
        let info = Info {
            title: "标题",
            author: "鄂州市",
        };
        pdf.finish(&info).unwrap()
    }

    /// Each object the cross-reference table lists, checked to start where it says.
    fn check_cross_references(pdf: &[u8]) {
        let marker = b"startxref\n";
        let at = pdf
            .windows(marker.len())
            .rposition(|w| w == marker)
            .unwrap();
        let tail = std::str::from_utf8(&pdf[at + marker.len()..]).unwrap();
        let xref: usize = tail.lines().next().unwrap().parse().unwrap();
        // From the table on, the file is plain ASCII.
        let table = std::str::from_utf8(&pdf[xref..]).unwrap();
        assert!(
            table.starts_with("xref\n0 "),
            "startxref points at the table"
        );
        let count: usize = table.lines().nth(1).unwrap()[2..].parse().unwrap();
        assert!(table.contains(&format!("/Size {count}")));
        let first = table.match_indices('\n').nth(1).unwrap().0 + 1;
        let entries = &table[first..first + 20 * count];
        for number in 1..count {
            let entry = &entries[20 * number..20 * (number + 1)];
            assert!(entry.ends_with(" 00000 n\r\n"), "entry {number}: {entry:?}");
            let at: usize = entry[..10].parse().unwrap();
            let object = format!("{number} 0 obj");
            assert_eq!(
                &pdf[at..at + object.len()],
                object.as_bytes(),
                "object {number}"
            );
        }
    }

    #[test]
    fn every_object_starts_where_the_cross_reference_table_says() {
        let pdf = written(&[&["鄂州市企业联络清单", "第 1 页"], &["Ab12 华容区"], &[]]);
        assert!(pdf.starts_with(b"%PDF-1.7\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        check_cross_references(&pdf);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "three pages in the tree");
    }

    #[test]
    fn the_font_holds_the_glyphs_drawn_and_no_others() {
        let mut glyphs = Glyphs::new(font()).unwrap();
        let shown = glyphs.encode("中国中表");
        // .notdef, then 中 国 表 in the order met; 中 again is the same CID.
        assert_eq!(shown, [0, 1, 0, 2, 0, 1, 0, 3]);
        assert_eq!(glyphs.widths.len(), 4);
        assert_eq!(glyphs.chars.len(), 3);
        assert_eq!(glyphs.chars[&2], '国');
        assert!(
            glyphs.widths[1] > 900.0,
            "a Chinese character is about an em wide"
        );
    }

    #[test]
    fn a_character_the_font_lacks_is_drawn_as_its_empty_glyph_and_maps_to_nothing() {
        let mut glyphs = Glyphs::new(font()).unwrap();
        assert_eq!(glyphs.encode("\u{10FFFD}"), [0, 0]);
        assert!(glyphs.chars.is_empty());
        check_cross_references(&written(&[&["\u{10FFFD}中"]]));
    }

    /// Counts what reaches the file, to see when a page is written.
    struct Tally<'a>(&'a std::cell::Cell<usize>);

    impl Write for Tally<'_> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.set(self.0.get() + buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn each_page_is_written_out_when_it_is_drawn() {
        let out = std::cell::Cell::new(0);
        let mut pdf = PdfFile::new(Tally(&out), font()).unwrap();
        let mut after = Vec::new();
        for page in 0..3 {
            pdf.page(595.0, 842.0, |canvas| {
                canvas.text(40.0, 60.0, 12.0, &format!("第 {page} 页 鄂州市"), false);
                Ok(())
            })
            .unwrap();
            after.push(out.get());
        }
        assert!(after[0] > 15 && after[0] < after[1] && after[1] < after[2]);
        pdf.finish(&Info {
            title: "",
            author: "",
        })
        .unwrap();
        assert!(out.get() > after[2], "the font and the tables come last");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn any_text_makes_a_well_formed_file(lines in prop::collection::vec(".{0,12}", 0..4)) {
            let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
            check_cross_references(&written(&[&lines]));
        }
    }
}
