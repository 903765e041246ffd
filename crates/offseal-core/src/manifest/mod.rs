//! Kubernetes `Secret` and `SealedSecret` manifests: reading, writing, sealing, unsealing.
//!
//! Input is YAML or JSON with any number of documents (empty ones skipped), or a `v1.List`.
//! Output follows kubeseal: JSON in Go's field order, pretty-printed with two spaces; YAML with
//! keys sorted, each document preceded by `---`.
//!
//! One file per idea: the serde model (here), sealing a Secret as kubeseal does
//! ([`SealOptions`]), what can be done with a SealedSecret (unseal, merge, reseal, verify), and
//! reading and writing streams ([`read_secrets`], [`to_string`]).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::scope::Scope;

mod io;
mod seal;
mod sealed;
pub mod template;

pub use io::{
    Format, detect_format, holds_sealed_secrets, read_sealed_secrets, read_secrets, to_string,
};
pub use seal::{SealOptions, is_valid_data_key};

/// `apiVersion` of a SealedSecret.
pub const SEALED_SECRET_API_VERSION: &str = "bitnami.com/v1alpha1";
/// `kind` of a SealedSecret.
pub const SEALED_SECRET_KIND: &str = "SealedSecret";
/// Template annotation that stops the controller from adding an owner reference.
pub const SKIP_SET_OWNER_REFERENCES_ANNOTATION: &str =
    "sealedsecrets.bitnami.com/skip-set-owner-references";

/// Kubernetes object metadata, in Go's field order (which JSON output follows).
///
/// Fields offseal does not know are kept in `other` and written back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ObjectMeta {
    /// Object name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Name prefix for generated names.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generate_name: Option<String>,
    /// Namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Server field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_link: Option<String>,
    /// Server field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Server field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Server field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// Server field (a timestamp, or null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Value>,
    /// Server field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Value>,
    /// Server field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_grace_period_seconds: Option<i64>,
    /// Labels.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    /// Annotations.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// Owner references.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_references: Option<Value>,
    /// Finalizers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finalizers: Option<Value>,
    /// Managed fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_fields: Option<Value>,
    /// Anything else, kept as is.
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

impl ObjectMeta {
    /// The scope the annotations declare, as the controller reads it.
    #[must_use]
    pub fn scope(&self) -> Scope {
        Scope::from_annotations(|k| self.annotations.get(k).map(String::as_str))
    }
}

/// A Kubernetes `v1` Secret. `Debug` never shows its values.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Secret {
    /// `Secret` (not checked on input, as kubeseal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Whether the Secret is immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Binary values (base64 in the manifest).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "secret_bytes_map"
    )]
    pub data: BTreeMap<String, SecretSlice<u8>>,
    /// Text values.
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        with = "secret_text_map"
    )]
    pub string_data: BTreeMap<String, SecretString>,
    /// Secret type, such as `Opaque`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
}

impl Secret {
    /// Whether the document held nothing at all (kubeseal skips such documents).
    fn is_blank(&self) -> bool {
        self.kind.is_none()
            && self.api_version.is_none()
            && self.metadata == ObjectMeta::default()
            && self.immutable.is_none()
            && self.data.is_empty()
            && self.string_data.is_empty()
            && self.type_.is_none()
    }
}

/// A Bitnami `SealedSecret`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SealedSecret {
    /// `SealedSecret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `bitnami.com/v1alpha1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// Metadata; its namespace, name and scope annotations decide the label.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The sealed data and the template of the Secret to make.
    #[serde(default)]
    pub spec: SealedSecretSpec,
    /// Status written by the controller; kept as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Value>,
}

/// `spec` of a SealedSecret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SealedSecretSpec {
    /// What the Secret will look like, apart from its data.
    #[serde(default)]
    pub template: SecretTemplate,
    /// The deprecated whole-Secret blob of very old SealedSecrets (not supported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
    /// Key -> sealed value (base64).
    #[serde(default)]
    pub encrypted_data: BTreeMap<String, String>,
}

/// `spec.template` of a SealedSecret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SecretTemplate {
    /// Metadata of the Secret to make.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Type of the Secret to make.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Whether the Secret is immutable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub immutable: Option<bool>,
    /// Extra entries, rendered by the controller as Go templates over the opened values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub data: BTreeMap<String, Option<String>>,
}

/// The Secret that unsealing produced.
#[derive(Debug)]
#[non_exhaustive]
pub struct Unsealed {
    /// The Secret, with the opened values and the rendered template entries in `data`.
    pub secret: Secret,
}

/// `data`: key -> base64 of bytes. Errors name the key, never the value.
mod secret_bytes_map {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<String, SecretSlice<u8>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(map.iter().map(|(k, v)| (k, Base64(v.expose_secret()))))
    }

    /// Encodes while serialising, so the base64 text lives only as long as it must.
    struct Base64<'a>(&'a [u8]);

    impl Serialize for Base64<'_> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.serialize_str(&Zeroizing::new(STANDARD.encode(self.0)))
        }
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, SecretSlice<u8>>, D::Error> {
        let raw = secret_strings(deserializer)?;
        raw.into_iter()
            .map(|(k, v)| {
                // Decoded into a wiped scratch buffer (base64 only estimates the size), then
                // copied once into a box of the exact size: no shrinking reallocation leaves
                // a copy of the value in freed memory.
                let mut scratch = Zeroizing::new(vec![0u8; base64::decoded_len_estimate(v.len())]);
                let len = STANDARD
                    .decode_slice(v.as_bytes(), &mut scratch)
                    .map_err(|_| D::Error::custom(format!("{k:?} is not valid base64")))?;
                let exact = scratch.get(..len).unwrap_or_default();
                Ok((k, SecretSlice::new(Box::from(exact))))
            })
            .collect()
    }
}

/// `stringData`: key -> text. Errors name the key, never the value.
mod secret_text_map {
    use super::*;

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<String, SecretString>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_map(map.iter().map(|(k, v)| (k, v.expose_secret())))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<String, SecretString>, D::Error> {
        Ok(secret_strings(deserializer)?
            .into_iter()
            .map(|(k, v)| (k, SecretString::from(v.as_str())))
            .collect())
    }
}

/// A map of strings whose values must not appear in errors: anything but a string (or null,
/// read as empty) is refused by key only.
fn secret_strings<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<(String, Zeroizing<String>)>, D::Error> {
    let raw = Option::<BTreeMap<String, Value>>::deserialize(deserializer)?.unwrap_or_default();
    raw.into_iter()
        .map(|(k, v)| match v {
            Value::String(s) => Ok((k, Zeroizing::new(s))),
            Value::Null => Ok((k, Zeroizing::new(String::new()))),
            _ => Err(D::Error::custom(format!(
                "{k:?} must be a string (quote it in YAML)"
            ))),
        })
        .collect()
}
