//! The kit cloud providers are built from: a resource type is one module implementing
//! [`ResourceType`] (a data source, [`DataSource`]), and a provider is a [`TypeTable`] of
//! them plus its credentials and clients.
//!
//! The table does the routing every provider would otherwise repeat: it builds the provider
//! schema from the types' own schemas, finds the type for each request, answers unknown
//! types, marks what a create makes, and finishes interrupted creates before starting new
//! ones. It knows no cloud: `C` is whatever the provider hands its types (its SDK clients).

mod data_source;
pub mod read;
mod resource;
mod table;
pub mod wait;

pub use data_source::DataSource;
pub use resource::{PlanContext, ResourceType};
pub use table::TypeTable;
