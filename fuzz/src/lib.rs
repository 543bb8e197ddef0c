//! Entry points of hoso's fuzz targets (see `entries.rs`, shared with the regression test).

pub mod entries;
