//! `spec.template.data`: the Go templates the controller renders over the opened values.
//!
//! The controller runs Go's `text/template` with sprig's functions (less `env`, `expandenv` and
//! `getHostByName`) over a map of item name -> opened value. This renders the subset that real
//! manifests use, with Go's exact output for it:
//!
//! - text, comments `{{/* */}}` and the trim markers `{{- ` and ` -}}`;
//! - `{{ .key }}` (a key that is not there prints `<no value>`, as Go does) and
//!   `{{ index . "key" }}` (a missing key gives the empty string);
//! - string and integer literals, parentheses and pipelines `{{ .a | b64enc | quote }}`;
//! - [`FUNCTIONS`]: Go's `index` and `print`, and sprig's common string functions.
//!
//! Anything else (`if`, `range`, variables, other functions, a function given a value Go would
//! refuse or that this renderer cannot reproduce exactly) is refused, naming the construct and
//! where it is; nothing is guessed. Errors never contain a value.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret as _, SecretSlice};
use zeroize::Zeroizing;

/// The functions offseal renders (all others are refused).
pub const FUNCTIONS: [&str; 19] = [
    "index",
    "print",
    "upper",
    "lower",
    "trim",
    "trimPrefix",
    "trimSuffix",
    "trimAll",
    "replace",
    "nospace",
    "quote",
    "squote",
    "cat",
    "default",
    "indent",
    "nindent",
    "b64enc",
    "b64dec",
    "sha256sum",
];

/// The most a template may render: Kubernetes refuses Secrets over 1 MiB anyway.
const MAX_OUTPUT: usize = 1024 * 1024;
/// Parentheses nest no deeper than this.
const MAX_DEPTH: usize = 32;

/// Go's `text/template` keywords, refused by name.
const KEYWORDS: [&str; 13] = [
    "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue",
    "nil", "true", "false",
];

/// Why a template cannot be rendered: what, and where in the entry (line and column, from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong (never a value).
    pub reason: String,
    /// Line in the entry's text.
    pub line: usize,
    /// Column (in characters) in that line.
    pub column: usize,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.reason
        )
    }
}

impl std::error::Error for TemplateError {}

/// Renders `text` over `data` as the controller would, or says why offseal will not.
///
/// # Errors
/// [`TemplateError`] for invalid templates (Go would refuse them too), constructs and functions
/// outside the supported subset, arguments Go would refuse, and output over 1 MiB.
pub fn render(
    text: &str,
    data: &BTreeMap<String, SecretSlice<u8>>,
) -> Result<Zeroizing<Vec<u8>>, TemplateError> {
    let mut renderer = Renderer {
        text,
        data,
        out: Zeroizing::new(Vec::new()),
    };
    renderer.run().map_err(|(at, reason)| {
        let before = text.get(..at).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        TemplateError {
            reason,
            line,
            column,
        }
    })?;
    Ok(renderer.out)
}

/// An error at a byte offset of the template.
type Fail = (usize, String);

/// Go's space characters, for trim markers and between tokens.
fn is_go_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

struct Renderer<'a> {
    text: &'a str,
    data: &'a BTreeMap<String, SecretSlice<u8>>,
    out: Zeroizing<Vec<u8>>,
}

