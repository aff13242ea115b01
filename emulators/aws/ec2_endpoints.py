"""VPC endpoints as the EC2 API reference documents them.

Owns: CreateVpcEndpoint's defaults (VpcEndpointType, PrivateDnsEnabled, the security groups,
IpAddressType and DnsOptions of an interface endpoint) and ClientToken, the endpoint network
interfaces of an interface endpoint, ModifyVpcEndpoint, DeleteVpcEndpoints of an unknown
endpoint, and DescribeVpcEndpoints' `vpc-endpoint-id`, `ip-address-type` and `service-region`
filters. moto 5.2.5:
- leaves VpcEndpointType unset when none is sent (AWS: "Default: Gateway"), so the endpoint has
  no type and deleting it is a server error (`None.lower()`);
- reports PrivateDnsEnabled true for every endpoint when it is not sent; it is an "(Interface
  endpoint)" setting, false on gateway endpoints, true by default on interface endpoints;
- gives an interface endpoint no security group when none is sent (AWS: "If this parameter is
  not specified, we use the default security group for the VPC"), creates its network
  interfaces in the VPC's default group instead of the endpoint's groups, with an address
  outside the subnet, and invents a security group for an unknown ID;
- ignores ClientToken (a retried create makes a second endpoint), IpAddressType and DnsOptions;
- in ModifyVpcEndpoint ignores ResetPolicy, PrivateDnsEnabled, IpAddressType and DnsOptions,
  adds and removes route tables without adding or removing the endpoint's route to the
  service's prefix list, and adds and removes subnets and security groups without creating or
  deleting the network interface in the subnet or changing the interfaces' groups;
- answers a DeleteVpcEndpoints of an unknown ID with an empty `Unsuccessful` list;
- answers the `vpc-endpoint-id` filter with a server error.
AWS:
- CreateVpcEndpoint: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html
- ModifyVpcEndpoint: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcEndpoint.html
  ("ResetPolicy: (Gateway endpoint) Specify true to reset the policy document to the default
  policy. The default policy allows full access to the service.")
- DeleteVpcEndpoints: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeleteVpcEndpoints.html
  ("When you delete an interface endpoint, we delete its endpoint network interfaces.")
- InvalidVpcEndpoint.NotFound ("If you are performing a bulk request that is partially
  successful or unsuccessful, the response includes a list of the unsuccessful items"):
  https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
- filters: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeVpcEndpoints.html
- "A route is automatically added to each of the route tables" (on create or modify):
  https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html
Must not: change anything else about VPC endpoints (DnsEntries, endpoint services, the
`deleted` state moto keeps).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidSecurityGroupNotFoundError
from moto.ec2.models.vpcs import VPCBackend, VPCEndPoint
from moto.ec2.responses.vpcs import VPCs
from moto.ec2.utils import add_tag_specification, generate_route_id

# The policy AWS attaches when none is sent, and restores on ResetPolicy, as AWS writes it.
DEFAULT_POLICY = json.dumps(VPCEndPoint.DEFAULT_POLICY, separators=(",", ":"))

_create = VPCBackend.create_vpc_endpoint
_filter_value = VPCEndPoint.get_filter_value


def _is_interface(endpoint_type: str | None) -> bool:
    return (endpoint_type or "").lower() == "interface"


def _groups(backend: Any, vpc_id: str, group_ids: list[str] | None) -> list[str]:
    """The endpoint's security groups: those sent (each must exist), else the VPC's default."""
    for group_id in group_ids or []:
        if backend.get_security_group_from_id(group_id) is None:
            raise InvalidSecurityGroupNotFoundError(group_id)
    if group_ids:
        return list(group_ids)
    default = backend.get_default_security_group(vpc_id)
    return [default.id] if default else []


def _add_interface(backend: Any, endpoint: Any, subnet_id: str) -> None:
    """The requester-managed network interface an interface endpoint has in each subnet."""
    eni = backend.create_network_interface(
        subnet_id,
        None,  # an address from the subnet
        group_ids=endpoint.security_group_ids,
        description=f"VPC Endpoint Interface {endpoint.id}",
    )
    eni.interface_type = "vpc_endpoint"
    eni.requester_managed = True
    endpoint.network_interface_ids.append(eni.id)


def _remove_interfaces(backend: Any, endpoint: Any, subnet_id: str) -> None:
    for eni_id in list(endpoint.network_interface_ids):
        eni = backend.enis.get(eni_id)
        if eni is None or eni.subnet.id == subnet_id:
            backend.enis.pop(eni_id, None)
            endpoint.network_interface_ids.remove(eni_id)


def _remove_route(backend: Any, endpoint: Any, route_table_id: str) -> None:
    """The endpoint's route to the service's prefix list, if the table still has it."""
    table = backend.route_tables.get(route_table_id)
    route_id = generate_route_id(route_table_id, None, prefix_list=endpoint.destination_prefix_list_id)
    route = table._routes.get(route_id) if table is not None else None
    if route is not None and route.gateway is endpoint:
        del table._routes[route_id]


def _create_vpc_endpoint(
    self: Any,
    vpc_id: str,
    service_name: str,
    endpoint_type: str | None,
    policy_document: str | None,
    route_table_ids: list[str],
    subnet_ids: list[str] | None = None,
    network_interface_ids: list[str] | None = None,
    dns_entries: dict[str, str] | None = None,
    client_token: str | None = None,
    security_group_ids: list[str] | None = None,
    tags: dict[str, str] | None = None,
    private_dns_enabled: bool | None = None,
    ip_address_type: str | None = None,
    dns_options: dict[str, Any] | None = None,
) -> Any:
    if client_token:
        for existing in self.vpc_end_points.values():
            if existing.client_token == client_token:
                return existing
    endpoint_type = endpoint_type or "Gateway"
    interface = _is_interface(endpoint_type)
    subnet_ids = list(subnet_ids or [])
    if interface:
        self.get_vpc(vpc_id)
        for subnet_id in subnet_ids:
            self.get_subnet(subnet_id)
        security_group_ids = _groups(self, vpc_id, security_group_ids)
    endpoint = _create(
        self,
        vpc_id,
        service_name,
        endpoint_type,
        policy_document or DEFAULT_POLICY,
        list(route_table_ids or []),
        [],  # the interfaces are made below, one per subnet, as AWS makes them
        network_interface_ids,
        dns_entries,
        client_token=client_token,
        security_group_ids=security_group_ids,
        tags=tags,
        private_dns_enabled=interface if private_dns_enabled is None else private_dns_enabled,
    )
    endpoint.subnet_ids = subnet_ids
    if interface:
        for subnet_id in subnet_ids:
            _add_interface(self, endpoint, subnet_id)
    endpoint.ip_address_type = ip_address_type or ("ipv4" if interface else None)
    endpoint.dns_options = dns_options or ({"DnsRecordIpType": "ipv4"} if interface else None)
    return endpoint


def _modify_vpc_endpoint(
    self: Any,
    vpc_id: str,
    policy_doc: str | None,
    add_subnets: list[str] | None,
    remove_subnets: list[str] | None,
    remove_route_tables: list[str] | None,
    add_route_tables: list[str] | None,
    add_security_groups: list[str] | None,
    remove_security_groups: list[str] | None,
    reset_policy: bool = False,
    private_dns_enabled: bool | None = None,
    ip_address_type: str | None = None,
    dns_options: dict[str, Any] | None = None,
) -> None:
    endpoint = self.get_vpc_end_point(vpc_id)
    # Check everything named before changing anything.
    for subnet_id in add_subnets or []:
        self.get_subnet(subnet_id)
    for route_table_id in add_route_tables or []:
        self.get_route_table(route_table_id)
    if add_security_groups:
        _groups(self, endpoint.vpc_id, add_security_groups)

    if reset_policy:
        endpoint.policy_document = DEFAULT_POLICY
    elif policy_doc:
        endpoint.policy_document = policy_doc

    interface = _is_interface(endpoint.vpc_endpoint_type)
    groups = [g for g in endpoint.security_group_ids if g not in (remove_security_groups or [])]
    groups += [g for g in add_security_groups or [] if g not in groups]
    endpoint.security_group_ids = groups
    for eni_id in endpoint.network_interface_ids:
        eni = self.enis.get(eni_id)
        if eni is not None:
            eni._group_set = [self.get_security_group_from_id(g) for g in groups]

    for subnet_id in remove_subnets or []:
        if subnet_id in endpoint.subnet_ids:
            endpoint.subnet_ids.remove(subnet_id)
            _remove_interfaces(self, endpoint, subnet_id)
    for subnet_id in add_subnets or []:
        if subnet_id not in endpoint.subnet_ids:
            endpoint.subnet_ids.append(subnet_id)
            if interface:
                _add_interface(self, endpoint, subnet_id)

    prefix_list = endpoint.destination_prefix_list_id
    for route_table_id in remove_route_tables or []:
        if route_table_id in endpoint.route_table_ids:
            endpoint.route_table_ids.remove(route_table_id)
            if prefix_list:
                _remove_route(self, endpoint, route_table_id)
    for route_table_id in add_route_tables or []:
        if route_table_id not in endpoint.route_table_ids:
            endpoint.route_table_ids.append(route_table_id)
            if prefix_list:
                self.create_route(route_table_id, None, gateway_id=endpoint.id, destination_prefix_list_id=prefix_list)

    if private_dns_enabled is not None:
        endpoint.private_dns_enabled = private_dns_enabled
    if ip_address_type:
        endpoint.ip_address_type = ip_address_type
    if dns_options:
        endpoint.dns_options = {**(endpoint.dns_options or {}), **dns_options}


def _delete_vpc_endpoints(self: Any, vpce_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Deletes each known endpoint; returns the unsuccessful items for the unknown ones."""
    unsuccessful = []
    for vpce_id in vpce_ids or []:
        endpoint = self.vpc_end_points.get(vpce_id)
        if endpoint is None:
            unsuccessful.append({
                "Error": {
                    "Code": "InvalidVpcEndpoint.NotFound",
                    "Message": f"The VpcEndPoint ID '{vpce_id}' does not exist",
                },
                "ResourceId": vpce_id,
            })
            continue
        if endpoint.state == "deleted":
            continue
        for eni_id in endpoint.network_interface_ids:
            self.enis.pop(eni_id, None)
        prefix_list = endpoint.destination_prefix_list_id
        if prefix_list:
            for route_table_id in endpoint.route_table_ids:
                _remove_route(self, endpoint, route_table_id)
        endpoint.state = "deleted"
    return unsuccessful


