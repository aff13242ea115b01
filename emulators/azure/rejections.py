"""The requests AKS documents as invalid, beyond what the swagger's schema can say.

Owns: the 400 errors for API-server access and DNS settings, on create and on update,
and the list of properties a PUT may not change. Each rule names the documentation that
states it. Codes are `PropertyChangeNotAllowed` for a change to a property that is fixed
at creation and `InvalidParameter` for an invalid combination, each with `target` set
to the property's JSON path.
Must not: fill in defaults or compute fields (computed.py does), or keep state.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from errors import ArmError, bad_request
from operations import normalize_location

DOCS_PRIVATE = "https://learn.microsoft.com/azure/aks/private-clusters"
DOCS_VNET = "https://learn.microsoft.com/azure/aks/api-server-vnet-integration"
DOCS_AUTHORIZED = "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges"

# A custom private DNS zone: "privatelink.<region>.azmk8s.io" or
# "<subzone>.privatelink.<region>.azmk8s.io" (private-clusters#configure-a-private-dns-zone).
ZONE_ID = re.compile(
    r"^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/privateDnsZones/"
    r"(?P<zone>(?:[a-z0-9-]+\.)?privatelink\.(?P<region>[a-z0-9]+)\.azmk8s\.io)$",
    re.IGNORECASE,
)

# Properties that are fixed once the cluster exists, as (path, documentation).
# `dnsPrefix` and `fqdnSubdomain`: "This cannot be updated once the Managed Cluster has
# been created" (their swagger descriptions); location is create-only (x-ms-mutability);
# the node resource group cannot be renamed; enablePrivateCluster and privateDNSZone:
# private-clusters ("you can't convert an existing AKS cluster into a private cluster"),
# except with API Server VNet Integration (checked separately).
FIXED = (
    (("properties", "dnsPrefix"), "dnsPrefix"),
    (("properties", "fqdnSubdomain"), "fqdnSubdomain"),
    (("properties", "nodeResourceGroup"), "nodeResourceGroup"),
    (("properties", "apiServerAccessProfile", "privateDNSZone"), "privateDNSZone"),
)


def dig(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = body
    for part in path:
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def access(body: dict[str, Any]) -> dict[str, Any]:
    return dig(body, ("properties", "apiServerAccessProfile")) or {}


def zone_mode(zone: str | None) -> str | None:
    """`system`, `none`, `custom` or None (not given)."""
    if zone is None:
        return None
    return zone.lower() if zone.lower() in ("system", "none") else "custom"


def check_create(body: dict[str, Any]) -> None:
    """Raises the first documented rejection that applies to a new cluster."""
    _check_settings(body, previous=None)


def check_update(previous: dict[str, Any], body: dict[str, Any]) -> None:
    """Raises the first documented rejection for changing `previous` into `body`
    (both are effective requests: omitted fixed properties already carried over)."""
    if normalize_location(str(previous.get("location", ""))) != normalize_location(str(body.get("location", ""))):
        raise _fixed("location", previous.get("location"), body.get("location"))
    for path, name in FIXED:
        old, new = dig(previous, path), dig(body, path)
        if old is not None and new is not None and str(old).lower() != str(new).lower():
            raise _fixed(".".join(path), old, new)
    was_private = bool(access(previous).get("enablePrivateCluster"))
    is_private = bool(access(body).get("enablePrivateCluster"))
    if was_private != is_private and not access(body).get("enableVnetIntegration"):
        raise ArmError(
            400,
            "PropertyChangeNotAllowed",
            f"Changing property 'enablePrivateCluster' from {str(was_private).lower()} to {str(is_private).lower()} "
            f"is not allowed: a cluster's API server becomes private or public only at creation, unless "
            f"API Server VNet Integration (enableVnetIntegration) is enabled. See {DOCS_PRIVATE} and {DOCS_VNET}.",
            "properties.apiServerAccessProfile.enablePrivateCluster",
        )
    if access(previous).get("enableVnetIntegration") and access(body).get("enableVnetIntegration") is False:
        raise ArmError(
            400,
            "PropertyChangeNotAllowed",
            f"API Server VNet Integration cannot be disabled once enabled. See {DOCS_VNET}.",
            "properties.apiServerAccessProfile.enableVnetIntegration",
        )
    _check_settings(body, previous)


def _check_settings(body: dict[str, Any], previous: dict[str, Any] | None) -> None:
    """The rules every PUT must satisfy, new cluster or not."""
    _check_dns_names(body)
    _check_private_dns(body)
    _check_authorized_ranges(body)
    _check_vnet_integration(body, previous)


def carry_over(previous: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    """`body` with the fixed properties it omits taken from `previous`, so that a PUT
    that leaves them out keeps them rather than clearing them."""
    props = body.setdefault("properties", {})
    old_props = previous.get("properties", {})
    for key in ("dnsPrefix", "fqdnSubdomain", "nodeResourceGroup"):
        if props.get(key) is None and old_props.get(key) is not None:
            props[key] = old_props[key]
    old_access = old_props.get("apiServerAccessProfile") or {}
    if old_access:
        new_access = props.get("apiServerAccessProfile")
        if new_access is None:
            new_access = props["apiServerAccessProfile"] = {}
        for key in ("enablePrivateCluster", "privateDNSZone", "enableVnetIntegration", "subnetId"):
            if new_access.get(key) is None and old_access.get(key) is not None:
                new_access[key] = old_access[key]
    return body


def _fixed(path: str, old: Any, new: Any) -> ArmError:
    return ArmError(
        400,
        "PropertyChangeNotAllowed",
        f"Changing property '{path}' is not allowed: it is set when the cluster is created "
        f"(existing value '{old}', requested value '{new}').",
        path,
    )


def _check_dns_names(body: dict[str, Any]) -> None:
    # ManagedClusterProperties: dnsPrefix and fqdnSubdomain are alternatives; the
    # service needs exactly one to name the API server.
    props = body.get("properties") or {}
    prefix, subdomain = props.get("dnsPrefix"), props.get("fqdnSubdomain")
    if prefix and subdomain:
        raise bad_request(
            "InvalidParameter",
            "Only one of dnsPrefix and fqdnSubdomain can be specified, not both.",
            "properties.fqdnSubdomain",
        )
    if not prefix and not subdomain:
        raise bad_request(
            "InvalidParameter",
            "One of dnsPrefix or fqdnSubdomain must be specified.",
            "properties.dnsPrefix",
        )
    if subdomain and not (access(body).get("enablePrivateCluster") and zone_mode(access(body).get("privateDNSZone")) == "custom"):
        raise bad_request(
            "InvalidParameter",
            f"fqdnSubdomain can only be used with a private cluster that uses a custom private DNS zone "
            f"(apiServerAccessProfile.privateDNSZone set to a zone's resource ID). See {DOCS_PRIVATE}.",
            "properties.fqdnSubdomain",
        )


def _check_private_dns(body: dict[str, Any]) -> None:
    profile = access(body)
    if not profile.get("enablePrivateCluster"):
        return
    zone = profile.get("privateDNSZone")
    mode = zone_mode(zone)
    target = "properties.apiServerAccessProfile.privateDNSZone"
    if mode == "none" and not profile.get("enablePrivateClusterPublicFQDN"):
        raise bad_request(
            "InvalidParameter",
            "privateDNSZone 'none' requires enablePrivateClusterPublicFQDN to be true: without a private DNS "
            f"zone the API server is reached through its public FQDN. See {DOCS_PRIVATE}.",
            target,
        )
    if mode != "custom":
        return
    match = ZONE_ID.match(str(zone))
    region = normalize_location(str(body.get("location", "")))
    if match is None or match.group("region").lower() != region:
        raise bad_request(
            "InvalidParameter",
            f"The private DNS zone '{zone}' is invalid: use 'system', 'none' or the resource ID of a zone named "
            f"'privatelink.{region}.azmk8s.io' or '<subzone>.privatelink.{region}.azmk8s.io' "
            f"(/subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Network/privateDnsZones/<zone>). See {DOCS_PRIVATE}.",
            target,
        )
    identity_type = str(dig(body, ("identity", "type")) or "")
    client_id = dig(body, ("properties", "servicePrincipalProfile", "clientId"))
    if identity_type.lower() != "userassigned" and not (client_id and str(client_id).lower() != "msi"):
        raise bad_request(
            "InvalidParameter",
            "A user-assigned identity or a service principal must be used with a custom private DNS zone: "
            f"the control plane needs rights on the zone. See {DOCS_PRIVATE}.",
            "identity.type",
        )


def _check_authorized_ranges(body: dict[str, Any]) -> None:
    profile = access(body)
    ranges = profile.get("authorizedIPRanges") or []
    target = "properties.apiServerAccessProfile.authorizedIPRanges"
    if ranges and profile.get("enablePrivateCluster"):
        raise bad_request(
            "InvalidParameter",
            f"authorizedIPRanges is not supported for a private cluster. See {DOCS_AUTHORIZED}.",
            target,
        )
    for cidr in ranges:
        try:
            ipaddress.ip_network(str(cidr), strict=False)
        except ValueError:
            raise bad_request("InvalidParameter", f"'{cidr}' in authorizedIPRanges is not a valid IP range in CIDR notation.", target) from None
    if "0.0.0.0/32" in ranges and len(ranges) > 1:
        raise bad_request(
            "InvalidParameter",
            "0.0.0.0/32 in authorizedIPRanges allows only the cluster's own egress and cannot be combined "
            f"with other ranges. See {DOCS_AUTHORIZED}.",
            target,
        )


def _check_vnet_integration(body: dict[str, Any], previous: dict[str, Any] | None) -> None:
    # The swagger's subnetId description: "It is required when creating a new cluster
    # with BYO Vnet, or when updating an existing cluster to enable apiserver vnet integration."
    profile = access(body)
    if not profile.get("enableVnetIntegration") or profile.get("subnetId"):
        return
    pools = dig(body, ("properties", "agentPoolProfiles")) or []
    byo_vnet = any(isinstance(p, dict) and p.get("vnetSubnetID") for p in pools)
    enabling = previous is not None and not access(previous).get("enableVnetIntegration")
    if byo_vnet or enabling:
        why = "the node pools use your own subnets (vnetSubnetID)" if byo_vnet else "it is being enabled on an existing cluster"
        raise bad_request(
            "InvalidParameter",
            f"apiServerAccessProfile.subnetId is required when enableVnetIntegration is true and {why}. See {DOCS_VNET}.",
            "properties.apiServerAccessProfile.subnetId",
        )
