//! Azure service-principal credentials: what `offseal values` seals, read from the JSON the
//! `az` CLI prints and checked before anything is sealed. `Debug` never shows a secret.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::error::Category;

use crate::error::{Error, Result};

/// A service principal's credentials. `Debug` shows no secret.
pub struct Credentials {
    client_id: SecretString,
    client_secret: SecretString,
    tenant_id: Option<String>,
}

impl Credentials {
    /// Checks and wraps credentials: the client id and the tenant id (when given) must be GUIDs,
    /// the client secret must not be empty. Without a tenant id,
    /// [`ValuesFile::seal_credentials`](crate::values::ValuesFile::seal_credentials) takes the
    /// one the file holds, and refuses a file without one.
    ///
    /// # Errors
    /// [`Error::InvalidCredentials`] saying which part is wrong (never showing it).
    pub fn new(
        client_id: SecretString,
        client_secret: SecretString,
        tenant_id: Option<String>,
    ) -> Result<Credentials> {
        let invalid = |reason: &str| Err(Error::InvalidCredentials(reason.to_owned()));
        if client_id.expose_secret().is_empty() {
            return invalid("the client id is empty");
        }
        if !is_guid(client_id.expose_secret()) {
            return invalid(
                "the client id is not a GUID (application ids look like 0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10); \
                 were the id and the secret swapped?",
            );
        }
        if client_secret.expose_secret().is_empty() {
            return invalid("the client secret is empty");
        }
        if tenant_id.as_deref().is_some_and(str::is_empty) {
            return invalid("the tenant id is empty");
        }
        // Not echoed: a secret pasted into the wrong variable must not end up in a log.
        if tenant_id.as_deref().is_some_and(|t| !is_guid(t)) {
            return invalid(
                "the tenant id is not a GUID (tenant ids look like d93d3d23-50e3-46db-b3ad-8c6c281b431e)",
            );
        }
        Ok(Credentials {
            client_id,
            client_secret,
            tenant_id,
        })
    }

    /// The tenant id, if given.
    #[must_use]
    pub fn tenant_id(&self) -> Option<&str> {
        self.tenant_id.as_deref()
    }

    /// The client (application) id.
    pub(crate) fn client_id(&self) -> &SecretString {
        &self.client_id
    }

    /// The client secret.
    pub(crate) fn client_secret(&self) -> &SecretString {
        &self.client_secret
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &"[REDACTED]")
            .field("client_secret", &"[REDACTED]")
            .field("tenant_id", &self.tenant_id)
            .finish()
    }
}

/// The credentials JSON, in either shape `az` prints, each part optional: the output of
/// `az ad sp create-for-rbac` and `az ad sp credential reset` (`appId`, `password`, `tenant`),
/// or of `az ad sp create-for-rbac --sdk-auth`, as GitHub's azure/login takes it in
/// `AZURE_CREDENTIALS` (`clientId`, `clientSecret`, `tenantId`).
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct AzCredentials {
    /// `appId` or `clientId`.
    pub app_id: Option<SecretString>,
    /// `password` or `clientSecret`.
    pub password: Option<SecretString>,
    /// `tenant` or `tenantId`.
    pub tenant: Option<String>,
}

/// The byte order mark PowerShell 5 writes at the start of a UTF-8 file.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The parts: client id, client secret, tenant id.
const PARTS: usize = 3;

/// The fields offseal reads: each part's name in the `az ad sp create-for-rbac` shape, then
/// (at the part's index + [`PARTS`]) in the `--sdk-auth` one.
const FIELDS: [&str; 2 * PARTS] = [
    "appId",
    "password",
    "tenant",
    "clientId",
    "clientSecret",
    "tenantId",
];

/// What the error says is expected, when the JSON is not one of the two shapes.
const SHAPES: &str = "expected `appId`, `password`, `tenant` (from `az ad sp create-for-rbac`) or \
     `clientId`, `clientSecret`, `tenantId` (from `az ad sp create-for-rbac --sdk-auth`, GitHub's \
     AZURE_CREDENTIALS)";

