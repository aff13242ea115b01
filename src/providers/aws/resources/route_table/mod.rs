//! `aws_route_table`, with inline routes. Like Terraform, `route` is kept as found when the
//! configuration has no route block (routes may come from `aws_route`), and a change of a
//! route's target is one ReplaceRoute. Refresh reads every table with one DescribeRouteTables
//! call.

pub mod routes;

use std::collections::BTreeMap;

use async_trait::async_trait;
use aws_sdk_ec2::types::{Filter, ResourceType as Ec2Type, RouteTable as Ec2Table};

use super::{ec2, id_of, ids_of, just_changed, s, str_of, strings};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::{code, describe};
use crate::providers::aws::marks;
use crate::providers::aws::schema::string_set;
use crate::providers::aws::tags::{plan_tagged, sync_tags, tag_spec, tag_values, taggable};
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, NestedBlock, Schema};
use crate::providers::{Creation, OperationContext, PlanRequest, PlanResponse};
use crate::value::{Type, Value};
use routes::{destination_key, normalise_route, route_fields, route_schema, route_value};

pub struct RouteTable;

#[async_trait]
impl ResourceType<Clients> for RouteTable {
    fn name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> Schema {
        taggable(
            Schema::new()
                .describe("A route table of a VPC, with inline routes.")
                .attr(
                    "id",
                    Attribute::computed(Type::String).describe("The route table ID (rtb-…)."),
                )
                .attr(
                    "arn",
                    Attribute::computed(Type::String).describe("The route table's ARN."),
                )
                .attr(
                    "owner_id",
                    Attribute::computed(Type::String).describe("The account that owns it."),
                )
                .attr(
                    "vpc_id",
                    Attribute::required(Type::String)
                        .force_new()
                        .describe("The VPC."),
                )
                .attr(
                    "propagating_vgws",
                    Attribute::optional_computed(string_set()).describe(
                        "Virtual private gateways whose routes propagate into the table.",
                    ),
                )
                .block(
                    "route",
                    NestedBlock::set(route_schema()).computed().describe(
                        "Routes: one destination and one target each. Without any route block, \
                         routes made elsewhere (aws_route) are kept.",
                    ),
                ),
        )
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        plan_tagged(cx, req, |m| {
            if let Some(Value::Set(items)) = m.get("route").cloned() {
                m.insert(
                    "route".into(),
                    Value::set(items.iter().map(normalise_route).collect()),
                );
            }
        })
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        Ok(read_tables(c, &ids_of(states)).await?)
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        _creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let vpc = str_of(planned, "vpc_id").unwrap_or_default();
        let out = c
            .ec2
            .create_route_table()
            .vpc_id(vpc)
            .set_tag_specifications(
                tag_spec(Ec2Type::RouteTable, planned.get("tags_all")).map(|t| vec![t]),
            )
            .send()
            .await
            .map_err(|e| describe(ec2("CreateRouteTable", vpc), &e))?;
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .unwrap_or_default()
            .to_string();
        for vgw in strings(planned.get("propagating_vgws")) {
            propagation(c, &id, &vgw, true).await?;
        }
        change_routes(c, &id, &[], &routes_of(planned)).await?;
        just_changed(
            read_tables(c, std::slice::from_ref(&id)).await?,
            "route table",
            &id,
        )
    }

    async fn update(
        &self,
        c: &Clients,
        prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let id = id_of(prior);
        let (old, new) = (
            strings(prior.get("propagating_vgws")),
            strings(planned.get("propagating_vgws")),
        );
        for vgw in old.iter().filter(|v| !new.contains(v)) {
            propagation(c, &id, vgw, false).await?;
        }
        for vgw in new.iter().filter(|v| !old.contains(v)) {
            propagation(c, &id, vgw, true).await?;
        }
        change_routes(c, &id, &routes_of(prior), &routes_of(planned)).await?;
        sync_tags(c, &id, prior.get("tags_all"), planned.get("tags_all")).await?;
        just_changed(
            read_tables(c, std::slice::from_ref(&id)).await?,
            "route table",
            &id,
        )
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let id = id_of(prior);
        // A table still associated with subnets cannot be deleted; Terraform disassociates
        // them first, whatever made the associations.
        let live = describe_tables(c, std::slice::from_ref(&id)).await?;
        let Some(table) = live.first() else {
            return Ok(());
        };
        for a in table.associations() {
            if a.main() == Some(true) {
                continue;
            }
            if let Some(assoc) = a.route_table_association_id() {
                match c
                    .ec2
                    .disassociate_route_table()
                    .association_id(assoc)
                    .send()
                    .await
                {
                    Ok(_) => {}
                    Err(e) if code(&e).as_deref() == Some("InvalidAssociationID.NotFound") => {}
                    Err(e) => return Err(describe(ec2("DisassociateRouteTable", assoc), &e)),
                }
            }
        }
        match c.ec2.delete_route_table().route_table_id(&id).send().await {
            Ok(_) => Ok(()),
            Err(e) if code(&e).as_deref() == Some("InvalidRouteTableID.NotFound") => Ok(()),
            Err(e) => Err(describe(ec2("DeleteRouteTable", &id), &e)
                .hint("a main route table is deleted with its VPC, not on its own")),
        }
    }

