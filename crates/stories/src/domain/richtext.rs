//! Chapter rich text for the room "Cilen": the safe HTML subset that authors may use, and the
//! derived forms (plain text, PDF blocks, EPUB XHTML, word count).
//!
//! Allowed output: `p`, `em`, `strong`, `i`, `b`, `h2`–`h4`, `ul`, `ol`, `li`, `blockquote`,
//! `br`, `hr`, `img[src alt]` (only from our file store, `src` starting with `/berkas/`) and
//! `a[href rel]` (http, https, mailto or relative; `rel="nofollow noopener"` is always set).
//!
//! Sanitising is done by `ammonia`; this module only adds a small, conservative normalisation on
//! top of ammonia's output (`h1` → `h2`, `h5`/`h6` → `h4`, layout blocks such as `div` →
//! `p`, foreign images → their `alt` text, empty paragraphs dropped, loose top-level inline
//! content wrapped in `p`, stray `li` wrapped in `ul`) and then hands the result to ammonia again.
//! That round is repeated until the result is stable, so the stored HTML is always ammonia's own
//! output and sanitising it again (`SafeHtml::from_stored`) gives the same string.
//!
//! The derived forms walk the sanitised HTML with html5ever's tokenizer (the parser that ammonia
//! itself uses), building a small tree: sanitised output is a serialised DOM, so its start and end
//! tags are balanced.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use html5ever::buffer_queue::BufferQueue;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts};

/// Largest accepted author input, in bytes.
pub const MAX_INPUT_BYTES: usize = 200_000;

/// Images must come from our own file store.
const IMAGE_PREFIX: &str = "/berkas/";
/// `rel` set on every link.
const LINK_REL: &str = "nofollow noopener";
/// Upper bound of sanitise-and-normalise rounds (two are usual; more only for odd nesting).
const MAX_ROUNDS: usize = 8;

/// Elements that may appear in a `SafeHtml`.
const OUTPUT_TAGS: &[&str] = &[
    "p",
    "em",
    "strong",
    "i",
    "b",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "br",
    "hr",
    "img",
    "a",
];
/// Headings mapped onto the allowed range.
const MAPPED_HEADINGS: &[&str] = &["h1", "h5", "h6"];
/// Layout blocks (from pasted documents) that become paragraphs instead of running their text
/// together.
const PARAGRAPH_LIKE: &[&str] = &[
    "div",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "main",
    "figure",
    "figcaption",
    "address",
    "pre",
    "dt",
    "dd",
    "td",
    "th",
    "caption",
];
/// Elements removed together with everything inside them.
const DROP_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "template",
    "noscript",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
    "textarea",
    "title",
    "select",
    "option",
    "datalist",
    "button",
    "head",
    "canvas",
    "audio",
    "video",
    "map",
];
const VOID_TAGS: &[&str] = &["br", "hr", "img"];
const INLINE_TAGS: &[&str] = &["em", "strong", "i", "b", "a", "img", "br"];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let tags: HashSet<&'static str> = OUTPUT_TAGS
        .iter()
        .chain(MAPPED_HEADINGS)
        .chain(PARAGRAPH_LIKE)
        .copied()
        .collect();
    let attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::from([
        ("a", HashSet::from(["href"])),
        ("img", HashSet::from(["src", "alt"])),
    ]);
    let mut builder = Builder::empty();
    builder
        .tags(tags)
        .clean_content_tags(DROP_WITH_CONTENT.iter().copied().collect())
        .tag_attributes(attributes)
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::new())
        .generic_attributes(HashSet::new())
        .allowed_classes(HashMap::new())
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::PassThrough)
        .link_rel(Some(LINK_REL))
        .strip_comments(true)
        .id_prefix(None);
    builder
});

/// Why author input was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RichTextError {
    /// Nothing readable remains after sanitising.
    Empty,
    /// The input is larger than [`MAX_INPUT_BYTES`].
    TooLong,
}

impl RichTextError {
    /// Translation key of the message shown to the author.
    pub fn message_key(&self) -> &'static str {
        match self {
            RichTextError::Empty => "stories.error.chapter_empty",
            RichTextError::TooLong => "stories.error.chapter_too_long",
        }
    }
}

impl fmt::Display for RichTextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RichTextError::Empty => f.write_str("chapter is empty after sanitising"),
            RichTextError::TooLong => {
                write!(f, "chapter input exceeds {MAX_INPUT_BYTES} bytes")
            }
        }
    }
}

impl std::error::Error for RichTextError {}

/// What kind of paragraph-level block a [`Block`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    /// Heading level, 2 to 4.
    Heading(u8),
    /// A list item; `number` is its 1-based position in its list (also for unordered lists).
    ListItem {
        ordered: bool,
        number: u32,
    },
    Quote,
}

/// One paragraph-level block with its plain text (line breaks as `\n`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub text: String,
}

/// Sanitised chapter HTML: the only way to make one is `SafeHtml::parse`, so a `SafeHtml` in a
/// page is always safe. `as_str` returns the HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SafeHtml(String);

