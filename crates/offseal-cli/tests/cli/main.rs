//! Integration tests of the `offseal` binary: one test binary, a module per command.

#![allow(clippy::unwrap_used, clippy::expect_used)]
// Fixtures are written directly; the atomic writer is what is under test.
#![allow(clippy::disallowed_methods)]

mod util;

mod cert;
mod check;
mod credentials;
mod docs;
mod example;
mod kubeseal;
mod policy;
mod raw;
mod reseal;
mod safety;
mod seal;
mod set;
mod special_files;
mod unseal;
mod url;
mod values;
mod values_block_scalar_end;
mod values_cases;
mod verify;
