//! The error type.

use std::fmt;

use crate::path::Path;

/// What a node on a path is, as named in errors and in [`Found`](crate::Found).
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A block or flow mapping.
    Mapping,
    /// A block or flow sequence.
    Sequence,
    /// A scalar other than null.
    Scalar,
    /// An alias (`*name`).
    Alias,
    /// A null scalar: empty, `~` or `null`.
    Null,
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Mapping => "mapping",
            Self::Sequence => "sequence",
            Self::Scalar => "scalar",
            Self::Alias => "alias",
            Self::Null => "null value",
        })
    }
}

/// Why a file could not be read or edited.
///
/// Messages name paths, lines and columns only, never a scalar value: values are secrets'
/// ciphertexts. Lines and columns count from 1.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The file is not UTF-8.
    NotUtf8 {
        /// Offset of the first invalid byte, from 0.
        byte: usize,
        /// Line of that byte.
        line: usize,
    },
    /// The file starts with a UTF-16 (or UTF-32) byte order mark.
    Utf16,
    /// The file is not valid YAML.
    Parse {
        /// Line of the error.
        line: usize,
        /// Column of the error (in characters).
        column: usize,
        /// The parser's description, without any text from the file.
        message: String,
    },
    /// The file (or the edited file) is larger than this library reads.
    TooLarge {
        /// Its size in bytes.
        bytes: usize,
        /// The most bytes read.
        limit: usize,
    },
    /// The file holds more than one YAML document.
    MultipleDocuments {
        /// Line where the second document starts.
        line: usize,
    },
    /// A path text could not be parsed, or a path cannot be used here.
    InvalidPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A sequence lies on the path (paths through sequences are not supported).
    SequenceOnPath {
        /// The path up to the sequence.
        path: Path,
        /// Line of that key.
        line: usize,
    },
    /// An alias lies on the path or is the target; aliases are not followed or replaced.
    Alias {
        /// The path up to the alias.
        path: Path,
        /// Line of the alias.
        line: usize,
    },
    /// A scalar (other than null) lies where the path needs a mapping.
    ScalarParent {
        /// The path up to the scalar.
        path: Path,
        /// Line of the scalar.
        line: usize,
    },
    /// The target is a mapping or a sequence, not a scalar.
    NotAScalar {
        /// The target path.
        path: Path,
        /// Line of the target.
        line: usize,
        /// What the target is.
        kind: NodeKind,
    },
    /// The target carries a tag other than `!!str`.
    Tagged {
        /// The target path.
        path: Path,
        /// Line of the target.
        line: usize,
        /// The tag as written, such as `!!binary`.
        tag: String,
    },
    /// A key on the path appears more than once in its mapping.
    DuplicateKey {
        /// The path of the duplicated key.
        path: Path,
        /// Line of the first occurrence.
        first_line: usize,
        /// Line of the second occurrence.
        second_line: usize,
    },
    /// The target, or a mapping on its path, has an anchor that an alias refers to, so the
    /// edit would change what the alias reads too.
    AnchorReferenced {
        /// The path of the anchored node.
        path: Path,
        /// Its line.
        line: usize,
    },
    /// A key would have to be inserted into a non-empty flow mapping (`{a: 1}`).
    FlowInsert {
        /// The path of the missing key.
        path: Path,
        /// Line of the flow mapping.
        line: usize,
    },
    /// A key would have to be inserted after a block scalar that ends the file without a line
    /// break; libyaml-based readers (Helm, kubectl) would then read that scalar differently.
    BlockScalarAtEof {
        /// The path of the missing key.
        path: Path,
        /// Line where the block scalar starts.
        line: usize,
    },
    /// The edit would put a quoted scalar or new lines before a blank line whose indentation
    /// holds a tab: libyaml-based readers (Helm, kubectl) reject that, though they accept it
    /// after the plain scalar that is there now.
    TabAfterEdit {
        /// The path edited.
        path: Path,
        /// Line of the blank line with the tab.
        line: usize,
    },
    /// An edit that this editor refuses rather than guesses at.
    Unsupported {
        /// The path concerned.
        path: Path,
        /// Line concerned.
        line: usize,
        /// What is unsupported.
        what: &'static str,
    },
    /// A comment edit is malformed.
    InvalidComment {
        /// The path of the key the comment belongs to.
        path: Path,
        /// What is wrong.
        reason: &'static str,
    },
    /// A comment edit names a key that neither exists nor is inserted by the same call.
    CommentTargetMissing {
        /// The path of the missing key.
        path: Path,
    },
    /// Two edits in one call touch the same key, or one sets a key that another needs as a
    /// mapping.
    ConflictingEdits {
        /// The path concerned.
        path: Path,
    },
    /// The edited file did not read back as the old data plus the edits; nothing was changed.
    Verify {
        /// Where the data differed.
        paths: Vec<Path>,
    },
}

