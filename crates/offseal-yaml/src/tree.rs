//! A compact node tree built from granit-parser events, with exact byte spans.
//!
//! Memory stays proportional to the input: a node is 28 bytes (offsets, lines and columns in
//! 32 bits), the children of every collection sit in one shared array, and a scalar's text is
//! its span of the source unless its decoded value differs from the source (escapes, folding,
//! block scalars), when it goes into one shared string. The rare anchors, tags and
//! block-scalar headers live in side tables.

use std::borrow::Cow;
use std::collections::HashSet;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, StrInput, StructureStyle};

use crate::error::Error;
use crate::text;

/// Index of a node in a [`Tree`].
pub(crate) type NodeId = u32;

/// The largest text parsed, in bytes: offsets, lines and columns are kept in 32 bits.
pub(crate) const MAX_LEN: usize = u32::MAX as usize;

/// Refuses a text longer than [`MAX_LEN`].
pub(crate) fn check_len(len: usize) -> Result<(), Error> {
    if len > MAX_LEN {
        return Err(Error::TooLarge {
            bytes: len,
            limit: MAX_LEN,
        });
    }
    Ok(())
}

/// A position or count known to fit in 32 bits (the text is at most [`MAX_LEN`] bytes).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn big(n: u32) -> usize {
    n as usize
}

/// Source style of a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl From<ScalarStyle> for Style {
    fn from(style: ScalarStyle) -> Self {
        match style {
            ScalarStyle::Plain => Self::Plain,
            ScalarStyle::SingleQuoted => Self::SingleQuoted,
            ScalarStyle::DoubleQuoted => Self::DoubleQuoted,
            ScalarStyle::Literal => Self::Literal,
            ScalarStyle::Folded => Self::Folded,
        }
    }
}

/// A tag on a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct NodeTag {
    /// Resolved form, such as `tag:yaml.org,2002:str`; compared when verifying.
    pub(crate) resolved: String,
    /// As written, such as `!!str`; shown in errors.
    pub(crate) written: String,
    /// Whether it is the core `str` tag.
    pub(crate) is_str: bool,
}

/// Where a scalar's decoded text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Text {
    /// The node's span of the source.
    Span,
    /// The node's span without its first and last byte (the quotes).
    Inner,
    /// A copy: the range at this index of [`Tree::owned`], in [`Tree::own`].
    Own(u32),
}

/// A run of a tree's shared child array.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Run {
    start: u32,
    len: u32,
}

impl Run {
    fn range(self) -> std::ops::Range<usize> {
        big(self.start)..big(self.start) + big(self.len)
    }

    pub(crate) fn is_empty(self) -> bool {
        self.len == 0
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Scalar {
        text: Text,
        style: Style,
    },
    /// The anchor id the alias refers to.
    Alias(u32),
    /// The column of the keys of a block mapping is the node's `col`.
    Map {
        flow: bool,
        /// In [`Tree::entries`].
        entries: Run,
    },
    Seq {
        flow: bool,
        /// In [`Tree::items`].
        items: Run,
    },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// Byte range of the node's span (for collections: from the start event to the end event).
    start: u32,
    end: u32,
    /// Line (from 1) and column (from 0, in characters) of the start; for a mapping, the
    /// column of its keys (see [`Node::indent`]).
    line: u32,
    col: u32,
}

// The size that keeps a dense file's tree at a few bytes per input byte.
const _: () = assert!(size_of::<Node>() == 28);

static MISSING: Node = Node {
    kind: Kind::Alias(0),
    start: 0,
    end: 0,
    line: 0,
    col: 0,
};

impl Node {
    pub(crate) fn start(&self) -> usize {
        big(self.start)
    }

    pub(crate) fn end(&self) -> usize {
        big(self.end)
    }

    pub(crate) fn line(&self) -> usize {
        big(self.line)
    }

    pub(crate) fn col(&self) -> usize {
        big(self.col)
    }

    /// The key column of a block mapping.
    pub(crate) fn indent(&self) -> Option<usize> {
        match self.kind {
            Kind::Map { .. } => Some(big(self.col)),
            _ => None,
        }
    }

    pub(crate) fn is_flow_map(&self) -> bool {
        matches!(self.kind, Kind::Map { flow: true, .. })
    }

