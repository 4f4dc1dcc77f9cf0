//! Lion's use cases that outlive a request: the hall of live sessions, each with its sequencer,
//! journal, group commit and live feed.

pub mod runtime;
