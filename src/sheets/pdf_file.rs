//! A PDF written out as it is drawn: each page's content is compressed and written as soon as
//! the page is done, and until the end only what the end of the file needs is kept (where each
//! object starts, the pages' object numbers, the glyphs used). The font goes in last, as a
//! subset of the glyphs the pages used, so a document of 20,000 pages holds no more of its pages
//! than one.
//!
//! One font, as a CID font (Identity-H, two bytes a glyph) with a ToUnicode map, so the text can
//! be searched and copied. Drawing is text (filled, or filled and stroked to look heavier) and
//! the borders of boxes; places are given from the top left in points, as the layout works.

use std::io::Write;

use color_eyre::eyre::{eyre, Result};
use flate2::write::ZlibEncoder;
use flate2::Compression;
use pdf_writer::types::{CidFontType, TextRenderingMode};
use pdf_writer::writers::{Catalog, DocumentInfo};
use pdf_writer::{Chunk, Content, Filter, Finish, Name, Rect, Ref, Str, TextStr};

use super::font::PdfFont;
use super::layout::A4;
use super::pdf_glyphs::{Glyphs, SYSTEM_INFO};

const FONT: Name = Name(b"F0");
/// Pages under one node of the page tree: readers index an array of a few thousand at most.
const PAGES_PER_NODE: usize = 1024;

/// What the file says about itself.
pub(super) struct Info<'a> {
    pub title: &'a str,
    pub author: &'a str,
}

/// Where a page is drawn: its content so far and the glyphs it adds to the document's.
pub(super) struct Canvas<'p, 'f> {
    content: Content,
    glyphs: &'p mut Glyphs<'f>,
    height: f64,
}

impl Canvas<'_, '_> {
    /// `text` at `size` points, its baseline `baseline` points from the top of the page. There
    /// is one face, so `heavy` text has its outlines stroked a little as well, to look bold.
    pub(super) fn text(&mut self, x: f64, baseline: f64, size: f64, text: &str, heavy: bool) {
        let shown = self.glyphs.encode(text);
        if shown.cids.is_empty() {
            return;
        }
        let exact = shown.exact;
        let c = &mut self.content;
        if !exact {
            // Copied or searched, the run reads as `text` itself, whatever its glyphs map to.
            c.begin_marked_content_with_properties(Name(b"Span"))
                .properties()
                .actual_text(TextStr(text));
        }
        c.save_state();
        if heavy {
            c.set_line_width((size / 40.0) as f32);
            c.set_text_rendering_mode(TextRenderingMode::FillStroke);
        }
        c.begin_text();
        c.set_font(FONT, size as f32);
        let y = self.height - baseline;
        c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x as f32, y as f32]);
        if shown.marks.is_empty() {
            c.show(Str(&shown.cids));
        } else {
            // Each mark moved back over its base, and the pen moved on again after it.
            let mut positioned = c.show_positioned();
            let mut items = positioned.items();
            let mut from = 0;
            for &(at, shift) in &shown.marks {
                items.show(Str(&shown.cids[from..2 * at]));
                items.adjust(shift);
                items.show(Str(&shown.cids[2 * at..2 * at + 2]));
                items.adjust(-shift);
                from = 2 * at + 2;
            }
            items.show(Str(&shown.cids[from..]));
        }
        c.end_text();
        c.restore_state();
        if !exact {
            c.end_marked_content();
        }
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
    /// What has been written, for the file's identifier.
    hash: blake3::Hasher,
    /// Where each object starts, by its number less one.
    starts: Vec<Option<u64>>,
    glyphs: Glyphs<'f>,
    /// The page tree's root, over `nodes`, each over up to `PAGES_PER_NODE` of `pages`.
    root: Ref,
    nodes: Vec<Ref>,
    pages: Vec<Ref>,
    font: Ref,
}

