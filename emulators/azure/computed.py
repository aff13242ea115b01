"""What the service adds to a managed cluster: defaults and server-computed fields.

Owns: turning the effective request a client sent into the resource GET returns —
`id`, `name`, `type`, `provisioningState`, `powerState`, Kubernetes versions, FQDNs,
`nodeResourceGroup`, identity ids, network and SKU defaults, agent-pool status — in
the shape of the responses in spec/2026-08-01/examples/ManagedClustersCreate_*.json.
Must not: reject anything (rejections.py), or change a value the client sent, apart
from `privateDNSZone` `System`/`None`, which the service returns in lower case
(normalize_request): a client that round-trips what it sent must see no difference.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from typing import Any

from operations import normalize_location
from rejections import access, zone_mode

DEFAULT_KUBERNETES_VERSION = "1.33"
# The patch a minor version resolves to in currentKubernetesVersion.
DEFAULT_PATCH = "0"
# The limit the service reports in maxAgentPools.
MAX_AGENT_POOLS = 100
NODE_IMAGE_VERSION = "AKSUbuntu-2204gen2containerd-202601.07.0"
RESOURCE_TYPE = "Microsoft.ContainerService/ManagedClusters"

# Defaults of ContainerServiceNetworkProfile for a cluster created without them: Azure
# CNI Overlay is the default network plugin for new clusters
# (https://learn.microsoft.com/azure/aks/azure-cni-overlay); the CIDRs are the
# documented defaults of the swagger's podCidr/serviceCidr/dnsServiceIP descriptions.
NETWORK_DEFAULTS = {
    "serviceCidr": "10.0.0.0/16",
    "dnsServiceIP": "10.0.0.10",
    "outboundType": "loadBalancer",
    "loadBalancerSku": "standard",
}
POD_CIDR = "10.244.0.0/16"


@dataclass
class Minted:
    """Values the service invents once per cluster and keeps for its lifetime."""

    tenant_id: str
    hash: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    private_guid: str = field(default_factory=lambda: str(uuid.uuid4()))
    principal_id: str = field(default_factory=lambda: str(uuid.uuid4()))


def normalize_request(body: dict[str, Any], resource_group: str, name: str) -> dict[str, Any]:
    """The request as the service stores it: the node resource group is named at
    creation (`MC_{rg}_{name}_{region}`) and fixed from then on; a private cluster's
    privateDNSZone defaults to `system`, and `System`/`None` are kept in lower case
    (the service returns them so; see MicrosoftDocs/azure-docs PR 80525)."""
    props = body.setdefault("properties", {})
    if not props.get("nodeResourceGroup"):
        location = normalize_location(str(body.get("location", "")))
        props["nodeResourceGroup"] = f"MC_{resource_group}_{name}_{location}"
    profile = access(body)
    mode = zone_mode(profile.get("privateDNSZone"))
    if mode in ("system", "none"):
        profile["privateDNSZone"] = mode
    elif mode is None and profile.get("enablePrivateCluster"):
        profile["privateDNSZone"] = "system"
    return body


def render(
    request: dict[str, Any],
    minted: Minted,
    resource_id: str,
    name: str,
    provisioning_state: str,
    etag: str,
) -> dict[str, Any]:
    """The managed cluster as GET returns it (secrets are removed by the caller)."""
    cluster = copy.deepcopy(request)
    cluster.update({"id": resource_id, "name": name, "type": RESOURCE_TYPE, "eTag": etag})
    location = normalize_location(str(cluster.get("location", "")))
    props = cluster.setdefault("properties", {})
    version = props.get("kubernetesVersion") or DEFAULT_KUBERNETES_VERSION
    current = _with_patch(version)
    props["kubernetesVersion"] = version
    props["currentKubernetesVersion"] = current
    props["provisioningState"] = provisioning_state
    props["powerState"] = {"code": "Running"}
    props["maxAgentPools"] = MAX_AGENT_POOLS
    props.update(_fqdns(props, minted, location))
    _network_defaults(props)
    _agent_pools(props, version, provisioning_state)
    _identity(cluster, minted)
    sku = cluster.setdefault("sku", {})
    sku.setdefault("name", "Base")
    sku.setdefault("tier", "Free")
    return cluster


def _fqdns(props: dict[str, Any], minted: Minted, location: str) -> dict[str, str]:
    # Public: {dnsPrefix}-{hash}.hcp.{region}.azmk8s.io. Private with the system zone:
    # {dnsPrefix}-{hash}.{guid}.privatelink.{region}.azmk8s.io; with a custom zone the
    # record lives in that zone ({fqdnSubdomain}.{zone}); the public FQDN of a private
    # cluster exists only with enablePrivateClusterPublicFQDN. Shapes from the examples
    # ManagedClustersCreate_PrivateClusterPublicFQDN and _PrivateClusterFQDNSubdomain.
    profile = props.get("apiServerAccessProfile") or {}
    prefix = props.get("dnsPrefix") or props.get("fqdnSubdomain") or "cluster"
    public = f"{prefix}-{minted.hash}.hcp.{location}.azmk8s.io"
    out = {"azurePortalFQDN": f"{prefix}-{minted.hash}.portal.hcp.{location}.azmk8s.io"}
    if not profile.get("enablePrivateCluster"):
        out["fqdn"] = public
        return out
    zone = profile.get("privateDNSZone")
    if zone_mode(zone) == "custom":
        zone_name = str(zone).rsplit("/", 1)[-1].lower()
        subdomain = props.get("fqdnSubdomain")
        out["privateFQDN"] = f"{subdomain}.{zone_name}" if subdomain else f"{prefix}-{minted.hash}.{zone_name}"
    else:
        out["privateFQDN"] = f"{prefix}-{minted.hash}.{minted.private_guid}.privatelink.{location}.azmk8s.io"
    if profile.get("enablePrivateClusterPublicFQDN"):
        out["fqdn"] = public
    return out


def _network_defaults(props: dict[str, Any]) -> None:
    network = props.setdefault("networkProfile", {})
    if network.get("networkPlugin") is None:
        network["networkPlugin"] = "azure"
        network.setdefault("networkPluginMode", "overlay")
    plugin = str(network["networkPlugin"]).lower()
    overlay = str(network.get("networkPluginMode") or "").lower() == "overlay"
    if plugin == "kubenet" or (plugin == "azure" and overlay):
        network.setdefault("podCidr", POD_CIDR)
    for key, value in NETWORK_DEFAULTS.items():
        network.setdefault(key, value)
    network.setdefault("ipFamilies", ["IPv4"])
    if network.get("podCidr"):
        network.setdefault("podCidrs", [network["podCidr"]])
    network.setdefault("serviceCidrs", [network["serviceCidr"]])


def _with_patch(version: str) -> str:
    """`1.33` runs as `1.33.0`; a full `1.33.2` stays as it is."""
    return version if version.count(".") >= 2 else f"{version}.{DEFAULT_PATCH}"


def _agent_pools(props: dict[str, Any], version: str, state: str) -> None:
    plugin = str((props.get("networkProfile") or {}).get("networkPlugin", "azure")).lower()
    for pool in props.get("agentPoolProfiles") or []:
        if not isinstance(pool, dict):
            continue
        pool.setdefault("type", "VirtualMachineScaleSets")
        pool.setdefault("osType", "Linux")
        pool.setdefault("maxPods", 250 if plugin == "azure" else 110)
        if not pool.get("orchestratorVersion"):
            pool["orchestratorVersion"] = version
        pool["currentOrchestratorVersion"] = _with_patch(str(pool["orchestratorVersion"]))
        pool["nodeImageVersion"] = NODE_IMAGE_VERSION
        pool["provisioningState"] = state
        pool["powerState"] = {"code": "Running"}


def _identity(cluster: dict[str, Any], minted: Minted) -> None:
    identity = cluster.get("identity")
    if not isinstance(identity, dict):
        return
    kind = str(identity.get("type") or "").lower()
    if kind == "systemassigned":
        identity["principalId"] = minted.principal_id
        identity["tenantId"] = minted.tenant_id
    for resource_id, value in (identity.get("userAssignedIdentities") or {}).items():
        if isinstance(value, dict):
            # Stable per identity, so repeated GETs agree.
            value["principalId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"principal:{resource_id.lower()}"))
            value["clientId"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"client:{resource_id.lower()}"))
    props = cluster.setdefault("properties", {})
    if kind in ("systemassigned", "userassigned"):
        # A cluster that uses a managed identity reports the service principal "msi".
        props.setdefault("servicePrincipalProfile", {"clientId": "msi"})
