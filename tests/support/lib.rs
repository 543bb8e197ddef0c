//! Shared helpers for the cross-tool tests (work in progress).

pub mod sign_support;
