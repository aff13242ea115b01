//! The `aws` provider: EKS clusters and the network around them.
//!
//! `provider` only routes: it configures the SDK clients (`client`) and hands each request to
//! the type's module in `resources/` or `data_sources/` through the kit's table. What the
//! types share lives once beside them: `tags` (tags, `tags_all`, default tags), `marks`
//! (finding interrupted creates), `policy` (IAM documents compared as policies), `errors` (AWS errors in words), and `checks/` for the rules
//! that span several planned instances.

pub mod checks;
pub mod client;
pub mod data_sources;
pub mod errors;
pub mod marks;
pub mod policy;
pub mod provider;
pub mod resources;
pub mod schema;
pub mod tags;

pub use provider::AwsProvider;
