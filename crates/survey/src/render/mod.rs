//! The survey's charts, as inline SVG.

pub mod charts;
