//! Petung Dadi's documents: the signed letter as PDF.

pub mod letter_pdf;
