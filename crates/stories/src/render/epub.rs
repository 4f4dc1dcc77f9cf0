//! A published work as an EPUB 3 file, made with `epub-builder` (zip written in-process).
//!
//! Layout: `OEBPS/content.opf` (package), `OEBPS/nav.xhtml` (navigation, built from the chapter
//! titles), `OEBPS/toc.ncx` (EPUB 2 fallback), `OEBPS/judul.xhtml` (title page),
//! `OEBPS/bab-001.xhtml`… (one content document per chapter) and `OEBPS/stylesheet.css`.
//!
//! Images: chapter XHTML points at `/berkas/...` URLs, which are not inside the EPUB, and a
//! reference to a missing resource makes the publication invalid. Until images are packaged as
//! resources, every `<img>` element is stripped from the chapter XHTML, and relative links are
//! made absolute against the work's URL (see [`epub_fragment`]).
//!
//! After generation the zip is rewritten once to fill two gaps in epub-builder's package
//! document (duplicate ids, no publisher); see [`fix_package`].
//!
//! The identifier is a `urn:uuid:` derived deterministically from the work id and its URL, so
//! re-exporting the same work yields the same identifier and reading systems treat the new file
//! as an update rather than a different book.

use anyhow::Context;
use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, ZipLibrary};
use time::OffsetDateTime;

use crate::domain::export::{BookExport, xml_attr, xml_char, xml_clean, xml_text};

