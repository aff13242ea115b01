"""Tests of the AKS rules the swagger cannot express (rejections.py) and of the
private-cluster fields the service computes (computed.py), through HTTP.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from conftest import GUID, HEX8, SUB, SUBNET, UAI, ZONE, Emulator, cluster, cluster_path, create


def private(**extra: Any) -> dict[str, Any]:
    return cluster(enablePrivateCluster=True, **extra)


def with_custom_zone(body: dict[str, Any], zone: str = "privatelink.westeurope.azmk8s.io") -> dict[str, Any]:
    body["properties"]["apiServerAccessProfile"]["privateDNSZone"] = ZONE.format(zone)
    body["identity"] = {"type": "UserAssigned", "userAssignedIdentities": {UAI: {}}}
    return body


def subdomain_instead_of_prefix(body: dict[str, Any]) -> dict[str, Any]:
    body["properties"]["fqdnSubdomain"] = body["properties"].pop("dnsPrefix")
    return body


def renamed_subdomain(body: dict[str, Any]) -> dict[str, Any]:
    body["properties"]["fqdnSubdomain"] = "other"
    return body


def byo_subnet(body: dict[str, Any]) -> dict[str, Any]:
    body["properties"]["agentPoolProfiles"][0]["vnetSubnetID"] = SUBNET + "nodes"
    return body


def both_names(body: dict[str, Any]) -> dict[str, Any]:
    body["properties"]["fqdnSubdomain"] = "sub"
    return body


def no_name(body: dict[str, Any]) -> dict[str, Any]:
    del body["properties"]["dnsPrefix"]
    return body


def service_principal(body: dict[str, Any]) -> dict[str, Any]:
    del body["identity"]
    body["properties"]["servicePrincipalProfile"] = {"clientId": "app-id", "secret": "s"}
    return body


def system_identity(body: dict[str, Any]) -> dict[str, Any]:
    body["identity"] = {"type": "SystemAssigned"}
    return body


# (id, body, code, target, words in the message)
CREATE_REJECTIONS = [
    ("none-zone-without-public-fqdn", private(privateDNSZone="none"),
     "properties.apiServerAccessProfile.privateDNSZone", "enablePrivateClusterPublicFQDN"),
    ("authorized-ranges-on-private", private(authorizedIPRanges=["203.0.113.0/24"]),
     "properties.apiServerAccessProfile.authorizedIPRanges", "not supported for a private cluster"),
    ("egress-only-range-combined", cluster(authorizedIPRanges=["0.0.0.0/32", "203.0.113.0/24"]),
     "properties.apiServerAccessProfile.authorizedIPRanges", "0.0.0.0/32"),
    ("not-a-cidr", cluster(authorizedIPRanges=["300.1.1.1/24"]),
     "properties.apiServerAccessProfile.authorizedIPRanges", "CIDR"),
    ("zone-of-wrong-name", with_custom_zone(private(), "example.com"),
     "properties.apiServerAccessProfile.privateDNSZone", "privatelink.westeurope.azmk8s.io"),
    ("zone-of-other-region", with_custom_zone(private(), "privatelink.eastus.azmk8s.io"),
     "properties.apiServerAccessProfile.privateDNSZone", "<subzone>.privatelink.westeurope.azmk8s.io"),
    ("zone-not-a-resource-id", private(privateDNSZone="privatelink.westeurope.azmk8s.io"),
     "properties.apiServerAccessProfile.privateDNSZone", "resource ID"),
    ("custom-zone-without-user-identity", system_identity(with_custom_zone(private())),
     "identity.type", "user-assigned identity or a service principal"),
    ("subdomain-without-custom-zone", subdomain_instead_of_prefix(private()),
     "properties.fqdnSubdomain", "custom private DNS zone"),
    ("both-prefix-and-subdomain", both_names(with_custom_zone(private())),
     "properties.fqdnSubdomain", "Only one of dnsPrefix and fqdnSubdomain"),
    ("neither-prefix-nor-subdomain", no_name(cluster()), "properties.dnsPrefix", "One of dnsPrefix or fqdnSubdomain"),
    ("vnet-integration-with-byo-nodes-needs-subnet", byo_subnet(cluster(enableVnetIntegration=True)),
     "properties.apiServerAccessProfile.subnetId", "vnetSubnetID"),
]


@pytest.mark.parametrize(("body", "target", "words"), [c[1:] for c in CREATE_REJECTIONS], ids=[c[0] for c in CREATE_REJECTIONS])
def test_documented_create_rejections(arm: Emulator, body: dict[str, Any], target: str, words: str) -> None:
    reply = arm.arm("PUT", cluster_path("rejected"), body)
    assert reply.status == 400, reply
    error = reply.error()
    assert error["code"] == "InvalidParameter" and error["target"] == target
    assert words in error["message"], error["message"]
    assert arm.arm("GET", cluster_path("rejected")).status == 404


ACCEPTED = [
    ("none-zone-with-public-fqdn", private(privateDNSZone="None", enablePrivateClusterPublicFQDN=True)),
    ("custom-subzone-with-user-identity", subdomain_instead_of_prefix(with_custom_zone(private(), "team.privatelink.westeurope.azmk8s.io"))),
    ("custom-zone-with-service-principal", service_principal(with_custom_zone(private()))),
    ("egress-only-range-alone", cluster(authorizedIPRanges=["0.0.0.0/32"])),
    ("vnet-integration-with-subnet-and-byo-nodes", byo_subnet(cluster(enableVnetIntegration=True, subnetId=SUBNET + "api"))),
    ("vnet-integration-managed-vnet", cluster(enableVnetIntegration=True)),
]


@pytest.mark.parametrize("body", [c[1] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_documented_valid_combinations(arm: Emulator, body: dict[str, Any]) -> None:
    reply = arm.arm("PUT", cluster_path("fine"), body)
    assert reply.status == 201, reply


# (id, created with, update to, target)
FIXED_CHANGES = [
    ("private-to-public", private(), cluster(enablePrivateCluster=False), "properties.apiServerAccessProfile.enablePrivateCluster"),
    ("public-to-private", cluster(), private(), "properties.apiServerAccessProfile.enablePrivateCluster"),
    ("private-dns-zone", private(), private(privateDNSZone="none", enablePrivateClusterPublicFQDN=True),
     "properties.apiServerAccessProfile.privateDNSZone"),
    ("location", cluster(), {**cluster(), "location": "northeurope"}, "location"),
    ("dns-prefix", cluster(), {**cluster(), "properties": {**cluster()["properties"], "dnsPrefix": "other"}}, "properties.dnsPrefix"),
    ("node-resource-group", cluster(), {**cluster(), "properties": {**cluster()["properties"], "nodeResourceGroup": "nodes"}},
     "properties.nodeResourceGroup"),
    ("disable-vnet-integration", cluster(enableVnetIntegration=True), cluster(enableVnetIntegration=False),
     "properties.apiServerAccessProfile.enableVnetIntegration"),
    ("fqdn-subdomain", subdomain_instead_of_prefix(with_custom_zone(private())),
     renamed_subdomain(subdomain_instead_of_prefix(with_custom_zone(private()))), "properties.fqdnSubdomain"),
]


@pytest.mark.parametrize(("created", "update", "target"), [c[1:] for c in FIXED_CHANGES], ids=[c[0] for c in FIXED_CHANGES])
def test_properties_fixed_at_creation(arm: Emulator, created: dict[str, Any], update: dict[str, Any], target: str) -> None:
    create(arm, "fixed", created)
    reply = arm.arm("PUT", cluster_path("fixed"), update)
    assert reply.status == 400, reply
    assert reply.error()["code"] == "PropertyChangeNotAllowed" and reply.error()["target"] == target


def test_vnet_integration_allows_private_access_to_change(arm: Emulator) -> None:
    public = cluster(enableVnetIntegration=True, subnetId=SUBNET + "api")
    got = create(arm, "vnet", public)["properties"]
    assert "fqdn" in got and "privateFQDN" not in got
    reply = arm.arm("PUT", cluster_path("vnet"), cluster(enableVnetIntegration=True, subnetId=SUBNET + "api", enablePrivateCluster=True))
    assert reply.status == 200, reply
    arm.wait(reply.headers["Azure-AsyncOperation"])
    got = arm.arm("GET", cluster_path("vnet")).json["properties"]
    assert got["apiServerAccessProfile"]["enablePrivateCluster"] is True
    assert got["apiServerAccessProfile"]["privateDNSZone"] == "system"
    assert "fqdn" not in got and re.fullmatch(rf"demo-{HEX8}\.{GUID}\.privatelink\.westeurope\.azmk8s\.io", got["privateFQDN"])
    back = arm.arm("PUT", cluster_path("vnet"), cluster(enableVnetIntegration=True, subnetId=SUBNET + "api", enablePrivateCluster=False))
    assert back.status == 200, back
    arm.wait(back.headers["Azure-AsyncOperation"])
    assert "fqdn" in arm.arm("GET", cluster_path("vnet")).json["properties"]


def test_enabling_vnet_integration_later_needs_a_subnet(arm: Emulator) -> None:
    create(arm, "later", cluster())
    reply = arm.arm("PUT", cluster_path("later"), cluster(enableVnetIntegration=True, enablePrivateCluster=True))
    assert reply.status == 400 and reply.error()["target"] == "properties.apiServerAccessProfile.subnetId"
    ok = arm.arm("PUT", cluster_path("later"), cluster(enableVnetIntegration=True, subnetId=SUBNET + "api", enablePrivateCluster=True))
    assert ok.status == 200, ok


def test_omitted_fixed_properties_are_kept(arm: Emulator) -> None:
    create(arm, "kept", private(privateDNSZone="none", enablePrivateClusterPublicFQDN=True))
    update = cluster(enablePrivateClusterPublicFQDN=True)  # no enablePrivateCluster, no privateDNSZone
    reply = arm.arm("PUT", cluster_path("kept"), update)
    assert reply.status == 200, reply
    profile = reply.json["properties"]["apiServerAccessProfile"]
    assert profile["enablePrivateCluster"] is True and profile["privateDNSZone"] == "none"


@pytest.mark.parametrize(("sent", "returned"), [(None, "system"), ("System", "system"), ("SYSTEM", "system"), ("None", "none")])
def test_private_dns_zone_is_returned_in_lower_case(arm: Emulator, sent: str | None, returned: str) -> None:
    extra = {"privateDNSZone": sent} if sent else {}
    got = create(arm, "zone", private(enablePrivateClusterPublicFQDN=True, **extra))["properties"]
    assert got["apiServerAccessProfile"]["privateDNSZone"] == returned
    assert re.fullmatch(rf"demo-{HEX8}\.hcp\.westeurope\.azmk8s\.io", got["fqdn"])
    # The two FQDNs share the cluster's hash.
    assert got["privateFQDN"].split(".")[0] == got["fqdn"].split(".")[0]


def test_custom_zone_fqdns(arm: Emulator) -> None:
    body = subdomain_instead_of_prefix(with_custom_zone(private(), "team.privatelink.westeurope.azmk8s.io"))
    got = create(arm, "custom", body)["properties"]
    assert got["privateFQDN"] == "demo.team.privatelink.westeurope.azmk8s.io"
    assert "fqdn" not in got
    assert got["apiServerAccessProfile"]["privateDNSZone"] == ZONE.format("team.privatelink.westeurope.azmk8s.io")


def test_defaults_and_identity(arm: Emulator) -> None:
    got = create(arm, "defaults", cluster())
    props = got["properties"]
    assert got["sku"] == {"name": "Base", "tier": "Free"}
    assert props["kubernetesVersion"] == "1.33" and props["currentKubernetesVersion"].startswith("1.33.")
    assert props["nodeResourceGroup"] == "MC_rg1_defaults_westeurope"
    assert re.fullmatch(rf"demo-{HEX8}\.portal\.hcp\.westeurope\.azmk8s\.io", props["azurePortalFQDN"])
    assert re.fullmatch(GUID, got["identity"]["principalId"])
    assert got["identity"]["tenantId"] == "00000000-0000-0000-0000-0000000000b2"
    network = props["networkProfile"]
    assert (network["outboundType"], network["loadBalancerSku"], network["podCidr"]) == ("loadBalancer", "standard", "10.244.0.0/16")
    assert got["id"] == f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/defaults"
