//! The innovation room: the regency's register of public-service innovations, each built along
//! the regent's method (vision → regulation → collaboration partners → execution) and the national
//! regional-innovation profile (IID, Permendagri 104/2018).

pub mod demo;
pub mod domain;
pub mod error;
pub mod ports;
pub mod render;
pub mod room;
pub mod service;
pub mod store;
pub mod web;

pub use room::ROOM;
