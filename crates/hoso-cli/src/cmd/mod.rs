//! One module per subcommand.

pub mod backup;
pub mod build;
pub mod check;
pub mod clean;
pub mod config;
pub mod copy;
pub mod eark;
pub mod extend;
pub mod ocr;
pub mod receive;
pub mod register;
pub mod report;
pub mod scan;
pub mod search;
pub mod serve;
pub mod sign;
pub mod signer_args;
pub mod token;
pub mod verify;
pub mod visible;