impl Renderer<'_> {
    fn run(&mut self) -> Result<(), Fail> {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut pos = 0;
        let mut trim_next = false;
        while pos < bytes.len() {
            let open = text[pos..].find("{{").map(|i| pos + i);
            let end = open.unwrap_or(bytes.len());
            let mut chunk = &bytes[pos..end];
            if trim_next {
                while let Some((first, rest)) = chunk.split_first() {
                    if !is_go_space(*first) {
                        break;
                    }
                    chunk = rest;
                }
            }
            let Some(open) = open else {
                self.emit(chunk, pos)?;
                return Ok(());
            };
            let mut start = open + 2;
            if bytes.get(start) == Some(&b'-')
                && bytes.get(start + 1).is_some_and(|b| is_go_space(*b))
            {
                while let Some((last, rest)) = chunk.split_last() {
                    if !is_go_space(*last) {
                        break;
                    }
                    chunk = rest;
                }
                start += 2;
            }
            self.emit(chunk, pos)?;
            let (next, trim) = if text[start..].starts_with("/*") {
                self.comment(open, start)?
            } else {
                self.action(open, start)?
            };
            pos = next;
            trim_next = trim;
        }
        Ok(())
    }

    fn emit(&mut self, bytes: &[u8], at: usize) -> Result<(), Fail> {
        if self.out.len().saturating_add(bytes.len()) > MAX_OUTPUT {
            return Err((at, too_large()));
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    /// `{{/* ... */}}`: the comment must end right at the closing delimiter, as in Go.
    fn comment(&self, open: usize, start: usize) -> Result<(usize, bool), Fail> {
        let Some(close) = self.text[start + 2..].find("*/").map(|i| start + 2 + i + 2) else {
            return Err((open, "unclosed comment".to_owned()));
        };
        match right_delim(self.text, close) {
            Some((next, trim)) => Ok((next, trim)),
            None => Err((close, "comment ends before closing delimiter".to_owned())),
        }
    }

    /// One action: a pipeline, printed.
    fn action(&mut self, open: usize, start: usize) -> Result<(usize, bool), Fail> {
        let mut lexer = Lexer {
            text: self.text,
            pos: start,
        };
        let mut tokens = Vec::new();
        let (next, trim) = loop {
            lexer.skip_space();
            if lexer.pos >= self.text.len() {
                return Err((open, "unclosed action".to_owned()));
            }
            if let Some(end) = right_delim(self.text, lexer.pos) {
                break end;
            }
            tokens.push(lexer.token()?);
        };
        if tokens.is_empty() {
            return Err((open, "missing value for command".to_owned()));
        }
        let mut parser = Parser {
            tokens: &tokens,
            next: 0,
            end: open,
        };
        let pipeline = parser.pipeline(0)?;
        if let Some(extra) = parser.peek() {
            return Err((extra.at, format!("unexpected {}", extra.kind.describe())));
        }
        let value = self.eval_pipeline(&pipeline)?;
        match value {
            Value::Str(s) => self.emit(&s, open)?,
            Value::Int(n) => self.emit(n.to_string().as_bytes(), open)?,
            Value::Missing => self.emit(b"<no value>", open)?,
            Value::Data => {
                return Err((
                    open,
                    "printing the whole data map (`.`) is not supported".to_owned(),
                ));
            }
        }
        Ok((next, trim))
    }

    fn eval_pipeline(&self, pipeline: &Pipeline) -> Result<Value, Fail> {
        let mut previous: Option<Value> = None;
        for (stage, command) in pipeline.iter().enumerate() {
            previous = Some(match command {
                Command::Call { name, args, at } => {
                    let mut values = Vec::with_capacity(args.len() + 1);
                    for arg in args {
                        values.push(self.eval_operand(arg)?);
                    }
                    values.extend(previous.take());
                    call(name, values, *at)?
                }
                Command::Operand(operand) => {
                    if stage > 0 {
                        return Err((
                            operand.at(),
                            format!("non executable command in pipeline stage {}", stage + 1),
                        ));
                    }
                    self.eval_operand(operand)?
                }
            });
        }
        previous.ok_or((0, "missing value for command".to_owned()))
    }

    fn eval_operand(&self, operand: &Operand) -> Result<Value, Fail> {
        Ok(match operand {
            Operand::Dot(_) => Value::Data,
            Operand::Field(name, _) => match self.data.get(name) {
                Some(value) => Value::Str(Zeroizing::new(value.expose_secret().to_vec())),
                None => Value::Missing,
            },
            Operand::Str(s, _) => Value::Str(Zeroizing::new(s.clone())),
            Operand::Int(n, _) => Value::Int(*n),
            Operand::Nested(pipeline, _) => self.eval_pipeline(pipeline)?,
            Operand::Index(key, at) => {
                let key = self.eval_operand(key)?;
                index(self.data, key, *at)?
            }
        })
    }
}

/// `index . KEY`: Go gives the zero value (the empty string) for a missing key.
fn index(data: &BTreeMap<String, SecretSlice<u8>>, key: Value, at: usize) -> Result<Value, Fail> {
    let Value::Str(key) = key else {
        return Err((
            at,
            format!("index: the key must be a string, not {}", key.kind()),
        ));
    };
    let value = std::str::from_utf8(&key)
        .ok()
        .and_then(|k| data.get(k))
        .map(|v| v.expose_secret().to_vec())
        .unwrap_or_default();
    Ok(Value::Str(Zeroizing::new(value)))
}

/// Where a right delimiter (`}}` or ` -}}`) starts at `pos`: the position after it, and whether
/// it trims the text that follows.
fn right_delim(text: &str, pos: usize) -> Option<(usize, bool)> {
    let rest = text.get(pos..)?.as_bytes();
    if rest.len() >= 4 && is_go_space(rest[0]) && rest[1] == b'-' && rest[2..].starts_with(b"}}") {
        return Some((pos + 4, true));
    }
    rest.starts_with(b"}}").then_some((pos + 2, false))
}

/// A value while rendering; no `Debug`, since it may hold a plaintext.
enum Value {
    Str(Zeroizing<Vec<u8>>),
    Int(i64),
    /// `.key` for a key that is not there (Go's invalid value).
    Missing,
    /// `.`: the whole map.
    Data,
}

impl Value {
    fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Missing => "a missing key",
            Value::Data => "the data map",
        }
    }
}

#[derive(Debug, PartialEq)]
enum TokenKind {
    Dot,
    Field(String),
    Ident(String),
    Str(Vec<u8>),
    Int(i64),
    Pipe,
    Open,
    Close,
}

impl TokenKind {
    fn describe(&self) -> String {
        match self {
            TokenKind::Dot => "`.`".to_owned(),
            TokenKind::Field(f) => format!("`.{f}`"),
            TokenKind::Ident(i) => format!("`{i}`"),
            TokenKind::Str(_) => "a string".to_owned(),
            TokenKind::Int(n) => format!("number {n}"),
            TokenKind::Pipe => "`|`".to_owned(),
            TokenKind::Open => "`(`".to_owned(),
            TokenKind::Close => "`)`".to_owned(),
        }
    }
}

