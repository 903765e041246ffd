//! A small node tree built from granit-parser events, with exact byte spans.

use std::collections::HashSet;

use granit_parser::{ErrorKind, Event, Parser, ScalarStyle, ScanError, StructureStyle};

use crate::error::Error;
use crate::text;

/// Index of a node in [`Tree::nodes`].
pub(crate) type NodeId = usize;

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

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Scalar {
        value: String,
        style: Style,
        /// For block scalars: the byte range of the header (`|`, `>-`, `|+2`, ...).
        header: Option<(usize, usize)>,
    },
    Alias(usize),
    Map {
        flow: bool,
        entries: Vec<(NodeId, NodeId)>,
        /// Column of the keys of a block mapping.
        indent: usize,
    },
    Seq {
        flow: bool,
        items: Vec<NodeId>,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    /// Byte range of the node's span (for collections: from the start event to the end event).
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Line (from 1) and column (from 0, in characters) of the start.
    pub(crate) line: usize,
    pub(crate) col: usize,
    /// Anchor id, 0 when none.
    pub(crate) anchor: usize,
    pub(crate) tag: Option<NodeTag>,
}

static MISSING: Node = Node::synthetic(Kind::Alias(0));

impl Node {
    /// A node that is not in any source text (expected data built for verification).
    pub(crate) const fn synthetic(kind: Kind) -> Node {
        Node {
            kind,
            start: 0,
            end: 0,
            line: 0,
            col: 0,
            anchor: 0,
            tag: None,
        }
    }

    /// Whether this is a null scalar: plain, untagged, and empty, `~` or `null`.
    pub(crate) fn is_null(&self) -> bool {
        match &self.kind {
            Kind::Scalar {
                value,
                style: Style::Plain,
                ..
            } => self.tag.is_none() && matches!(value.as_str(), "~" | "null" | "Null" | "NULL"),
            _ => false,
        }
    }

    /// The decoded text, if this is a scalar.
    pub(crate) fn scalar_value(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { value, .. } => Some(value),
            _ => None,
        }
    }

    pub(crate) fn is_empty_flow_map(&self) -> bool {
        matches!(&self.kind, Kind::Map { flow: true, entries, .. } if entries.is_empty())
    }
}

/// A parsed single-document file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    /// Anchor ids that some alias refers to.
    pub(crate) referenced: HashSet<usize>,
}

impl Tree {
    pub(crate) fn node(&self, id: NodeId) -> &Node {
        self.nodes.get(id).unwrap_or(&MISSING)
    }

    pub(crate) fn node_mut(&mut self, id: NodeId) -> Option<&mut Node> {
        self.nodes.get_mut(id)
    }

    pub(crate) fn push(&mut self, node: Node) -> NodeId {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Whether a `#` that starts a line's text at `pos` begins a comment: it does unless it
    /// is scalar content (a block scalar or a multi-line quoted scalar), and scalar spans
    /// cover all their content lines.
    pub(crate) fn is_comment_at(&self, pos: usize) -> bool {
        !self
            .nodes
            .iter()
            .any(|n| matches!(n.kind, Kind::Scalar { .. }) && n.start <= pos && pos < n.end)
    }

    /// Parses `src` (already known to be UTF-8).
    pub(crate) fn parse(src: &str) -> Result<Self, Error> {
        let mut builder = Builder::default();
        // Comment events are not needed (see `is_comment_at`); without them parsing is faster,
        // and long comment blocks cannot hit the limit on buffered comment events.
        let options = granit_parser::options! { emit_comments: false };
        for event in Parser::new_from_str_with_options(src, options) {
            let (event, span) = event.map_err(|e| parse_error(&e))?;
            let range = span.byte_range().unwrap_or(0..0);
            let (start, end) = (range.start, range.end);
            let (line, col) = (span.start.line(), span.start.col());
            let tag = event.tag().map(|t| {
                let (handle, suffix) = t.parts();
                NodeTag {
                    resolved: format!("{handle}{suffix}"),
                    written: t.original(),
                    is_str: t.is_yaml_core_schema_tag("str"),
                }
            });
            let node = |kind, anchor| Node {
                kind,
                start,
                end,
                line,
                col,
                anchor,
                tag: tag.clone(),
            };
            match event {
                Event::DocumentStart(..) => {
                    builder.documents += 1;
                    if builder.documents > 1 {
                        return Err(Error::MultipleDocuments { line });
                    }
                }
                Event::Scalar(value, style, anchor, _) => {
                    let style = Style::from(style);
                    let header = if matches!(style, Style::Literal | Style::Folded) {
                        let from = node_tag_end(&span).unwrap_or(0).max(builder.last_end);
                        find_block_header(src, from, start)
                    } else {
                        None
                    };
                    let id = builder.tree.push(node(
                        Kind::Scalar {
                            value: value.into_owned(),
                            style,
                            header,
                        },
                        anchor,
                    ));
                    builder.attach(id, span.indent);
                }
                Event::Alias(anchor) => {
                    builder.tree.referenced.insert(anchor);
                    let id = builder.tree.push(node(Kind::Alias(anchor), 0));
                    builder.attach(id, span.indent);
                }
                Event::MappingStart(style, anchor, _) => {
                    let id = builder.tree.push(node(
                        Kind::Map {
                            flow: style == StructureStyle::Flow,
                            entries: Vec::new(),
                            indent: col,
                        },
                        anchor,
                    ));
                    builder.attach(id, span.indent);
                    builder.stack.push(Frame {
                        id,
                        key: None,
                        first: true,
                    });
                }
                Event::SequenceStart(style, anchor, _) => {
                    let id = builder.tree.push(node(
                        Kind::Seq {
                            flow: style == StructureStyle::Flow,
                            items: Vec::new(),
                        },
                        anchor,
                    ));
                    builder.attach(id, span.indent);
                    builder.stack.push(Frame {
                        id,
                        key: None,
                        first: true,
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(frame) = builder.stack.pop()
                        && let Some(n) = builder.tree.node_mut(frame.id)
                    {
                        n.end = end.max(n.start);
                    }
                }
                _ => {}
            }
            builder.last_end = builder.last_end.max(end);
        }
        Ok(builder.tree)
    }
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

struct Frame {
    id: NodeId,
    /// For mappings: the key waiting for its value.
    key: Option<NodeId>,
    first: bool,
}

#[derive(Default)]
struct Builder {
    tree: Tree,
    stack: Vec<Frame>,
    documents: usize,
    last_end: usize,
}

impl Builder {
    /// Adds a new node to the collection being built (or makes it the root).
    fn attach(&mut self, id: NodeId, indent: Option<usize>) {
        let Some(frame) = self.stack.last_mut() else {
            if self.tree.root.is_none() {
                self.tree.root = Some(id);
            }
            return;
        };
        let parent = frame.id;
        let first = std::mem::replace(&mut frame.first, false);
        let pending = frame.key.take();
        let is_key = pending.is_none();
        let Some(parent_node) = self.tree.nodes.get_mut(parent) else {
            return;
        };
        match &mut parent_node.kind {
            Kind::Map {
                entries,
                indent: map_indent,
                flow,
            } => {
                if let Some(key) = pending {
                    entries.push((key, id));
                } else if let Some(frame) = self.stack.last_mut() {
                    frame.key = Some(id);
                }
                if first
                    && is_key
                    && !*flow
                    && let Some(indent) = indent
                {
                    *map_indent = indent;
                }
            }
            Kind::Seq { items, .. } => items.push(id),
            _ => {}
        }
    }
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
