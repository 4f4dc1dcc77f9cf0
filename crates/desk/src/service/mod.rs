//! Petung Dadi's use cases that span more than one store: signing and issuing a letter.

pub mod letters;