#[derive(Debug)]
struct Token {
    kind: TokenKind,
    at: usize,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn skip_space(&mut self) {
        while self
            .text
            .as_bytes()
            .get(self.pos)
            .is_some_and(|b| is_go_space(*b))
        {
            // Stop at ` -}}`: the space belongs to the delimiter.
            if right_delim(self.text, self.pos).is_some() {
                return;
            }
            self.pos += 1;
        }
    }

    /// Go's rule after a field or identifier: a space, `|`, a parenthesis, a delimiter or the
    /// end must follow.
    fn terminated(&self, what: &str, hint: &str) -> Result<(), Fail> {
        let rest = &self.text[self.pos..];
        match rest.chars().next() {
            None | Some(' ' | '\t' | '\r' | '\n' | '|' | '(' | ')' | '.' | ',' | ':') => Ok(()),
            Some('}') => Ok(()),
            Some(c) => Err((
                self.pos,
                format!("bad character {c:?} after `{what}`{hint}"),
            )),
        }
    }

    fn token(&mut self) -> Result<Token, Fail> {
        let at = self.pos;
        let rest = &self.text[at..];
        let Some(c) = rest.chars().next() else {
            return Err((at, "unclosed action".to_owned()));
        };
        let kind = match c {
            '|' if rest.starts_with("||") => return Err((at, unsupported("`||`"))),
            '|' => {
                self.pos += 1;
                TokenKind::Pipe
            }
            '(' => {
                self.pos += 1;
                TokenKind::Open
            }
            ')' => {
                self.pos += 1;
                TokenKind::Close
            }
            '.' if rest[1..].starts_with(|c: char| c.is_ascii_digit()) => {
                return Err((at, unsupported("a floating-point number")));
            }
            '.' => {
                let name = identifier(&rest[1..]);
                self.pos += 1 + name.len();
                if name.is_empty() {
                    TokenKind::Dot
                } else if self.text[self.pos..].starts_with('.')
                    && !identifier(&self.text[self.pos + 1..]).is_empty()
                {
                    return Err((at, unsupported("a field chain (`.a.b`)")));
                } else {
                    self.terminated(
                        &format!(".{name}"),
                        " (Go reads a key name as letters, digits and _ only: write index . \"the-key\")",
                    )?;
                    TokenKind::Field(name.to_owned())
                }
            }
            '"' => {
                let (value, len) = interpreted_string(rest).map_err(|why| (at, why))?;
                self.pos += len;
                TokenKind::Str(value)
            }
            '`' => {
                let Some(end) = rest[1..].find('`') else {
                    return Err((at, "unterminated raw quoted string".to_owned()));
                };
                let raw = &rest[1..=end];
                if raw.contains('\r') {
                    return Err((at, unsupported("a raw string holding a carriage return")));
                }
                self.pos += end + 2;
                TokenKind::Str(raw.as_bytes().to_vec())
            }
            '\'' => return Err((at, unsupported("a character constant"))),
            '$' => return Err((at, unsupported("variables (`$`)"))),
            '0'..='9' | '-' | '+' => {
                let len = rest
                    .char_indices()
                    .skip(1)
                    .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_')))
                    .map_or(rest.len(), |(i, _)| i);
                let number = &rest[..len];
                self.pos += len;
                TokenKind::Int(parse_int(number).ok_or_else(|| {
                    (
                        at,
                        unsupported(&format!(
                            "the number {number:?} (only decimal integers are)"
                        )),
                    )
                })?)
            }
            c if c == '_' || c.is_alphabetic() => {
                let name = identifier(rest);
                self.pos += name.len();
                if KEYWORDS.contains(&name) {
                    return Err((at, unsupported(&format!("`{name}`"))));
                }
                self.terminated(name, "")?;
                TokenKind::Ident(name.to_owned())
            }
            ':' | '=' => return Err((at, unsupported("variables (`:=`, `=`)"))),
            other => return Err((at, format!("bad character {other:?} in action"))),
        };
        Ok(Token { kind, at })
    }
}

/// A Go identifier at the start of `s` (letters, digits, `_`; not starting with a digit).
fn identifier(s: &str) -> &str {
    let len = s
        .char_indices()
        .find(|&(i, c)| !(c == '_' || c.is_alphabetic() || (i > 0 && c.is_numeric())))
        .map_or(s.len(), |(i, _)| i);
    &s[..len]
}

/// A decimal integer as Go reads it; `None` for forms Go reads otherwise (octal `010`, hex,
/// floats) or not at all.
fn parse_int(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.len() > 1 && digits.starts_with('0') {
        return None;
    }
    text.parse().ok()
}

