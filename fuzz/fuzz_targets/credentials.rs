//! The `az` credentials reader (`offseal_core::azure::AzCredentials::from_json`), and the check
//! the credentials go through before anything is sealed (`Credentials::new`).
//!
//! An `Err` is fine; a panic is a bug, and so is a reader error that quotes a string value of
//! the input (serde's own messages do; a secret may be in it). Keys may be named: the reader
//! lists an object's keys when it knows none of them, and keys are field names, not secrets.

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::azure::{AzCredentials, Credentials, is_guid};
use offseal_core::secrecy::ExposeSecret;
use offseal_core::serde_json::{self, Value};

/// The fixed words of the reader's messages: a string of the input that is part of them is
/// not a leak when the message holds it.
const MESSAGE_WORDS: &str = "invalid credentials: not the JSON object `az ad sp create-for-rbac` prints (line , column ) \
                             `appId` `password` `tenant` must be a string `clientId` `clientSecret` \
                             `tenantId` (from `az ad sp create-for-rbac --sdk-auth`, GitHub's \
                             AZURE_CREDENTIALS) the input holds more than one JSON value \
                             trailing data after the JSON object appears more than once \
                             it mixes both shapes and they disagree none of the fields offseal \
                             reads (its keys: and more) expected the input is empty";

fuzz_target!(|data: &[u8]| {
    let creds = match AzCredentials::from_json(data) {
        Ok(creds) => creds,
        Err(e) => {
            assert_no_string_shown(&e.to_string(), data);
            return;
        }
    };
    let (Some(app_id), Some(password)) = (creds.app_id, creds.password) else {
        return;
    };
    let id_is_guid = is_guid(app_id.expose_secret());
    let secret_is_empty = password.expose_secret().is_empty();
    let tenant_is_guid = creds.tenant.as_deref().is_none_or(is_guid);
    match Credentials::new(app_id, password, creds.tenant) {
        Ok(checked) => {
            assert!(id_is_guid && !secret_is_empty && tenant_is_guid);
            assert!(checked.tenant_id().is_none_or(is_guid));
        }
        Err(_) => assert!(!id_is_guid || secret_is_empty || !tenant_is_guid),
    }
});

/// No string value of the input (when it is JSON), of 8 characters or more, is in `message`,
/// unless it is also a key (keys may be named) or made only of pieces of the messages' fixed
/// words (the fuzzer learns the messages and feeds them back as values, whole or cut).
fn assert_no_string_shown(message: &str, data: &[u8]) {
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let (mut values, mut keys) = (Vec::new(), Vec::new());
    collect_strings(&json, &mut values, &mut keys);
    let fixed_words = |text: &str| {
        MESSAGE_WORDS.contains(text)
            || text
                .split_whitespace()
                .all(|piece| MESSAGE_WORDS.split_whitespace().any(|w| w.contains(piece)))
    };
    for text in values {
        let named = keys.iter().any(|k| k.contains(text));
        if text.chars().count() >= 8 && !named && !fixed_words(text) {
            assert!(
                !message.contains(text),
                "the message {message:?} shows a string of the input"
            );
        }
    }
}

/// Every string value in `value` into `values`, every object key into `keys`.
fn collect_strings<'a>(value: &'a Value, values: &mut Vec<&'a str>, keys: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => values.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, values, keys)),
        Value::Object(map) => {
            for (key, v) in map {
                keys.push(key);
                collect_strings(v, values, keys);
            }
        }
        _ => {}
    }
}
