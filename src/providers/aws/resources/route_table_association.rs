//! `aws_route_table_association`: a subnet (or an internet or virtual private gateway, for
//! edge routing) bound to a route table. Moving it to another table is one
//! ReplaceRouteTableAssociation, which gives the association a new ID, as in Terraform.
//!
//! An association carries no tags, so nothing marks it as this state's: a create that finds
//! the subnet associated already refuses to take it over, unless it finishes an interrupted
//! create of this state into the same table.

use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, RouteTable as Ec2Table, RouteTableAssociation as Ec2Association};

use super::route_table::describe_tables;
use super::{ec2, id_of, ids_of, s, string_of as text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, default_plan, ConfigSpans, Creation, OperationContext, PlanRequest,
    PlanResponse,
};
use crate::value::{Type, Value};

pub struct RouteTableAssociation;

#[async_trait]
impl ResourceType<Clients> for RouteTableAssociation {
    fn name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .describe("A subnet or gateway associated with a route table.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("The association ID (rtbassoc-…)."),
            )
            .attr(
                "subnet_id",
                Attribute::optional(Type::String)
                    .force_new()
                    .describe("The subnet; exactly one of subnet_id and gateway_id."),
            )
            .attr(
                "gateway_id",
                Attribute::optional(Type::String)
                    .force_new()
                    .describe("The internet or virtual private gateway, for edge routing."),
            )
            .attr(
                "route_table_id",
                Attribute::required(Type::String)
                    .describe("The route table; changing it re-associates in place."),
            )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let has = |k: &str| config.get(k).is_some_and(|v| !v.is_null());
        if has("subnet_id") == has("gateway_id") {
            Diagnostic::error("Association needs exactly one of subnet_id and gateway_id")
                .at(spans.root())
                .detail("A route table association binds either a subnet or a gateway to the table.")
                .hint("set subnet_id for a subnet, or gateway_id for an internet gateway's edge routes")
                .into()
        } else {
            Diagnostics::new()
        }
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = default_plan::plan_type(cx.schema, req);
        let moved = req
            .prior
            .is_some_and(|p| p.get("route_table_id") != resp.planned.get("route_table_id"));
        if moved {
            if let Value::Object(m) = &mut resp.planned {
                m.insert("id".into(), Value::Unknown);
            }
        }
        resp
    }

    /// One DescribeRouteTables for every association of the type.
    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_associations(c, &ids_of(states)).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let table = text(planned, "route_table_id").unwrap_or_default();
        let (what, filter) = bound(planned);
        if let Some(found) = find_bound(c, &what, filter).await? {
            if creation.is_some_and(|c| c.resuming)
                && text(&found, "route_table_id").as_deref() == Some(&table)
            {
                return Ok(found);
            }
            return Err(already_exists(
                &format!("An association of {what}"),
                &id_of(&found),
                &format!(
                    "DescribeRouteTables shows {what} associated with {} already.",
                    text(&found, "route_table_id").unwrap_or_default()
                ),
            )
            .hint(format!(
                "import it with `clusterform import <address> {what}/{}`",
                text(&found, "route_table_id").unwrap_or_default()
            )));
        }
        let out = c
            .ec2
            .associate_route_table()
            .route_table_id(&table)
            .set_subnet_id(text(planned, "subnet_id"))
            .set_gateway_id(text(planned, "gateway_id"))
            .send()
            .await
            .map_err(|e| {
                describe(
                    ec2("AssociateRouteTable", &format!("{what} with {table}")),
                    &e,
                )
            })?;
        let id = out.association_id().unwrap_or_default().to_string();
        Ok(value(
            &id,
            planned.get("subnet_id"),
            planned.get("gateway_id"),
            &table,
        ))
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let table = text(planned, "route_table_id").unwrap_or_default();
        let old = id_of(prior);
        let out = c
            .ec2
            .replace_route_table_association()
            .association_id(&old)
            .route_table_id(&table)
            .send()
            .await
            .map_err(|e| {
                describe(
                    ec2("ReplaceRouteTableAssociation", &format!("{old} to {table}")),
                    &e,
                )
            })?;
        let id = out.new_association_id().unwrap_or_default().to_string();
        Ok(value(
            &id,
            planned.get("subnet_id"),
            planned.get("gateway_id"),
            &table,
        ))
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let id = id_of(prior);
        match c
            .ec2
            .disassociate_route_table()
            .association_id(&id)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("InvalidAssociationID.NotFound") => Ok(()),
            Err(e) => Err(describe(ec2("DisassociateRouteTable", &id), &e)),
        }
    }

    /// `<subnet-id>/<rtb-id>` or `<igw-id>/<rtb-id>`, as in Terraform.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((what, table)) = id
            .split_once('/')
            .filter(|(w, t)| !w.is_empty() && t.starts_with("rtb-"))
        else {
            return Err(Diagnostic::error("Invalid route table association ID")
                .detail(format!(
                    "\"{id}\" is not <subnet or gateway ID>/<route table ID>."
                ))
                .hint("use, for example, subnet-0123456789abcdef0/rtb-0123456789abcdef0"));
        };
        let tables = describe_tables(c, &[table.to_string()]).await?;
        Ok(tables.iter().find_map(|t| {
            t.associations()
                .iter()
                .find(|a| a.subnet_id() == Some(what) || a.gateway_id() == Some(what))
                .map(|a| association_value(t, a))
        }))
    }

    async fn find_created(
        &self,
        _c: &Clients,
        _id: Option<&str>,
        _creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        // No mark to recognise an association by; `create` finishes an interrupted one.
        Ok(None)
    }
}