/// A Go `"..."` string at the start of `s`: its bytes and its length in the source.
fn interpreted_string(s: &str) -> Result<(Vec<u8>, usize), String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 1;
    loop {
        let Some(&b) = bytes.get(i) else {
            return Err("unterminated quoted string".to_owned());
        };
        match b {
            b'"' => return Ok((out, i + 1)),
            b'\n' => return Err("unterminated quoted string".to_owned()),
            b'\\' => {
                let esc = *bytes.get(i + 1).ok_or("unterminated quoted string")?;
                i += 2;
                let simple = match esc {
                    b'a' => Some(0x07),
                    b'b' => Some(0x08),
                    b'f' => Some(0x0c),
                    b'n' => Some(b'\n'),
                    b'r' => Some(b'\r'),
                    b't' => Some(b'\t'),
                    b'v' => Some(0x0b),
                    b'\\' => Some(b'\\'),
                    b'"' => Some(b'"'),
                    _ => None,
                };
                if let Some(byte) = simple {
                    out.push(byte);
                    continue;
                }
                let (radix, len) = match esc {
                    b'x' => (16, 2),
                    b'u' => (16, 4),
                    b'U' => (16, 8),
                    b'0'..=b'7' => (8, 3),
                    _ => return Err(format!("invalid escape \\{} in a string", esc as char)),
                };
                let start = if radix == 8 { i - 1 } else { i };
                let digits = s
                    .get(start..start + len)
                    .filter(|d| d.chars().all(|c| c.is_digit(radix)))
                    .ok_or("invalid escape in a string")?;
                let code = u32::from_str_radix(digits, radix)
                    .map_err(|_| format!("invalid escape in a string: {digits:?}"))?;
                i = start + len;
                if esc == b'x' || radix == 8 {
                    out.push(u8::try_from(code).map_err(|_| "octal escape value > 255")?);
                } else {
                    let c = char::from_u32(code).ok_or("invalid Unicode escape in a string")?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
}

type Pipeline = Vec<Command>;

#[derive(Debug)]
enum Command {
    Call {
        name: String,
        args: Vec<Operand>,
        at: usize,
    },
    Operand(Operand),
}

#[derive(Debug)]
enum Operand {
    Dot(usize),
    Field(String, usize),
    Str(Vec<u8>, usize),
    Int(i64, usize),
    Nested(Pipeline, usize),
    /// `index . KEY`, the one use of `.` as an argument.
    Index(Box<Operand>, usize),
}

impl Operand {
    fn at(&self) -> usize {
        match self {
            Operand::Dot(at)
            | Operand::Field(_, at)
            | Operand::Str(_, at)
            | Operand::Int(_, at)
            | Operand::Nested(_, at)
            | Operand::Index(_, at) => *at,
        }
    }
}

struct Parser<'a> {
    tokens: &'a [Token],
    next: usize,
    /// Where the action starts, for errors at its end.
    end: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.next)
    }

    fn pipeline(&mut self, depth: usize) -> Result<Pipeline, Fail> {
        if depth > MAX_DEPTH {
            let at = self.peek().map_or(self.end, |t| t.at);
            return Err((at, format!("parentheses nested deeper than {MAX_DEPTH}")));
        }
        let mut pipeline = vec![self.command(depth)?];
        while self.peek().is_some_and(|t| t.kind == TokenKind::Pipe) {
            self.next += 1;
            pipeline.push(self.command(depth)?);
        }
        Ok(pipeline)
    }

    fn command(&mut self, depth: usize) -> Result<Command, Fail> {
        let Some(first) = self.peek() else {
            return Err((self.end, "missing value for command".to_owned()));
        };
        let at = first.at;
        if let TokenKind::Ident(name) = &first.kind {
            let name = name.clone();
            self.next += 1;
            if !FUNCTIONS.contains(&name.as_str()) {
                return Err((
                    at,
                    format!(
                        "the function {name:?} is not supported (offseal renders {})",
                        FUNCTIONS.join(", ")
                    ),
                ));
            }
            let mut args = Vec::new();
            while let Some(operand) = self.operand(depth)? {
                args.push(operand);
            }
            if name == "index" {
                return index_command(args, at);
            }
            return Ok(Command::Call { name, args, at });
        }
        let Some(operand) = self.operand(depth)? else {
            let token = first_description(self.peek());
            return Err((at, format!("missing value for command before {token}")));
        };
        if let Some(extra) = self
            .peek()
            .filter(|t| !matches!(t.kind, TokenKind::Pipe | TokenKind::Close))
        {
            return Err((extra.at, "can't give argument to non-function".to_owned()));
        }
        Ok(Command::Operand(operand))
    }

    /// The next operand, or `None` at `|`, `)` or the end.
    fn operand(&mut self, depth: usize) -> Result<Option<Operand>, Fail> {
        let Some(token) = self.peek() else {
            return Ok(None);
        };
        let at = token.at;
        let operand = match &token.kind {
            TokenKind::Pipe | TokenKind::Close => return Ok(None),
            TokenKind::Dot => Operand::Dot(at),
            TokenKind::Field(name) => Operand::Field(name.clone(), at),
            TokenKind::Str(s) => Operand::Str(s.clone(), at),
            TokenKind::Int(n) => Operand::Int(*n, at),
            TokenKind::Ident(name) => {
                return Err((
                    at,
                    unsupported(&format!(
                        "the function {name:?} as an argument without parentheses"
                    )),
                ));
            }
            TokenKind::Open => {
                self.next += 1;
                let inner = self.pipeline(depth + 1)?;
                match self.peek() {
                    Some(t) if t.kind == TokenKind::Close => {}
                    _ => return Err((at, "unclosed left paren".to_owned())),
                }
                Operand::Nested(inner, at)
            }
        };
        self.next += 1;
        // Go would read `.x.y` or `(...).y` as field access: refused in the lexer.
        Ok(Some(operand))
    }
}