    pub(crate) fn style(&self) -> Option<Style> {
        match self.kind {
            Kind::Scalar { style, .. } => Some(style),
            _ => None,
        }
    }
}

/// The spans of the scalars whose text may hold a `#` at the start of a line's text (block
/// scalars, and scalars over several lines), sorted: such a `#` begins a comment unless one of
/// these spans holds it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Content {
    spans: Vec<(u32, u32)>,
}

impl Content {
    /// Records a scalar's span if it may hold a line-initial `#`.
    pub(crate) fn note(&mut self, src: &str, start: usize, end: usize, style: Style) {
        if start >= end {
            return;
        }
        let block = matches!(style, Style::Literal | Style::Folded);
        let lines = src
            .as_bytes()
            .get(start..end)
            .is_some_and(|b| b.iter().any(|&c| c == b'\n' || c == b'\r'));
        if block || lines {
            self.spans.push((small(start), small(end)));
        }
    }

    pub(crate) fn finish(&mut self) {
        if !self.spans.is_sorted() {
            self.spans.sort_unstable();
        }
        self.spans.shrink_to_fit();
    }

    /// Whether a `#` that starts a line's text at `pos` begins a comment: it does unless it
    /// is scalar content (a block scalar or a multi-line scalar, whose spans cover all their
    /// content lines). Scalars do not overlap, so only the last span starting at or before
    /// `pos` can hold it.
    pub(crate) fn is_comment_at(&self, pos: usize) -> bool {
        let i = self.spans.partition_point(|&(s, _)| big(s) <= pos);
        i.checked_sub(1)
            .and_then(|i| self.spans.get(i))
            .is_none_or(|&(_, e)| pos >= big(e))
    }
}

/// Nodes in chunks of a fixed size, so that growing never copies them and never holds twice
/// their size (a vector doubles, and copies when it cannot grow in place).
#[derive(Clone, Debug, Default)]
struct Nodes {
    chunks: Vec<Vec<Node>>,
}

impl Nodes {
    /// Nodes per chunk (about 600 KB). The first chunk grows as needed, for small files.
    const CHUNK: usize = 1 << 14;

    fn len(&self) -> usize {
        match self.chunks.split_last() {
            Some((last, full)) => full.len() * Self::CHUNK + last.len(),
            None => 0,
        }
    }

    fn get(&self, i: usize) -> Option<&Node> {
        self.chunks.get(i / Self::CHUNK)?.get(i % Self::CHUNK)
    }

    fn get_mut(&mut self, i: usize) -> Option<&mut Node> {
        self.chunks
            .get_mut(i / Self::CHUNK)?
            .get_mut(i % Self::CHUNK)
    }

    fn push(&mut self, node: Node) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < Self::CHUNK => last.push(node),
            _ => {
                let mut chunk = Vec::with_capacity(if self.chunks.is_empty() {
                    0
                } else {
                    Self::CHUNK
                });
                chunk.push(node);
                self.chunks.push(chunk);
            }
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Node> {
        self.chunks.iter().flatten()
    }

    fn shrink_to_fit(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            last.shrink_to_fit();
        }
    }
}

/// A parsed single-document file, or the new nodes of the data an edit expects.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tree {
    /// The source text (empty for a tree of new nodes).
    src: String,
    nodes: Nodes,
    /// The entries of all mappings, each mapping's in one run.
    entries: Vec<(NodeId, NodeId)>,
    /// The items of all sequences.
    items: Vec<NodeId>,
    /// Decoded scalar text that is not a span of the source.
    own: String,
    /// Ranges of `own`, for [`Text::Own`].
    owned: Vec<(u32, u32)>,
    /// Anchor ids, by node (sorted).
    anchors: Vec<(NodeId, u32)>,
    /// Tags, by node (sorted).
    tags: Vec<(NodeId, NodeTag)>,
    /// For block scalars: the byte range of the header (`|`, `>-`, `|+2`, ...), by node (sorted).
    headers: Vec<(NodeId, (u32, u32))>,
    content: Content,
    pub(crate) root: Option<NodeId>,
    /// Anchor ids that some alias refers to.
    referenced: HashSet<u32>,
}

impl Tree {
    /// The source text.
    pub(crate) fn src(&self) -> &str {
        &self.src
    }

    pub(crate) fn node(&self, id: NodeId) -> &Node {
        self.nodes.get(big(id)).unwrap_or(&MISSING)
    }

    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// All nodes with their ids.
    pub(crate) fn all(&self) -> impl Iterator<Item = (NodeId, &Node)> {
        (0..).zip(self.nodes.iter())
    }