/// What the association binds, for messages, and the filter that finds its association.
fn bound(v: &Value) -> (String, &'static str) {
    match text(v, "subnet_id") {
        Some(subnet) => (subnet, "association.subnet-id"),
        None => (
            text(v, "gateway_id").unwrap_or_default(),
            "association.gateway-id",
        ),
    }
}

async fn find_bound(c: &Clients, what: &str, filter: &str) -> Result<Option<Value>, Diagnostic> {
    let out = c
        .ec2
        .describe_route_tables()
        .filters(Filter::builder().name(filter).values(what).build())
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeRouteTables", what), &e))?;
    Ok(out.route_tables().iter().find_map(|t| {
        t.associations()
            .iter()
            .find(|a| {
                a.main() != Some(true)
                    && (a.subnet_id() == Some(what) || a.gateway_id() == Some(what))
            })
            .map(|a| association_value(t, a))
    }))
}

fn value(id: &str, subnet: Option<&Value>, gateway: Option<&Value>, table: &str) -> Value {
    Value::object([
        ("id", Value::from(id)),
        ("subnet_id", subnet.cloned().unwrap_or(Value::Null)),
        ("gateway_id", gateway.cloned().unwrap_or(Value::Null)),
        ("route_table_id", Value::from(table)),
    ])
}

fn association_value(t: &Ec2Table, a: &Ec2Association) -> Value {
    Value::object([
        ("id", s(a.route_table_association_id())),
        ("subnet_id", s(a.subnet_id())),
        ("gateway_id", s(a.gateway_id())),
        (
            "route_table_id",
            s(a.route_table_id().or(t.route_table_id())),
        ),
    ])
}

async fn read_associations(c: &Clients, ids: &[String]) -> Result<Vec<Option<Value>>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .ec2
        .describe_route_tables()
        .filters(
            Filter::builder()
                .name("association.route-table-association-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeRouteTables", &ids.join(", ")), &e))?;
    Ok(ids
        .iter()
        .map(|id| {
            out.route_tables().iter().find_map(|t| {
                t.associations()
                    .iter()
                    .find(|a| a.route_table_association_id() == Some(id.as_str()))
                    .map(|a| association_value(t, a))
            })
        })
        .collect())
}