fn first_description(token: Option<&Token>) -> String {
    token.map_or_else(|| "the end".to_owned(), |t| t.kind.describe())
}

/// `index` must be `index . KEY`: the data map, then one key.
fn index_command(mut args: Vec<Operand>, at: usize) -> Result<Command, Fail> {
    if args.len() == 1 {
        // `KEY | index .` would pass the key last: allowed by Go, kept simple here.
        return Err((at, unsupported("`index` without both `.` and a key")));
    }
    if args.len() != 2 || !matches!(args.first(), Some(Operand::Dot(_))) {
        return Err((at, unsupported("`index` other than `index . \"key\"`")));
    }
    let key = args.pop().ok_or((at, "index: missing key".to_owned()))?;
    Ok(Command::Operand(Operand::Index(Box::new(key), at)))
}

fn unsupported(what: &str) -> String {
    format!("{what} is not supported")
}

fn too_large() -> String {
    format!(
        "renders to more than {} MiB, more than a Secret may hold",
        MAX_OUTPUT / 1024 / 1024
    )
}

/// Calls a supported function with Go's argument rules.
fn call(name: &str, args: Vec<Value>, at: usize) -> Result<Value, Fail> {
    let fail = |why: String| (at, format!("{name}: {why}"));
    let arity = |n: usize| {
        if args.len() == n {
            Ok(())
        } else {
            Err(fail(format!(
                "wrong number of args: want {n}, got {}",
                args.len()
            )))
        }
    };
    let out = |bytes: Vec<u8>| -> Result<Value, Fail> {
        if bytes.len() > MAX_OUTPUT {
            return Err((at, too_large()));
        }
        Ok(Value::Str(Zeroizing::new(bytes)))
    };
    match name {
        "print" => {
            let mut text = Vec::new();
            let mut previous_is_string = true;
            for (i, arg) in args.iter().enumerate() {
                let is_string = matches!(arg, Value::Str(_));
                // fmt.Sprint: a space between operands when neither is a string.
                if i > 0 && !is_string && !previous_is_string {
                    text.push(b' ');
                }
                previous_is_string = is_string;
                match arg {
                    Value::Str(s) => text.extend_from_slice(s),
                    Value::Int(n) => text.extend_from_slice(n.to_string().as_bytes()),
                    Value::Missing => text.extend_from_slice(b"<nil>"),
                    Value::Data => return Err(fail(unsupported("printing the data map"))),
                }
                if text.len() > MAX_OUTPUT {
                    return Err((at, too_large()));
                }
            }
            out(text)
        }
        "quote" | "squote" | "cat" => {
            let mut parts = Vec::new();
            for arg in &args {
                let text = match arg {
                    Value::Missing => continue, // sprig skips nil
                    Value::Str(s) => s.to_vec(),
                    Value::Int(n) => n.to_string().into_bytes(),
                    Value::Data => return Err(fail(unsupported("the data map as an argument"))),
                };
                parts.push(Zeroizing::new(match name {
                    "quote" => go_quote(&text).ok_or_else(|| {
                        fail(unsupported("quoting text that is not printable ASCII"))
                    })?,
                    "squote" => [b"'".as_slice(), &text, b"'"].concat(),
                    _ => text,
                }));
            }
            let total: usize = parts.iter().map(|p| p.len() + 1).sum();
            if total > MAX_OUTPUT {
                return Err((at, too_large()));
            }
            let mut joined = Vec::with_capacity(total);
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    joined.push(b' ');
                }
                joined.extend_from_slice(part);
            }
            out(joined)
        }
        "default" => {
            if args.is_empty() {
                return Err(fail(
                    "wrong number of args: want at least 1, got 0".to_owned(),
                ));
            }
            if args.len() > 2 {
                return Err(fail(unsupported("more than one given value")));
            }
            let mut args = args.into_iter();
            let fallback = args
                .next()
                .ok_or_else(|| fail("missing default".to_owned()))?;
            let given = args.next();
            let empty = match &given {
                None | Some(Value::Missing) => true,
                Some(Value::Str(s)) => s.is_empty(),
                Some(Value::Int(n)) => *n == 0,
                Some(Value::Data) => false,
            };
            let chosen = if empty {
                fallback
            } else {
                given.unwrap_or(Value::Missing)
            };
            if matches!(chosen, Value::Data) {
                return Err(fail(unsupported("the data map as a value")));
            }
            Ok(chosen)
        }
        "indent" | "nindent" => {
            arity(2)?;
            let spaces = match &args[0] {
                Value::Int(n) => usize::try_from(*n)
                    .map_err(|_| fail("a negative indent is refused (Go panics)".to_owned()))?,
                other => {
                    return Err(fail(format!(
                        "wrong type for value; expected int; got {}",
                        other.kind()
                    )));
                }
            };
            let text = string_arg(&args[1], name, at)?;
            let lines = text.iter().filter(|b| **b == b'\n').count() + 1;
            let size = spaces
                .checked_mul(lines)
                .and_then(|n| n.checked_add(text.len() + 1))
                .filter(|n| *n <= MAX_OUTPUT)
                .ok_or((at, too_large()))?;
            let pad = vec![b' '; spaces];
            let mut result = Vec::with_capacity(size);
            if name == "nindent" {
                result.push(b'\n');
            }
            result.extend_from_slice(&pad);
            for &b in text {
                result.push(b);
                if b == b'\n' {
                    result.extend_from_slice(&pad);
                }
            }
            out(result)
        }
        _ => {
            let want = match name {
                "replace" => 3,
                "trimPrefix" | "trimSuffix" | "trimAll" => 2,
                _ => 1,
            };
            arity(want)?;
            let mut strings = Vec::with_capacity(want);
            for arg in &args {
                strings.push(string_arg(arg, name, at)?);
            }
            string_function(name, &strings, at).and_then(out)
        }
    }
}