    async fn find_created(
        &self,
        c: &Clients,
        _id: Option<&str>,
        creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        let out = c
            .ec2
            .describe_route_tables()
            .filters(marks::filter(creation))
            .send()
            .await
            .map_err(|e| describe(ec2("DescribeRouteTables", &marks::target(creation)), &e))?;
        Ok(out.route_tables().first().map(|t| table_value(c, t)))
    }
}

fn routes_of(v: &Value) -> Vec<Value> {
    v.get("route")
        .and_then(Value::as_items)
        .map(|i| i.iter().map(normalise_route).collect())
        .unwrap_or_default()
}

async fn propagation(c: &Clients, id: &str, vgw: &str, on: bool) -> Result<(), Diagnostic> {
    let target = format!("{vgw} into {id}");
    if on {
        c.ec2
            .enable_vgw_route_propagation()
            .route_table_id(id)
            .gateway_id(vgw)
            .send()
            .await
            .map(drop)
            .map_err(|e| describe(ec2("EnableVgwRoutePropagation", &target), &e))
    } else {
        c.ec2
            .disable_vgw_route_propagation()
            .route_table_id(id)
            .gateway_id(vgw)
            .send()
            .await
            .map(drop)
            .map_err(|e| describe(ec2("DisableVgwRoutePropagation", &target), &e))
    }
}

/// Routes are matched by destination: a destination gone is deleted, a new one created,
/// one whose target changed replaced in place. Deletes go first so a destination can move
/// from one route to another.
async fn change_routes(
    c: &Clients,
    id: &str,
    prior: &[Value],
    planned: &[Value],
) -> Result<(), Diagnostic> {
    let by_dest = |rs: &[Value]| -> BTreeMap<String, Value> {
        rs.iter().map(|r| (destination_key(r), r.clone())).collect()
    };
    let (old, new) = (by_dest(prior), by_dest(planned));
    for (dest, r) in old.iter().filter(|(d, _)| !new.contains_key(*d)) {
        delete_route(c, id, r, dest).await?;
    }
    for (dest, r) in &new {
        match old.get(dest) {
            Some(was) if was.same_as(r) => {}
            Some(_) => route_fields!(c.ec2.replace_route().route_table_id(id), r, targets)
                .send()
                .await
                .map(drop)
                .map_err(|e| describe(ec2("ReplaceRoute", &format!("{dest} in {id}")), &e))?,
            None => create_route(c, id, r, dest).await?,
        }
    }
    Ok(())
}

/// One CreateRoute; shared with `aws_route`.
pub async fn create_route(c: &Clients, id: &str, r: &Value, dest: &str) -> Result<(), Diagnostic> {
    route_fields!(c.ec2.create_route().route_table_id(id), r, targets)
        .send()
        .await
        .map(drop)
        .map_err(|e| {
            describe(ec2("CreateRoute", &format!("{dest} in {id}")), &e)
                .hint("a route needs exactly one destination and one target")
        })
}

/// One DeleteRoute, where a route already gone is no error; shared with `aws_route`.
pub async fn delete_route(c: &Clients, id: &str, r: &Value, dest: &str) -> Result<(), Diagnostic> {
    match route_fields!(c.ec2.delete_route().route_table_id(id), r)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if code(&e).as_deref() == Some("InvalidRoute.NotFound") => Ok(()),
        Err(e) => Err(describe(ec2("DeleteRoute", &format!("{dest} in {id}")), &e)),
    }
}

fn table_value(c: &Clients, t: &Ec2Table) -> Value {
    let id = t.route_table_id().unwrap_or_default();
    let (tags, tags_all) = tag_values(t.tags(), &c.default_tags);
    Value::object([
        ("id", Value::from(id)),
        (
            "arn",
            Value::from(format!(
                "arn:aws:ec2:{}:{}:route-table/{id}",
                c.region,
                t.owner_id().unwrap_or("")
            )),
        ),
        ("owner_id", s(t.owner_id())),
        ("vpc_id", s(t.vpc_id())),
        (
            "propagating_vgws",
            Value::set(
                t.propagating_vgws()
                    .iter()
                    .filter_map(|v| v.gateway_id().map(Value::from))
                    .collect(),
            ),
        ),
        (
            "route",
            Value::set(t.routes().iter().filter_map(route_value).collect()),
        ),
        ("tags", tags),
        ("tags_all", tags_all),
    ])
}

/// Many tables with one call; a filter on the IDs, unlike RouteTableIds, does not fail the
/// whole call when one of them is gone. Shared with the types that live inside a table.
pub async fn describe_tables(c: &Clients, ids: &[String]) -> Result<Vec<Ec2Table>, Diagnostic> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let out = c
        .ec2
        .describe_route_tables()
        .filters(
            Filter::builder()
                .name("route-table-id")
                .set_values(Some(ids.to_vec()))
                .build(),
        )
        .send()
        .await
        .map_err(|e| describe(ec2("DescribeRouteTables", &ids.join(", ")), &e))?;
    Ok(out.route_tables().to_vec())
}

async fn read_tables(c: &Clients, ids: &[String]) -> Result<Vec<Option<Value>>, Diagnostic> {
    let mut by_id: BTreeMap<String, Value> = describe_tables(c, ids)
        .await?
        .iter()
        .map(|t| {
            (
                t.route_table_id().unwrap_or_default().to_string(),
                table_value(c, t),
            )
        })
        .collect();
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}
