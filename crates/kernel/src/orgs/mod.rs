//! Organisations: the regency's administrative tree (regency, districts, villages and wards with
//! their official codes) and the regional agencies (OPD).
pub mod domain;
pub mod store;
pub mod web;
