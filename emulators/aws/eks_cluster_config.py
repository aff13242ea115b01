"""EKS cluster settings moto 5.2.5 lacks or gets wrong, as the EKS API reference documents them.

Owns: CreateCluster's `upgradePolicy` (default EXTENDED), `zonalShiftConfig` (reported once sent),
`deletionProtection` (default false), `bootstrapSelfManagedAddons` (accepted, default true, never
reported: the Cluster shape has no such member), the `kubernetesNetworkConfig` defaults (ipFamily
ipv4, serviceIpv4Cidr chosen from the VPC's range, a serviceIpv6Cidr for ipv6) and the checks of
`encryptionConfig`; UpdateClusterConfig's UpgradePolicyUpdate, ZonalShiftConfigUpdate and
DeletionProtectionUpdate (registered in eks_updates.EXTRA_KINDS, applied through
eks_lifecycle.UPDATE_APPLIERS when the update succeeds); DeleteCluster refused while deletion
protection is on; AssociateEncryptionConfig (an update of its own, applied when it succeeds) and
its HTTP handler.
Must not: change the other kinds of update, the cluster life cycle (eks_lifecycle.py's), access
config (eks_access.py's) or add-ons (eks_addons.py's); check KMS keys against KMS.

API reference: https://docs.aws.amazon.com/eks/latest/APIReference/API_CreateCluster.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_Cluster.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpgradePolicyRequest.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_ZonalShiftConfigRequest.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigResponse.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_EncryptionConfig.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateClusterConfig.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_DeleteCluster.html
https://docs.aws.amazon.com/eks/latest/APIReference/API_AssociateEncryptionConfig.html
https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html
"""

from __future__ import annotations

import ipaddress
import json
import secrets
from typing import Any

from moto.core.responses import ActionResult
from moto.eks.exceptions import InvalidRequestException, ResourceInUseException
from moto.eks.models import Cluster, EKSBackend
from moto.eks.responses import EKSResponse

import control
import eks_access
import eks_addons
from eks_lifecycle import LOCK, ClusterUpdate, describe_cluster, ec2_for, invalid
from eks_updates import NOT_ACTIVE_MSG, UPDATE_IN_PROGRESS_MSG

# UpgradePolicyRequest: "The default value is EXTENDED. Use STANDARD to disable extended support."
# (also hashicorp/terraform-provider-aws cluster_data_source_test.go: a new cluster reads EXTENDED).
SUPPORT_TYPES = ("STANDARD", "EXTENDED")
DEFAULT_SUPPORT_TYPE = "EXTENDED"
# KubernetesNetworkConfigRequest ipFamily: "If you don't specify a value, ipv4 is used by default."
IP_FAMILIES = ("ipv4", "ipv6")
# serviceIpv4Cidr: "If you don't specify a block, Kubernetes assigns addresses from either the
# 10.100.0.0/16 or 172.20.0.0/16 CIDR blocks." Which one: 172.20.0.0/16 when the VPC has a 10.x
# block, else 10.100.0.0/16 - the rule the EKS AMI's bootstrap.sh follows to find the cluster DNS
# address (172.20.0.10 or 10.100.0.10) when the service CIDR is not given.
TEN_RANGE = ipaddress.ip_network("10.0.0.0/8")
SERVICE_CIDR_FOR_TEN_RANGE = "172.20.0.0/16"
SERVICE_CIDR_OTHERWISE = "10.100.0.0/16"

# The update types and param types of botocore's EKS model (UpdateType, UpdateParamType), by the
# UpdateClusterConfig request field that makes them.
KINDS = {
    "upgradePolicy": "UpgradePolicyUpdate",
    "zonalShiftConfig": "ZonalShiftConfigUpdate",
    "deletionProtection": "DeletionProtectionUpdate",
}
ASSOCIATE_ENCRYPTION = "AssociateEncryptionConfig"

