//! Shared helpers for the cross-tool tests (work in progress).
