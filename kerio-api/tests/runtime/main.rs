//! Integration tests of the hand-written runtime against the loopback test appliance,
//! with hand-written `Api` and `Method` implementations standing in for generated code.

#[path = "../support/mod.rs"]
mod support;

mod api;
mod batch;
mod confirm;
mod drift;
mod errors;
mod files;
mod hostile;
mod paging;
mod relogin;
mod retry;
mod secrets;
mod session;
mod stats;
mod tls;