    /// The decoded text, if `id` is a scalar.
    pub(crate) fn value(&self, id: NodeId) -> Option<&str> {
        let node = self.node(id);
        match node.kind {
            Kind::Scalar { text, .. } => Some(self.text(node, text)),
            _ => None,
        }
    }

    fn text(&self, node: &Node, text: Text) -> &str {
        let (from, start, end) = match text {
            Text::Span => (&self.src, node.start, node.end),
            Text::Inner => (
                &self.src,
                node.start.saturating_add(1),
                node.end.saturating_sub(1),
            ),
            Text::Own(i) => {
                let (s, e) = self.owned.get(big(i)).copied().unwrap_or_default();
                (&self.own, s, e)
            }
        };
        from.get(big(start)..big(end)).unwrap_or("")
    }

    /// The anchor id of a node, 0 when none.
    pub(crate) fn anchor(&self, id: NodeId) -> usize {
        self.anchors
            .binary_search_by_key(&id, |(n, _)| *n)
            .ok()
            .and_then(|i| self.anchors.get(i))
            .map_or(0, |&(_, a)| big(a))
    }

    /// The entries of a mapping (none for anything else).
    pub(crate) fn entries(&self, id: NodeId) -> &[(NodeId, NodeId)] {
        match self.node(id).kind {
            Kind::Map { entries, .. } => self.entries.get(entries.range()).unwrap_or(&[]),
            _ => &[],
        }
    }

    /// The items of a sequence (none for anything else).
    pub(crate) fn items(&self, id: NodeId) -> &[NodeId] {
        match self.node(id).kind {
            Kind::Seq { items, .. } => self.items.get(items.range()).unwrap_or(&[]),
            _ => &[],
        }
    }

    pub(crate) fn tag(&self, id: NodeId) -> Option<&NodeTag> {
        let i = self.tags.binary_search_by_key(&id, |(n, _)| *n).ok()?;
        self.tags.get(i).map(|(_, t)| t)
    }

    /// A block scalar's header (`|`, `>-`, ...): its byte range.
    pub(crate) fn header(&self, id: NodeId) -> Option<(usize, usize)> {
        let i = self.headers.binary_search_by_key(&id, |(n, _)| *n).ok()?;
        self.headers.get(i).map(|&(_, (s, e))| (big(s), big(e)))
    }

    /// Whether `id` has an anchor that some alias refers to.
    pub(crate) fn is_referenced(&self, id: NodeId) -> bool {
        let anchor = small(self.anchor(id));
        anchor != 0 && self.referenced.contains(&anchor)
    }

