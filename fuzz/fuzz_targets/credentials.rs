//! The `az` credentials reader (`offseal_core::azure::AzCredentials::from_json`), and the check
//! the credentials go through before anything is sealed (`Credentials::new`).
//!
//! An `Err` is fine; a panic is a bug, and so is a reader error that quotes a string of the
//! input (serde's own messages do; a secret may be in it).

#![no_main]

use libfuzzer_sys::fuzz_target;
use offseal_core::azure::{AzCredentials, Credentials, is_guid};
use offseal_core::secrecy::ExposeSecret;
use offseal_core::serde_json::{self, Value};

/// The fixed words of the reader's messages: a string of the input that is part of them is
/// not a leak when the message holds it.
const MESSAGE_WORDS: &str = "not the JSON object `az ad sp create-for-rbac` prints (line , column ) \
                             `appId` `password` `tenant` must be a string";

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

/// No string of the input (when it is JSON), of 8 characters or more, is in `message`.
fn assert_no_string_shown(message: &str, data: &[u8]) {
    let Ok(json) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let mut strings = Vec::new();
    collect_strings(&json, &mut strings);
    for text in strings {
        if text.chars().count() >= 8 && !MESSAGE_WORDS.contains(text) {
            assert!(
                !message.contains(text),
                "the message {message:?} shows a string of the input"
            );
        }
    }
}

/// Every string in `value`, keys included.
fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                out.push(key);
                collect_strings(v, out);
            }
        }
        _ => {}
    }
}
