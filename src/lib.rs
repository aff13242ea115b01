//! clusterform: declarative provisioning of Kubernetes clusters and the network access to
//! their API servers.
//!
//! The work flows one way:
//!
//! ```text
//! *.tf files ──config──▶ modules, resources, variables (with spans)
//!            ──graph───▶ dependency DAG over everything that references anything
//!            ──plan────▶ refresh live state through providers, evaluate, diff ⇒ Plan
//!            ──apply───▶ walk the plan's changes concurrently through providers
//!            ──state───▶ JSON state, written atomically after every operation
//! ```
//!
//! Providers sit at the edge behind one trait (`providers`); the engine never talks to a cloud
//! SDK directly. `render` turns one structured plan into human text, Markdown and Terraform JSON.

pub mod addr;
pub mod apply;
pub mod cli;
pub mod config;
pub mod diag;
pub mod engine;
pub mod fmt;
pub mod graph;
pub mod lang;
pub mod plan;
pub mod providers;
pub mod render;
pub mod state;
pub mod suggest;
pub mod value;
