//! The notifications outbox: messages are written in the same transaction as the change that
//! causes them, then delivered by a background worker with retries. Nothing is lost on restart,
//! and with several nodes each message is claimed by exactly one worker.
pub mod domain;
pub mod store;
pub mod web;
pub mod worker;
