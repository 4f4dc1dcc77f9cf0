//! The Petung Dadi room (*Pelayanan Tunggal Dengan Sepenuh Hati*): one window through which a
//! citizen reaches every service of the regency's agencies, villages and wards — requests,
//! verified residents, signed letters, SLAs, complaints, and Open311 GeoReport v2.

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