impl AzCredentials {
    /// Reads the one JSON object `az` prints, in either shape (other fields ignored). A UTF-8
    /// byte order mark and whitespace around the object are allowed; anything else after it
    /// is not.
    ///
    /// # Errors
    /// [`Error::InvalidCredentials`] when the input is empty, UTF-16, not JSON, not an
    /// object, holds more than one JSON value or trailing data, has none of the fields of
    /// either shape, repeats a field, has a field that is not a string or is empty, or gives
    ///
    /// ```
    /// use offseal_core::azure::{AzCredentials, Credentials};
    ///
    /// let az = AzCredentials::from_json(br#"{"appId": "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10",
    ///     "password": "s3cret", "tenant": "d93d3d23-50e3-46db-b3ad-8c6c281b431e"}"#)?;
    /// let (Some(id), Some(secret)) = (az.app_id, az.password) else { unreachable!() };
    /// let credentials = Credentials::new(id, secret, az.tenant)?;
    /// assert_eq!(credentials.tenant_id(), Some("d93d3d23-50e3-46db-b3ad-8c6c281b431e"));
    /// // Debug output never shows a secret.
    /// assert!(!format!("{credentials:?}").contains("s3cret"));
    ///
    /// let error = AzCredentials::from_json(br#"{"appId": 7}"#).unwrap_err().to_string();
    /// assert!(error.contains("appId") && !error.contains('7'), "{error}");
    /// # Ok::<(), offseal_core::Error>(())
    /// ```
    /// one part in both shapes with different values. The message names fields and
    /// positions, never a value.
    pub fn from_json(bytes: &[u8]) -> Result<AzCredentials> {
        let invalid = |reason: String| Error::InvalidCredentials(reason);
        let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
        // What PowerShell 5's `>` writes.
        if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
            return Err(invalid(
                "the input is UTF-16 (byte order mark); only UTF-8 is supported (in PowerShell \
                 5, save it with `Out-File -Encoding utf8`)"
                    .to_owned(),
            ));
        }
        let Some(start) = bytes.iter().position(|b| !is_json_space(*b)) else {
            return Err(invalid(
                "the input is empty; expected the JSON object `az ad sp create-for-rbac` prints"
                    .to_owned(),
            ));
        };
        if bytes[start] != b'{' {
            return Err(invalid(not_an_object(bytes, bytes[start])));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let fields: Fields = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| invalid(parse_error(&e)))?;
        deserializer
            .end()
            .map_err(|e| invalid(trailing_data(bytes, e.line(), e.column())))?;
        fields.into_credentials().map_err(invalid)
    }
}

/// JSON's four whitespace bytes.
fn is_json_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// Why input that starts with `first` (not `{`) is not the object.
fn not_an_object(bytes: &[u8], first: u8) -> String {
    let mut values = serde_json::Deserializer::from_slice(bytes).into_iter::<IgnoredAny>();
    if let Some(Err(e)) = values.next() {
        // Syntax messages name what was expected and where, never the input.
        return format!("not valid JSON: {e}");
    }
    let kind = match first {
        b'[' => "an array",
        b'"' => "a string",
        b't' | b'f' => "a boolean",
        b'n' => "null",
        _ => "a number",
    };
    format!("the JSON is {kind}, not an object; {SHAPES}")
}

/// The message for a JSON error: serde's own messages for wrong types quote the value, so
/// those say only which field and where.
fn parse_error(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    let inner = error.inner();
    let path = error.path().to_string();
    match inner.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!("not valid JSON: {inner}"),
        Category::Data if path == "." || path.is_empty() => format!(
            "not the JSON object `az ad sp create-for-rbac` prints (line {}, column {})",
            inner.line(),
            inner.column()
        ),
        Category::Data => format!(
            "`{path}` must be a string (line {}, column {})",
            inner.line(),
            inner.column()
        ),
    }
}

