//! Planning: (configuration, prior state, live state) → [`model::Plan`].
//!
//! The walk in [`planner`] asks providers what would change and changes nothing itself;
//! [`planfile`] saves and loads plans for `apply FILE`.

pub mod model;
pub mod planfile;
pub mod planner;
pub mod refresh;

pub use model::{Action, Plan, PlanMode, ResourceChange};
pub use planner::{plan, PlanMeta, PlanSettings, Planned};
