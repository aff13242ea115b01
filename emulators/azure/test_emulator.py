"""Tests of the ARM emulator through HTTP, as a client sees it (fixtures in conftest.py).

Each test starts from an empty emulator; timings are 0.3 s per operation.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import API, GUID, HEX8, SUB, TIMINGS, Emulator, cluster, cluster_path, create, launch

EXAMPLES = Path(__file__).resolve().parent / "spec" / "2026-08-01" / "examples"
CREATE_EXAMPLES = sorted(EXAMPLES.glob("ManagedClustersCreate_*.json"))

# -- authentication and api-version -------------------------------------------------


def test_token_for_the_configured_secret(arm: Emulator) -> None:
    reply = arm.token_request()
    assert reply.status == 200
    assert reply.json["token_type"] == "Bearer" and reply.json["expires_in"] == 3599
    assert reply.json["ext_expires_in"] == 3599 and len(reply.json["access_token"]) > 20
    v1 = arm.token_request(path="/tenant/oauth2/token", resource=arm.url)
    assert v1.status == 200 and v1.json["access_token"] != reply.json["access_token"]


def test_wrong_secret_is_invalid_client(arm: Emulator) -> None:
    reply = arm.token_request(secret="nope")
    assert reply.status == 401
    assert reply.json["error"] == "invalid_client"
    assert reply.json["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")


def test_arm_needs_a_token_the_emulator_issued(arm: Emulator) -> None:
    path = cluster_path("c") + f"?api-version={API}"
    missing = arm.raw("GET", path)
    assert missing.status == 401 and missing.error()["code"] == "AuthenticationFailed"
    assert "WWW-Authenticate" in missing.headers
    forged = arm.raw("GET", path, headers={"Authorization": "Bearer made-up"})
    assert forged.status == 401 and forged.error()["code"] == "InvalidAuthenticationToken"


def test_unsupported_api_version_lists_the_supported_ones(arm: Emulator) -> None:
    reply = arm.arm("PUT", cluster_path("c"), cluster(), api_version="2023-01-02-preview")
    assert reply.status == 400
    error = reply.error()
    assert error["code"] == "NoRegisteredProviderFound"
    assert "location 'westeurope' and API version '2023-01-02-preview' for type 'managedClusters'" in error["message"]
    for version in ("2025-10-01", "2026-08-01", "2026-10-01"):
        assert version in error["message"]
    missing = arm.arm("GET", cluster_path("c"), api_version=None)
    assert missing.status == 400 and missing.error()["code"] == "MissingApiVersionParameter"
    assert arm.arm("GET", cluster_path("c"), api_version="2025-10-01").status == 404


# -- Microsoft's examples -------------------------------------------------------------

# What each example's response shows about the FQDNs, as regexes.
EXPECTED_FQDNS = {
    "ManagedClustersCreate_DisableRunCommand.json": {"fqdn": rf"dnsprefix1-{HEX8}\.hcp\.location1\.azmk8s\.io", "privateFQDN": None},
    "ManagedClustersCreate_Update.json": {"fqdn": rf"dnsprefix1-{HEX8}\.hcp\.location1\.azmk8s\.io", "privateFQDN": None},
    "ManagedClustersCreate_PrivateClusterPublicFQDN.json": {
        "fqdn": rf"dnsprefix1-{HEX8}\.hcp\.location1\.azmk8s\.io",
        "privateFQDN": rf"dnsprefix1-{HEX8}\.{GUID}\.privatelink\.location1\.azmk8s\.io",
    },
    "ManagedClustersCreate_PrivateClusterFQDNSubdomain.json": {"fqdn": None, "privateFQDN": r"domain1\.privatelink\.location1\.azmk8s\.io"},
}


def test_every_create_example_is_listed() -> None:
    assert {p.name for p in CREATE_EXAMPLES} == set(EXPECTED_FQDNS)


@pytest.mark.parametrize("example", CREATE_EXAMPLES, ids=lambda p: p.stem)
def test_official_create_example_is_accepted(arm: Emulator, example: Path) -> None:
    doc = json.loads(example.read_text())
    params = doc["parameters"]
    path = cluster_path(params["resourceName"], params["resourceGroupName"], params["subscriptionId"])
    reply = arm.arm("PUT", path, params["parameters"])
    assert reply.status == 201, reply
    assert reply.json["properties"]["provisioningState"] == "Creating"
    assert arm.wait(reply.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    got = arm.arm("GET", path).json
    props = got["properties"]
    assert got["id"] == path and got["name"] == "clustername1"
    assert got["type"] == "Microsoft.ContainerService/ManagedClusters"
    assert props["provisioningState"] == "Succeeded" and props["powerState"] == {"code": "Running"}
    assert props["nodeResourceGroup"] == "MC_rg1_clustername1_location1"
    assert props["kubernetesVersion"] and props["currentKubernetesVersion"].startswith(props["kubernetesVersion"])
    assert props["agentPoolProfiles"][0]["provisioningState"] == "Succeeded"
    assert props["maxAgentPools"] >= 1
    assert got["tags"] == params["parameters"]["tags"] and got["sku"] == params["parameters"]["sku"]
    # Secrets (x-ms-secret) are never returned, as in the examples' responses.
    assert props["servicePrincipalProfile"] == {"clientId": "clientid"}
    assert "adminPassword" not in props["windowsProfile"]
    for field, pattern in EXPECTED_FQDNS[example.name].items():
        if pattern is None:
            assert field not in props, props
        else:
            assert re.fullmatch(pattern, props[field]), props[field]


def test_a_get_body_sent_back_changes_nothing(arm: Emulator) -> None:
    before = create(arm, "roundtrip", cluster(enablePrivateCluster=True, enablePrivateClusterPublicFQDN=True))
    reply = arm.arm("PUT", cluster_path("roundtrip"), before)  # readOnly members are ignored
    assert reply.status == 200, reply
    arm.wait(reply.headers["Azure-AsyncOperation"])
    after = arm.arm("GET", cluster_path("roundtrip")).json
    assert {**after, "eTag": None} == {**before, "eTag": None}


# -- schema validation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "target", "words"),
    [
        (lambda b: b["properties"].setdefault("apiServerAccessProfile", {}).update(foo=1),
         "properties.apiServerAccessProfile.foo", ["Could not find member 'foo'", "ManagedClusterAPIServerAccessProfile"]),
        (lambda b: b["properties"].setdefault("apiServerAccessProfile", {}).update(enablePrivateCluster="yes"),
         "properties.apiServerAccessProfile.enablePrivateCluster", ["Boolean"]),
        (lambda b: b["properties"]["agentPoolProfiles"][0].update(count="3"),
         "properties.agentPoolProfiles[0].count", ["Int32"]),
        (lambda b: b["properties"].update(networkProfile={"networkPlugin": "azur"}),
         "properties.networkProfile.networkPlugin", ["azure, kubenet, none"]),
        (lambda b: b.pop("location"), "location", ["Required property 'location'"]),
    ],
    ids=["unknown-property", "wrong-type", "array-item-type", "bad-enum", "required"],
)
def test_schema_problems_are_rejected_with_their_path(arm: Emulator, mutate: Any, target: str, words: list[str]) -> None:
    body = cluster()
    mutate(body)
    reply = arm.arm("PUT", cluster_path("bad"), body)
    assert reply.status == 400, reply
    error = reply.error()
    assert error["code"] == "InvalidRequestContent" and error["target"] == target
    for word in words:
        assert word in error["message"], error["message"]
    assert arm.arm("GET", cluster_path("bad")).status == 404


def test_enums_compare_case_insensitively(arm: Emulator) -> None:
    body = cluster()
    body["properties"]["networkProfile"] = {"networkPlugin": "KUBENET"}
    got = create(arm, "enum", body)
    assert got["properties"]["networkProfile"]["networkPlugin"] == "KUBENET"


# -- life cycle ---------------------------------------------------------------------------


def test_create_runs_an_async_operation(arm: Emulator) -> None:
    reply = arm.arm("PUT", cluster_path("life"), cluster())
    assert reply.status == 201 and reply.headers["Retry-After"] == "0"
    op_url = reply.headers["Azure-AsyncOperation"]
    assert re.fullmatch(
        rf"{arm.url}/subscriptions/{SUB}/providers/Microsoft.ContainerService/locations/westeurope/operations/{GUID}\?api-version={API}",
        op_url,
    )
    status = arm.follow(op_url).json
    assert status["status"] == "InProgress" and status["name"] in op_url and "endTime" not in status
    assert arm.arm("GET", cluster_path("life")).json["properties"]["provisioningState"] == "Creating"
    busy = arm.arm("PUT", cluster_path("life"), cluster())
    assert busy.status == 409 and busy.error()["code"] == "OperationNotAllowed"
    assert "Another operation (Creating) is in progress" in busy.error()["message"]
    done = arm.wait(op_url)
    assert done["status"] == "Succeeded" and done["endTime"] >= done["startTime"]
    got = arm.arm("GET", cluster_path("life")).json["properties"]
    assert got["provisioningState"] == "Succeeded"
    assert re.fullmatch(rf"demo-{HEX8}\.hcp\.westeurope\.azmk8s\.io", got["fqdn"])
    assert got["networkProfile"]["networkPlugin"] == "azure" and got["networkProfile"]["networkPluginMode"] == "overlay"
    assert got["networkProfile"]["serviceCidr"] == "10.0.0.0/16" and got["networkProfile"]["dnsServiceIP"] == "10.0.0.10"

    update = cluster(authorizedIPRanges=["203.0.113.0/24"])
    reply = arm.arm("PUT", cluster_path("life"), update)
    assert reply.status == 200 and reply.json["properties"]["provisioningState"] == "Updating"
    assert arm.wait(reply.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    got = arm.arm("GET", cluster_path("life")).json["properties"]
    assert got["provisioningState"] == "Succeeded"
    assert got["apiServerAccessProfile"]["authorizedIPRanges"] == ["203.0.113.0/24"]


def test_ids_are_case_insensitive(arm: Emulator) -> None:
    create(arm, "Mixed", cluster())
    got = arm.arm("GET", cluster_path("mixed", rg="RG1"))
    assert got.status == 200 and got.json["name"] == "Mixed"


def test_update_tags(arm: Emulator) -> None:
    body = cluster()
    body["tags"] = {"team": "a"}
    create(arm, "tagged", body)
    reply = arm.arm("PATCH", cluster_path("tagged"), {"tags": {"team": "b", "env": "dev"}})
    assert reply.status == 200 and reply.json["tags"] == {"team": "b", "env": "dev"}
    assert arm.wait(reply.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    assert arm.arm("GET", cluster_path("tagged")).json["tags"] == {"team": "b", "env": "dev"}
    bad = arm.arm("PATCH", cluster_path("tagged"), {"tags": {"n": 1}})
    assert bad.status == 400 and bad.error()["target"] == "tags.n"
    assert arm.arm("PATCH", cluster_path("absent"), {"tags": {}}).status == 404


def test_delete(arm: Emulator) -> None:
    create(arm, "doomed", cluster())
    reply = arm.arm("DELETE", cluster_path("doomed"))
    assert reply.status == 202 and reply.raw == b""
    location = reply.headers["Location"]
    assert "/locations/westeurope/operationresults/" in location
    assert arm.arm("GET", cluster_path("doomed")).json["properties"]["provisioningState"] == "Deleting"
    assert arm.follow(location).status == 202
    assert arm.wait(reply.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    assert arm.follow(location).status == 204
    gone = arm.arm("GET", cluster_path("doomed"))
    assert gone.status == 404 and gone.error()["code"] == "ResourceNotFound"
    assert gone.error()["message"].startswith(
        "The Resource 'Microsoft.ContainerService/managedClusters/doomed' under resource group 'rg1' was not found."
    )
    assert arm.arm("DELETE", cluster_path("doomed")).status == 204


def test_list_by_resource_group_and_subscription(arm: Emulator) -> None:
    for name, rg in (("a", "rg1"), ("b", "rg1"), ("c", "rg2")):
        assert arm.arm("PUT", cluster_path(name, rg), cluster()).status == 201
    by_rg = arm.arm("GET", f"/subscriptions/{SUB}/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters")
    assert [c["name"] for c in by_rg.json["value"]] == ["a", "b"]
    by_sub = arm.arm("GET", f"/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters")
    assert sorted(c["name"] for c in by_sub.json["value"]) == ["a", "b", "c"]
    other = arm.arm("GET", "/subscriptions/00000000-0000-0000-0000-00000000ffff/providers/Microsoft.ContainerService/managedClusters")
    assert other.json == {"value": []}


# -- control API: faults and counts -------------------------------------------------------


def test_throttling_fault_then_success_and_counts(arm: Emulator) -> None:
    armed = arm.control("POST", "faults", {"operation": "ManagedClusters_CreateOrUpdate", "status": 429, "times": 2, "retry_after": 1})
    assert armed.status == 200
    for _ in range(2):
        reply = arm.arm("PUT", cluster_path("throttled"), cluster())
        assert reply.status == 429 and reply.headers["Retry-After"] == "1"
        assert reply.error()["code"] == "TooManyRequests"
    assert arm.arm("PUT", cluster_path("throttled"), cluster()).status == 201
    calls = arm.calls()
    assert calls["ManagedClusters_CreateOrUpdate"] == 3 and calls["Token"] == 1
    assert arm.control("GET", "faults").json == {"faults": []}


def test_server_error_fault(arm: Emulator) -> None:
    arm.control("POST", "faults", {"operation": "ManagedClusters_Get", "status": 500})
    reply = arm.arm("GET", cluster_path("x"))
    assert reply.status == 500 and reply.error()["code"] == "InternalServerError"
    assert arm.arm("GET", cluster_path("x")).status == 404
    assert arm.calls()["ManagedClusters_Get"] == 2
    arm.control("POST", "calls/reset")
    assert arm.calls() == {}


def test_calls_name_every_operation(arm: Emulator) -> None:
    reply = arm.arm("PUT", cluster_path("counted"), cluster())
    arm.wait(reply.headers["Azure-AsyncOperation"])
    deleted = arm.arm("DELETE", cluster_path("counted"))
    arm.follow(deleted.headers["Location"])
    arm.arm("GET", f"/subscriptions/{SUB}/providers/Microsoft.ContainerService/managedClusters")
    snapshot = arm.control("GET", "calls").json
    assert snapshot["sequence"][:3] == ["Token", "ManagedClusters_CreateOrUpdate", "OperationStatus"]
    assert snapshot["sequence"][-3:] == ["ManagedClusters_Delete", "OperationResult", "ManagedClusters_List"]
    bad = arm.control("POST", "faults", {"operation": "NoSuchOperation", "status": 500})
    assert bad.status == 400 and "unknown operation" in bad.json["error"]


def test_slow_operation(arm: Emulator) -> None:
    arm.control("POST", "faults", {"operation": "ManagedClusters_CreateOrUpdate", "slow": 1.0})
    reply = arm.arm("PUT", cluster_path("slow"), cluster())
    time.sleep(TIMINGS["create"] + 0.2)
    assert arm.follow(reply.headers["Azure-AsyncOperation"]).json["status"] == "InProgress"
    assert arm.arm("GET", cluster_path("slow")).json["properties"]["provisioningState"] == "Creating"
    assert arm.wait(reply.headers["Azure-AsyncOperation"])["status"] == "Succeeded"
    # Only the next operation was slow.
    again = arm.arm("PUT", cluster_path("slow"), cluster())
    time.sleep(TIMINGS["update"] + 0.1)
    assert arm.follow(again.headers["Azure-AsyncOperation"]).json["status"] == "Succeeded"


def test_failed_operation(arm: Emulator) -> None:
    arm.control("POST", "faults", {"operation": "ManagedClusters_CreateOrUpdate", "fail": {"code": "QuotaExceeded", "message": "no cores"}})
    reply = arm.arm("PUT", cluster_path("failing"), cluster())
    done = arm.wait(reply.headers["Azure-AsyncOperation"])
    assert done["status"] == "Failed" and done["error"] == {"code": "QuotaExceeded", "message": "no cores"}
    assert arm.arm("GET", cluster_path("failing")).json["properties"]["provisioningState"] == "Failed"
    retry = arm.arm("PUT", cluster_path("failing"), cluster())
    assert retry.status == 200 and arm.wait(retry.headers["Azure-AsyncOperation"])["status"] == "Succeeded"


def test_reset_clears_clusters(arm: Emulator) -> None:
    assert arm.arm("PUT", cluster_path("old"), cluster()).status == 201
    arm.control("POST", "reset")
    assert arm.arm("GET", cluster_path("old")).status == 404
    assert arm.calls() == {"ManagedClusters_Get": 1}


def test_client_secret_flag(tmp_path: Path) -> None:
    emu = launch(tmp_path, "--client-secret", "s3cret")
    try:
        assert emu.token_request().status == 401
        assert emu.token_request(secret="s3cret").status == 200
    finally:
        assert emu.stop() == ""


def test_verbose_logs_one_line_per_request(tmp_path: Path) -> None:
    emu = launch(tmp_path, "--verbose")
    try:
        emu.raw("GET", cluster_path("c") + f"?api-version={API}")
        emu.token_request()
    finally:
        lines = emu.stop().splitlines()
    assert lines == [
        f"GET {cluster_path('c')}?api-version={API} -> 401 (ManagedClusters_Get)",
        "POST /00000000-0000-0000-0000-0000000000b2/oauth2/v2.0/token -> 200 (Token)",
    ]
