"""EKS as AWS documents it: installs the patches of eks_lifecycle.py, eks_updates.py,
eks_nodegroups.py, eks_access.py, eks_addons.py, eks_cluster_config.py and eks_tags.py onto moto's
EKS backend and HTTP handlers.

Owns: the list of what is patched, and the routes moto lacks.
Must not: hold behaviour itself; each rule lives next to the code it concerns.
"""

from __future__ import annotations

import moto.eks.urls as eks_urls
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

import eks_access
import eks_addons
import eks_cluster_config
import eks_lifecycle
import eks_nodegroups
import eks_tags
import eks_updates


def install(timings: eks_lifecycle.Timings) -> None:
    """Patch moto's EKS backend and HTTP handlers. Call before the server starts:
    moto builds its URL map from `moto.eks.urls.url_paths` on the first request."""
    eks_lifecycle.TIMINGS = timings
    EKSBackend.create_cluster = eks_lifecycle.create_cluster  # type: ignore[method-assign]
    EKSBackend.describe_cluster = eks_lifecycle.describe_cluster  # type: ignore[method-assign]
    EKSBackend.list_clusters = eks_lifecycle.list_clusters  # type: ignore[method-assign]
    EKSBackend.delete_cluster = eks_lifecycle.delete_cluster  # type: ignore[method-assign]
    EKSBackend.start_update = eks_updates.start_update  # type: ignore[attr-defined]
    EKSBackend.describe_update = eks_updates.describe_update  # type: ignore[attr-defined]
    EKSBackend.list_updates = eks_updates.list_updates  # type: ignore[attr-defined]
    EKSBackend.start_version_update = eks_updates.start_version_update  # type: ignore[attr-defined]
    EKSResponse.update_cluster_version = eks_updates.response_update_cluster_version  # type: ignore[attr-defined]
    EKSResponse.update_cluster_config = eks_updates.response_update_cluster_config  # type: ignore[method-assign]
    EKSResponse.describe_update = eks_updates.response_describe_update  # type: ignore[attr-defined]
    EKSResponse.list_updates = eks_updates.response_list_updates  # type: ignore[attr-defined]
    install_nodegroups()
    install_access()
    install_addons()
    install_cluster_config()
    eks_tags.install()
    # moto routes no /updates paths; without these DescribeUpdate is an HTML 404.
    dispatch = eks_urls.response.dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$"] = dispatch
    # Nor UpdateNodegroupVersion's.
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$"] = dispatch
    # Nor access entries' and access policies'. The principal ARN is percent-encoded in the
    # path, but this map sees it decoded (slashes and all): one pattern takes every path below an
    # access entry, and moto's router tells the operations apart on the raw path.
    eks_urls.url_paths["{0}/access-policies$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/access-entries$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/access-entries/(?P<principalArn>.+)$"] = dispatch
    # Nor add-ons'.
    eks_urls.url_paths["{0}/addons/supported-versions$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/addons$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$"] = dispatch
    # Nor AssociateEncryptionConfig's.
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/encryption-config/associate$"] = dispatch


def install_nodegroups() -> None:
    """Node groups: their life cycle advances with the clusters' on every EKS call."""
    if eks_nodegroups.advance not in eks_lifecycle.ADVANCE_STEPS:
        eks_lifecycle.ADVANCE_STEPS.append(eks_nodegroups.advance)
    EKSBackend.create_nodegroup = eks_nodegroups.create_nodegroup  # type: ignore[method-assign]
    EKSBackend.describe_nodegroup = eks_nodegroups.describe_nodegroup  # type: ignore[method-assign]
    EKSBackend.list_nodegroups = eks_nodegroups.list_nodegroups  # type: ignore[method-assign]
    EKSBackend.delete_nodegroup = eks_nodegroups.delete_nodegroup  # type: ignore[method-assign]
    EKSBackend.update_nodegroup_config = eks_nodegroups.update_nodegroup_config  # type: ignore[method-assign, assignment]
    EKSBackend.update_nodegroup_version = eks_nodegroups.update_nodegroup_version  # type: ignore[attr-defined]
    EKSBackend.describe_nodegroup_update = eks_nodegroups.describe_nodegroup_update  # type: ignore[attr-defined]
    EKSBackend.list_nodegroup_updates = eks_nodegroups.list_nodegroup_updates  # type: ignore[attr-defined]
    EKSResponse.create_nodegroup = eks_nodegroups.response_create_nodegroup  # type: ignore[method-assign]
    EKSResponse.update_nodegroup_version = eks_nodegroups.response_update_nodegroup_version  # type: ignore[attr-defined]
    # Node group or cluster updates, by `nodegroupName`; replaces eks_updates' handlers.
    EKSResponse.describe_update = eks_nodegroups.response_describe_update  # type: ignore[attr-defined]
    EKSResponse.list_updates = eks_nodegroups.response_list_updates  # type: ignore[attr-defined]


