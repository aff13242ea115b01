"""EKS as AWS documents it: installs the patches of eks_lifecycle.py, eks_updates.py
and eks_nodegroups.py onto moto's EKS backend and HTTP handlers.

Owns: the list of what is patched, and the routes moto lacks.
Must not: hold behaviour itself; each rule lives next to the code it concerns.
"""

from __future__ import annotations

import moto.eks.urls as eks_urls
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

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
    eks_tags.install()
    # moto routes no /updates paths; without these DescribeUpdate is an HTML 404.
    dispatch = eks_urls.response.dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$"] = dispatch
    # Nor UpdateNodegroupVersion's.
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/node-groups/(?P<nodegroupName>[^/]+)/update-version$"] = dispatch


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
