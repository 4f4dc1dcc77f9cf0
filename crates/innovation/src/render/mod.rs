//! Bytes from the registry's values: the catalogue's export table.

pub mod catalogue;
