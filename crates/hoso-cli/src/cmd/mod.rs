//! One module per subcommand.

pub mod build;
pub mod sign;
pub mod verify;
