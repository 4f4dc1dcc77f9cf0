//! The festival room: the yearly Trenggalek Innovation Festival (TIF). This first part holds the
//! pure rules — phases as data, jury assignment without conflicts of interest, and scoring
//! (weighted rubrics, mean or median, per-juror normalisation, phase weights, a documented
//! tie-break) with every rank explained. Pages, agenda and voting build on it.

pub mod domain;
