"""Which URL is which operation, and which api-versions are served.

Owns: matching a method and path to the swagger's operationId (every path of
managedClusters.json, matched case-insensitively as ARM matches them), the two
async-operation URLs and the token URLs that the swagger does not list, checks of the
path parameters the swagger constrains, and the api-version rule with ARM's
`NoRegisteredProviderFound` error.
Must not: carry out an operation (server.py dispatches, clusters.py acts).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from errors import ArmError, bad_request
from spec import Spec

# GA api-versions served for managedClusters. Each has a stable folder in
# Azure/azure-rest-api-specs (specification/containerservice/resource-manager/
# Microsoft.ContainerService/aks/stable/<version>/managedClusters.json); the
# emulator's schema is that of 2026-10-01 for all of them. Preview versions are not
# served: the real service retires them (terraform-provider-azurerm issue 27921), and
# azure_mgmt_containerservice's hardcoded 2023-01-02-preview is refused like this.
SUPPORTED_API_VERSIONS = (
    "2025-05-01",
    "2025-07-01",
    "2025-08-01",
    "2025-09-01",
    "2025-10-01",
    "2026-08-01",
    "2026-10-01",
)

# Routes the swagger does not list: ARM's async-operation URLs and Entra ID's token URLs.
EXTRA_ROUTES = (
    ("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/locations/{location}/operations/{operationId}", "OperationStatus"),
    ("GET", "/subscriptions/{subscriptionId}/providers/Microsoft.ContainerService/locations/{location}/operationresults/{operationId}", "OperationResult"),
    ("POST", "/{tenant}/oauth2/v2.0/token", "Token"),
    ("POST", "/{tenant}/oauth2/token", "Token"),
)

# The swagger's constraints on path parameters (resourceName in managedClusters.json,
# the others in common-types/resource-management/v6/types.json).
RESOURCE_NAME = re.compile(r"^[a-zA-Z0-9]$|^[a-zA-Z0-9][-_a-zA-Z0-9]{0,61}[a-zA-Z0-9]$")
RESOURCE_GROUP = re.compile(r"^[-\w._()]{1,90}$")


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: str
    resource_type: str


@dataclass
class Match:
    operation: str
    params: dict[str, str]
    resource_type: str


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = "".join(
        f"(?P<{p[1:-1]}>[^/]+)" if p.startswith("{") else re.escape(p) for p in parts
    )
    return re.compile(f"^{regex}/?$", re.IGNORECASE)


def _resource_type(template: str) -> str:
    # For ARM's messages: the segments after the provider namespace, without names.
    tail = template.split("Microsoft.ContainerService/", 1)[-1]
    return "/".join(p for p in tail.split("/") if not p.startswith("{"))


class RouteTable:
    def __init__(self, spec: Spec) -> None:
        self.routes: list[Route] = []
        for template, methods in spec.swagger["paths"].items():
            for method, op in methods.items():
                if isinstance(op, dict) and "operationId" in op:
                    self.routes.append(Route(method.upper(), _compile(template), op["operationId"], _resource_type(template)))
        for method, template, name in EXTRA_ROUTES:
            self.routes.append(Route(method, _compile(template), name, _resource_type(template)))

    def match(self, method: str, path: str) -> Match | None:
        """The operation at `method path`; None when no route has this path. A known path
        with another method raises ARM's 405."""
        path_matched = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            path_matched = True
            if route.method == method:
                return Match(route.operation, found.groupdict(), route.resource_type)
        if path_matched:
            raise ArmError(405, "MethodNotAllowed", f"The requested method '{method}' is not allowed for '{path}'.")
        return None


def check_api_version(api_version: str | None, location: str, resource_type: str) -> str:
    if not api_version:
        raise bad_request(
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    if api_version not in SUPPORTED_API_VERSIONS:
        raise bad_request(
            "NoRegisteredProviderFound",
            f"No registered resource provider found for location '{location}' and API version '{api_version}' "
            f"for type '{resource_type}'. The supported api-versions are '{', '.join(SUPPORTED_API_VERSIONS)}'.",
        )
    return api_version


def check_path_params(params: dict[str, str]) -> None:
    sub = params.get("subscriptionId")
    if sub is not None:
        try:
            uuid.UUID(sub)
        except ValueError:
            raise bad_request("InvalidSubscriptionId", f"The provided subscription identifier '{sub}' is malformed or invalid.") from None
    group = params.get("resourceGroupName")
    if group is not None and (not RESOURCE_GROUP.match(group) or group.endswith(".")):
        raise bad_request("InvalidResourceGroupName", f"Resource group name '{group}' is invalid. It can contain letters, digits, '-', '_', '.', '(' and ')', up to 90 characters, and may not end in '.'.")
    name = params.get("resourceName")
    if name is not None and not RESOURCE_NAME.match(name):
        raise bad_request(
            "InvalidResourceName",
            f"Resource name '{name}' is invalid. The name can contain only letters, numbers, underscores and hyphens, "
            "must start and end with a letter or number, and be 1 to 63 characters long.",
        )