/// The message for bytes after the object, which start at `line`, `column` (bytes, from 1):
/// most often a second `az` output appended to the same file.
fn trailing_data(bytes: &[u8], line: usize, column: usize) -> String {
    let line_start = match line {
        0 | 1 => 0,
        _ => bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map_or(bytes.len(), |(i, _)| i + 1),
    };
    let rest = bytes
        .get(line_start + column.saturating_sub(1)..)
        .unwrap_or_default();
    let mut values = serde_json::Deserializer::from_slice(rest).into_iter::<IgnoredAny>();
    if let Some(Ok(_)) = values.next() {
        format!(
            "the input holds more than one JSON value (the second starts at line {line} column \
             {column}); give the output of one `az` command"
        )
    } else {
        format!("trailing data after the JSON object at line {line} column {column}")
    }
}

/// The fields of the JSON object, as read.
#[derive(Default)]
struct Fields {
    /// The values of [`FIELDS`], in that order.
    values: [Option<SecretString>; FIELDS.len()],
    /// Which of [`FIELDS`] appeared (`null` included).
    seen: [bool; FIELDS.len()],
    /// The first of [`FIELDS`] that appears twice.
    repeated: Option<&'static str>,
    /// The first keys, for a message (names only, never with a value).
    first_keys: Vec<String>,
    /// How many keys there are.
    key_count: usize,
}

/// How many keys a message lists.
const KEYS_LISTED: usize = 12;

impl Fields {
    /// Part `part` (an index below [`PARTS`]), from its `az` field or its `--sdk-auth` one;
    /// both is fine when they agree.
    fn part(&mut self, part: usize, conflicts: &mut Vec<String>) -> Option<SecretString> {
        let (az, sdk) = (part, part + PARTS);
        if let (Some(a), Some(b)) = (&self.values[az], &self.values[sdk])
            && a.expose_secret() != b.expose_secret()
        {
            conflicts.push(format!("`{}` and `{}`", FIELDS[az], FIELDS[sdk]));
        }
        self.values[az].take().or_else(|| self.values[sdk].take())
    }

    /// Checks what was read and picks each part.
    fn into_credentials(mut self) -> std::result::Result<AzCredentials, String> {
        if let Some(field) = self.repeated {
            return Err(format!("`{field}` appears more than once"));
        }
        if !self.seen.contains(&true) {
            let has = if self.key_count == 0 {
                "it has no keys".to_owned()
            } else {
                let mut listed: Vec<String> = self
                    .first_keys
                    .iter()
                    .map(|k| format!("`{}`", shown_key(k)))
                    .collect();
                if self.key_count > listed.len() {
                    listed.push(format!("and {} more", self.key_count - listed.len()));
                }
                format!("its keys: {}", listed.join(", "))
            };
            return Err(format!(
                "the JSON object has none of the fields offseal reads ({has}); {SHAPES}"
            ));
        }
        if let Some((field, _)) = FIELDS
            .iter()
            .zip(&self.values)
            .find(|(_, value)| value.as_ref().is_some_and(|v| v.expose_secret().is_empty()))
        {
            return Err(format!("`{field}` is empty"));
        }
        let mut conflicts = Vec::new();
        let [app_id, password, tenant] = [0, 1, 2].map(|part| self.part(part, &mut conflicts));
        if !conflicts.is_empty() {
            return Err(format!(
                "it mixes both shapes and they disagree: {} differ",
                conflicts.join(", ")
            ));
        }
        Ok(AzCredentials {
            app_id,
            password,
            tenant: tenant.map(|t| t.expose_secret().to_owned()),
        })
    }
}

/// A key as shown in a message: escaped, and cut if long.
fn shown_key(key: &str) -> String {
    const LONGEST: usize = 40;
    let escaped: String = key.escape_debug().collect();
    match escaped.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &escaped[..cut]),
        None => escaped,
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(FieldsVisitor)
    }
}