/// A string argument: Go refuses anything else for sprig's `string` parameters.
fn string_arg<'v>(value: &'v Value, name: &str, at: usize) -> Result<&'v [u8], Fail> {
    match value {
        Value::Str(s) => Ok(s),
        Value::Missing => Err((
            at,
            format!("{name}: a key that is not in the data (Go: invalid value; expected string)"),
        )),
        other => Err((
            at,
            format!(
                "{name}: wrong type for value; expected string; got {}",
                other.kind()
            ),
        )),
    }
}

/// The functions of one or more plain strings. `args` are in call order; sprig puts the
/// string being worked on last.
fn string_function(name: &str, args: &[&[u8]], at: usize) -> Result<Vec<u8>, Fail> {
    let fail = |why: &str| (at, format!("{name}: {why}"));
    let last = args.last().copied().unwrap_or_default();
    Ok(match name {
        "upper" | "lower" => {
            if !last.is_ascii() {
                return Err(fail(&unsupported("case mapping of non-ASCII text")));
            }
            if name == "upper" {
                last.to_ascii_uppercase()
            } else {
                last.to_ascii_lowercase()
            }
        }
        // Go's unicode.IsSpace is Unicode's White_Space, as Rust's char::is_whitespace.
        "trim" => utf8(last, name, at)?.trim().as_bytes().to_vec(),
        "nospace" => utf8(last, name, at)?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .into_bytes(),
        "trimPrefix" => {
            let prefix = args.first().copied().unwrap_or_default();
            last.strip_prefix(prefix).unwrap_or(last).to_vec()
        }
        "trimSuffix" => {
            let suffix = args.first().copied().unwrap_or_default();
            last.strip_suffix(suffix).unwrap_or(last).to_vec()
        }
        "trimAll" => {
            let cutset = utf8(args.first().copied().unwrap_or_default(), name, at)?;
            utf8(last, name, at)?
                .trim_matches(|c| cutset.contains(c))
                .as_bytes()
                .to_vec()
        }
        "replace" => {
            let old = args.first().copied().unwrap_or_default();
            let new = args.get(1).copied().unwrap_or_default();
            replace(last, old, new).map_err(|why| (at, format!("{name}: {why}")))?
        }
        "b64enc" => STANDARD.encode(last).into_bytes(),
        // sprig renders the decoder's error text; offseal refuses instead.
        "b64dec" => STANDARD.decode(last).map_err(|_| {
            fail("the value is not valid base64 (sprig would render Go's error text)")
        })?,
        "sha256sum" => crate::backend::sha256(last)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
            .into_bytes(),
        other => return Err(fail(&unsupported(&format!("the function {other:?}")))),
    })
}

/// The value as text, for the functions that work on characters.
fn utf8<'v>(bytes: &'v [u8], name: &str, at: usize) -> Result<&'v str, Fail> {
    std::str::from_utf8(bytes).map_err(|_| {
        (
            at,
            format!("{name}: the value is not UTF-8 text, which offseal does not reproduce"),
        )
    })
}

/// Go's `strings.Replace(s, old, new, -1)`, with the result size checked first.
fn replace(s: &[u8], old: &[u8], new: &[u8]) -> Result<Vec<u8>, String> {
    if old.is_empty() {
        // Go inserts `new` around every UTF-8 sequence, as Rust's str::replace does.
        let s = std::str::from_utf8(s)
            .map_err(|_| "the value is not UTF-8 text, which offseal does not reproduce")?;
        let count = s.chars().count() + 1;
        check_size(s.len(), count, new.len())?;
        let new = std::str::from_utf8(new).map_err(|_| "the replacement is not UTF-8 text")?;
        return Ok(s.replace("", new).into_bytes());
    }
    let mut matches = Vec::new();
    let mut i = 0;
    while i + old.len() <= s.len() {
        if s.get(i..i + old.len()) == Some(old) {
            matches.push(i);
            i += old.len();
        } else {
            i += 1;
        }
    }
    let kept = s.len() - matches.len() * old.len();
    check_size(kept, matches.len(), new.len())?;
    let mut out = Vec::new();
    let mut from = 0;
    for at in matches {
        out.extend_from_slice(s.get(from..at).unwrap_or_default());
        out.extend_from_slice(new);
        from = at + old.len();
    }
    out.extend_from_slice(s.get(from..).unwrap_or_default());
    Ok(out)
}

