//! Routes as `aws_route_table`'s inline `route` blocks and `aws_route` hold them: one
//! destination and one target, every other field null. Shared by both types so a route
//! reads the same whichever of them made it.

use aws_sdk_ec2::types::Route as Ec2Route;

use crate::providers::schema::{Attribute, Schema};
use crate::value::{Type, Value};

/// The destinations a route can have, as Terraform names them in an inline route.
pub const DESTINATIONS: [&str; 3] = [
    "cidr_block",
    "ipv6_cidr_block",
    "destination_prefix_list_id",
];

/// The targets a route can have.
pub const TARGETS: [&str; 10] = [
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// The schema of one inline route.
pub fn route_schema() -> Schema {
    let mut s = Schema::new();
    for name in DESTINATIONS {
        s = s.attr(
            name,
            Attribute::optional(Type::String).describe("A destination (exactly one per route)."),
        );
    }
    for name in TARGETS {
        s = s.attr(
            name,
            Attribute::optional(Type::String).describe("A target (exactly one per route)."),
        );
    }
    s
}

/// A route read from EC2, or `None` for the routes no configuration manages: the VPC's
/// `local` route, routes propagated from a virtual private gateway, and the prefix-list routes
/// a gateway VPC endpoint puts into its route tables (`aws_vpc_endpoint` owns those).
pub fn route_value(r: &Ec2Route) -> Option<Value> {
    let gateway = r.gateway_id().unwrap_or_default();
    let origin = r.origin().map(|o| o.as_str()).unwrap_or_default();
    if gateway == "local" || origin == "EnableVgwRoutePropagation" {
        return None;
    }
    if r.destination_prefix_list_id().is_some() && gateway.starts_with("vpce-") {
        return None;
    }
    // EC2 answers a route to a gateway endpoint with its ID in GatewayId.
    let (gateway_id, endpoint_id) = if gateway.starts_with("vpce-") {
        (None, Some(gateway))
    } else {
        (r.gateway_id(), None)
    };
    let fields = [
        ("cidr_block", r.destination_cidr_block()),
        ("ipv6_cidr_block", r.destination_ipv6_cidr_block()),
        ("destination_prefix_list_id", r.destination_prefix_list_id()),
        ("carrier_gateway_id", r.carrier_gateway_id()),
        ("core_network_arn", r.core_network_arn()),
        (
            "egress_only_gateway_id",
            r.egress_only_internet_gateway_id(),
        ),
        ("gateway_id", gateway_id),
        ("local_gateway_id", r.local_gateway_id()),
        ("nat_gateway_id", r.nat_gateway_id()),
        ("network_interface_id", r.network_interface_id()),
        ("transit_gateway_id", r.transit_gateway_id()),
        ("vpc_endpoint_id", endpoint_id),
        ("vpc_peering_connection_id", r.vpc_peering_connection_id()),
    ];
    Some(normalise_route(&Value::object(
        fields.map(|(k, v)| (k, v.map_or(Value::Null, Value::from))),
    )))
}

/// A configured route in the form [`route_value`] reads: every field present, `""` as null.
pub fn normalise_route(r: &Value) -> Value {
    Value::object(DESTINATIONS.iter().chain(TARGETS.iter()).map(|&k| {
        let v = match r.get(k) {
            Some(Value::String(s)) if s.is_empty() => Value::Null,
            Some(v) => v.clone(),
            None => Value::Null,
        };
        (k, v)
    }))
}

/// The one destination of a route, as (field, value).
pub fn destination(r: &Value) -> Option<(&'static str, &str)> {
    DESTINATIONS
        .iter()
        .find_map(|&k| r.get(k).and_then(Value::as_str).map(|v| (k, v)))
}

/// What names a route among its table's: its destination.
pub fn destination_key(r: &Value) -> String {
    destination(r)
        .map(|(k, v)| format!("{k}={v}"))
        .unwrap_or_default()
}

/// A route's fields as the EC2 request names them, for CreateRoute, ReplaceRoute and
/// DeleteRoute (whose builders share no trait, hence the macro).
macro_rules! route_fields {
    ($builder:expr, $route:expr) => {{
        let r: &$crate::value::Value = $route;
        let f = |k: &str| {
            r.get(k)
                .and_then($crate::value::Value::as_str)
                .map(str::to_string)
        };
        $builder
            .set_destination_cidr_block(f("cidr_block"))
            .set_destination_ipv6_cidr_block(f("ipv6_cidr_block"))
            .set_destination_prefix_list_id(f("destination_prefix_list_id"))
    }};
    ($builder:expr, $route:expr, targets) => {{
        let r: &$crate::value::Value = $route;
        let f = |k: &str| {
            r.get(k)
                .and_then($crate::value::Value::as_str)
                .map(str::to_string)
        };
        route_fields!($builder, r)
            .set_carrier_gateway_id(f("carrier_gateway_id"))
            .set_core_network_arn(f("core_network_arn"))
            .set_egress_only_internet_gateway_id(f("egress_only_gateway_id"))
            .set_gateway_id(f("gateway_id"))
            .set_local_gateway_id(f("local_gateway_id"))
            .set_nat_gateway_id(f("nat_gateway_id"))
            .set_network_interface_id(f("network_interface_id"))
            .set_transit_gateway_id(f("transit_gateway_id"))
            .set_vpc_endpoint_id(f("vpc_endpoint_id"))
            .set_vpc_peering_connection_id(f("vpc_peering_connection_id"))
    }};
}
pub(crate) use route_fields;

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::RouteOrigin;

    #[test]
    fn the_local_and_propagated_routes_are_not_managed() {
        let local = Ec2Route::builder()
            .destination_cidr_block("10.0.0.0/16")
            .gateway_id("local")
            .build();
        let propagated = Ec2Route::builder()
            .destination_cidr_block("192.168.0.0/16")
            .gateway_id("vgw-1")
            .origin(RouteOrigin::EnableVgwRoutePropagation)
            .build();
        assert!(route_value(&local).is_none());
        assert!(route_value(&propagated).is_none());
    }

    #[test]
    fn a_route_reads_like_its_configuration() {
        let read = route_value(
            &Ec2Route::builder()
                .destination_cidr_block("0.0.0.0/0")
                .nat_gateway_id("nat-1")
                .build(),
        )
        .unwrap();
        let configured = normalise_route(&Value::object([
            ("cidr_block", Value::from("0.0.0.0/0")),
            ("nat_gateway_id", Value::from("nat-1")),
            ("gateway_id", Value::from("")),
        ]));
        assert_eq!(read, configured);
        assert_eq!(destination_key(&read), "cidr_block=0.0.0.0/0");
    }

    #[test]
    fn a_gateway_endpoint_target_reads_as_vpc_endpoint_id() {
        let read = route_value(
            &Ec2Route::builder()
                .destination_cidr_block("10.9.0.0/16")
                .gateway_id("vpce-1")
                .build(),
        )
        .unwrap();
        assert_eq!(read.get("vpc_endpoint_id"), Some(&Value::from("vpce-1")));
        assert_eq!(read.get("gateway_id"), Some(&Value::Null));
    }
}
