//! One module per subcommand.

pub mod build;
pub mod clean;
pub mod copy;
pub mod ocr;
pub mod register;
pub mod scan;
pub mod search;
pub mod sign;
pub mod verify;
pub mod visible;
