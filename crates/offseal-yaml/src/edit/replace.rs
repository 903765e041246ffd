//! Replacing an existing scalar value, in place and in its own style where that is safe.

use super::extent::find_colon;
use super::{Plan, Splice};
use crate::error::Error;
use crate::locate;
use crate::path::Path;
use crate::render;
use crate::text;
use crate::tree::{Kind, NodeId, Style};

impl Plan<'_> {
    /// Plans the replacement of the value `id` of `key` in `map`.
    pub(super) fn replace(
        &mut self,
        path: &Path,
        key: NodeId,
        id: NodeId,
        map: NodeId,
        new: &str,
    ) -> Result<(), Error> {
        let node = *self.node(id);
        let line = self.node(key).line();
        let tree = self.doc.tree();
        let (old, style, header) = match node.kind {
            Kind::Scalar { style, .. } => (tree.value(id).unwrap_or(""), style, tree.header(id)),
            Kind::Alias(_) => {
                return Err(Error::Alias {
                    path: path.clone(),
                    line,
                });
            }
            Kind::Map { .. } | Kind::Seq { .. } => {
                return Err(Error::NotAScalar {
                    path: path.clone(),
                    line,
                    kind: locate::kind_of(self.tree(), id),
                });
            }
        };
        let tag_is_str = match tree.tag(id) {
            Some(tag) if !tag.is_str => {
                return Err(Error::Tagged {
                    path: path.clone(),
                    line,
                    tag: tag.written.clone(),
                });
            }
            Some(_) => true,
            None => false,
        };
        if tree.is_referenced(id) {
            return Err(Error::AnchorReferenced {
                path: path.clone(),
                line,
            });
        }
        let is_string = style != Style::Plain || tag_is_str || render::resolves_as_string(old);
        if !tree.is_null(id) && old == new && is_string {
            return Ok(());
        }
        let plain = style == Style::Plain && render::plain_safe(new);
        let text = if plain {
            new.to_owned()
        } else {
            render::double_quoted(new)
        };
        let new_style = if plain {
            Style::Plain
        } else {
            Style::DoubleQuoted
        };
        self.expected.replace_scalar(id, new, new_style);
        let src = self.src;
        // Where the lines after the new value start (for the tab check below).
        let mut after = text::next_line_start(src, node.end().max(node.start()));
        match style {
            Style::Literal | Style::Folded => {
                let Some((h0, h1)) = header else {
                    return Err(Error::Unsupported {
                        path: path.clone(),
                        line,
                        what: "the block scalar's header was not found",
                    });
                };
                self.add(h0, h1, text, path);
                let content = src.get(node.start()..node.end()).unwrap_or("");
                if let Some(last) = content.rfind(|c: char| !matches!(c, ' ' | '\t' | '\r' | '\n'))
                {
                    let from = text::next_line_start(src, h1);
                    let to = text::next_line_start(src, node.start() + last);
                    if to > from {
                        self.add(from, to, String::new(), path);
                        after = to;
                    } else {
                        after = from;
                    }
                } else {
                    after = text::next_line_start(src, h1);
                }
            }
            _ if node.start() == node.end() => {
                if let Kind::Map { flow: false, .. } = self.node(map).kind
                    && let Some(indent) = self.node(map).indent()
                    && !self.has_value(key, id, indent)
                {
                    // An explicit key without a value (`? key` and no `:`): the value goes on a
                    // line of its own after the key's text, at the `?`'s column.
                    let at = self.after_entry(key, id, indent, path)?;
                    let le = text::line_ending(src);
                    self.splices.push(Splice {
                        start: at,
                        end: at,
                        text: format!("{}: {text}{le}", " ".repeat(indent)),
                        class: 0,
                        depth: 0,
                        line_start: true,
                        path: path.clone(),
                    });
                    // New lines: the tab check applies whatever the style.
                    return self.check_tabs(path, at);
                }
                // An empty value: its span sits at the key's end (or after an anchor or tag).
                let Some(colon) = find_colon(src, self.node(key).end()) else {
                    return Err(Error::Unsupported {
                        path: path.clone(),
                        line,
                        what: "the key has no `:` and no value in its flow mapping; adding one there is not supported",
                    });
                };
                let at = if node.start() > colon {
                    node.start()
                } else {
                    colon + 1
                };
                self.add(at, at, format!(" {text}"), path);
            }
            _ => self.add(node.start(), node.end(), text, path),
        }
        if !plain && matches!(style, Style::Plain | Style::Literal | Style::Folded) {
            self.check_tabs(path, after)?;
        }
        Ok(())
    }

    /// Refuses when lines from `line_start` up to the next token are indented with a tab:
    /// libyaml-based readers accept them after a plain scalar (which swallows them) but not
    /// after a quoted scalar or new lines.
    pub(super) fn check_tabs(&self, path: &Path, line_start: usize) -> Result<(), Error> {
        match text::tab_indented_blank(self.src, line_start) {
            Some(pos) => Err(Error::TabAfterEdit {
                path: path.clone(),
                line: text::line_number(self.src.as_bytes(), pos),
            }),
            None => Ok(()),
        }
    }
}