/// Formats a path for messages: `` `a.b` ``, or "the document root".
pub(crate) struct Quoted<'a>(pub(crate) &'a Path);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("the document root")
        } else {
            write!(f, "`{}`", self.0)
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotUtf8 { byte, line } => {
                write!(f, "file is not valid UTF-8 (byte {byte}, line {line})")
            }
            Self::Utf16 => {
                f.write_str("file is UTF-16 or UTF-32 (byte order mark); only UTF-8 is supported")
            }
            Self::Parse {
                line,
                column,
                message,
            } => write!(f, "invalid YAML at line {line}, column {column}: {message}"),
            Self::TooLarge { bytes, limit } => write!(
                f,
                "file is too large: {bytes} bytes, at most {limit} are supported"
            ),
            Self::MultipleDocuments { line } => write!(
                f,
                "file holds several YAML documents (another starts at line {line}); only one is supported"
            ),
            Self::InvalidPath { path, reason } => write!(f, "invalid path `{path}`: {reason}"),
            Self::SequenceOnPath { path, line } => write!(
                f,
                "{} at line {line} is a sequence; paths through sequences are not supported",
                Quoted(path)
            ),
            Self::Alias { path, line } => write!(
                f,
                "{} at line {line} is an alias; aliases are neither followed nor replaced",
                Quoted(path)
            ),
            Self::ScalarParent { path, line } => write!(
                f,
                "{} at line {line} is a scalar, not a mapping",
                Quoted(path)
            ),
            Self::NotAScalar { path, line, kind } => write!(
                f,
                "{} at line {line} is a {kind}, not a scalar",
                Quoted(path)
            ),
            Self::Tagged { path, line, tag } => write!(
                f,
                "{} at line {line} has the tag `{tag}`; only untagged and `!!str` scalars are replaced",
                Quoted(path)
            ),
            Self::DuplicateKey {
                path,
                first_line,
                second_line,
            } => write!(
                f,
                "key {} appears more than once (lines {first_line} and {second_line})",
                Quoted(path)
            ),
            Self::AnchorReferenced { path, line } => write!(
                f,
                "{} at line {line} has an anchor that an alias refers to; the edit would change the alias too",
                Quoted(path)
            ),
            Self::FlowInsert { path, line } => write!(
                f,
                "cannot insert {} into the non-empty flow mapping at line {line}",
                Quoted(path)
            ),
            Self::BlockScalarAtEof { path, line } => write!(
                f,
                "cannot insert {} after the block scalar at line {line}: it ends the file without a line break, and YAML readers disagree on its value",
                Quoted(path)
            ),
            Self::TabAfterEdit { path, line } => write!(
                f,
                "cannot edit {}: line {line} is blank but indented with a tab, which libyaml-based readers reject after the edit",
                Quoted(path)
            ),
            Self::Unsupported { path, line, what } => {
                write!(f, "cannot edit {} at line {line}: {what}", Quoted(path))
            }
            Self::InvalidComment { path, reason } => {
                write!(f, "invalid comment for {}: {reason}", Quoted(path))
            }
            Self::CommentTargetMissing { path } => write!(
                f,
                "cannot comment {}: the key neither exists nor is set by the same edit",
                Quoted(path)
            ),
            Self::ConflictingEdits { path } => {
                write!(f, "conflicting edits for {}", Quoted(path))
            }
            Self::Verify { paths } => {
                f.write_str("the edited file did not read back as expected")?;
                for (i, path) in paths.iter().enumerate() {
                    f.write_str(if i == 0 { " at " } else { ", " })?;
                    Quoted(path).fmt(f)?;
                }
                f.write_str("; nothing was changed")
            }
        }
    }
}

impl std::error::Error for Error {}
