//! Applying a plan: bounded concurrency, progress on stderr, state saved after every
//! operation, and a clean stop on interrupt.

pub mod executor;
pub mod operation;
pub mod state_writer;

pub use executor::{apply, ApplyOutcome, ApplySettings};
pub use operation::Progress;
pub use state_writer::StateWriter;