impl SafeHtml {
    /// Sanitise author input (HTML or plain text). Err when, after sanitising, nothing readable
    /// remains (empty chapter) or the input exceeds MAX_INPUT_BYTES.
    ///
    /// Input counts as HTML when it contains something tag-like (`<name …>`, `</name>`,
    /// `<!…`); otherwise it is plain text: paragraphs split on blank lines, single newlines
    /// become `<br>`. A chapter holding only an image is not empty.
    pub fn parse(input: &str) -> Result<SafeHtml, RichTextError> {
        if input.len() > MAX_INPUT_BYTES {
            return Err(RichTextError::TooLong);
        }
        let html = if looks_like_html(input) {
            sanitize(input)
        } else {
            sanitize(&plain_text_to_html(input))
        };
        let safe = SafeHtml(html);
        if safe.is_empty() {
            return Err(RichTextError::Empty);
        }
        Ok(safe)
    }

    /// Wrap HTML that was produced by `parse` earlier and stored (from the database): it is
    /// sanitised again (cheap insurance) but never fails; an empty result is allowed.
    pub fn from_stored(html: &str) -> SafeHtml {
        SafeHtml(sanitize(html))
    }

    /// HTML this crate's store wrote after [`SafeHtml::parse`], read back without sanitising
    /// again: the reading page is the hottest path and the database holds nothing else.
    pub(crate) fn stored(html: String) -> SafeHtml {
        SafeHtml(html)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True when nothing readable (no text, no image) is in the chapter.
    pub fn is_empty(&self) -> bool {
        !has_visible(&self.tree())
    }

    /// Plain text with blocks separated by blank lines (for search, word counts, PDF).
    pub fn plain_text(&self) -> String {
        self.blocks()
            .into_iter()
            .map(|b| b.text)
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Paragraph-level blocks for a PDF, in document order. Blocks without text are left out
    /// (images and rules carry no text).
    pub fn blocks(&self) -> Vec<Block> {
        let mut walker = BlockWalker::default();
        walker.walk(&self.tree(), BlockKind::Paragraph, false);
        walker.flush(BlockKind::Paragraph);
        walker.blocks
    }

    /// Well-formed XHTML (for EPUB): void elements self-closed (<br/>, <img .../>, <hr/>),
    /// named entities other than the five XML ones turned into numeric references, attributes
    /// quoted. Every `img` gets an `alt`. No namespace declaration: the caller wraps it.
    pub fn to_xhtml(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + 64);
        write_xhtml(&self.tree(), &mut out);
        out
    }

    /// Number of words: whitespace-separated runs holding at least one letter or digit.
    /// The stored files the text shows as images (their SHA-256 digests), in order, once each.
    pub fn image_digests(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let html = self.as_str();
        let needle = "src=\"/berkas/";
        let mut rest = html;
        while let Some(at) = rest.find(needle) {
            rest = &rest[at + needle.len()..];
            let digest: String = rest.chars().take_while(|c| c.is_ascii_hexdigit()).collect();
            if digest.len() == 64 && !out.contains(&digest) {
                out.push(digest);
            }
        }
        out
    }

    pub fn word_count(&self) -> usize {
        self.plain_text()
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphanumeric))
            .count()
    }

    fn tree(&self) -> Vec<Node> {
        parse_tree(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------
// Sanitising pipeline
// ---------------------------------------------------------------------------------------------

/// Repeats [`round`] until its output no longer changes. The result is returned only once it is
/// a fixed point, which makes `sanitize(sanitize(x)) == sanitize(x)`.
fn sanitize(input: &str) -> String {
    let mut current = round(input);
    if current == input {
        return current;
    }
    for _ in 0..MAX_ROUNDS {
        let next = round(&current);
        if next == current {
            return next;
        }
        current = next;
    }
    // Not stable (never seen): still ammonia's output, so still safe.
    current
}

/// ammonia → normalise → ammonia. The last step means every result is ammonia's own output.
fn round(html: &str) -> String {
    let cleaned = SANITIZER.clean(html).to_string();
    let tree = normalise(parse_tree(&cleaned), Parent::Root);
    let mut out = String::with_capacity(cleaned.len());
    write_html(&tree, &mut out);
    SANITIZER.clean(&out).to_string()
}

/// Does the input contain a tag (`<name ...>`, `</name>`), a comment or a declaration?
fn looks_like_html(input: &str) -> bool {
    let bytes = input.as_bytes();
    let mut from = 0;
    while let Some(offset) = bytes[from..].iter().position(|&b| b == b'<') {
        let start = from + offset + 1;
        let rest = &bytes[start..];
        if rest.first() == Some(&b'!') {
            if rest
                .get(1)
                .is_some_and(|b| *b == b'-' || b.is_ascii_alphabetic())
            {
                return true;
            }
        } else {
            let mut j = usize::from(rest.first() == Some(&b'/'));
            if rest.get(j).is_some_and(u8::is_ascii_alphabetic) {
                while rest
                    .get(j)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b':')
                {
                    j += 1;
                }
                if rest
                    .get(j)
                    .is_some_and(|b| matches!(b, b'>' | b'/') || b.is_ascii_whitespace())
                {
                    for &b in &rest[j..] {
                        match b {
                            b'>' => return true,
                            b'<' => break,
                            _ => {}
                        }
                    }
                }
            }
        }
        from = start;
    }
    false
}

/// Plain text → paragraphs split on blank lines, single newlines → `<br>`.
fn plain_text_to_html(input: &str) -> String {
    let text = input.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + 64);
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if paragraph.is_empty() {
            return;
        }
        out.push_str("<p>");
        for (i, line) in paragraph.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            escape_html(line.trim(), false, out);
        }
        out.push_str("</p>");
        paragraph.clear();
    };
    for line in text.split('\n') {
        if line.trim().is_empty() {
            flush(&mut paragraph, &mut out);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// A small tree over sanitised HTML
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Element(Element),
    Text(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Element {
    name: String,
    attrs: Vec<(String, String)>,
    children: Vec<Node>,
}

impl Element {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn push_text(children: &mut Vec<Node>, text: &str) {
    if text.is_empty() {
        return;
    }
    if let Some(Node::Text(last)) = children.last_mut() {
        last.push_str(text);
    } else {
        children.push(Node::Text(text.to_owned()));
    }
}

/// Builds the tree from tokens. Meant for serialised DOMs (ammonia's output), where tags are
/// balanced; anything else still gives a tree (unmatched end tags are ignored, open elements are
/// closed at the end).
struct TreeCollector {
    stack: RefCell<Vec<Element>>,
}

impl TreeCollector {
    /// Closes the innermost open element into its parent; the root stays open.
    fn close_top(stack: &mut Vec<Element>) {
        if stack.len() < 2 {
            return;
        }
        let Some(element) = stack.pop() else { return };
        let Some(parent) = stack.last_mut() else {
            return;
        };
        parent.children.push(Node::Element(element));
    }
}

impl TokenSink for TreeCollector {
    type Handle = ();

    fn process_token(&self, token: Token, _line_number: u64) -> TokenSinkResult<()> {
        let mut stack = self.stack.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        let element = Element {
                            attrs: tag
                                .attrs
                                .iter()
                                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                                .collect(),
                            name,
                            children: Vec::new(),
                        };
                        if VOID_TAGS.contains(&element.name.as_str()) {
                            // The stack always holds the root.
                            if let Some(parent) = stack.last_mut() {
                                parent.children.push(Node::Element(element));
                            }
                        } else {
                            stack.push(element);
                        }
                    }
                    TagKind::EndTag => {
                        if let Some(pos) = stack.iter().skip(1).rposition(|e| e.name == name) {
                            while stack.len() > pos + 1 {
                                Self::close_top(&mut stack);
                            }
                        }
                    }
                }
            }
            Token::CharacterTokens(text) => {
                if let Some(parent) = stack.last_mut() {
                    push_text(&mut parent.children, &text);
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn parse_tree(html: &str) -> Vec<Node> {
    let root = Element {
        name: String::new(),
        attrs: Vec::new(),
        children: Vec::new(),
    };
    let sink = TreeCollector {
        stack: RefCell::new(vec![root]),
    };
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut stack = tokenizer.sink.stack.borrow_mut();
    while stack.len() > 1 {
        TreeCollector::close_top(&mut stack);
    }
    stack.pop().map(|root| root.children).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Parent {
    Root,
    List,
    Other,
}

fn canonical_name(name: &str) -> Option<&'static str> {
    match name {
        "h1" => Some("h2"),
        "h5" | "h6" => Some("h4"),
        _ if PARAGRAPH_LIKE.contains(&name) => Some("p"),
        _ => OUTPUT_TAGS.iter().copied().find(|t| *t == name),
    }
}

/// Keeps only characters that XML 1.0 allows (form feed becomes a space).
fn clean_chars(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\u{c}' => Some(' '),
            '\t' | '\n' | '\r' => Some(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => None,
            _ => Some(c),
        })
        .collect()
}

/// Is `src` a plain path inside our file store (no `..`, no host, no odd characters)?
fn is_store_path(src: &str) -> bool {
    let Some(rest) = src.strip_prefix(IMAGE_PREFIX) else {
        return false;
    };
    let lower = rest.to_ascii_lowercase();
    !rest.is_empty()
        && !rest.starts_with('/')
        && rest.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '.' | '-' | '_' | '~' | '%' | '?' | '=' | '&')
        })
        && !lower.contains("..")
        && !lower.contains("%2e")
        && !lower.contains("//")
}

fn has_visible(nodes: &[Node]) -> bool {
    nodes.iter().any(|node| match node {
        Node::Text(t) => !t.trim().is_empty(),
        Node::Element(e) => e.name == "img" || has_visible(&e.children),
    })
}

fn is_inline(node: &Node) -> bool {
    match node {
        Node::Text(_) => true,
        Node::Element(e) => {
            INLINE_TAGS.contains(&e.name.as_str()) && e.children.iter().all(is_inline)
        }
    }
}

fn is_blank_text(node: &Node) -> bool {
    matches!(node, Node::Text(t) if t.trim().is_empty())
}

fn normalise(nodes: Vec<Node>, parent: Parent) -> Vec<Node> {
    let mut out: Vec<Node> = Vec::with_capacity(nodes.len());
    for node in nodes {
        match node {
            Node::Text(text) => push_text(&mut out, &clean_chars(&text)),
            Node::Element(element) => {
                for replacement in normalise_element(element) {
                    match replacement {
                        Node::Text(text) => push_text(&mut out, &text),
                        other => out.push(other),
                    }
                }
            }
        }
    }
    if parent != Parent::List {
        out = wrap_runs(
            out,
            |n| matches!(n, Node::Element(e) if e.name == "li"),
            "ul",
        );
    }
    if parent == Parent::Root {
        out = wrap_runs(out, is_inline, "p");
    }
    out
}

/// What one element becomes: itself (normalised), its children, some text, or nothing.
fn normalise_element(element: Element) -> Vec<Node> {
    let Some(name) = canonical_name(&element.name) else {
        // Never produced by the sanitiser; keep the content, drop the element.
        return normalise(element.children, Parent::Other);
    };
    let child_parent = if matches!(name, "ul" | "ol") {
        Parent::List
    } else {
        Parent::Other
    };
    match name {
        "img" => {
            let alt = clean_chars(element.attr("alt").unwrap_or_default());
            match element.attr("src") {
                Some(src) if is_store_path(src) => vec![Node::Element(Element {
                    name: name.to_owned(),
                    attrs: vec![
                        ("src".to_owned(), clean_chars(src)),
                        ("alt".to_owned(), alt),
                    ],
                    children: Vec::new(),
                })],
                // Foreign or missing image: dropped, its description kept as text.
                _ if alt.trim().is_empty() => Vec::new(),
                _ => vec![Node::Text(alt)],
            }
        }
        "br" | "hr" => vec![Node::Element(Element {
            name: name.to_owned(),
            attrs: Vec::new(),
            children: Vec::new(),
        })],
        _ => {
            let href = element.attr("href").map(clean_chars);
            let children = normalise(element.children, child_parent);
            let attrs = if name == "a" {
                match href {
                    Some(href) => vec![
                        ("href".to_owned(), href),
                        ("rel".to_owned(), LINK_REL.to_owned()),
                    ],
                    // A link whose target was refused is just its text.
                    None => return children,
                }
            } else {
                Vec::new()
            };
            let keep = match name {
                "p" => has_visible(&children),
                "em" | "strong" | "i" | "b" | "a" => !children.is_empty(),
                _ => true,
            };
            if keep {
                vec![Node::Element(Element {
                    name: name.to_owned(),
                    attrs,
                    children,
                })]
            } else {
                // Whitespace inside a dropped element still separates words.
                children.into_iter().filter(is_blank_text).take(1).collect()
            }
        }
    }
}

/// Wraps maximal runs of nodes matching `belongs` (ignoring blank text at a run's ends) in a new
/// `wrapper` element, when the run holds at least one non-blank node and, for paragraphs,
/// something visible.
fn wrap_runs(nodes: Vec<Node>, belongs: impl Fn(&Node) -> bool, wrapper: &str) -> Vec<Node> {
    if !nodes.iter().any(|n| !is_blank_text(n) && belongs(n)) {
        return nodes;
    }
    let mut out = Vec::with_capacity(nodes.len());
    let mut run: Vec<Node> = Vec::new();
    let flush = |run: &mut Vec<Node>, out: &mut Vec<Node>| {
        let trailing = run.iter().rev().take_while(|n| is_blank_text(n)).count();
        let tail = run.split_off(run.len() - trailing);
        let leading = run.iter().take_while(|n| is_blank_text(n)).count();
        let body = run.split_off(leading);
        out.append(run);
        let wrap = !body.is_empty() && (wrapper != "p" || has_visible(&body));
        if wrap {
            out.push(Node::Element(Element {
                name: wrapper.to_owned(),
                attrs: Vec::new(),
                children: body,
            }));
        } else {
            out.extend(body);
        }
        out.extend(tail);
    };
    for node in nodes {
        if is_blank_text(&node) || belongs(&node) {
            run.push(node);
        } else {
            flush(&mut run, &mut out);
            out.push(node);
        }
    }
    flush(&mut run, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Serialisation
// ---------------------------------------------------------------------------------------------

/// Escapes like html5ever's serialiser (`&`, no-break space, `<`, `>`, and `"` in attributes).
fn escape_html(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn write_html(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => escape_html(text, false, out),
            Node::Element(e) => {
                out.push('<');
                out.push_str(&e.name);
                for (name, value) in &e.attrs {
                    out.push(' ');
                    out.push_str(name);
                    out.push_str("=\"");
                    escape_html(value, true, out);
                    out.push('"');
                }
                out.push('>');
                if !VOID_TAGS.contains(&e.name.as_str()) {
                    write_html(&e.children, out);
                    out.push_str("</");
                    out.push_str(&e.name);
                    out.push('>');
                }
            }
        }
    }
}

/// XML escaping by the kernel's one escaper; a no-break space is written as `&#160;` so it
/// stays visible in the XHTML's source.
fn escape_xml(text: &str, attribute: bool, out: &mut String) {
    let escaped = if attribute {
        anjungan_kernel::text::xml_attr(text)
    } else {
        anjungan_kernel::text::xml_text(text)
    };
    out.push_str(&escaped.replace('\u{a0}', "&#160;"));
}

fn write_xhtml(nodes: &[Node], out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => escape_xml(text, false, out),
            Node::Element(e) => {
                // Names come from the sanitiser's allow-list; check anyway so the output is
                // always well-formed.
                let Some(name) = canonical_name(&e.name) else {
                    write_xhtml(&e.children, out);
                    continue;
                };
                out.push('<');
                out.push_str(name);
                for (attr, value) in &e.attrs {
                    if !matches!(attr.as_str(), "href" | "rel" | "src" | "alt") {
                        continue;
                    }
                    out.push(' ');
                    out.push_str(attr);
                    out.push_str("=\"");
                    escape_xml(value, true, out);
                    out.push('"');
                }
                if name == "img" && e.attr("alt").is_none() {
                    out.push_str(" alt=\"\"");
                }
                if VOID_TAGS.contains(&name) {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    write_xhtml(&e.children, out);
                    out.push_str("</");
                    out.push_str(name);
                    out.push('>');
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Blocks and plain text
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct BlockWalker {
    blocks: Vec<Block>,
    text: String,
    pending_space: bool,
}

impl BlockWalker {
    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{c}') {
                if !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.pending_space = true;
                }
            } else {
                if self.pending_space {
                    self.text.push(' ');
                    self.pending_space = false;
                }
                self.text.push(c);
            }
        }
    }

    fn push_break(&mut self) {
        self.pending_space = false;
        self.text.push('\n');
    }

    fn flush(&mut self, kind: BlockKind) {
        let text = self
            .text
            .split('\n')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned();
        self.text.clear();
        self.pending_space = false;
        if !text.is_empty() {
            self.blocks.push(Block { kind, text });
        }
    }

    fn walk(&mut self, nodes: &[Node], kind: BlockKind, in_quote: bool) {
        let mut item = 0u32;
        for node in nodes {
            let e = match node {
                Node::Text(text) => {
                    self.push_text(text);
                    continue;
                }
                Node::Element(e) => e,
            };
            match e.name.as_str() {
                "br" => self.push_break(),
                "img" => {}
                "em" | "strong" | "i" | "b" | "a" => self.walk(&e.children, kind, in_quote),
                name => {
                    self.flush(kind);
                    let inner = match name {
                        "p" if in_quote => BlockKind::Quote,
                        "p" => BlockKind::Paragraph,
                        "h2" => BlockKind::Heading(2),
                        "h3" => BlockKind::Heading(3),
                        "h4" => BlockKind::Heading(4),
                        "blockquote" => BlockKind::Quote,
                        "li" => {
                            item += 1;
                            match kind {
                                BlockKind::ListItem { ordered, .. } => BlockKind::ListItem {
                                    ordered,
                                    number: item,
                                },
                                _ => BlockKind::ListItem {
                                    ordered: false,
                                    number: item,
                                },
                            }
                        }
                        // The list's kind is handed to its items, which number themselves.
                        "ul" | "ol" => BlockKind::ListItem {
                            ordered: name == "ol",
                            number: 0,
                        },
                        _ => kind,
                    };
                    self.walk(&e.children, inner, in_quote || name == "blockquote");
                    self.flush(inner);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn assert_well_formed(xhtml: &str) {
        let doc = format!("<body xmlns=\"http://www.w3.org/1999/xhtml\">{xhtml}</body>");
        if let Err(e) = roxmltree::Document::parse(&doc) {
            panic!("not well-formed XML ({e}): {doc}");
        }
    }

    /// Every element and attribute in the output is on the allow-list, and URLs are safe.
    fn assert_allow_listed(safe: &SafeHtml) {
        fn check(nodes: &[Node], html: &str) {
            for node in nodes {
                let Node::Element(e) = node else { continue };
                assert!(
                    OUTPUT_TAGS.contains(&e.name.as_str()),
                    "{} in {html}",
                    e.name
                );
                for (name, value) in &e.attrs {
                    let ok = matches!(
                        (e.name.as_str(), name.as_str()),
                        ("a", "href") | ("a", "rel") | ("img", "src") | ("img", "alt")
                    );
                    assert!(ok, "attribute {name} on {} in {html}", e.name);
                    if name == "src" {
                        assert!(is_store_path(value), "{html}");
                    }
                    if name == "href" {
                        let lower = value.to_ascii_lowercase();
                        let scheme_ok = ["http:", "https:", "mailto:"]
                            .iter()
                            .any(|s| lower.starts_with(s))
                            || !lower.split(['/', '?', '#']).next().unwrap().contains(':');
                        assert!(scheme_ok, "href {value} in {html}");
                    }
                    if name == "rel" {
                        assert_eq!(value, LINK_REL);
                    }
                    // Text may mention anything (it is escaped); URLs may not point elsewhere.
                    let lower = value.to_ascii_lowercase();
                    if name == "href" || name == "src" {
                        assert!(
                            !lower.contains("evil") && !lower.contains("alert"),
                            "{html}"
                        );
                    }
                }
                check(&e.children, html);
            }
        }
        check(&safe.tree(), safe.as_str());
    }

    /// No `on…=` attribute inside a tag (quoted attribute values are skipped: they cannot hold a
    /// raw `"`, and text cannot hold a raw `<`).
    fn assert_no_handler_attribute(lower: &str) {
        let bytes = lower.as_bytes();
        let (mut in_tag, mut in_quote) = (false, false);
        for (i, &b) in bytes.iter().enumerate() {
            match b {
                b'<' if !in_quote => in_tag = true,
                b'>' if !in_quote => in_tag = false,
                b'"' if in_tag => in_quote = !in_quote,
                b' ' if in_tag && !in_quote && bytes[i + 1..].starts_with(b"on") => {
                    let rest = &bytes[i + 3..];
                    let letters = rest.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                    assert!(
                        letters == 0 || rest.get(letters) != Some(&b'='),
                        "handler attribute in {lower}"
                    );
                }
                _ => {}
            }
        }
        assert!(!in_tag && !in_quote, "unbalanced markup in {lower}");
    }

    fn assert_harmless(input: &str) {
        let mut outputs = vec![SafeHtml::from_stored(input)];
        match SafeHtml::parse(input) {
            Ok(safe) => outputs.push(safe),
            Err(e) => assert_eq!(e, RichTextError::Empty, "{input}"),
        }
        for safe in outputs {
            let lower = safe.as_str().to_lowercase();
            for bad in [
                "<script",
                "javascript",
                "vbscript",
                "data:",
                "style",
                "<iframe",
                "<svg",
                "<math",
                "<object",
                "<embed",
                "<form",
                "<input",
                "<button",
                "<base",
                "<meta",
                "<link",
                "<template",
                "<noscript",
                "<textarea",
                "formaction",
                "srcdoc",
                "http-equiv",
            ] {
                assert!(
                    !lower.contains(bad),
                    "{bad:?} in output {lower:?} of {input:?}"
                );
            }
            assert_no_handler_attribute(&lower);
            assert_allow_listed(&safe);
            assert_well_formed(&safe.to_xhtml());
            assert_eq!(SafeHtml::from_stored(safe.as_str()), safe, "not idempotent");
        }
    }

    const HOSTILE: &[&str] = &[
        "<script>alert(1)</script><p>x</p>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"/berkas/a.png\" onerror=\"alert(1)\" onload=alert(2)>",
        "<a href=\"javascript:alert(1)\">klik</a>",
        "<a href=\"JaVaScRiPt:alert(1)\">klik</a>",
        "<a href=\"&#x6A;&#x61;vascript&#x3A;alert(1)\">klik</a>",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">k</a>",
        "<a href=\"jav&#x09;ascript:alert(1)\">klik</a>",
        "<a href=\"jav\tascript:alert(1)\">klik</a>",
        "<a href=\"jav\nascript:alert(1)\">klik</a>",
        "<a href=\"java&NewLine;script&colon;alert(1)\">klik</a>",
        "<a href=\" &#14; javascript:alert(1)\">klik</a>",
        "<a href=\"\u{1}javascript:alert(1)\">klik</a>",
        "<a href=\"vbscript:msgbox(1)\">klik</a>",
        "<svg onload=alert(1)><circle r=1></svg>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<style>@import 'https://evil.example/x.css'; body{background:red}</style><p>x</p>",
        "<p style=\"background:url(javascript:alert(1))\">teks</p>",
        "<div style=\"position:fixed;top:0\">teks</div>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
        "<object data=\"javascript:alert(1)\"></object><embed src=\"javascript:alert(1)\">",
        "<form action=\"https://evil.example/\"><input name=a autofocus onfocus=alert(1)></form>",
        "<input autofocus onfocus=alert(1)>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">klik</a>",
        "<img src=\"data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+\">",
        "<img src=\"https://evil.example/track.gif\" alt=\"\">",
        "<img src=\"//evil.example/x.png\">",
        "<img src=\"/berkas/../../evil\" alt=\"\">",
        "<img src=\"/berkas/%2E%2E/evil\"><img src=\"/berkas//evil.example/x\">",
        "<img src=\" /berkas/a.png\"><img src=\"/berkas/a.png?x=javascript:alert(1)\">",
        "<base href=\"https://evil.example/\"><a href=\"/x\">x</a>",
        "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">",
        "<link rel=stylesheet href=\"https://evil.example/x.css\">",
        "<p>unclosed <b>bold <i>both <a href=\"/x\">link",
        "<!--><img src=x onerror=alert(1)>-->",
        "<!-- a --!><img src=x onerror=alert(1)> -->",
        "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
        "<noscript><style></noscript><img src=x onerror=alert(1)></style></noscript>",
        "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
        "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
        "<math><mi><mglyph><svg><mtext><textarea><path id=\"</textarea><img onerror=alert(1) src=1>\">",
        "<template><script>alert(1)</script><img src=x onerror=alert(1)></template>",
        "<button formaction=\"javascript:alert(1)\">x</button>",
        "<form><input type=submit formaction=javascript:alert(1)></form>",
        "<xmp><img src=x onerror=alert(1)></xmp>",
        "<title><img src=x onerror=alert(1)></title>",
        "<details open ontoggle=alert(1)>x</details>",
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        "<a href=\"https://example.org/\" onclick=\"alert(1)\" target=_blank rel=opener>x</a>",
        "<p onmouseover=\"alert(1)\" class=x id=y title=z lang=en>hai</p>",
        "<body onload=alert(1)><p>x</p></body>",
        "<img src=\"/berkas/a.png\" alt=\"&quot; onerror=&quot;alert(1)\">",
    ];

    #[test]
    fn hostile_corpus_is_harmless() {
        assert!(HOSTILE.len() >= 25);
        for case in HOSTILE {
            assert_harmless(case);
        }
    }

    #[test]
    fn hostile_corpus_keeps_harmless_content() {
        let out = |s: &str| SafeHtml::from_stored(s).as_str().to_owned();
        assert_eq!(out("<script>alert(1)</script><p>x</p>"), "<p>x</p>");
        assert_eq!(
            out("<img src=\"/berkas/a.png\" onerror=\"alert(1)\">"),
            "<p><img src=\"/berkas/a.png\" alt=\"\"></p>"
        );
        assert_eq!(
            out("<a href=\"javascript:alert(1)\">klik</a>"),
            "<p>klik</p>"
        );
        assert_eq!(
            out("<img src=\"https://cdn.example/x.png\" alt=\"Peta lama\">"),
            "<p>Peta lama</p>"
        );
        assert_eq!(out("<p>unclosed <b>bold"), "<p>unclosed <b>bold</b></p>");
        assert_eq!(
            out("<h1>Judul</h1><h6>Kecil</h6>"),
            "<h2>Judul</h2><h4>Kecil</h4>"
        );
        assert_eq!(
            out("<div>satu</div><div>dua</div>"),
            "<p>satu</p><p>dua</p>"
        );
    }

    #[test]
    fn allowed_markup_survives_exactly() {
        let input = "<h2>Judul</h2><p>Satu <em>dua</em> <strong>tiga</strong> <i>empat</i> \
                     <b>lima</b><br>baris &amp; &lt;baru&gt;&nbsp;x</p><ul><li>a</li><li>b</li></ul>\
                     <ol><li>c</li></ol><blockquote><p>kutipan</p></blockquote><hr>\
                     <p><img src=\"/berkas/foto.jpg\" alt=\"Foto\"></p><h3>Sub</h3><h4>Subsub</h4>\
                     <p><a href=\"https://example.org/x?a=1&amp;b=2\">tautan</a> \
                     <a href=\"/cilen/1\">relatif</a> <a href=\"mailto:a@b.id\">surat</a></p>";
        let expected = input
            .replace("\">tautan", "\" rel=\"nofollow noopener\">tautan")
            .replace("\">relatif", "\" rel=\"nofollow noopener\">relatif")
            .replace("\">surat", "\" rel=\"nofollow noopener\">surat");
        let safe = SafeHtml::parse(input).unwrap();
        assert_eq!(safe.as_str(), expected);
        assert_eq!(SafeHtml::from_stored(&expected), safe);
        assert_well_formed(&safe.to_xhtml());
    }

    #[test]
    fn plain_text_becomes_paragraphs() {
        let safe = SafeHtml::parse("Baris satu\r\nbaris dua\n\n\n  Paragraf 2 & <3 \n").unwrap();
        assert_eq!(
            safe.as_str(),
            "<p>Baris satu<br>baris dua</p><p>Paragraf 2 &amp; &lt;3</p>"
        );
        assert_eq!(
            safe.plain_text(),
            "Baris satu\nbaris dua\n\nParagraf 2 & <3"
        );
        assert_eq!(safe.word_count(), 7);
        // Not tags: plain text, escaped.
        let safe = SafeHtml::parse("1 < 2 > 0, a<3 & b<=c").unwrap();
        assert_eq!(
            safe.as_str(),
            "<p>1 &lt; 2 &gt; 0, a&lt;3 &amp; b&lt;=c</p>"
        );
    }

    #[test]
    fn html_detection() {
        assert!(looks_like_html("<p>x"));
        assert!(looks_like_html("x</b>"));
        assert!(looks_like_html("<br/>"));
        assert!(looks_like_html("<img src=x>"));
        assert!(looks_like_html("<!-- c -->"));
        assert!(!looks_like_html("1 < 2 and 3 > 2"));
        assert!(!looks_like_html("aku <3 kamu"));
        assert!(!looks_like_html("<b"));
    }

    #[test]
    fn errors() {
        assert_eq!(SafeHtml::parse(""), Err(RichTextError::Empty));
        assert_eq!(SafeHtml::parse("  \n\n "), Err(RichTextError::Empty));
        assert_eq!(
            SafeHtml::parse("<p> &nbsp; </p><hr>"),
            Err(RichTextError::Empty)
        );
        assert_eq!(
            SafeHtml::parse("<script>alert(1)</script>"),
            Err(RichTextError::Empty)
        );
        let long = "a".repeat(MAX_INPUT_BYTES + 1);
        assert_eq!(SafeHtml::parse(&long), Err(RichTextError::TooLong));
        assert!(SafeHtml::parse(&"a ".repeat(MAX_INPUT_BYTES / 2)).is_ok());
        assert_eq!(
            RichTextError::Empty.message_key(),
            "stories.error.chapter_empty"
        );
        assert_eq!(
            RichTextError::TooLong.message_key(),
            "stories.error.chapter_too_long"
        );
        // An image is content.
        assert!(SafeHtml::parse("<img src=\"/berkas/1.png\">").is_ok());
        // from_stored never fails.
        assert_eq!(SafeHtml::from_stored("").as_str(), "");
        assert!(SafeHtml::from_stored("<script>x</script>").is_empty());
    }

    #[test]
    fn word_count_and_plain_text() {
        let safe = SafeHtml::parse(
            "<h2>Asal  Usul</h2><p>Dahulu kala — di <em>tepi</em>\n sungai,<br>ada desa.</p>\
             <ul><li>satu</li><li>dua</li></ul>",
        )
        .unwrap();
        assert_eq!(
            safe.plain_text(),
            "Asal Usul\n\nDahulu kala — di tepi sungai,\nada desa.\n\nsatu\n\ndua"
        );
        assert_eq!(safe.word_count(), 11);
    }

    #[test]
    fn blocks_have_kinds() {
        let safe = SafeHtml::parse(
            "<h1>A</h1><p>B</p><ol><li>C</li><li>D<ul><li>E</li></ul></li></ol>\
             <blockquote>F<p>G</p></blockquote><h4>H</h4>",
        )
        .unwrap();
        let kinds: Vec<(BlockKind, String)> = safe
            .blocks()
            .into_iter()
            .map(|b| (b.kind, b.text))
            .collect();
        let item = |ordered, number| BlockKind::ListItem { ordered, number };
        assert_eq!(
            kinds,
            [
                (BlockKind::Heading(2), "A"),
                (BlockKind::Paragraph, "B"),
                (item(true, 1), "C"),
                (item(true, 2), "D"),
                (item(false, 1), "E"),
                (BlockKind::Quote, "F"),
                (BlockKind::Quote, "G"),
                (BlockKind::Heading(4), "H"),
            ]
            .map(|(k, t)| (k, t.to_owned()))
            .to_vec()
        );
    }

    #[test]
    fn xhtml_is_well_formed_and_self_closing() {
        let safe = SafeHtml::parse(
            "<p>a&nbsp;b &copy; &eacute;<br><img src=\"/berkas/x.png\" alt='\"q\" &amp; <x>'></p><hr>\
             <p><a href=\"/a?b=1&amp;c=2\">l</a></p>",
        )
        .unwrap();
        let x = safe.to_xhtml();
        assert_eq!(
            x,
            "<p>a&#160;b © é<br/><img src=\"/berkas/x.png\" alt=\"&quot;q&quot; &amp; &lt;x&gt;\"/></p>\
             <hr/><p><a href=\"/a?b=1&amp;c=2\" rel=\"nofollow noopener\">l</a></p>"
        );
        assert_well_formed(&x);
    }

    #[test]
    fn odd_nesting_converges() {
        for input in [
            "<p>a<table><tr><td><p>b</p></td></tr></table>c</p>",
            "<h2>x<div><h3>y</h3></div></h2>",
            "<ul><li>a<table><tr><td><li>b</li></td></tr></table></li></ul>",
            "<a href=/1>a<table><tr><td><a href=/2>b</a></td></tr></table></a>",
            "<b><p>x</b>y</p>",
            "<a href=/1><p>x</p></a>text",
            "<li>lepas</li><li>dua</li>",
            "<div><ul><li>a</li></ul>teks</div>",
            "<blockquote><li>a</li></blockquote>",
            "<p><table><td><ul><li>x</li></ul></td></table></p>",
        ] {
            let once = SafeHtml::from_stored(input);
            assert_eq!(SafeHtml::from_stored(once.as_str()), once, "{input}");
            assert_allow_listed(&once);
            assert_well_formed(&once.to_xhtml());
        }
    }

    fn html_soup() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("<p>"),
            Just("</p>"),
            Just("<b>"),
            Just("</b>"),
            Just("<em>"),
            Just("<i>"),
            Just("</i>"),
            Just("<h1>"),
            Just("</h1>"),
            Just("<h3>"),
            Just("<ul>"),
            Just("<ol>"),
            Just("<li>"),
            Just("</li>"),
            Just("<blockquote>"),
            Just("</blockquote>"),
            Just("<div>"),
            Just("</div>"),
            Just("<table>"),
            Just("<tr>"),
            Just("<td>"),
            Just("<br>"),
            Just("<hr>"),
            Just("<a href=\"/x\">"),
            Just("<a href=\"javascript:x\">"),
            Just("</a>"),
            Just("<img src=\"/berkas/a.png\" alt=\"A\">"),
            Just("<img src=\"x\" alt=\"B\">"),
            Just("<svg>"),
            Just("<math>"),
            Just("<style>"),
            Just("<script>"),
            Just("<noscript>"),
            Just("<!--"),
            Just("-->"),
            Just("<"),
            Just(">"),
            Just("\""),
            Just("&amp;"),
            Just("&nbsp;"),
            Just("\n\n"),
            Just(" "),
            Just("teks"),
            Just("\u{0}\u{1}\u{c}\u{fffe}"),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    fn check_roundtrip(input: &str) -> Result<(), TestCaseError> {
        if let Ok(safe) = SafeHtml::parse(input) {
            prop_assert_eq!(SafeHtml::from_stored(safe.as_str()), safe.clone());
            let doc = format!(
                "<body xmlns=\"http://www.w3.org/1999/xhtml\">{}</body>",
                safe.to_xhtml()
            );
            prop_assert!(roxmltree::Document::parse(&doc).is_ok(), "{}", doc);
            assert_allow_listed(&safe);
        }
        let stored = SafeHtml::from_stored(input);
        prop_assert_eq!(SafeHtml::from_stored(stored.as_str()), stored.clone());
        let doc = format!(
            "<body xmlns=\"http://www.w3.org/1999/xhtml\">{}</body>",
            stored.to_xhtml()
        );
        prop_assert!(roxmltree::Document::parse(&doc).is_ok(), "{}", doc);
        Ok(())
    }

    proptest! {
        #[test]
        fn idempotent_and_well_formed_for_any_string(input in any::<String>()) {
            check_roundtrip(&input)?;
        }

        #[test]
        fn idempotent_and_well_formed_for_html_soup(input in html_soup()) {
            check_roundtrip(&input)?;
        }
    }
}
