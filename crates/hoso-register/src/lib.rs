//! The office register of hoso: a tamper-evident, append-only log of every file hash.
#![forbid(unsafe_code)]

pub mod note;
pub mod tree;