const CSS: &str = "\
body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1, h2, h3, h4 { font-family: sans-serif; line-height: 1.25; page-break-after: avoid; }
h1 { font-size: 1.6em; margin: 1.5em 0 1em; }
p { margin: 0 0 0.8em; text-align: justify; hyphens: auto; -epub-hyphens: auto; }
blockquote { margin: 1em 2em; font-style: italic; }
hr { border: none; border-top: 1px solid #999; margin: 1.5em 20%; }
.titlepage { text-align: center; margin-top: 20%; }
.titlepage h1 { font-size: 2em; }
.titlepage p { text-align: center; }
.authors { font-size: 1.2em; }
.summary { font-style: italic; margin: 2em 0; }
.publisher, .archive, .url { font-size: 0.9em; }
";

/// Labels for the generated pages, in the book's language where we have one.
struct Labels {
    contents: &'static str,
    title_page: &'static str,
    chapter: &'static str,
}

fn labels(lang: &str) -> Labels {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match primary.as_str() {
        "en" => Labels {
            contents: "Contents",
            title_page: "Title page",
            chapter: "Chapter",
        },
        _ => Labels {
            contents: "Daftar Isi",
            title_page: "Halaman judul",
            chapter: "Bab",
        },
    }
}

/// 128-bit FNV-1a.
fn fnv1a_128(data: &[u8]) -> u128 {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for &b in data {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

/// A version-8 (RFC 9562, custom) UUID derived from the work id and URL: stable across exports.
pub fn book_uuid(book: &BookExport) -> uuid::Uuid {
    let name = format!("anjungan:cilen:{}:{}", book.id, book.url);
    uuid::Builder::from_custom_bytes(fnv1a_128(name.as_bytes()).to_be_bytes()).into_uuid()
}

fn chrono_utc(t: OffsetDateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::<chrono::Utc>::from_timestamp(t.unix_timestamp(), 0)
}

/// Entities an XML parser knows without a DTD.
const XML_ENTITIES: [&str; 5] = ["amp", "lt", "gt", "quot", "apos"];

/// HTML entities that editors commonly leave behind, as code points.
fn html_entity(name: &str) -> Option<u32> {
    Some(match name {
        "nbsp" => 0xA0,
        "shy" => 0xAD,
        "copy" => 0xA9,
        "reg" => 0xAE,
        "deg" => 0xB0,
        "middot" => 0xB7,
        "laquo" => 0xAB,
        "raquo" => 0xBB,
        "ndash" => 0x2013,
        "mdash" => 0x2014,
        "lsquo" => 0x2018,
        "rsquo" => 0x2019,
        "sbquo" => 0x201A,
        "ldquo" => 0x201C,
        "rdquo" => 0x201D,
        "bdquo" => 0x201E,
        "hellip" => 0x2026,
        "bull" => 0x2022,
        "times" => 0xD7,
        "eacute" => 0xE9,
        "egrave" => 0xE8,
        "ecirc" => 0xEA,
        _ => return None,
    })
}

/// The end (exclusive) of the tag starting at `start` (which holds `<`), honouring quoted
/// attribute values; the end of the string if the tag is not closed.
fn tag_end(s: &str, start: usize) -> usize {
    let bytes = s.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = start + 1;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Whether `s[i..]` starts with the tag `<name` or `</name` (`name` lowercase ASCII).
fn tag_at(s: &str, i: usize, name: &str) -> bool {
    let rest = &s.as_bytes()[i..];
    let name_start = if rest.starts_with(b"</") { 2 } else { 1 };
    let found = &rest[name_start.min(rest.len())..];
    let n = name.len();
    found.len() >= n
        && found[..n].eq_ignore_ascii_case(name.as_bytes())
        && found
            .get(n)
            .is_none_or(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
}

/// `scheme://host[:port]` of an absolute URL.
fn origin(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    if !is_scheme(scheme) {
        return None;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (end > 0).then(|| &url[..scheme.len() + 3 + end])
}

fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
}

/// What to put before `href` (an attribute value as written) to make it absolute against
/// `base` (an absolute URL); `Some("")` when it already is, None when it cannot be resolved.
fn href_prefix(href: &str, base: &str) -> Option<String> {
    if href.split_once(':').is_some_and(|(s, _)| is_scheme(s)) {
        return Some(String::new());
    }
    let origin = origin(base)?;
    let scheme = &origin[..origin.find(':')?];
    let no_fragment = base.split('#').next().unwrap_or(base);
    let no_query = no_fragment.split('?').next().unwrap_or(no_fragment);
    Some(if href.starts_with("//") {
        format!("{scheme}:")
    } else if href.starts_with('/') {
        origin.to_string()
    } else if href.starts_with('#') {
        no_fragment.to_string()
    } else if href.starts_with('?') || href.is_empty() {
        no_query.to_string()
    } else {
        let path = &no_query[origin.len()..];
        match path.rfind('/') {
            Some(j) => no_query[..origin.len() + j + 1].to_string(),
            None => format!("{origin}/"),
        }
    })
}

/// The start tag `tag` (`<a …>`) with its `href` made absolute against `base`, or removed when
/// that is impossible: a relative link would point inside the EPUB, where nothing is.
fn absolute_href(tag: &str, base: &str) -> String {
    let bytes = tag.as_bytes();
    let mut j = 0;
    while let Some(k) = tag[j..].find("href") {
        let at = j + k;
        j = at + 4;
        let preceded = at > 0 && bytes[at - 1].is_ascii_whitespace();
        let after = tag[j..].trim_start();
        let Some(after_eq) = after.strip_prefix('=') else {
            continue;
        };
        let value_part = after_eq.trim_start();
        let Some(quote) = value_part.chars().next().filter(|&q| q == '"' || q == '\'') else {
            continue;
        };
        if !preceded {
            continue;
        }
        let value_start = tag.len() - value_part.len() + 1;
        let Some(len) = tag[value_start..].find(quote) else {
            break;
        };
        let value = &tag[value_start..value_start + len];
        let attr_end = value_start + len + 1;
        return match href_prefix(value.trim(), base) {
            Some(prefix) => format!(
                "{}{}{}{}",
                &tag[..value_start],
                xml_attr(&prefix),
                value.trim(),
                &tag[value_start + len..]
            ),
            None => format!("{}{}", tag[..at].trim_end(), &tag[attr_end..]),
        };
    }
    tag.to_string()
}

/// The chapter XHTML made safe for the EPUB:
/// - every `<img …/>` (and any stray `</img>`) is removed — the images live on the web server,
///   not in the EPUB, and a dangling reference makes the publication invalid;
/// - links (`<a href>`) are made absolute against `base_url`, the work's public page, since a
///   relative link would point inside the EPUB; if `base_url` is not absolute they are unlinked;
/// - characters XML 1.0 forbids are removed;
/// - HTML named entities (`&nbsp;`, `&mdash;`…) become numeric references, unknown ones and bare
///   `&` are escaped, and numeric references to forbidden characters are dropped, since an
///   XHTML content document has no DTD to declare them.
pub fn epub_fragment(xhtml: &str, base_url: &str) -> String {
    let s = xml_clean(xhtml);
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '<' && tag_at(&s, i, "img") {
            i = tag_end(&s, i);
            continue;
        }
        if c == '<' && !rest.starts_with("</") && tag_at(&s, i, "a") {
            let end = tag_end(&s, i);
            out.push_str(&absolute_href(&s[i..end], base_url));
            i = end;
            continue;
        }
        if c == '&' {
            let semi = rest[1..].find(';').filter(|&n| n <= 32).map(|n| n + 1);
            if let Some(semi) = semi {
                let name = &rest[1..semi];
                let numeric = name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| name.strip_prefix('#').map(|d| d.parse::<u32>()));
                match numeric {
                    Some(Ok(n)) => {
                        if char::from_u32(n).is_some_and(xml_char) {
                            out.push_str(&rest[..=semi]);
                        }
                        i += semi + 1;
                        continue;
                    }
                    Some(Err(_)) => {}
                    None if XML_ENTITIES.contains(&name) => {
                        out.push_str(&rest[..=semi]);
                        i += semi + 1;
                        continue;
                    }
                    None => {
                        if let Some(n) = html_entity(name) {
                            out.push_str(&format!("&#{n};"));
                            i += semi + 1;
                            continue;
                        }
                    }
                }
            }
            out.push_str("&amp;");
            i += 1;
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// A complete XHTML content document.
fn document(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" \
         lang=\"{lang}\" xml:lang=\"{lang}\">\n\
         <head>\n\
         <meta charset=\"utf-8\"/>\n\
         <title>{title}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n\
         </head>\n\
         <body>\n{body}\n</body>\n\
         </html>\n",
        lang = xml_attr(lang),
        title = xml_text(title),
    )
}

fn title_page(book: &BookExport) -> String {
    let mut body = String::from("<section epub:type=\"titlepage\" class=\"titlepage\">\n");
    body.push_str(&format!(
        "<h1 class=\"title\">{}</h1>\n",
        xml_text(&book.title)
    ));
    let authors: Vec<&str> = book
        .authors
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    if !authors.is_empty() {
        body.push_str(&format!(
            "<p class=\"authors\">{}</p>\n",
            xml_text(&authors.join(", "))
        ));
    }
    let mut line = |class: &str, text: &str| {
        if !text.trim().is_empty() {
            body.push_str(&format!("<p class=\"{class}\">{}</p>\n", xml_text(text)));
        }
    };
    line("credit", book.credit.as_deref().unwrap_or(""));
    line("category", &book.category);
    line("summary", &book.summary);
    line("publisher", &book.publisher);
    line("archive", book.archive_ref.as_deref().unwrap_or(""));
    if origin(book.url.trim()).is_some() {
        body.push_str(&format!(
            "<p class=\"url\"><a href=\"{}\">{}</a></p>\n",
            xml_attr(book.url.trim()),
            xml_text(book.url.trim())
        ));
    }
    body.push_str("</section>");
    body
}

fn builder_err(e: epub_builder::Error) -> anyhow::Error {
    anyhow::anyhow!("epub: {e}")
}

/// The work as an EPUB 3 file.
pub fn build(book: &BookExport) -> anyhow::Result<Vec<u8>> {
    let lang = match book.language.trim() {
        "" => "id",
        l => l,
    };
    let labels = labels(lang);
    let zip = ZipLibrary::new().map_err(builder_err)?;
    let mut b = EpubBuilder::new(zip).map_err(builder_err)?;
    b.epub_version(EpubVersion::V30);
    // epub-builder escapes the text of its own metadata elements and the TOC; it does not remove
    // characters XML forbids, so everything handed to it is cleaned first.
    b.set_title(xml_clean(&book.title));
    b.set_authors(
        book.authors
            .iter()
            .map(|a| xml_clean(a.trim()))
            .filter(|a| !a.is_empty())
            .collect(),
    );
    b.set_languages(vec![xml_clean(lang)]);
    b.set_generator("Anjungan");
    b.set_toc_name(labels.contents);
    if !book.summary.trim().is_empty() {
        b.add_description(xml_clean(&book.summary));
    }
    let mut subjects: Vec<String> = Vec::new();
    for s in std::iter::once(&book.category).chain(&book.tags) {
        let s = xml_clean(s.trim());
        if !s.is_empty() && !subjects.contains(&s) {
            subjects.push(s);
        }
    }
    b.set_subjects(subjects);
    if let Some(d) = chrono_utc(book.published) {
        b.set_publication_date(d);
    }
    if let Some(d) = chrono_utc(book.modified) {
        b.set_modified_date(d);
    }
    b.set_uuid(book_uuid(book));
    b.stylesheet(CSS.as_bytes()).map_err(builder_err)?;

    let title_doc = document(lang, &book.title, &title_page(book));
    b.add_content(
        EpubContent::new("judul.xhtml", title_doc.as_bytes())
            .title(labels.title_page)
            .reftype(ReferenceType::TitlePage),
    )
    .map_err(builder_err)?;

    for (i, ch) in book.chapters.iter().enumerate() {
        let n = i + 1;
        let title = match xml_clean(ch.title.trim()) {
            t if t.is_empty() => format!("{} {n}", labels.chapter),
            t => t,
        };
        let body = format!(
            "<section epub:type=\"chapter\" id=\"bab-{n}\">\n<h1>{}</h1>\n{}\n</section>",
            xml_text(&title),
            epub_fragment(&ch.xhtml, &book.url)
        );
        let doc = document(lang, &title, &body);
        let mut content =
            EpubContent::new(format!("bab-{n:03}.xhtml"), doc.as_bytes()).title(title);
        if i == 0 {
            content = content.reftype(ReferenceType::Text);
        }
        b.add_content(content).map_err(builder_err)?;
    }

    let mut out = Vec::new();
    b.generate(&mut out)
        .map_err(builder_err)
        .context("generating the EPUB")?;
    repack(&out, book)
}

/// Where epub-builder puts the package document (its `META-INF/container.xml` says so too).
const PACKAGE_PATH: &str = "OEBPS/content.opf";

/// Two gaps in epub-builder 0.8.3's EPUB 3 package template, filled after generation:
/// - `dc:language` gets the same ids as `dc:creator` (`epub-creator-0`…), a duplicate ID that
///   epubcheck and Calibre reject; the languages are renumbered `epub-language-N`;
/// - there is no way to set `dc:publisher`, `dc:source` or `dc:contributor`; they are added
///   here (publisher, archive reference, credit).
fn fix_package(opf: &str, book: &BookExport) -> anyhow::Result<String> {
    let mut extra = String::new();
    let mut dc = |name: &str, value: &str| {
        let value = value.trim();
        if !value.is_empty() {
            extra.push_str(&format!("    <dc:{name}>{}</dc:{name}>\n", xml_text(value)));
        }
    };
    dc("publisher", &book.publisher);
    dc("source", book.archive_ref.as_deref().unwrap_or(""));
    dc("contributor", book.credit.as_deref().unwrap_or(""));
    let at = opf
        .find("</metadata>")
        .context("no </metadata> in the generated package document")?;
    let opf = format!("{}{extra}  {}", opf[..at].trim_end_matches(' '), &opf[at..]);
    Ok(opf.replace(
        "<dc:language id=\"epub-creator-",
        "<dc:language id=\"epub-language-",
    ))
}

/// The zip again, with the package document fixed (see [`fix_package`]): `mimetype` first and
/// stored, everything else deflated, every entry dated `book.modified` so the same work gives
/// the same bytes.
fn repack(epub: &[u8], book: &BookExport) -> anyhow::Result<Vec<u8>> {
    use std::io::{Read, Write};
    use zip::CompressionMethod;
    use zip::write::SimpleFileOptions;

    let t = book.modified.to_offset(time::UtcOffset::UTC);
    let stamp = zip::DateTime::from_date_and_time(
        u16::try_from(t.year()).unwrap_or(1980),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second() & !1,
    )
    .unwrap_or_default();
    let options = SimpleFileOptions::default()
        .last_modified_time(stamp)
        .unix_permissions(0o644);

    let mut input = zip::ZipArchive::new(std::io::Cursor::new(epub))?;
    let mut output = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(epub.len())));
    output.start_file(
        "mimetype",
        options.compression_method(CompressionMethod::Stored),
    )?;
    output.write_all(b"application/epub+zip")?;
    let mut fixed = false;
    for i in 0..input.len() {
        let mut entry = input.by_index(i)?;
        let name = entry.name()?.into_owned();
        if name == "mimetype" {
            continue;
        }
        let mut data = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut data)?;
        if name == PACKAGE_PATH {
            data = fix_package(std::str::from_utf8(&data)?, book)?.into_bytes();
            fixed = true;
        }
        output.start_file(
            name,
            options.compression_method(CompressionMethod::Deflated),
        )?;
        output.write_all(&data)?;
    }
    anyhow::ensure!(fixed, "epub-builder wrote no {PACKAGE_PATH}");
    Ok(output.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::export::{BlockKind, ChapterExport};
    use std::collections::HashMap;
    use std::io::Read;
    use time::macros::datetime;

    const OPF: &str = "http://www.idpf.org/2007/opf";
    const DC: &str = "http://purl.org/dc/elements/1.1/";
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    const CONTAINER: &str = "urn:oasis:names:tc:opendocument:xmlns:container";

    fn chapter(title: &str, xhtml: &str) -> ChapterExport {
        ChapterExport {
            title: title.into(),
            xhtml: xhtml.into(),
            blocks: vec![(BlockKind::Paragraph, "x".into())],
        }
    }

    fn book() -> BookExport {
        BookExport {
            id: 42,
            title: "Asal-usul Telaga Ngebel".into(),
            summary: "Cerita tentang naga Baru Klinthing.".into(),
            authors: vec!["Ki Ageng Wilis".into(), "Sekar".into()],
            credit: Some("Penutur: Mbah Sarmi".into()),
            language: "jv".into(),
            category: "Cerita rakyat".into(),
            tags: vec!["Ngebel".into(), "naga".into()],
            published: datetime!(2026-11-02 09:30 +07:00),
            modified: datetime!(2026-11-03 10:00 +07:00),
            url: "https://anjungan.example/cilen/karya/42".into(),
            publisher: "Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek".into(),
            archive_ref: Some("KAB-TGL/1932/17 — Arsip Daerah Trenggalek".into()),
            chapters: vec![
                chapter(
                    "Bagian siji",
                    "<p>Ing jaman biyen&nbsp;ana bocah.</p><p><img src=\"/berkas/1.jpg\" alt=\"a > b\"/></p>",
                ),
                chapter(
                    "Bagian loro",
                    "<h2>Sub</h2><ul><li>siji</li></ul><blockquote><p>“Aja!” — ujare.</p></blockquote><hr/><p>A<br/>B &amp; C <a href=\"/cerita/7\" rel=\"nofollow noopener\">lihat</a></p>",
                ),
                chapter("", "<p>Pungkasan.</p>"),
            ],
        }
    }

    struct Unzipped {
        names: Vec<String>,
        files: HashMap<String, String>,
    }

    fn unzip(bytes: &[u8]) -> Unzipped {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut names = Vec::new();
        let mut files = HashMap::new();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            names.push(f.name().unwrap().into_owned());
            files.insert(f.name().unwrap().into_owned(), s);
        }
        Unzipped { names, files }
    }

    fn parse(s: &str) -> roxmltree::Document<'_> {
        let opts = roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        };
        roxmltree::Document::parse_with_options(s, opts).unwrap_or_else(|e| panic!("{e}\n{s}"))
    }

    fn text_of<'a>(doc: &'a roxmltree::Document<'a>, ns: &str, name: &str) -> Vec<&'a str> {
        doc.descendants()
            .filter(|n| n.has_tag_name((ns, name)))
            .map(|n| n.text().unwrap_or(""))
            .collect()
    }

    #[test]
    fn mimetype_comes_first_and_stored() {
        let bytes = build(&book()).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(&bytes[..])).unwrap();
        let mut f = z.by_index(0).unwrap();
        assert_eq!(f.name().unwrap(), "mimetype");
        assert_eq!(f.compression(), zip::CompressionMethod::Stored);
        let mut s = String::new();
        f.read_to_string(&mut s).unwrap();
        assert_eq!(s, "application/epub+zip");
        // What readers actually sniff: the raw bytes at fixed offsets (no extra field).
        assert_eq!(&bytes[0..4], b"PK\x03\x04");
        assert_eq!(&bytes[6..10], &[0, 0, 0, 0]); // no flags (data descriptor), stored
        assert_eq!(&bytes[28..30], &[0, 0]);
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..58], b"application/epub+zip");
    }

    #[test]
    fn a_bare_work_still_builds() {
        let mut b = book();
        b.authors.clear();
        b.chapters.clear();
        b.credit = None;
        b.archive_ref = None;
        b.language = String::new();
        b.url = "/relatif".into();
        let z = unzip(&build(&b).unwrap());
        let opf = parse(&z.files["OEBPS/content.opf"]);
        assert_eq!(text_of(&opf, DC, "language"), vec!["id"]);
        assert!(text_of(&opf, DC, "creator").is_empty());
        parse(&z.files["OEBPS/judul.xhtml"]);
        parse(&z.files["OEBPS/nav.xhtml"]);
    }

    #[test]
    fn same_work_same_bytes() {
        assert_eq!(build(&book()).unwrap(), build(&book()).unwrap());
    }

    #[test]
    fn package_document_is_complete() {
        let b = book();
        let z = unzip(&build(&b).unwrap());
        let container = parse(&z.files["META-INF/container.xml"]);
        let rootfile = container
            .descendants()
            .find(|n| n.has_tag_name((CONTAINER, "rootfile")))
            .unwrap();
        assert_eq!(
            rootfile.attribute("media-type"),
            Some("application/oebps-package+xml")
        );
        let opf_path = rootfile.attribute("full-path").unwrap();
        let opf_src = &z.files[opf_path];
        let opf = parse(opf_src);
        let package = opf.root_element();
        assert!(package.has_tag_name((OPF, "package")));
        assert_eq!(package.attribute("version"), Some("3.0"));

        assert_eq!(text_of(&opf, DC, "title"), vec!["Asal-usul Telaga Ngebel"]);
        assert_eq!(text_of(&opf, DC, "language"), vec!["jv"]);
        assert_eq!(
            text_of(&opf, DC, "creator"),
            vec!["Ki Ageng Wilis", "Sekar"]
        );
        assert_eq!(
            text_of(&opf, DC, "subject"),
            vec!["Cerita rakyat", "Ngebel", "naga"]
        );
        assert_eq!(
            text_of(&opf, DC, "description"),
            vec!["Cerita tentang naga Baru Klinthing."]
        );
        assert_eq!(text_of(&opf, DC, "date"), vec!["2026-11-02T02:30:00Z"]);
        let metas: HashMap<&str, &str> = opf
            .descendants()
            .filter(|n| n.has_tag_name((OPF, "meta")))
            .filter_map(|n| Some((n.attribute("property")?, n.text().unwrap_or(""))))
            .collect();
        assert_eq!(metas["dcterms:modified"], "2026-11-03T03:00:00Z");
        assert_eq!(
            text_of(&opf, DC, "publisher"),
            vec!["Dinas Perpustakaan dan Kearsipan Kabupaten Trenggalek"]
        );
        assert_eq!(
            text_of(&opf, DC, "source"),
            vec!["KAB-TGL/1932/17 — Arsip Daerah Trenggalek"]
        );
        assert_eq!(
            text_of(&opf, DC, "contributor"),
            vec!["Penutur: Mbah Sarmi"]
        );

        // dc:identifier is the unique identifier, and stable.
        let uid = package.attribute("unique-identifier").unwrap();
        let ident = opf
            .descendants()
            .find(|n| n.has_tag_name((DC, "identifier")))
            .unwrap();
        assert_eq!(ident.attribute("id"), Some(uid));
        let expected = format!("urn:uuid:{}", book_uuid(&b));
        assert_eq!(ident.text(), Some(expected.as_str()));
        assert_eq!(book_uuid(&b), book_uuid(&book()));
        let mut other = book();
        other.id = 43;
        assert_ne!(book_uuid(&b), book_uuid(&other));

        // Manifest: one item per chapter, the nav document; spine in chapter order.
        let base = opf_path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let items: HashMap<&str, roxmltree::Node> = opf
            .descendants()
            .filter(|n| n.has_tag_name((OPF, "item")))
            .map(|n| (n.attribute("id").unwrap(), n))
            .collect();
        for item in items.values() {
            let href = format!("{base}/{}", item.attribute("href").unwrap());
            assert!(z.files.contains_key(&href), "{href} not in the zip");
        }
        let nav: Vec<_> = items
            .values()
            .filter(|n| n.attribute("properties") == Some("nav"))
            .collect();
        assert_eq!(nav.len(), 1);
        assert_eq!(
            nav[0].attribute("media-type"),
            Some("application/xhtml+xml")
        );
        let spine: Vec<&str> = opf
            .descendants()
            .filter(|n| n.has_tag_name((OPF, "itemref")))
            .map(|n| {
                items[n.attribute("idref").unwrap()]
                    .attribute("href")
                    .unwrap()
            })
            .collect();
        assert_eq!(
            spine,
            vec![
                "judul.xhtml",
                "bab-001.xhtml",
                "bab-002.xhtml",
                "bab-003.xhtml"
            ]
        );
        for href in &spine {
            let item = items
                .values()
                .find(|n| n.attribute("href") == Some(href))
                .unwrap();
            assert_eq!(item.attribute("media-type"), Some("application/xhtml+xml"));
        }

        // The nav lists the chapters in order, with a fallback title for the untitled one.
        let nav_doc = parse(&z.files[&format!("{base}/{}", nav[0].attribute("href").unwrap())]);
        let toc: Vec<&str> = nav_doc
            .descendants()
            .find(|n| n.has_tag_name((XHTML, "nav")))
            .unwrap()
            .descendants()
            .filter(|n| n.has_tag_name((XHTML, "a")))
            .map(|n| n.text().unwrap_or(""))
            .collect();
        assert_eq!(
            toc,
            vec!["Halaman judul", "Bagian siji", "Bagian loro", "Bab 3"]
        );
    }

    #[test]
    fn every_xhtml_parses_and_chapters_carry_their_titles() {
        let z = unzip(&build(&book()).unwrap());
        let mut n = 0;
        for (name, src) in &z.files {
            if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
                parse(src);
                n += 1;
            }
        }
        assert_eq!(n, 7); // opf, ncx, nav, title page, 3 chapters
        // IDs are unique within each document (epub-builder alone repeats one in the OPF).
        for (name, src) in &z.files {
            if name.ends_with(".xhtml") || name.ends_with(".opf") || name.ends_with(".ncx") {
                let doc = parse(src);
                let mut ids: Vec<&str> = doc
                    .descendants()
                    .filter_map(|n| n.attribute("id"))
                    .collect();
                let all = ids.len();
                ids.sort_unstable();
                ids.dedup();
                assert_eq!(ids.len(), all, "duplicate id in {name}");
            }
        }
        let ch1 = &z.files["OEBPS/bab-001.xhtml"];
        let doc = parse(ch1);
        assert_eq!(text_of(&doc, XHTML, "h1"), vec!["Bagian siji"]);
        assert_eq!(doc.root_element().attribute("lang"), Some("jv"));
        assert!(!ch1.contains("<img"), "images are stripped");
        assert!(ch1.contains("biyen&#160;ana"));
        let ch2 = parse(&z.files["OEBPS/bab-002.xhtml"]);
        assert_eq!(text_of(&ch2, XHTML, "h2"), vec!["Sub"]);
        let href = ch2
            .descendants()
            .find(|n| n.has_tag_name((XHTML, "a")))
            .and_then(|n| n.attribute("href"));
        assert_eq!(href, Some("https://anjungan.example/cerita/7"));
        assert!(text_of(&ch2, XHTML, "p").contains(&"“Aja!” — ujare."));
        let title = parse(&z.files["OEBPS/judul.xhtml"]);
        let all: String = title.descendants().filter_map(|n| n.text()).collect();
        for s in [
            "Asal-usul Telaga Ngebel",
            "Ki Ageng Wilis, Sekar",
            "Penutur: Mbah Sarmi",
            "Cerita rakyat",
            "KAB-TGL/1932/17",
        ] {
            assert!(all.contains(s), "title page lacks {s}");
        }
        assert_eq!(z.names[0], "mimetype");
        assert!(z.names.contains(&"OEBPS/stylesheet.css".to_string()));
    }

    #[test]
    fn hostile_text_is_escaped() {
        let hostile = "<script>&\"'\u{1}";
        let clean = "<script>&\"'";
        let mut b = book();
        b.title = hostile.into();
        b.authors = vec![hostile.into()];
        b.summary = hostile.into();
        b.tags = vec![hostile.into()];
        b.publisher = hostile.into();
        b.credit = Some(hostile.into());
        b.archive_ref = Some(hostile.into());
        b.url = format!("https://x.example/?q={hostile}");
        b.chapters[0].title = hostile.into();
        b.chapters[1].xhtml = "<p>a & b &bogus; &#1; &#x41;</p>".into();
        let z = unzip(&build(&b).unwrap());
        for (name, src) in &z.files {
            assert!(!src.contains("<script>"), "{name} has a raw <script>");
            assert!(!src.contains('\u{1}'), "{name} has a control character");
        }
        let opf = parse(&z.files["OEBPS/content.opf"]);
        assert_eq!(text_of(&opf, DC, "title"), vec![clean]);
        assert_eq!(text_of(&opf, DC, "creator"), vec![clean]);
        assert!(text_of(&opf, DC, "subject").contains(&clean));
        assert_eq!(text_of(&opf, DC, "publisher"), vec![clean]);
        assert_eq!(text_of(&opf, DC, "source"), vec![clean]);
        let nav = parse(&z.files["OEBPS/nav.xhtml"]);
        assert!(text_of(&nav, XHTML, "a").contains(&clean));
        let ch1 = parse(&z.files["OEBPS/bab-001.xhtml"]);
        assert_eq!(text_of(&ch1, XHTML, "h1"), vec![clean]);
        assert_eq!(text_of(&ch1, XHTML, "title"), vec![clean]);
        let ch2 = parse(&z.files["OEBPS/bab-002.xhtml"]);
        assert_eq!(text_of(&ch2, XHTML, "p"), vec!["a & b &bogus;  A"]);
        parse(&z.files["OEBPS/judul.xhtml"]);
        parse(&z.files["OEBPS/toc.ncx"]);
    }

    #[test]
    fn fragment_pass() {
        let base = "https://anjungan.example/cilen/karya/42?x=1#top";
        assert_eq!(
            epub_fragment(
                "<p>x<img src=\"/berkas/a.png\" alt='1>2'/>y<IMG src=a></img>z<imgx/></p>",
                base
            ),
            "<p>xyz<imgx/></p>"
        );
        assert_eq!(
            epub_fragment(
                "a&nbsp;b &amp; &lt; &#8212; &#x0; & c &unknown; \u{0}",
                base
            ),
            "a&#160;b &amp; &lt; &#8212;  &amp; c &amp;unknown; "
        );
    }

    #[test]
    fn links_become_absolute() {
        let base = "https://anjungan.example/cilen/karya/42?x=1#top";
        let link = |href: &str| {
            epub_fragment(
                &format!("<p><a href=\"{href}\" rel=\"nofollow noopener\">t</a></p>"),
                base,
            )
        };
        let expect =
            |href: &str| format!("<p><a href=\"{href}\" rel=\"nofollow noopener\">t</a></p>");
        assert_eq!(
            link("/cerita/12"),
            expect("https://anjungan.example/cerita/12")
        );
        assert_eq!(
            link("#n"),
            expect("https://anjungan.example/cilen/karya/42?x=1#n")
        );
        assert_eq!(
            link("?p=2"),
            expect("https://anjungan.example/cilen/karya/42?p=2")
        );
        assert_eq!(
            link("lain"),
            expect("https://anjungan.example/cilen/karya/lain")
        );
        assert_eq!(link("//cdn.example/a"), expect("https://cdn.example/a"));
        assert_eq!(
            link("https://e.example/?a=1&amp;b=2"),
            expect("https://e.example/?a=1&amp;b=2")
        );
        assert_eq!(link("mailto:a@b.example"), expect("mailto:a@b.example"));
        assert_eq!(
            epub_fragment("<a href='/x'>t</a><abbr>y</abbr>", "not a url"),
            "<a>t</a><abbr>y</abbr>"
        );
        assert_eq!(
            epub_fragment("<a\nhref=\"/x\">t</a>", "https://h.example"),
            "<a\nhref=\"https://h.example/x\">t</a>"
        );
    }
}