def _get_filter_value(self: Any, filter_name: str, method_name: str | None = None) -> Any:
    if filter_name == "vpc-endpoint-id":
        return self.id
    if filter_name == "ip-address-type":
        return getattr(self, "ip_address_type", None)
    if filter_name == "service-region":
        return self.ec2_backend.region_name
    return _filter_value(self, filter_name, method_name)


# ------------------------------------------------------------------ request handlers


def _handle_create(self: VPCs) -> ActionResult:
    client_token = self._get_param("ClientToken")
    endpoint = self.ec2_backend.create_vpc_endpoint(
        vpc_id=self._get_param("VpcId"),
        service_name=self._get_param("ServiceName"),
        endpoint_type=self._get_param("VpcEndpointType"),
        policy_document=self._get_param("PolicyDocument"),
        route_table_ids=self._get_param("RouteTableIds", []),
        subnet_ids=self._get_param("SubnetIds", []),
        client_token=client_token,
        security_group_ids=self._get_param("SecurityGroupIds", []),
        tags=add_tag_specification(self._get_param("TagSpecifications", [])),
        private_dns_enabled=self._get_bool_param("PrivateDnsEnabled"),  # None when not sent
        ip_address_type=self._get_param("IpAddressType"),
        dns_options=self._get_param("DnsOptions"),
    )
    result: dict[str, Any] = {"VpcEndpoint": endpoint}
    if client_token:
        result["ClientToken"] = client_token
    return ActionResult(result)


