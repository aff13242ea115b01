"""Elastic IP addresses as the EC2 API reference documents them.

Owns: `NetworkBorderGroup` and `PublicIpv4Pool` of AllocateAddress and DescribeAddresses.
moto 5.2.5 ignores both request parameters and reports neither; AWS reports the group the
address was allocated in (the region by default) and its pool (`amazon` by default).
https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Address.html
Must not: change anything else about addresses.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models.elastic_ip_addresses import ElasticAddress
from moto.ec2.responses.elastic_ip_addresses import ElasticIPAddresses

_allocate = ElasticIPAddresses.allocate_address


def _allocate_address(self: ElasticIPAddresses) -> Any:
    result = _allocate(self)
    allocation_id = result.result["AllocationId"]  # type: ignore[index]
    group = self._get_param("NetworkBorderGroup") or self.region
    pool = self._get_param("PublicIpv4Pool") or "amazon"
    for address in self.ec2_backend.addresses:
        if address.allocation_id == allocation_id:
            address.network_border_group = group
            address.public_ipv4_pool = pool
    return result


def install() -> None:
    ElasticAddress.network_border_group = None  # type: ignore[attr-defined]
    ElasticAddress.public_ipv4_pool = None  # type: ignore[attr-defined]
    ElasticIPAddresses.allocate_address = _allocate_address  # type: ignore[method-assign]
