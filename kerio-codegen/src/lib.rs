//! kerio-codegen: turns Kerio JSON-RPC API specs (see `api-spec/README.md`) into Rust.
//!
//! Stages, each its own module: [`load`] (keeping file and JSON-pointer locations) →
//! validate → model → emit → format. Loading never panics on any input and reports every
//! problem at once as [`Diagnostics`].
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod diag;
pub mod json;
pub mod load;
pub mod naming;
pub mod spec;
pub mod validate;

pub use diag::{Diagnostic, Diagnostics};
