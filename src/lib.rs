//! DevOps Checkpoint core.
//!
//! [`dora`] is the domain: the DORA Quick Check model as plain data and pure
//! functions. It has no I/O and compiles to wasm, so the browser and the server
//! compute the same figures. [`store`] (feature `ssr`) holds persistence and the
//! use-cases that validate, authorise and persist; [`hub`] (also `ssr`) holds
//! the open live rooms and their connections.

pub mod access;
pub mod accounts;
pub mod api_tokens;
pub mod board;
pub mod checkpoints;
pub mod connections;
pub mod dora;
pub mod error;
#[cfg(feature = "ssr")]
pub mod hooks;
#[cfg(feature = "ingest")]
pub mod ingest;
pub mod live;
pub mod measured;
pub mod names;
#[cfg(feature = "ssr")]
pub mod request;
pub mod security;
pub mod squads;
pub mod summary;

#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod store;