    /// Whether this is a null scalar: plain, untagged, and empty, `~` or `null`.
    pub(crate) fn is_null(&self, id: NodeId) -> bool {
        let node = self.node(id);
        match node.kind {
            Kind::Scalar {
                text,
                style: Style::Plain,
            } => {
                self.tag(id).is_none()
                    && matches!(self.text(node, text), "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }

    pub(crate) fn is_empty_flow_map(&self, id: NodeId) -> bool {
        matches!(self.node(id).kind, Kind::Map { flow: true, entries, .. } if entries.is_empty())
    }

    pub(crate) fn content(&self) -> &Content {
        &self.content
    }

    fn push(&mut self, node: Node) -> NodeId {
        let id = small(self.nodes.len());
        self.nodes.push(node);
        id
    }

    /// Adds a new scalar (for the expected data); its position, anchor and tag are those of
    /// `like` in `from`, if given.
    pub(crate) fn push_scalar(
        &mut self,
        value: &str,
        style: Style,
        like: Option<(&Tree, NodeId)>,
    ) -> NodeId {
        let kind = Kind::Scalar {
            text: self.own_text(value),
            style,
        };
        let node = match like {
            Some((from, old)) => Node {
                kind,
                ..*from.node(old)
            },
            None => Node { kind, ..MISSING },
        };
        let id = self.push(node);
        if let Some((from, old)) = like {
            if let Some(tag) = from.tag(old) {
                self.tags.push((id, tag.clone()));
            }
            let anchor = from.anchor(old);
            if anchor != 0 {
                self.anchors.push((id, small(anchor)));
            }
        }
        id
    }

    /// Copies `value` into the tree's own text.
    fn own_text(&mut self, value: &str) -> Text {
        let start = small(self.own.len());
        self.own.push_str(value);
        let index = small(self.owned.len());
        self.owned.push((start, small(self.own.len())));
        Text::Own(index)
    }

    /// Adds a new block mapping (for the expected data).
    pub(crate) fn push_map(&mut self, entries: &[(NodeId, NodeId)], indent: usize) -> NodeId {
        let run = Run {
            start: small(self.entries.len()),
            len: small(entries.len()),
        };
        self.entries.extend_from_slice(entries);
        self.push(Node {
            kind: Kind::Map {
                flow: false,
                entries: run,
            },
            col: small(indent),
            ..MISSING
        })
    }

    /// Parses `src` (already known to be UTF-8).
    pub(crate) fn parse(src: String) -> Result<Self, Error> {
        check_len(src.len())?;
        let mut builder = Builder::default();
        for item in Items::new(&src) {
            builder.add(&src, item?);
        }
        let mut tree = builder.finish();
        tree.src = src;
        Ok(tree)
    }
}

/// What a parser event makes of the tree: a node, or the end of a collection.
pub(crate) enum ItemKind<'s> {
    Scalar {
        value: Cow<'s, str>,
        style: Style,
        /// For block scalars: the byte range of the header.
        header: Option<(usize, usize)>,
    },
    Alias(usize),
    MapStart {
        flow: bool,
    },
    SeqStart {
        flow: bool,
    },
    End,
}

/// One node (or the end of a collection) read from the text, in document order.
pub(crate) struct Item<'s> {
    pub(crate) kind: ItemKind<'s>,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) anchor: usize,
    pub(crate) tag: Option<Box<NodeTag>>,
    /// The parser's indentation hint (for block mapping keys).
    pub(crate) indent: Option<usize>,
}

/// The nodes of a single-document text, in document order (refusing a second document).
pub(crate) struct Items<'s> {
    src: &'s str,
    parser: Parser<'s, StrInput<'s>>,
    documents: usize,
    last_end: usize,
    failed: bool,
}

impl<'s> Items<'s> {
    pub(crate) fn new(src: &'s str) -> Self {
        // Comment events are not needed (see `is_comment_at`); without them parsing is faster,
        // and long comment blocks cannot hit the limit on buffered comment events.
        let options = granit_parser::options! { emit_comments: false };
        Self {
            src,
            parser: Parser::new_from_str_with_options(src, options),
            documents: 0,
            last_end: 0,
            failed: false,
        }
    }
}

impl<'s> Iterator for Items<'s> {
    type Item = Result<Item<'s>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            let (event, span) = match self.parser.next()? {
                Ok(next) => next,
                Err(e) => {
                    self.failed = true;
                    return Some(Err(parse_error(&e)));
                }
            };
            let range = span.byte_range().unwrap_or(0..0);
            let (start, end) = (range.start, range.end);
            let line = span.start.line();
            // Boxed: an item moves several times, and few have a tag.
            let tag = event.tag().map(|t| {
                let (handle, suffix) = t.parts();
                Box::new(NodeTag {
                    resolved: format!("{handle}{suffix}"),
                    written: t.original(),
                    is_str: t.is_yaml_core_schema_tag("str"),
                })
            });
            let last_end = self.last_end;
            self.last_end = last_end.max(end);
            let (kind, anchor) = match event {
                Event::DocumentStart(..) => {
                    self.documents += 1;
                    if self.documents > 1 {
                        self.failed = true;
                        return Some(Err(Error::MultipleDocuments { line }));
                    }
                    continue;
                }
                Event::Scalar(value, style, anchor, _) => {
                    let style = Style::from(style);
                    let header = if matches!(style, Style::Literal | Style::Folded) {
                        let from = node_tag_end(&span).unwrap_or(0).max(last_end);
                        // The span of a block scalar without content lines starts at its header.
                        find_block_header(self.src, from, start)
                            .or_else(|| find_block_header(self.src, start, start + 1))
                    } else {
                        None
                    };
                    let kind = ItemKind::Scalar {
                        value,
                        style,
                        header,
                    };
                    (kind, anchor)
                }
                Event::Alias(anchor) => (ItemKind::Alias(anchor), 0),
                Event::MappingStart(style, anchor, _) => (
                    ItemKind::MapStart {
                        flow: style == StructureStyle::Flow,
                    },
                    anchor,
                ),
                Event::SequenceStart(style, anchor, _) => (
                    ItemKind::SeqStart {
                        flow: style == StructureStyle::Flow,
                    },
                    anchor,
                ),
                Event::MappingEnd | Event::SequenceEnd => (ItemKind::End, 0),
                _ => continue,
            };
            return Some(Ok(Item {
                kind,
                start,
                end,
                line,
                col: span.start.col(),
                anchor,
                tag,
                indent: span.indent,
            }));
        }
    }
}

