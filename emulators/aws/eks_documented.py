"""EKS as AWS documents it: installs the patches of eks_lifecycle.py and
eks_updates.py onto moto's EKS backend and HTTP handlers.

Owns: the list of what is patched, and the routes moto lacks.
Must not: hold behaviour itself; each rule lives next to the code it concerns.
"""

from __future__ import annotations

import moto.eks.urls as eks_urls
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

import eks_lifecycle
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
    # moto routes no /updates paths; without these DescribeUpdate is an HTML 404.
    dispatch = eks_urls.response.dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates$"] = dispatch
    eks_urls.url_paths["{0}/clusters/(?P<name>[^/]+)/updates/(?P<updateId>[^/]+)$"] = dispatch
