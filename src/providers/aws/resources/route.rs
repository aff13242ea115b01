//! `aws_route`: one route in a route table made elsewhere. Its destination forces a new
//! route; a new target is one ReplaceRoute. The ID is Terraform's
//! `r-<route table ID><CRC-32 of the destination>`, the import ID
//! `<route table ID>_<destination>`. Refresh reads the tables of every route of the type with
//! one DescribeRouteTables call.
//!
//! A route carries no tags: a create that finds its destination taken refuses to take it
//! over, unless it finishes an interrupted create of this state with the same target.

use async_trait::async_trait;

use super::route_table::routes::{normalise_route, route_value, DESTINATIONS, TARGETS};
use super::route_table::{create_route, delete_route, describe_tables};
use super::{crc32, ec2, string_of as text};
use crate::diag::{Diagnostic, Diagnostics};
use crate::providers::aws::client::Clients;
use crate::providers::aws::errors::describe;
use crate::providers::kit::{PlanContext, ResourceType};
use crate::providers::schema::{Attribute, Schema};
use crate::providers::{
    already_exists, default_plan, ConfigSpans, Creation, OperationContext, PlanRequest,
    PlanResponse,
};
use crate::value::{Type, Value};

use super::route_table::routes::route_fields;

pub struct Route;

/// `aws_route` names its destinations apart from an inline route's.
const OWN_DESTINATIONS: [&str; 3] = [
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
];

#[async_trait]
impl ResourceType<Clients> for Route {
    fn name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .describe("One route in a route table.")
            .attr(
                "id",
                Attribute::computed(Type::String).describe("r-<route table ID><destination hash>."),
            )
            .attr(
                "route_table_id",
                Attribute::required(Type::String)
                    .force_new()
                    .describe("The route table."),
            );
        for name in OWN_DESTINATIONS {
            s = s.attr(
                name,
                Attribute::optional(Type::String)
                    .force_new()
                    .describe("The destination: exactly one of the three."),
            );
        }
        for name in TARGETS {
            s = s.attr(
                name,
                Attribute::optional(Type::String)
                    .describe("The target: exactly one; changing it replaces the route in place."),
            );
        }
        s.attr(
            "origin",
            Attribute::computed(Type::String).describe("How the route was made (CreateRoute)."),
        )
        .attr(
            "state",
            Attribute::computed(Type::String)
                .describe("active, or blackhole when the target is gone."),
        )
    }

    fn validate(&self, config: &Value, spans: &ConfigSpans) -> Diagnostics {
        let set = |names: &[&str]| {
            names
                .iter()
                .filter(|k| config.get(k).is_some_and(|v| !v.is_null()))
                .count()
        };
        let mut d = Diagnostics::new();
        if set(&OWN_DESTINATIONS) != 1 {
            d.push(
                Diagnostic::error("Route needs exactly one destination")
                    .at(spans.root())
                    .detail("Set one of destination_cidr_block, destination_ipv6_cidr_block and destination_prefix_list_id.")
                    .hint("for a default route, set destination_cidr_block = \"0.0.0.0/0\""),
            );
        }
        if set(&TARGETS) != 1 {
            d.push(
                Diagnostic::error("Route needs exactly one target")
                    .at(spans.root())
                    .detail(format!("Set one of {}.", TARGETS.join(", ")))
                    .hint("a default route goes to gateway_id (an internet gateway) or nat_gateway_id"),
            );
        }
        d
    }

    fn plan(&self, cx: &PlanContext<'_, Clients>, req: &PlanRequest<'_>) -> PlanResponse {
        let mut resp = default_plan::plan_type(cx.schema, req);
        if let Some(id) = id_for(&resp.planned) {
            if let Value::Object(m) = &mut resp.planned {
                m.insert("id".into(), Value::from(id));
            }
        }
        resp
    }

    async fn read(&self, c: &Clients, states: &[Value]) -> Result<Vec<Option<Value>>, Diagnostics> {
        let mut tables: Vec<String> = states
            .iter()
            .filter_map(|s| text(s, "route_table_id"))
            .collect();
        tables.sort();
        tables.dedup();
        let found = describe_tables(c, &tables).await?;
        Ok(states
            .iter()
            .map(|st| {
                let table = text(st, "route_table_id")?;
                let key = destination(st)?;
                found
                    .iter()
                    .find(|t| t.route_table_id() == Some(table.as_str()))?
                    .routes()
                    .iter()
                    .find_map(|r| {
                        let inline = route_value(r)?;
                        (destination(&own(&inline)).as_ref() == Some(&key)).then(|| {
                            route_state(
                                &table,
                                &inline,
                                r.origin().map(|o| o.as_str()),
                                r.state().map(|s| s.as_str()),
                            )
                        })
                    })
            })
            .collect())
    }

    async fn create(
        &self,
        c: &Clients,
        planned: &Value,
        creation: Option<&Creation>,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let table = text(planned, "route_table_id").unwrap_or_default();
        let (dest, target) = (destination(planned).unwrap_or_default(), inline(planned));
        let there = self.read(c, std::slice::from_ref(planned)).await;
        if let Some(found) = there.ok().and_then(|mut f| f.pop().flatten()) {
            let same = inline(&found).same_as(&target);
            if same && creation.is_some_and(|c| c.resuming) {
                return Ok(found);
            }
            return Err(already_exists(
                &format!("The route to {dest} in {table}"),
                &text(&found, "id").unwrap_or_default(),
                "DescribeRouteTables shows a route to this destination already.",
            )
            .hint(format!(
                "import it with `clusterform import <address> {table}_{dest}`"
            )));
        }
        create_route(c, &table, &target, &dest).await?;
        Ok(route_state(
            &table,
            &target,
            Some("CreateRoute"),
            Some("active"),
        ))
    }

    async fn update(
        &self,
        c: &Clients,
        _prior: &Value,
        planned: &Value,
        _ctx: &OperationContext,
    ) -> Result<Value, Diagnostic> {
        let table = text(planned, "route_table_id").unwrap_or_default();
        let target = inline(planned);
        let dest = destination(planned).unwrap_or_default();
        route_fields!(
            c.ec2.replace_route().route_table_id(&table),
            &target,
            targets
        )
        .send()
        .await
        .map_err(|e| describe(ec2("ReplaceRoute", &format!("{dest} in {table}")), &e))?;
        Ok(route_state(
            &table,
            &target,
            Some("CreateRoute"),
            Some("active"),
        ))
    }

    async fn delete(
        &self,
        c: &Clients,
        prior: &Value,
        _ctx: &OperationContext,
    ) -> Result<(), Diagnostic> {
        let table = text(prior, "route_table_id").unwrap_or_default();
        let dest = destination(prior).unwrap_or_default();
        delete_route(c, &table, &inline(prior), &dest).await
    }

    /// `<route table ID>_<destination>`, as in Terraform: the destination may be an IPv4 or
    /// IPv6 range or a prefix list ID.
    async fn import(&self, c: &Clients, id: &str) -> Result<Option<Value>, Diagnostic> {
        let Some((table, dest)) = id
            .split_once('_')
            .filter(|(t, d)| t.starts_with("rtb-") && !d.is_empty())
        else {
            return Err(Diagnostic::error("Invalid route ID")
                .detail(format!("\"{id}\" is not <route table ID>_<destination>."))
                .hint("use, for example, rtb-0123456789abcdef0_0.0.0.0/0"));
        };
        let field = if dest.starts_with("pl-") {
            "destination_prefix_list_id"
        } else if dest.contains(':') {
            "destination_ipv6_cidr_block"
        } else {
            "destination_cidr_block"
        };
        let probe = Value::object([
            ("route_table_id", Value::from(table)),
            (field, Value::from(dest)),
        ]);
        let found = self.read(c, std::slice::from_ref(&probe)).await;
        found.map(|mut f| f.pop().flatten()).map_err(|d| {
            d.into_iter()
                .next()
                .unwrap_or_else(|| Diagnostic::error("Read failed"))
        })
    }

    fn created_id(&self, _c: &Clients, planned: &Value) -> Option<String> {
        id_for(planned)
    }

    async fn find_created(
        &self,
        _c: &Clients,
        _id: Option<&str>,
        _creation: &Creation,
    ) -> Result<Option<Value>, Diagnostic> {
        // No mark to recognise a route by; `create` finishes an interrupted one.
        Ok(None)
    }
}

