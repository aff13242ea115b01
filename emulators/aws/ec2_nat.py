"""NAT gateways as the EC2 API reference documents them.

Owns: DescribeNatGateways' tag filters, CreateNatGateway's PrivateIpAddress, and
DeleteNatGateway of an unknown gateway and of the gateway's address and interface.
moto 5.2.5 ignores `tag:<key>`, `tag-key` and `tag-value` filters (every gateway matches),
gives the gateway a random private address whatever was asked, and answers a delete of an
unknown ID with a server error. AWS:
- filters: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeNatGateways.html
- PrivateIpAddress: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNatGateway.html
- NatGatewayNotFound: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
- "Deleting a public NAT gateway disassociates its Elastic IP address, but does not release the
  address": https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-working-with.html
Must not: change anything else about NAT gateways.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.nat_gateways import NatGatewayBackend
from moto.ec2.responses.nat_gateways import NatGateways
from moto.ec2.utils import generic_filter

_describe = NatGatewayBackend.describe_nat_gateways
_create = NatGateways.create_nat_gateway


class NatGatewayNotFound(EC2ClientError):
    def __init__(self, gateway_id: str) -> None:
        super().__init__("NatGatewayNotFound", f"NAT gateway {gateway_id} was not found")


def _describe_nat_gateways(self: Any, filters: Any, nat_gateway_ids: list[str] | None) -> list[Any]:
    found = _describe(self, filters, nat_gateway_ids)
    tag_filters = {k: v for k, v in (filters or {}).items() if k.startswith("tag")}
    return generic_filter(tag_filters, found) if tag_filters else found


def _create_nat_gateway(self: NatGateways) -> Any:
    result = _create(self)
    wanted = self._get_param("PrivateIpAddress")
    if wanted:
        gateway = result.result["NatGateway"]  # type: ignore[index]
        gateway.private_ip = wanted
        gateway._eni.private_ip_address = wanted
        for address in gateway.address_set:
            address["privateIp"] = wanted
    return result


def _delete_nat_gateway(self: Any, nat_gateway_id: str) -> Any:
    gateway = self.nat_gateways.get(nat_gateway_id)
    if gateway is None:
        raise NatGatewayNotFound(nat_gateway_id)
    if gateway.state != "deleted":
        for address in gateway.address_set:
            if address.get("associationId"):
                self.disassociate_address(association_id=address["associationId"])
        self.enis.pop(gateway._eni.id, None)
    gateway.state = "deleted"
    return gateway


def install() -> None:
    NatGatewayBackend.describe_nat_gateways = _describe_nat_gateways  # type: ignore[method-assign]
    NatGatewayBackend.delete_nat_gateway = _delete_nat_gateway  # type: ignore[method-assign]
    NatGateways.create_nat_gateway = _create_nat_gateway  # type: ignore[method-assign]