impl<'f, W: Write> PdfFile<'f, W> {
    pub(super) fn new(out: W, font: &'f PdfFont) -> Result<PdfFile<'f, W>> {
        let mut file = PdfFile {
            out,
            written: 0,
            hash: blake3::Hasher::new(),
            starts: vec![None, None],
            glyphs: Glyphs::new(font)?,
            root: Ref::new(1),
            nodes: Vec::new(),
            pages: Vec::new(),
            font: Ref::new(2),
        };
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
        self.hash.update(bytes);
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Writes the one object `chunk` holds, numbered `id`.
    fn object(&mut self, id: Ref, chunk: &Chunk) -> Result<()> {
        self.starts[(id.get() - 1) as usize] = Some(self.written);
        self.put(chunk.as_bytes())
    }

    /// Draws a page `width` by `height` points and writes it out.
    pub(super) fn page(
        &mut self,
        width: f64,
        height: f64,
        draw: impl FnOnce(&mut Canvas),
    ) -> Result<()> {
        let mut canvas = Canvas {
            content: Content::new(),
            glyphs: &mut self.glyphs,
            height,
        };
        draw(&mut canvas);
        let content = deflated(&canvas.content.finish())?;
        let parent = match self.nodes.last() {
            Some(node) if !self.pages.len().is_multiple_of(PAGES_PER_NODE) => *node,
            _ => {
                let node = self.reserve();
                self.nodes.push(node);
                node
            }
        };
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
            .parent(parent)
            .contents(content_id);
        page.resources().fonts().pair(FONT, self.font);
        page.finish();
        self.object(page_id, &chunk)?;
        self.pages.push(page_id);
        Ok(())
    }

    /// Writes the font, the page tree, the catalog and the cross-reference table, and gives back
    /// what the file was written to, flushed.
    pub(super) fn finish(mut self, info: &Info) -> Result<W> {
        // A PDF has at least one page.
        if self.pages.is_empty() {
            self.page(A4.0, A4.1, |_| ())?;
        }
        self.embed_font()?;
        self.page_tree()?;
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
            .pages(self.root)
            .lang(TextStr("zh-CN"));
        self.object(catalog_id, &chunk)?;

        let xref = self.written;
        let id: String = self.hash.finalize().as_bytes()[..16]
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        let size = self.starts.len() + 1;
        let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
        for start in &self.starts {
            let at = start.ok_or_else(|| eyre!("PDF: an object was numbered and not written"))?;
            table.push_str(&format!("{at:010} 00000 n\r\n"));
        }
        table.push_str(&format!(
            "trailer\n<< /Size {size} /Root {} 0 R /Info {} 0 R /ID [<{id}> <{id}>] >>\n\
             startxref\n{xref}\n%%EOF\n",
            catalog_id.get(),
            info_id.get(),
        ));
        self.put(table.as_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }

    /// Written last: the nodes and pages are not needed after.
    fn page_tree(&mut self) -> Result<()> {
        let nodes = std::mem::take(&mut self.nodes);
        let pages = std::mem::take(&mut self.pages);
        for (node, kids) in nodes.iter().zip(pages.chunks(PAGES_PER_NODE)) {
            let mut chunk = Chunk::new();
            chunk
                .pages(*node)
                .parent(self.root)
                .kids(kids.iter().copied())
                .count(kids.len() as i32);
            self.object(*node, &chunk)?;
        }
        let mut chunk = Chunk::new();
        chunk.pages(self.root).kids(nodes).count(pages.len() as i32);
        self.object(self.root, &chunk)
    }

    /// The font as a Type 0 font over a CID font of the glyphs used, with its program and its
    /// ToUnicode map.
    fn embed_font(&mut self) -> Result<()> {
        let (program, cff) = self.glyphs.program()?;
        let program = deflated(&program)?;
        let base = self.glyphs.base_name();
        let cmap = self.glyphs.to_unicode();
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
        cid.widths()
            .consecutive(0, self.glyphs.widths.iter().copied());
        cid.finish();
        self.object(cid_id, &chunk)?;

        let chunk = self
            .glyphs
            .descriptor(descriptor_id, &base, program_id, cff);
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
            crate::sheets::font::find(None).expect("a Chinese font (CI installs one)")
        })
    }

    fn content_of(draw: impl FnOnce(&mut Canvas)) -> String {
        let mut glyphs = Glyphs::new(font()).unwrap();
        let mut canvas = Canvas {
            content: Content::new(),
            glyphs: &mut glyphs,
            height: 842.0,
        };
        draw(&mut canvas);
        String::from_utf8_lossy(&canvas.content.finish()).into_owned()
    }

    fn written(pages: &[&[&str]]) -> Vec<u8> {
        let mut pdf = PdfFile::new(Vec::new(), font()).unwrap();
        for lines in pages {
            pdf.page(595.0, 842.0, |canvas| {
                for (i, line) in lines.iter().enumerate() {
                    canvas.text(40.0, 60.0 + 20.0 * i as f64, 12.0, line, i == 0);
                }
                canvas.boxes(&[(30.0, 40.0, 500.0, 300.0)], 0.5);
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
    fn text_is_placed_from_the_top_and_only_heavy_text_is_stroked() {
        let plain = content_of(|c| c.text(40.0, 60.0, 12.0, "中", false));
        assert!(plain.contains("1 0 0 1 40 782 Tm"), "{plain}");
        assert!(!plain.contains(" Tr"), "{plain}");
        let heavy = content_of(|c| c.text(40.0, 60.0, 12.0, "中", true));
        let (open, close) = (heavy.find("q\n").unwrap(), heavy.find('Q').unwrap());
        let stroked = &heavy[open..close];
        assert!(
            stroked.contains("0.3 w") && stroked.contains("2 Tr"),
            "{heavy}"
        );
        let boxed = content_of(|c| c.boxes(&[(30.0, 40.0, 100.0, 20.0)], 0.5));
        assert!(boxed.contains("30 782 100 20 re"), "{boxed}");
    }

    #[test]
    fn a_run_whose_glyphs_would_copy_as_other_text_carries_its_own() {
        // A radical (drawn with an ideograph's glyph, or missing) and a variation selector.
        let content = content_of(|c| {
            c.text(40.0, 60.0, 12.0, "⼀", true);
            c.text(40.0, 80.0, 12.0, "统一", false);
            c.text(40.0, 100.0, 12.0, "葛\u{E0100}店", false);
        });
        assert_eq!(content.matches("/ActualText").count(), 2, "{content}");
        // Each span holds its whole run, state and text object inside: BDC q BT … ET Q EMC.
        for span in content.split(" BDC").skip(1) {
            let at = |op: &str| span.find(op).unwrap_or(usize::MAX);
            assert!(at("q\n") < at("BT") && at("ET") < at("Q\n") && at("Q\n") < at("EMC"));
        }
        assert!(content.contains("<FEFF2F00>"), "as UTF-16: {content}");
        assert!(
            content.contains("<FEFF845BDB40DD005E97>"),
            "the selector kept: {content}"
        );
    }

    #[test]
    fn many_pages_hang_from_nodes_of_the_page_tree() {
        let mut pdf = PdfFile::new(Vec::new(), font()).unwrap();
        for _ in 0..PAGES_PER_NODE + 6 {
            pdf.page(595.0, 842.0, |_| ()).unwrap();
        }
        let info = Info {
            title: "",
            author: "",
        };
        let pdf = pdf.finish(&info).unwrap();
        check_cross_references(&pdf);
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains(&format!("/Count {}", PAGES_PER_NODE + 6)));
        assert!(text.contains(&format!("/Count {PAGES_PER_NODE}")));
        assert!(text.contains("/Count 6"));
    }

    #[test]
    fn a_document_without_pages_still_has_one() {
        let pdf = PdfFile::new(Vec::new(), font()).unwrap();
        let info = Info {
            title: "",
            author: "",
        };
        let pdf = pdf.finish(&info).unwrap();
        check_cross_references(&pdf);
        assert!(String::from_utf8_lossy(&pdf).contains("/Count 1"));
    }

    #[test]
    fn a_character_the_font_lacks_makes_a_well_formed_file() {
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