/// Reads a JSON object into [`Fields`]; values of unknown keys are skipped unread.
struct FieldsVisitor;

impl<'de> Visitor<'de> for FieldsVisitor {
    type Value = Fields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Fields, A::Error> {
        let mut fields = Fields::default();
        while let Some(key) = map.next_key::<String>()? {
            match FIELDS.iter().position(|f| *f == key) {
                Some(i) => {
                    if fields.seen[i] {
                        fields.repeated.get_or_insert(FIELDS[i]);
                    }
                    fields.seen[i] = true;
                    // Secrets go straight into wiped boxes; `null` counts as absent.
                    fields.values[i] = map.next_value::<Option<SecretString>>()?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            if fields.first_keys.len() < KEYS_LISTED {
                fields.first_keys.push(key);
            }
            fields.key_count += 1;
        }
        Ok(fields)
    }
}

/// What a values file holds where the tenant id belongs, when that is not a tenant id (see
/// [`Error::NoTenantId`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TenantInFile {
    /// No such key.
    Missing,
    /// The key is there with an empty or null value.
    Empty {
        /// Its line.
        line: usize,
    },
    /// The value is not a GUID (not shown: it may be a secret put in the wrong place).
    NotAGuid {
        /// Its line.
        line: usize,
    },
}

impl fmt::Display for TenantInFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TenantInFile::Missing => f.write_str("is not in the file"),
            TenantInFile::Empty { line } => write!(f, "(line {line}) is empty"),
            TenantInFile::NotAGuid { line } => write!(f, "(line {line}) is not a GUID"),
        }
    }
}

/// `8-4-4-4-12` hexadecimal digits.
#[must_use]
pub fn is_guid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids() {
        assert!(is_guid("d93d3d23-50e3-46db-b3ad-8c6c281b431e"));
        assert!(is_guid("D93D3D23-50E3-46DB-B3AD-8C6C281B431E"));
        assert!(!is_guid("d93d3d2350e346dbb3ad8c6c281b431e"));
        assert!(!is_guid("d93d3d23-50e3-46db-b3ad-8c6c281b431"));
        assert!(!is_guid("g93d3d23-50e3-46db-b3ad-8c6c281b431e"));
        assert!(!is_guid(""));
    }

    #[test]
    fn credentials_are_checked_without_echoing_them() {
        let s = |t: &str| SecretString::from(t);
        let id = "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10";
        assert!(Credentials::new(s(id), s("pw"), None).is_ok());
        let err = Credentials::new(s("hunter2-secret"), s(id), None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("swapped") && !err.contains("hunter2"), "{err}");
        let err = Credentials::new(s(id), s(""), None)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "invalid credentials: the client secret is empty");
        let err = Credentials::new(s(id), s("x"), Some("nope".into()))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("invalid credentials: the tenant id is not a GUID")
                && !err.contains("nope"),
            "{err}"
        );
        let debug = format!("{:?}", Credentials::new(s(id), s("hunter2"), None).unwrap());
        assert!(!debug.contains("hunter2") && !debug.contains(id), "{debug}");
    }

    #[test]
    fn az_json_is_read_and_bad_json_is_not_echoed() {
        let az = AzCredentials::from_json(
            br#"{"appId": "0b7ff3c4-6f8e-4c49-9a5c-3b8e2f1d9a10", "displayName": "x", "password": "pw", "tenant": "d93d3d23-50e3-46db-b3ad-8c6c281b431e"}"#,
        )
        .unwrap();
        assert_eq!(az.password.unwrap().expose_secret(), "pw");
        assert_eq!(
            az.tenant.as_deref(),
            Some("d93d3d23-50e3-46db-b3ad-8c6c281b431e")
        );
        let err = AzCredentials::from_json(b"{\"password\": \"hunter2\" oops}")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("hunter2"), "{err}");
        let err = AzCredentials::from_json(b"{\"password\": 1234567}")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("`password` must be a string") && !err.contains("1234567"),
            "{err}"
        );
    }
}
