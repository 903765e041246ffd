//! The values-file corpus: `testdata/values-cases/*` run through `offseal values`.