# Messages real EKS returns (sources in README.md).
ALREADY_ENCRYPTED_MSG = "Encryption is already enabled on the cluster"
KEY_ARN_REQUIRED_MSG = "KeyArn is required"
# No public source gives these; the wording is the emulator's own.
DELETION_PROTECTED_MSG = (
    "Cannot delete cluster {name} because deletion protection is enabled. "
    "Disable deletion protection with UpdateClusterConfig first."
)
INVALID_SUPPORT_TYPE_MSG = "Invalid supportType {value}: valid values are STANDARD and EXTENDED"
INVALID_IP_FAMILY_MSG = "Invalid ipFamily {value}: valid values are ipv4 and ipv6"
ONE_ENCRYPTION_CONFIG_MSG = "encryptionConfig can have at most 1 item"
NO_ENCRYPTION_CONFIG_MSG = "encryptionConfig must have 1 item"
NO_OP_UPGRADE_POLICY_MSG = "Cluster is already at the desired configuration with upgradePolicy supportType: {value}"
NO_OP_ZONAL_SHIFT_MSG = "Cluster is already at the desired configuration with zonalShiftConfig enabled: {value}"
NO_OP_DELETION_PROTECTION_MSG = "Cluster is already at the desired configuration with deletionProtection: {value}"

# A change an update makes (eks_updates.EXTRA_KINDS): the cluster attributes to set when it
# succeeds, and the update's params.
Change = tuple[dict[str, Any], list[dict[str, str]]]


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


# ---------------------------------------------------------------- request checks


def support_type(request: dict[str, Any] | None, cluster: str | None = None) -> str:
    value = (request or {}).get("supportType") or DEFAULT_SUPPORT_TYPE
    if value not in SUPPORT_TYPES:
        raise invalid(INVALID_SUPPORT_TYPE_MSG.format(value=value), cluster)
    return str(value)


def checked_encryption_config(request: Any, cluster: str | None = None) -> list[dict[str, Any]]:
    """EncryptionConfig list as sent: "Array Members: Maximum number of 1 item"; each with a
    provider.keyArn ("KeyArn is required", aws-controllers-k8s/community#1175). `resources` is
    deprecated ("no longer affects which resources are encrypted") and kept as sent."""
    configs = list(request or [])
    for config in configs:
        if not ((config or {}).get("provider") or {}).get("keyArn"):
            raise invalid(KEY_ARN_REQUIRED_MSG, cluster)
    if len(configs) > 1:
        raise invalid(ONE_ENCRYPTION_CONFIG_MSG, cluster)
    return configs


def kubernetes_network_config(backend: EKSBackend, vpc_id: str, request: dict[str, Any] | None) -> dict[str, Any]:
    """KubernetesNetworkConfigResponse: what was sent, with ipFamily (default ipv4) and the
    service CIDR EKS assigns when none is sent. "The response contains a value for serviceIpv6Cidr
    or serviceIpv4Cidr, but not both": an ipv6 cluster gets a serviceIpv6Cidr from the unique
    local range ("Kubernetes assigns service addresses from the unique local address range
    (fc00::/7)"), a random fdXX:XXXX:XXXX::/108 (the emulator's choice of prefix length)."""
    config = dict(request or {})
    family = config.get("ipFamily") or "ipv4"
    if family not in IP_FAMILIES:
        raise invalid(INVALID_IP_FAMILY_MSG.format(value=family))
    config["ipFamily"] = family
    if family == "ipv6":
        config["serviceIpv6Cidr"] = f"fd{secrets.token_hex(1)}:{secrets.token_hex(2)}:{secrets.token_hex(2)}::/108"
    elif not config.get("serviceIpv4Cidr"):
        config["serviceIpv4Cidr"] = default_service_cidr(backend, vpc_id)
    return config


def default_service_cidr(backend: EKSBackend, vpc_id: str) -> str:
    vpc = ec2_for(backend).get_vpc(vpc_id)
    blocks = [vpc.cidr_block] + [c["cidr_block"] for c in vpc.get_cidr_block_association_set()]
    in_ten_range = any(ipaddress.ip_network(b, strict=False).subnet_of(TEN_RANGE) for b in blocks if b)  # type: ignore[arg-type]
    return SERVICE_CIDR_FOR_TEN_RANGE if in_ten_range else SERVICE_CIDR_OTHERWISE