/// The route as an inline route (its destination under the inline name).
fn inline(v: &Value) -> Value {
    let mut fields: Vec<(&str, Value)> = DESTINATIONS
        .iter()
        .zip(OWN_DESTINATIONS)
        .map(|(inline, own)| (*inline, v.get(own).cloned().unwrap_or(Value::Null)))
        .collect();
    fields.extend(TARGETS.map(|k| (k, v.get(k).cloned().unwrap_or(Value::Null))));
    normalise_route(&Value::object(fields))
}

/// An inline route under `aws_route`'s names.
fn own(inline: &Value) -> Value {
    Value::object(
        OWN_DESTINATIONS
            .iter()
            .zip(DESTINATIONS)
            .map(|(own, inl)| (*own, inline.get(inl).cloned().unwrap_or(Value::Null)))
            .chain(TARGETS.map(|k| (k, inline.get(k).cloned().unwrap_or(Value::Null)))),
    )
}

fn destination(v: &Value) -> Option<String> {
    OWN_DESTINATIONS
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_str).map(str::to_string))
}

fn id_for(v: &Value) -> Option<String> {
    let table = text(v, "route_table_id")?;
    Some(format!("r-{table}{}", crc32(destination(v)?.as_bytes())))
}

fn route_state(table: &str, inline: &Value, origin: Option<&str>, state: Option<&str>) -> Value {
    let mut v = own(inline);
    if let Value::Object(m) = &mut v {
        m.insert("route_table_id".into(), Value::from(table));
        m.insert("origin".into(), origin.map_or(Value::Null, Value::from));
        m.insert("state".into(), state.map_or(Value::Null, Value::from));
    }
    let id = id_for(&v).map_or(Value::Null, Value::from);
    if let Value::Object(m) = &mut v {
        m.insert("id".into(), id);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_id_is_terraforms() {
        // crc32("0.0.0.0/0") = 1080289494, as in Terraform's r-rtb-…1080289494 IDs.
        assert_eq!(crc32(b"0.0.0.0/0"), 1080289494);
        let route = Value::object([
            ("route_table_id", Value::from("rtb-1")),
            ("destination_cidr_block", Value::from("0.0.0.0/0")),
        ]);
        assert_eq!(id_for(&route).as_deref(), Some("r-rtb-11080289494"));
    }

    #[test]
    fn a_route_converts_to_an_inline_route_and_back() {
        let route = Value::object([
            ("destination_cidr_block", Value::from("0.0.0.0/0")),
            ("nat_gateway_id", Value::from("nat-1")),
        ]);
        let inl = inline(&route);
        assert_eq!(inl.get("cidr_block"), Some(&Value::from("0.0.0.0/0")));
        assert_eq!(
            own(&inl).get("destination_cidr_block"),
            route.get("destination_cidr_block")
        );
        assert_eq!(own(&inl).get("nat_gateway_id"), route.get("nat_gateway_id"));
    }
}