fn check_size(kept: usize, count: usize, each: usize) -> Result<(), String> {
    count
        .checked_mul(each)
        .and_then(|n| n.checked_add(kept))
        .filter(|n| *n <= MAX_OUTPUT)
        .map(|_| ())
        .ok_or_else(too_large)
}

/// Go's `%q` of printable ASCII with the usual escapes; `None` for other text (Go's escapes for
/// it depend on Unicode tables offseal does not carry).
fn go_quote(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 2);
    out.push(b'"');
    for &b in text {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x0b => out.extend_from_slice(b"\\v"),
            0x20..=0x7e => out.push(b),
            0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\x{b:02x}").as_bytes()),
            _ => return None,
        }
    }
    out.push(b'"');
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    fn data() -> BTreeMap<String, SecretSlice<u8>> {
        [
            ("foo", b"bar".as_slice()),
            ("pw", b" hunter2\n"),
            ("multi", b"a\nb"),
            ("b64", b"aGk="),
            ("empty", b""),
            ("bin", b"\xff\xfe"),
            ("quoted", b"say \"hi\"\t\\"),
            ("MixedCase", b"AbC"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), SecretSlice::from(v.to_vec())))
        .collect()
    }

    fn ok(template: &str) -> String {
        let out = render(template, &data()).unwrap_or_else(|e| panic!("{template}: {e}"));
        String::from_utf8(out.to_vec()).unwrap()
    }

    fn err(template: &str) -> TemplateError {
        match render(template, &data()) {
            Ok(_) => panic!("{template} rendered"),
            Err(e) => e,
        }
    }

    #[test]
    fn text_lookups_and_go_missing_key_rules() {
        assert_eq!(ok("plain text, no action"), "plain text, no action");
        assert_eq!(ok("secret {{ index . \"foo\" }} !"), "secret bar !");
        assert_eq!(ok("{{.foo}}{{ .foo }}"), "barbar");
        assert_eq!(ok("{{ .MixedCase }}"), "AbC");
        // Go: a missing field prints <no value>; index gives the zero value.
        assert_eq!(ok("[{{ .nope }}]"), "[<no value>]");
        assert_eq!(ok("[{{ index . \"nope\" }}]"), "[]");
        assert_eq!(ok("{{ index . `foo` }}"), "bar");
        assert_eq!(ok("{{ \"lit\\x41\\u00e9\\n\" }}"), "litAé\n");
        assert_eq!(ok("{{ 42 }}-{{ -7 }}"), "42--7");
        assert_eq!(ok("a}}b"), "a}}b");
        assert_eq!(ok("{{ \"}}\" }}"), "}}");
        assert_eq!(ok(""), "");
    }

    #[test]
    fn trim_markers_and_comments() {
        assert_eq!(ok("a  \n {{- .foo -}} \n\t b"), "abarb");
        assert!(err("a {{-.foo}}").reason.contains("number"));
        assert_eq!(ok("x {{/* note */}} y"), "x  y");
        assert_eq!(ok("x {{- /* note */ -}} y"), "xy");
        // `{{-3}}` is the number -3, not a trim marker.
        assert_eq!(ok("x {{-3}}"), "x -3");
        assert_eq!(
            err("{{/* a */ .foo}}").reason,
            "comment ends before closing delimiter"
        );
        assert_eq!(err("{{/* a ").reason, "unclosed comment");
    }

    #[test]
    fn string_functions_match_sprig() {
        assert_eq!(ok("{{ .foo | upper }}"), "BAR");
        assert_eq!(ok("{{ upper .foo | lower }}"), "bar");
        assert_eq!(ok("[{{ .pw | trim }}]"), "[hunter2]");
        assert_eq!(ok("{{ trimPrefix \"b\" .foo }}"), "ar");
        assert_eq!(ok("{{ .foo | trimSuffix \"r\" }}"), "ba");
        assert_eq!(ok("{{ trimAll \"$\" \"$5.00$$\" }}"), "5.00");
        assert_eq!(ok("{{ .foo | replace \"a\" \"AA\" }}"), "bAAr");
        assert_eq!(ok("{{ replace \"\" \"-\" \"abc\" }}"), "-a-b-c-");
        assert_eq!(ok("{{ .pw | nospace }}"), "hunter2");
        assert_eq!(ok("{{ .quoted | quote }}"), r#""say \"hi\"\t\\""#);
        assert_eq!(ok("{{ quote .foo .nope 5 }}"), r#""bar" "5""#);
        assert_eq!(ok("{{ .foo | squote }}"), "'bar'");
        assert_eq!(ok("{{ cat .foo \"x\" .nope }}"), "bar x");
        assert_eq!(ok("{{ .foo | b64enc }}"), "YmFy");
        assert_eq!(ok("{{ .b64 | b64dec }}"), "hi");
        assert_eq!(
            ok("{{ .foo | sha256sum }}"),
            "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"
        );
        assert_eq!(ok("{{ .nope | default \"d\" }}"), "d");
        assert_eq!(ok("{{ index . \"empty\" | default \"d\" }}"), "d");
        assert_eq!(ok("{{ .foo | default \"d\" }}"), "bar");
        assert_eq!(ok("{{ .multi | indent 2 }}"), "  a\n  b");
        assert_eq!(ok("x:{{ .multi | nindent 4 }}"), "x:\n    a\n    b");
        assert_eq!(ok("{{ print .foo \"-\" 1 2 }}"), "bar-1 2");
        assert_eq!(ok("{{ print .nope }}"), "<nil>");
        assert_eq!(ok("{{ (index . \"foo\") | upper }}"), "BAR");
        assert_eq!(
            ok("user={{ .foo }}\npass={{ index . \"b64\" | b64dec | quote }}\n"),
            "user=bar\npass=\"hi\"\n"
        );
    }

    #[test]
    fn refusals_name_the_construct_and_place() {
        let e = err("a\n  {{ if .foo }}x{{ end }}");
        assert_eq!((e.line, e.column), (2, 6));
        assert_eq!(e.reason, "`if` is not supported");
        assert!(
            err("{{ toYaml .foo }}")
                .reason
                .contains("\"toYaml\" is not supported")
        );
        assert!(err("{{ env \"HOME\" }}").reason.contains("\"env\""));
        assert!(err("{{ $x := .foo }}").reason.contains("variables"));
        assert!(err("{{ .a.b }}").reason.contains("field chain"));
        assert!(err("{{ . }}").reason.contains("whole data map"));
        assert!(err("{{ .foo }").reason.contains("'}'"));
        assert!(err("{{ .foo ").reason.contains("unclosed action"));
        assert!(err("{{ .foo-bar }}").reason.contains("'-' after `.foo`"));
        assert!(err("{{ }}").reason.contains("missing value"));
        assert!(err("{{ .foo .foo }}").reason.contains("non-function"));
        assert!(err("{{ .foo | .foo }}").reason.contains("stage 2"));
        assert!(err("{{ upper }}").reason.contains("wrong number of args"));
        assert!(
            err("{{ .nope | upper }}")
                .reason
                .contains("not in the data")
        );
        assert!(err("{{ 5 | upper }}").reason.contains("expected string"));
        assert!(err("{{ .bin | trim }}").reason.contains("not UTF-8"));
        assert!(err("{{ \"é\" | upper }}").reason.contains("non-ASCII"));
        assert!(
            err("{{ .foo | b64dec }}")
                .reason
                .contains("not valid base64")
        );
        assert!(err("{{ indent -1 .foo }}").reason.contains("negative"));
        assert!(err("{{ indent 010 .foo }}").reason.contains("decimal"));
        assert!(err("{{ index .foo 1 }}").reason.contains("index"));
        assert!(err("{{ (upper .foo }}").reason.contains("paren"));
        assert!(err("{{ 'a' }}").reason.contains("character constant"));
        assert!(err("{{ \"a\\q\" }}").reason.contains("escape"));
        assert!(err("{{ `a").reason.contains("unterminated"));
        assert!(
            err("{{ upper trim }}")
                .reason
                .contains("without parentheses")
        );
    }

    #[test]
    fn output_is_bounded_and_nesting_is_limited() {
        assert!(
            err("{{ indent 2000000 .foo }}")
                .reason
                .contains("more than")
        );
        assert!(
            err("{{ replace \"\" \"0123456789012345678901234567890123456789\" (indent 100000 .foo) }}")
                .reason
                .contains("more than")
        );
        let deep = format!("{{{{ {}.foo{} }}}}", "(".repeat(100), ")".repeat(100));
        assert!(err(&deep).reason.contains("nested deeper"));
        let ok_deep = format!("{{{{ {}.foo{} }}}}", "(".repeat(10), ")".repeat(10));
        assert_eq!(ok(&ok_deep), "bar");
    }

    proptest::proptest! {
        /// Any mix of template pieces renders or is refused; it never panics, and what renders
        /// stays under the cap.
        #[test]
        fn hostile_templates_never_panic(pieces in proptest::collection::vec(
            proptest::sample::select(vec![
                "{{", "}}", "{{- ", " -}}", "/*", "*/", " ", "\n", ".", "foo", ".pw", "|",
                "(", ")", "\"", "`", "\\", "x", "é", "index", "upper", "indent", "nindent",
                "replace", "quote", "default", "print", "-", "7", "99999999", "$", "if", "'",
            ]),
            0..40,
        )) {
            let text: String = pieces.concat();
            if let Ok(out) = render(&text, &data()) {
                proptest::prop_assert!(out.len() <= MAX_OUTPUT);
            }
        }
    }

    #[test]
    fn errors_never_hold_a_value() {
        for template in [
            "{{ .pw | b64dec }}",
            "{{ .pw | upper | quote | foo }}",
            "{{ .pw .pw }}",
        ] {
            let e = err(template).to_string();
            assert!(!e.contains("hunter2"), "{e}");
        }
    }
}