# ---------------------------------------------------------------- CreateCluster


def response_create_cluster(self: EKSResponse) -> ActionResult:
    """CreateCluster (eks_access's handler, with `accessConfig`) with the settings moto's handler
    drops or defaults wrongly. Checked before the cluster exists, set before it is returned."""
    request = json.loads(self.body or "{}")
    upgrade = support_type(request.get("upgradePolicy"))
    zonal = request.get("zonalShiftConfig")
    encryption = checked_encryption_config(request.get("encryptionConfig"))
    network_request = request.get("kubernetesNetworkConfig")
    family = (network_request or {}).get("ipFamily") or "ipv4"
    if family not in IP_FAMILIES:
        raise invalid(INVALID_IP_FAMILY_MSG.format(value=family))
    bootstrap = request.get("bootstrapSelfManagedAddons")
    with LOCK:
        result = eks_access.response_create_cluster(self)
        cluster = self.eks_backend.clusters[request["name"]]
        cluster.upgrade_policy = {"supportType": upgrade}
        # Not sent, not reported: a new cluster reads no zonal_shift_config
        # (hashicorp/terraform-provider-aws cluster_data_source_test.go, `zonal_shift_config.#` 0).
        cluster.zonal_shift_config = None if zonal is None else {"enabled": bool(zonal.get("enabled"))}
        # deletionProtection: "Default value is false."
        cluster.deletion_protection = bool(request.get("deletionProtection"))
        # bootstrapSelfManagedAddons: default true (the add-ons it installs are not emulated).
        cluster.bootstrap_self_managed_addons = True if bootstrap is None else bool(bootstrap)
        # Kept as sent; none sent, none reported (moto reports `[]`; the CLI example output of
        # describe-cluster has no encryptionConfig).
        cluster.encryption_config = encryption or None
        vpc_id = cluster.resources_vpc_config["vpcId"]
        cluster.kubernetes_network_config = kubernetes_network_config(self.eks_backend, vpc_id, network_request)
    return result


# ---------------------------------------------------------------- DeleteCluster


def delete_cluster(self: EKSBackend, name: str) -> Cluster:
    """DeleteCluster (eks_addons', which takes the add-ons along), refused while deletion
    protection is on: "If you try to delete an active cluster that has deletion protection turned
    on, you will receive a InvalidRequestException ... If the cluster state is creating, failed, or
    deleting, you can delete the cluster even if deletion protection is turned on." (deletion-protection)"""
    with LOCK:
        cluster = describe_cluster(self, name)
        if getattr(cluster, "deletion_protection", False) and cluster.status not in ("CREATING", "FAILED", "DELETING"):
            raise InvalidRequestException(clusterName=name, message=DELETION_PROTECTED_MSG.format(name=name))
        return eks_addons.delete_cluster(self, name)


# ---------------------------------------------------------------- UpdateClusterConfig


def upgrade_policy_change(backend: EKSBackend, cluster: Cluster, request: dict[str, Any]) -> Change:
    """UpgradePolicyUpdate, param UpgradePolicy (the compact JSON of the policy, as ClusterLogging
    is of the logging request). Sending the current support type is a no-op, refused."""
    target = support_type(request, cluster.name)
    current = (getattr(cluster, "upgrade_policy", None) or {}).get("supportType", DEFAULT_SUPPORT_TYPE)
    if target == current:
        raise invalid(NO_OP_UPGRADE_POLICY_MSG.format(value=current), cluster.name)
    policy = {"supportType": target}
    return {"upgrade_policy": policy}, [{"type": "UpgradePolicy", "value": compact(policy)}]


