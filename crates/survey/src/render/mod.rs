//! The survey's documents: charts as inline SVG and the printable report as PDF.

pub mod charts;
pub mod report_pdf;
