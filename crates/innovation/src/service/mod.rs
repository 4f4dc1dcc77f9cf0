//! The innovation register's use cases: moving an innovation through its lifecycle.

pub mod lifecycle;
