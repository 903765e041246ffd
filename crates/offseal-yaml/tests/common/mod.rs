//! Helpers shared by the integration tests: deterministic values and the `edits` file format.
//!
//! An `edits` file holds one edit per line (blank lines and lines starting with `#` are
//! skipped):
//!
//! ```text
//! set <path> = <value>
//! comment <path> <marker> = <text>
//! uncomment <path> <marker>
//! ```
//!
//! `<path>` uses the dotted form of `Path::parse` (`\.` for a dot in a key) and holds no
//! space. A `<value>` or `<text>` is the rest of the line, taken literally, unless it is:
//! - a JSON string (`"..."`), for escapes, leading spaces and the like;
//! - `@b64(N, SEED)`: N deterministic base64 characters, like a sealed-secrets ciphertext;
//! - `@guid(SEED)`: a deterministic GUID.

#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]

use offseal_yaml::{Edit, Path};

/// A small deterministic generator (splitmix64).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// `len` base64 characters starting `Ag` (as sealed-secrets ciphertexts do), `=`-padded.
pub fn b64(len: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut s = String::from("Ag");
    while s.len() + 1 < len {
        s.push(B64[rng.below(64)] as char);
    }
    if s.len() < len {
        s.push('=');
    }
    s.truncate(len);
    s
}

/// A deterministic GUID.
pub fn guid(seed: u64) -> String {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let hex: String = (0..32)
        .map(|_| char::from_digit(rng.below(16) as u32, 16).unwrap())
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Expands a value written in an `edits` file.
pub fn value(text: &str) -> String {
    let text = text.trim_end_matches('\r');
    if text.starts_with('"') {
        return serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("bad JSON string {text}: {e}"));
    }
    if let Some(args) = text.strip_prefix("@b64(").and_then(|r| r.strip_suffix(')')) {
        let (len, seed) = args.split_once(',').expect("@b64(N, SEED)");
        return b64(len.trim().parse().unwrap(), seed.trim().parse().unwrap());
    }
    if let Some(seed) = text
        .strip_prefix("@guid(")
        .and_then(|r| r.strip_suffix(')'))
    {
        return guid(seed.trim().parse().unwrap());
    }
    text.to_owned()
}

/// Parses an `edits` file.
pub fn parse_edits(file: &str) -> Vec<Edit> {
    let mut edits = Vec::new();
    for line in file.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (command, rest) = line.split_once(' ').unwrap_or((line, ""));
        match command {
            "set" => {
                let (path, v) = rest.split_once(" = ").expect("set <path> = <value>");
                edits.push(Edit::set(Path::parse(path).unwrap(), value(v)));
            }
            "comment" => {
                let (head, text) = rest
                    .split_once(" = ")
                    .expect("comment <path> <marker> = <text>");
                let (path, marker) = head
                    .split_once(' ')
                    .expect("comment <path> <marker> = <text>");
                edits.push(Edit::comment(
                    Path::parse(path).unwrap(),
                    marker,
                    value(text),
                ));
            }
            "uncomment" => {
                let (path, marker) = rest.split_once(' ').expect("uncomment <path> <marker>");
                edits.push(Edit::remove_comment(Path::parse(path).unwrap(), marker));
            }
            other => panic!("unknown edit command {other:?} in line {line:?}"),
        }
    }
    edits
}

/// Reads YAML with the independent, libyaml-based reader.
///
/// serde_norway fails on a byte order mark followed by `---` (it reads "more than one
/// document"), so the mark is dropped first; it is no data.
pub fn libyaml_read(bytes: &[u8]) -> Result<serde_json::Value, String> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    serde_norway::from_slice::<serde_json::Value>(bytes).map_err(|e| e.to_string())
}

/// Applies the `Set` edits to a JSON value (missing or null parents become objects).
pub fn apply_to_value(value: &mut serde_json::Value, edits: &[Edit]) {
    for edit in edits {
        let Edit::Set { path, value: new } = edit else {
            continue;
        };
        let mut current = &mut *value;
        for segment in path.segments() {
            let offseal_yaml::Segment::Key(key) = segment else {
                panic!("index in edit path");
            };
            if !current.is_object() {
                *current = serde_json::Value::Object(serde_json::Map::new());
            }
            current = current
                .as_object_mut()
                .unwrap()
                .entry(key.clone())
                .or_insert(serde_json::Value::Null);
        }
        *current = serde_json::Value::String(new.clone());
    }
}
