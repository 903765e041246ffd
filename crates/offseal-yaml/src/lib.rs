//! Lossless in-place editing of YAML scalars, for Helm values files.
//!
//! [`Document::edit`] (or the one-call [`set_scalars`]) replaces scalar values, inserts missing
//! keys and puts provenance comments above keys, and changes no other byte: comments, blank
//! lines, quoting, key order, indentation, line endings and a byte order mark all stay as they
//! are. New keys follow the file's own indentation step and line ending.
//!
//! Every edit is checked by parsing the result again: it must hold exactly the old data plus
//! the edits, or nothing is returned. Inputs of 4 GiB or more are refused ([`Error::TooLarge`]). Whatever cannot be edited safely is refused with an
//! [`Error`] that names the path and line (never a value: values are secrets' ciphertexts):
//! paths through sequences or aliases, targets that are not string scalars, duplicate keys,
//! an anchor on the target or on a mapping above it that an alias refers to (the alias would
//! change too), insertion into a non-empty flow mapping, and files with several documents.
//!
//! Two refusals guard against libyaml-based readers (Helm, kubectl), which read some inputs
//! differently from the parser used here: inserting after a block scalar that ends the file
//! without a line break, and writing a quoted value (or new lines) right before a blank line
//! indented with a tab.
//!
//! Strings are written plain only when every YAML 1.1 and 1.2 reader (Helm uses go-yaml)
//! reads them back as the same string: `yes`, `on`, `~`, `0777`, `1e3`, `12:30` or
//! `2001-12-14` are double-quoted.
//!
//! A merge key (`<<: *base`) is not followed: a key that only comes from a merge is missing,
//! and setting it adds an explicit key to the mapping, which overrides the merged value.
//!
//! An explicit key without a value (`? key` and no `:`) is null; setting it writes the value
//! on a line of its own after the key (`: value`), in a block mapping. A comment above an
//! explicit key (`? key`, a bare `?`, or `? |` with a block scalar key) goes above its `?`.
//!
//! A block scalar that ends the file in a line of spaces with no line break: libyaml takes no
//! text from that line when it cannot be content, and new keys go before it.
//!
//! ```
//! use offseal_yaml::{Document, Edit, Path};
//!
//! let input = r"## Azure access for External Secrets
//! external_secrets:
//!   azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e   # the tenant
//!   keyvault_credentials:
//!     client_id: 'old'
//! ";
//! let doc = Document::parse(input.as_bytes())?;
//! let creds = Path::parse("external_secrets.keyvault_credentials")?;
//! let output = doc.edit(&[
//!     Edit::set(creds.join_key("client_id"), "AgB4xk+/Q9=="),
//!     Edit::set(creds.join_key("client_secret"), "yes"),
//!     Edit::comment(creds.clone(), "offseal:", "offseal: sealed for prod"),
//! ])?;
//! assert_eq!(
//!     String::from_utf8_lossy(&output),
//!     r#"## Azure access for External Secrets
//! external_secrets:
//!   azure_tenant_id: d93d3d23-50e3-46db-b3ad-8c6c281b431e   # the tenant
//!   ## offseal: sealed for prod
//!   keyvault_credentials:
//!     client_id: "AgB4xk+/Q9=="
//!     client_secret: "yes"
//! "#
//! );
//!
//! // Read it back.
//! let edited = Document::parse(&output)?;
//! let secret = edited.get(&creds.join_key("client_secret"))?;
//! assert_eq!(secret.map(|s| s.value).as_deref(), Some("yes"));
//! assert_eq!(
//!     edited.leading_comment(&creds, "offseal:").as_deref(),
//!     Some("offseal: sealed for prod")
//! );
//! # Ok::<(), offseal_yaml::Error>(())
//! ```
//!
//! # Modules
//!
//! All private, in layers: each module imports only from the lines above it.
//!
//! - `text`: line arithmetic on the source (line starts and ends, line breaks, the BOM).
//! - `render`: writing scalars (when plain style is safe, double-quoted escapes).
//! - `path`: [`Path`] and [`Segment`].
//! - `error`: [`Error`] and [`NodeKind`].
//! - `dotted`: the text form of a path (`a.b\.c`), parsed and written back.
//! - `tree`: the node tree with byte spans, built from the parser's events; compact (28 bytes
//!   a node, scalar text as spans of the source), so memory stays a small multiple of the input.
//! - `locate`: following a path through the tree to a key, or to where a missing key goes.
//! - `comments`: a block-mapping key's line and the full-line comments directly above it.
//! - `document`: [`Document`] and its read-only queries ([`Scalar`], [`Found`], [`Style`]).
//! - `verify`: the data an edited file must hold, compared with what it does hold while the
//!   edited file is parsed (no second tree).
//! - `edit`: [`Edit`], [`Document::edit`]: planning a batch, splicing it in, verifying it;
//!   one module per kind of edit:
//!   - `edit::replace`: replacing an existing scalar;
//!   - `edit::insert`: inserting missing keys and parents;
//!   - `edit::comment`: putting, replacing or removing a marked comment above a key;
//!   - `edit::extent`: where an entry's text ends, which is where new lines go.
#![cfg_attr(
    not(test),
    deny(clippy::print_stdout, clippy::print_stderr, clippy::dbg_macro)
)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::string_slice,
    clippy::cast_possible_truncation
)]

mod comments;
mod document;
mod dotted;
mod edit;
mod error;
mod locate;
mod path;
mod render;
mod text;
mod tree;
mod verify;

pub use document::{Document, Found, Scalar, ScalarRef, Style};
pub use edit::Edit;
pub use error::{Error, NodeKind};
pub use path::{Path, Segment};

/// Parses `input`, applies all `edits` at once and returns the new file
/// (see [`Document::edit`]).
///
/// ```
/// use offseal_yaml::{Edit, Error, Path, set_scalars};
///
/// let input = b"image:\r\n  tag: v1.0   # pinned\r\n  pull: Always\r\n";
/// let (tag, pull) = (Path::parse("image.tag")?, Path::parse("image.pull")?);
/// let output = set_scalars(input, &[Edit::set(tag.clone(), "v1.1"), Edit::set(pull, "1.1")])?;
/// // The comment and the CRLF line endings stay; a string YAML would read as a number is quoted.
/// assert_eq!(output, b"image:\r\n  tag: v1.1   # pinned\r\n  pull: \"1.1\"\r\n");
///
/// // Refusals name the path and the lines, never a value.
/// let error = set_scalars(b"image: {tag: a}\nimage: b\n", &[Edit::set(tag, "x")]).unwrap_err();
/// assert!(matches!(error, Error::DuplicateKey { first_line: 1, second_line: 2, .. }));
/// # Ok::<(), offseal_yaml::Error>(())
/// ```
///
/// # Errors
///
/// Those of [`Document::parse`] and [`Document::edit`].
pub fn set_scalars(input: &[u8], edits: &[Edit]) -> Result<Vec<u8>, Error> {
    Document::parse(input)?.edit(edits)
}