def install_access() -> None:
    """Access entries, access policies, and the clusters' accessConfig (on create and as an
    AccessConfigUpdate)."""
    eks_updates.EXTRA_KINDS["accessConfig"] = ("AccessConfigUpdate", eks_access.access_config_change)
    eks_lifecycle.UPDATE_APPLIERS["AccessConfigUpdate"] = eks_access.apply_access_config
    EKSResponse.create_cluster = eks_access.response_create_cluster  # type: ignore[method-assign]
    for name in (
        "create_access_entry",
        "describe_access_entry",
        "list_access_entries",
        "update_access_entry",
        "delete_access_entry",
        "associate_access_policy",
        "list_associated_access_policies",
        "disassociate_access_policy",
        "list_access_policies",
    ):
        setattr(EKSBackend, name, getattr(eks_access, name))
        setattr(EKSResponse, name, getattr(eks_access, f"response_{name}"))


def install_addons() -> None:
    """Add-ons: their life cycle advances with the clusters' on every EKS call, and they go
    with their cluster."""
    if eks_addons.advance not in eks_lifecycle.ADVANCE_STEPS:
        eks_lifecycle.ADVANCE_STEPS.append(eks_addons.advance)
    EKSBackend.delete_cluster = eks_addons.delete_cluster  # type: ignore[method-assign]
    for name in ("create_addon", "describe_addon", "list_addons", "update_addon", "delete_addon", "describe_addon_versions"):
        setattr(EKSBackend, name, getattr(eks_addons, name))
        setattr(EKSResponse, name, getattr(eks_addons, f"response_{name}"))
    EKSBackend.describe_addon_update = eks_addons.describe_addon_update  # type: ignore[attr-defined]
    EKSBackend.list_addon_updates = eks_addons.list_addon_updates  # type: ignore[attr-defined]
    # Add-on, node group or cluster updates; replaces eks_nodegroups' handlers.
    EKSResponse.describe_update = eks_addons.response_describe_update  # type: ignore[attr-defined]
    EKSResponse.list_updates = eks_addons.response_list_updates  # type: ignore[attr-defined]


def install_cluster_config() -> None:
    """Cluster settings: CreateCluster's upgradePolicy, zonalShiftConfig, deletionProtection,
    bootstrapSelfManagedAddons, kubernetesNetworkConfig and encryptionConfig; their kinds of
    UpdateClusterConfig; DeleteCluster under deletion protection; AssociateEncryptionConfig.
    After install_access and install_addons: it wraps their CreateCluster and DeleteCluster."""
    for key, kind in eks_cluster_config.KINDS.items():
        eks_updates.EXTRA_KINDS[key] = (kind, eks_cluster_config.CHANGES[key])
        eks_lifecycle.UPDATE_APPLIERS[kind] = eks_cluster_config.apply_settings
    eks_lifecycle.UPDATE_APPLIERS[eks_cluster_config.ASSOCIATE_ENCRYPTION] = eks_cluster_config.apply_settings
    EKSResponse.create_cluster = eks_cluster_config.response_create_cluster  # type: ignore[method-assign]
    EKSBackend.delete_cluster = eks_cluster_config.delete_cluster  # type: ignore[method-assign]
    EKSBackend.associate_encryption_config = eks_cluster_config.associate_encryption_config  # type: ignore[attr-defined]
    EKSResponse.associate_encryption_config = eks_cluster_config.response_associate_encryption_config  # type: ignore[attr-defined]