def zonal_shift_change(backend: EKSBackend, cluster: Cluster, request: dict[str, Any]) -> Change:
    """ZonalShiftConfigUpdate, param ZonalShiftConfig (compact JSON). A cluster that never had
    zonal shift has it disabled, so sending `enabled: false` to it is a no-op too."""
    target = bool((request or {}).get("enabled"))
    current = bool((getattr(cluster, "zonal_shift_config", None) or {}).get("enabled"))
    if target == current:
        raise invalid(NO_OP_ZONAL_SHIFT_MSG.format(value=str(current).lower()), cluster.name)
    config = {"enabled": target}
    return {"zonal_shift_config": config}, [{"type": "ZonalShiftConfig", "value": compact(config)}]


def deletion_protection_change(backend: EKSBackend, cluster: Cluster, request: Any) -> Change:
    """DeletionProtectionUpdate, param DeletionProtection "true"/"false" (as EndpointPublicAccess)."""
    target = bool(request)
    current = bool(getattr(cluster, "deletion_protection", False))
    if target == current:
        raise invalid(NO_OP_DELETION_PROTECTION_MSG.format(value=str(current).lower()), cluster.name)
    return {"deletion_protection": target}, [{"type": "DeletionProtection", "value": str(target).lower()}]


CHANGES = {
    "upgradePolicy": upgrade_policy_change,
    "zonalShiftConfig": zonal_shift_change,
    "deletionProtection": deletion_protection_change,
}


def apply_settings(cluster: Cluster, update: ClusterUpdate) -> None:
    """eks_lifecycle.UPDATE_APPLIERS: the cluster attributes of the change, once the update is
    Successful (for the three kinds above and AssociateEncryptionConfig)."""
    for attribute, value in update.target.items():
        setattr(cluster, attribute, value)


# ---------------------------------------------------------------- AssociateEncryptionConfig


def associate_encryption_config(self: EKSBackend, name: str, request: dict[str, Any]) -> ClusterUpdate:
    """AssociateEncryptionConfig: "Use this API to enable encryption on existing clusters that don't
    already have encryption enabled" - an update of type AssociateEncryptionConfig with an
    EncryptionConfig param (the compact JSON of the list), the config set when it succeeds. A cluster
    already encrypted: InvalidParameterException "Encryption is already enabled on the cluster"
    (hashicorp/terraform-provider-aws#19968, crossplane-contrib/provider-aws#1520). Like the other
    cluster updates: one at a time, only while ACTIVE, idempotent by clientRequestToken."""
    with LOCK:
        cluster = describe_cluster(self, name)
        life = cluster.lifecycle
        token = request.get("clientRequestToken")
        for update in life.updates:
            if token and update.client_request_token == token:
                return update  # type: ignore[no-any-return]
        running = life.in_progress()
        if running is not None:
            raise ResourceInUseException(
                clusterName=name,
                message=UPDATE_IN_PROGRESS_MSG.format(kind=ASSOCIATE_ENCRYPTION, name=name, id=running.id),
            )
        if cluster.status != "ACTIVE":
            raise ResourceInUseException(clusterName=name, message=NOT_ACTIVE_MSG.format(name=name))
        if cluster.encryption_config:
            raise invalid(ALREADY_ENCRYPTED_MSG, name)
        config = checked_encryption_config(request.get("encryptionConfig"), name)
        if not config:
            raise invalid(NO_ENCRYPTION_CONFIG_MSG, name)
        fault = control.FAULTS.take("eks", ASSOCIATE_ENCRYPTION, lambda e: e == "UpdateFailed")
        params = [{"type": "EncryptionConfig", "value": compact(config)}]
        update = ClusterUpdate(ASSOCIATE_ENCRYPTION, params, token, {"encryption_config": config}, fail=fault is not None)
        life.updates.append(update)
        cluster.status = "UPDATING"
        return update


def response_associate_encryption_config(self: EKSResponse) -> ActionResult:
    request = json.loads(self.body or "{}")
    update = self.eks_backend.associate_encryption_config(self.uri_match["name"], request)
    return ActionResult({"update": update})
