//! One data source: a lookup of an object that exists already.

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::schema::Schema;
use crate::value::Value;

/// A data source of a provider whose configured clients are `C`.
#[async_trait]
pub trait DataSource<C: Sync>: Send + Sync {
    /// Terraform's type name, such as `aws_vpc`.
    fn name(&self) -> &'static str;

    /// The lookup arguments (settable) and everything read (computed).
    fn schema(&self) -> Schema;

    /// Finds exactly one object; none or several is an error that says what was asked.
    async fn read(&self, client: &C, config: &Value) -> Result<Value, Diagnostic>;
}
