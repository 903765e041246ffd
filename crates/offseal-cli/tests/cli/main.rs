//! Integration tests of the `offseal` binary: one test binary, a module per command.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod util;

mod cert;
mod check;
mod raw;
mod safety;
mod set;
mod unseal;
mod url;
mod values;
mod verify;
