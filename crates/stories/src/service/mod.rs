//! Cilen's use cases that span more than one record: a work's editorial step (the rule, the
//! state, the search index, the history, the audit and the authors' e-mails, in one
//! transaction).

pub mod workflow;
