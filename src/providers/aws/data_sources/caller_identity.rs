//! `data "aws_caller_identity"`: the account and principal the provider's credentials are,
//! with one GetCallerIdentity call (which needs no permission).

use async_trait::async_trait;

use crate::diag::Diagnostic;
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{describe, Request};
use crate::providers::kit::DataSource;
use crate::providers::schema::{Attribute, Schema};
use crate::value::{Type, Value};

pub struct CallerIdentity;

#[async_trait]
impl DataSource<Clients> for CallerIdentity {
    fn name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("Who the provider's credentials are: the account, the ARN and the user ID.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The account ID."),
            )
            .attr(
                "account_id",
                Attribute::computed(Type::String).describe("The 12-digit account ID."),
            )
            .attr(
                "arn",
                Attribute::computed(Type::String).describe("The ARN of the user or assumed role."),
            )
            .attr(
                "user_id",
                Attribute::computed(Type::String).describe("The unique ID of the caller."),
            )
    }

    async fn read(&self, c: &Clients, _config: &Value) -> Result<Value, Diagnostic> {
        let me = c.sts.get_caller_identity().send().await.map_err(|e| {
            describe(
                Request {
                    service: "STS",
                    operation: "GetCallerIdentity",
                    target: "the provider's credentials",
                },
                &e,
            )
        })?;
        let account = me.account().unwrap_or_default();
        Ok(Value::object([
            ("id", Value::from(account)),
            ("account_id", Value::from(account)),
            ("arn", Value::from(me.arn().unwrap_or_default())),
            ("user_id", Value::from(me.user_id().unwrap_or_default())),
        ]))
    }
}