def _handle_modify(self: VPCs) -> ActionResult:
    self.ec2_backend.modify_vpc_endpoint(
        vpc_id=self._get_param("VpcEndpointId"),
        policy_doc=self._get_param("PolicyDocument"),
        add_subnets=self._get_param("AddSubnetIds", []),
        remove_subnets=self._get_param("RemoveSubnetIds", []),
        add_route_tables=self._get_param("AddRouteTableIds", []),
        remove_route_tables=self._get_param("RemoveRouteTableIds", []),
        add_security_groups=self._get_param("AddSecurityGroupIds", []),
        remove_security_groups=self._get_param("RemoveSecurityGroupIds", []),
        reset_policy=bool(self._get_bool_param("ResetPolicy", False)),
        private_dns_enabled=self._get_bool_param("PrivateDnsEnabled"),
        ip_address_type=self._get_param("IpAddressType"),
        dns_options=self._get_param("DnsOptions"),
    )
    return ActionResult({"Return": True})


def _handle_delete(self: VPCs) -> ActionResult:
    unsuccessful = self.ec2_backend.delete_vpc_endpoints(vpce_ids=self._get_param("VpcEndpointIds", []))
    return ActionResult({"Unsuccessful": unsuccessful})


def install() -> None:
    VPCBackend.create_vpc_endpoint = _create_vpc_endpoint  # type: ignore[method-assign]
    VPCBackend.modify_vpc_endpoint = _modify_vpc_endpoint  # type: ignore[method-assign]
    VPCBackend.delete_vpc_endpoints = _delete_vpc_endpoints  # type: ignore[method-assign,assignment]
    VPCEndPoint.get_filter_value = _get_filter_value  # type: ignore[method-assign]
    VPCs.create_vpc_endpoint = _handle_create  # type: ignore[method-assign]
    VPCs.modify_vpc_endpoint = _handle_modify  # type: ignore[method-assign]
    VPCs.delete_vpc_endpoints = _handle_delete  # type: ignore[method-assign]
