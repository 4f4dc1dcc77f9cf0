//! Lion's documents: the sale ticket as PDF and the public price chart as SVG.

pub mod charts;
pub mod ticket_pdf;