struct Frame {
    id: NodeId,
    /// For mappings: the key waiting for its value.
    key: Option<NodeId>,
    first: bool,
    /// Where the collection's children start in the builder's pending entries or items.
    base: usize,
}

/// Builds a tree from items. The children of open collections wait in `entries` and `items`
/// (a stack: a nested collection's children sit above its parent's), and move into the tree in
/// one run when their collection ends.
#[derive(Default)]
struct Builder {
    tree: Tree,
    stack: Vec<Frame>,
    entries: Vec<(NodeId, NodeId)>,
    items: Vec<NodeId>,
}

impl Builder {
    fn add(&mut self, src: &str, item: Item<'_>) {
        // Whether a mapping (true) or sequence (false) starts.
        let opens = match item.kind {
            ItemKind::MapStart { .. } => Some(true),
            ItemKind::SeqStart { .. } => Some(false),
            _ => None,
        };
        let node = |kind| Node {
            kind,
            start: small(item.start),
            end: small(item.end),
            line: small(item.line),
            col: small(item.col),
        };
        let id = match item.kind {
            ItemKind::Scalar {
                value,
                style,
                header,
            } => {
                let text = self.text(src, &value, style, item.start, item.end);
                let id = self.tree.push(node(Kind::Scalar { text, style }));
                if let Some((s, e)) = header {
                    self.tree.headers.push((id, (small(s), small(e))));
                }
                self.tree.content.note(src, item.start, item.end, style);
                id
            }
            ItemKind::Alias(anchor) => {
                self.tree.referenced.insert(small(anchor));
                self.tree.push(node(Kind::Alias(small(anchor))))
            }
            ItemKind::MapStart { flow } => self.tree.push(node(Kind::Map {
                flow,
                entries: Run::default(),
            })),
            ItemKind::SeqStart { flow } => self.tree.push(node(Kind::Seq {
                flow,
                items: Run::default(),
            })),
            ItemKind::End => {
                self.end(item.end);
                return;
            }
        };
        if let Some(tag) = item.tag {
            self.tree.tags.push((id, *tag));
        }
        if item.anchor != 0 {
            self.tree.anchors.push((id, small(item.anchor)));
        }
        self.attach(id, item.indent);
        // Its children go above the entry or item that holds it.
        let base = match opens {
            Some(true) => self.entries.len(),
            Some(false) => self.items.len(),
            None => return,
        };
        self.stack.push(Frame {
            id,
            key: None,
            first: true,
            base,
        });
    }

    /// Where a scalar's decoded text is: its span, or inside its quotes, when it reads the
    /// same; else a copy in the tree's own text.
    fn text(&mut self, src: &str, value: &str, style: Style, start: usize, end: usize) -> Text {
        if src.get(start..end) == Some(value) {
            return Text::Span;
        }
        let quoted = matches!(style, Style::SingleQuoted | Style::DoubleQuoted);
        if quoted && end >= start + 2 && src.get(start + 1..end - 1) == Some(value) {
            return Text::Inner;
        }
        self.tree.own_text(value)
    }

