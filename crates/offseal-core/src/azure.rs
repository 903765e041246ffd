//! Azure service-principal credentials: what `offseal values` seals, read from the JSON the
//! `az` CLI prints and checked before anything is sealed. `Debug` never shows a secret.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

use crate::error::{Error, Result};

/// A service principal's credentials. `Debug` shows no secret.
pub struct Credentials {
    client_id: SecretString,
    client_secret: SecretString,
    tenant_id: Option<String>,
}

impl Credentials {
    /// Checks and wraps credentials: the client id and the tenant id (when given) must be GUIDs,
    /// the client secret must not be empty.
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

/// What `az ad sp create-for-rbac` and `az ad sp credential reset` print: each part optional.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct AzCredentials {
    /// `appId`.
    pub app_id: Option<SecretString>,
    /// `password`.
    pub password: Option<SecretString>,
    /// `tenant`.
    pub tenant: Option<String>,
}

impl AzCredentials {
    /// Reads the JSON object `az` prints (other fields ignored).
    ///
    /// # Errors
    /// [`Error::InvalidCredentials`] when it is not a JSON object or a field is not a string
    /// (the message never shows a value).
    pub fn from_json(bytes: &[u8]) -> Result<AzCredentials> {
        /// The fields offseal reads; secrets go straight into wiped boxes.
        #[derive(serde::Deserialize)]
        struct AzJson {
            #[serde(rename = "appId")]
            app_id: Option<SecretString>,
            password: Option<SecretString>,
            tenant: Option<String>,
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        // Only the field's name and the position are reported: serde's own messages quote
        // the offending value.
        let json: AzJson = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let (line, column) = (e.inner().line(), e.inner().column());
            let path = e.path().to_string();
            Error::InvalidCredentials(if path == "." || path.is_empty() {
                format!(
                    "not the JSON object `az ad sp create-for-rbac` prints (line {line}, column {column})"
                )
            } else {
                format!("`{path}` must be a string (line {line}, column {column})")
            })
        })?;
        Ok(AzCredentials {
            app_id: json.app_id,
            password: json.password,
            tenant: json.tenant,
        })
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
