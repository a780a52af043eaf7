//! A `Letter` as a Word document (.docx) written part by part: the few parts Word and WPS need
//! to open and edit it, A4 with the margins of GB/T 9704 (党政机关公文格式), 三号 仿宋 body on a
//! fixed 28 pt line, the title in 二号 小标宋 and part headings in 黑体. Fonts a machine lacks
//! are named with SimSun or SimHei as their stand-in, so the page still reads as intended.

use std::io::Write;

use color_eyre::eyre::Result;
use unicode_width::UnicodeWidthStr;

use super::notice::{Letter, Para};

/// Twips (1/20 pt) per character of 三号 (16 pt) text: indents are counted in characters.
const CHAR: f64 = 320.0;
/// The 落款 stands this many characters in from the right margin (GB/T 9704: 右空四字).
const SIGN_INDENT_CHARS: f64 = 4.0;

/// Text as XML character data: the five specials escaped, and characters XML cannot hold (and
/// line breaks, which a paragraph does not keep) dropped or made a space.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml"/></Relationships>"#;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The fonts of official documents and the stand-in each falls back to.
const FONTS: [(&str, &str, &str); 3] = [
    ("仿宋_GB2312", "SimSun", "modern"),
    ("方正小标宋简体", "SimHei", "script"),
    ("黑体", "SimHei", "modern"),
];

fn font_table() -> String {
    let fonts: String = FONTS
        .iter()
        .map(|(name, alt, family)| {
            format!(
                r#"<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>"#
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W}">{fonts}<w:font w:name="Times New Roman"><w:charset w:val="00"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font></w:fonts>"#
    )
}

/// Run properties naming an East Asian font with Times New Roman for Latin text.
fn fonts(east_asia: &str, size_half_points: u32) -> String {
    format!(
        r#"<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:eastAsia="{east_asia}" w:cs="Times New Roman"/><w:kern w:val="0"/><w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/><w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr>"#
    )
}

fn styles() -> String {
    // 三号 = 16 pt, 二号 = 22 pt; a fixed 28 pt line gives the 22 lines a page of GB/T 9704.
    let body = fonts("仿宋_GB2312", 32);
    let title = fonts("方正小标宋简体", 44);
    let heading = fonts("黑体", 32);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault>{body}</w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0" w:line="560" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr>{body}</w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Addressee"/><w:qFormat/><w:pPr><w:spacing w:after="560" w:line="700" w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/><w:outlineLvl w:val="0"/></w:pPr>{title}</w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Addressee"><w:name w:val="Addressee"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="1"/></w:pPr>{heading}</w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="Signature"><w:name w:val="Signature"/><w:basedOn w:val="Normal"/><w:pPr><w:keepLines/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/></w:pPr></w:style></w:styles>"#
    )
}

fn paragraph(style: &str, text: &str, extra: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr><w:r><w:t xml:space="preserve">{}</w:t></w:r></w:p>"#,
        escape(text)
    )
}

/// How wide `text` is in characters of body text (a digit is half a character).
fn chars_wide(text: &str) -> f64 {
    text.width() as f64 / 2.0
}

/// How far in from the right margin each line of the 落款 stands, in characters: the widest four
/// in, the others centred on it (the office over the date, or the date under a long name).
pub fn signature_indents(lines: &[String]) -> Vec<f64> {
    let widest = lines.iter().map(|l| chars_wide(l)).fold(0.0, f64::max);
    lines
        .iter()
        .map(|l| SIGN_INDENT_CHARS + (widest - chars_wide(l)) / 2.0)
        .collect()
}

fn document(letter: &Letter) -> String {
    let mut body = String::new();
    body.push_str(&paragraph("Title", &letter.title, ""));
    body.push_str(&paragraph("Addressee", &letter.addressee, ""));
    for para in &letter.body {
        match para {
            Para::Heading(text) => body.push_str(&paragraph("Heading1", text, "")),
            Para::Text(text) => body.push_str(&paragraph("Normal", text, "")),
        }
    }
    // Two blank lines between the body and the 落款.
    for _ in 0..2 {
        body.push_str(r#"<w:p><w:pPr><w:pStyle w:val="Signature"/></w:pPr></w:p>"#);
    }
    let last = letter.signature.len().saturating_sub(1);
    for (n, (line, indent)) in letter
        .signature
        .iter()
        .zip(signature_indents(&letter.signature))
        .enumerate()
    {
        let twips = (indent * CHAR).round() as i64;
        // The office's name is kept on the page of the date under it.
        let keep = if n < last { "<w:keepNext/>" } else { "" };
        let ind = format!(r#"{keep}<w:ind w:right="{twips}"/>"#);
        body.push_str(&paragraph("Signature", line, &ind));
    }
    // A4 with GB/T 9704's margins: 37 mm top, 35 mm bottom, 28 mm left, 26 mm right.
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{W}"><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="992" w:gutter="0"/><w:cols w:space="425"/></w:sectPr></w:body></w:document>"#
    )
}

fn core(letter: &Letter) -> String {
    let creator = letter.signature.first().map_or("", String::as_str);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>{}</dc:creator><dc:language>zh-CN</dc:language></cp:coreProperties>"#,
        escape(&letter.title),
        escape(creator)
    )
}

/// The bytes of `letter` as a .docx.
pub fn docx_bytes(letter: &Letter) -> Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let parts = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", ROOT_RELS.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/document.xml", document(letter)),
        ("word/styles.xml", styles()),
        ("word/fontTable.xml", font_table()),
        ("docProps/core.xml", core(letter)),
    ];
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_what_xml_cannot_hold_is_dropped() {
        assert_eq!(
            escape("A<B & \"C\" 'D'>\u{1}\n"),
            "A&lt;B &amp; &quot;C&quot; &apos;D&apos;&gt; "
        );
    }

    #[test]
    fn the_office_stands_centred_over_the_date() {
        let lines = [
            "华容区市场监督管理局".to_string(),
            "2023年4月20日".to_string(),
        ];
        let indents = signature_indents(&lines);
        // A name of 10 characters over a date of 6.5: the name 4 in, the date centred under it.
        assert_eq!(indents, [4.0, 5.75]);
    }
}