    /// Ends the innermost collection at `end`: its children move into the tree.
    fn end(&mut self, end: usize) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let Some(n) = self.tree.nodes.get_mut(big(frame.id)) else {
            return;
        };
        n.end = small(end).max(n.start);
        match &mut n.kind {
            Kind::Map { entries, .. } => {
                *entries = settle(&mut self.entries, frame.base, &mut self.tree.entries);
            }
            Kind::Seq { items, .. } => {
                *items = settle(&mut self.items, frame.base, &mut self.tree.items);
            }
            Kind::Scalar { .. } | Kind::Alias(_) => {}
        }
    }

    /// Adds a new node to the collection being built (or makes it the root).
    fn attach(&mut self, id: NodeId, indent: Option<usize>) {
        let Some(frame) = self.stack.last_mut() else {
            if self.tree.root.is_none() {
                self.tree.root = Some(id);
            }
            return;
        };
        let first = std::mem::replace(&mut frame.first, false);
        let Some(parent) = self.tree.nodes.get_mut(big(frame.id)) else {
            return;
        };
        match &mut parent.kind {
            Kind::Map { flow, .. } => {
                let is_key = frame.key.is_none();
                match frame.key.take() {
                    Some(key) => self.entries.push((key, id)),
                    None => frame.key = Some(id),
                }
                if first
                    && is_key
                    && !*flow
                    && let Some(indent) = indent
                {
                    parent.col = small(indent);
                }
            }
            Kind::Seq { .. } => self.items.push(id),
            Kind::Scalar { .. } | Kind::Alias(_) => {}
        }
    }

    fn finish(mut self) -> Tree {
        // Collections left open by a failed parse never get here; an unclosed one (none in a
        // parse that succeeded) would keep its children pending.
        while !self.stack.is_empty() {
            self.end(0);
        }
        let mut tree = self.tree;
        tree.nodes.shrink_to_fit();
        tree.entries.shrink_to_fit();
        tree.items.shrink_to_fit();
        tree.own.shrink_to_fit();
        tree.owned.shrink_to_fit();
        tree.anchors.shrink_to_fit();
        tree.tags.shrink_to_fit();
        tree.headers.shrink_to_fit();
        tree.content.finish();
        tree
    }
}

/// Moves the children pending from `base` on into `tree`, as one run.
fn settle<T: Copy>(pending: &mut Vec<T>, base: usize, tree: &mut Vec<T>) -> Run {
    let children = pending.get(base..).unwrap_or(&[]);
    let run = Run {
        start: small(tree.len()),
        len: small(children.len()),
    };
    tree.extend_from_slice(children);
    pending.truncate(base);
    run
}

/// End of the explicit tag token of a node, if it has one.
fn node_tag_end(span: &granit_parser::Span) -> Option<usize> {
    span.tag_span()?.byte_range().map(|r| r.end)
}

/// Finds a block scalar's header between `from` (the end of the previous event) and the start
/// of its content: skips white space, comments, indicators (`-`, `?`, `:`), anchors and tags.
pub(crate) fn find_block_header(src: &str, from: usize, content: usize) -> Option<(usize, usize)> {
    let bytes = src.as_bytes();
    let mut i = from;
    while i < content {
        match *bytes.get(i)? {
            b' ' | b'\t' | b'\r' | b'\n' | b'-' | b'?' | b':' => i += 1,
            b'#' => i = text::line_end(src, i),
            b'&' | b'!' => {
                while bytes.get(i).is_some_and(|b| !b" \t\r\n".contains(b)) {
                    i += 1;
                }
            }
            b'|' | b'>' => {
                let start = i;
                i += 1;
                while bytes.get(i).is_some_and(|b| b"+-0123456789".contains(b)) {
                    i += 1;
                }
                return Some((start, i));
            }
            _ => return None,
        }
    }
    None
}

/// Our error for a parse failure, with no text from the file in it.
pub(crate) fn parse_error(error: &ScanError) -> Error {
    let marker = error.marker();
    let message = match error.kind() {
        ErrorKind::UnexpectedCharacter { .. } => "unexpected character".to_owned(),
        ErrorKind::InputDecoding { .. } | ErrorKind::InputIo { .. } | ErrorKind::Custom(_) => {
            "unreadable input".to_owned()
        }
        kind => kind.to_string(),
    };
    Error::Parse {
        line: marker.line(),
        column: marker.col() + 1,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_of_4_gib_or_more_are_refused() {
        assert!(check_len(MAX_LEN).is_ok());
        assert_eq!(
            check_len(MAX_LEN + 1),
            Err(Error::TooLarge {
                bytes: MAX_LEN + 1,
                limit: MAX_LEN
            })
        );
        assert_eq!(
            check_len(MAX_LEN + 1).unwrap_err().to_string(),
            "file is too large: 4294967296 bytes, at most 4294967295 are supported"
        );
    }

    #[test]
    fn only_block_and_multi_line_scalars_hide_a_line_initial_hash() {
        let src = "a: |\n  # text\nb: x\n# comment\nc: \"q\n  # text\"\n";
        let tree = Tree::parse(src.to_owned()).unwrap();
        let hashes: Vec<usize> = src.match_indices('#').map(|(i, _)| i).collect();
        let comments: Vec<bool> = hashes
            .iter()
            .map(|&i| tree.content().is_comment_at(i))
            .collect();
        assert_eq!(comments, [false, true, false]);
    }
}
