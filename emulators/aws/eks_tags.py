"""EKS tags as the EKS API reference documents them: TagResource, UntagResource and
ListTagsForResource take the ARN of a cluster, a managed node group, an access entry or an
add-on (each has `tags` in its API object: API_Cluster, API_Nodegroup, API_AccessEntry,
API_Addon).

Owns: finding the tagged resource by ARN, and UntagResource's `tagKeys`. moto 5.2.5 only looks
among clusters ("It does not tag a managed node group"), so tagging a node group is
ResourceNotFoundException; and it reads the repeated `tagKeys` query parameter as one string,
then removes the tags named by its single characters.
https://docs.aws.amazon.com/eks/latest/APIReference/API_TagResource.html ("Associates the
specified tags to an Amazon EKS resource with the specified resourceArn")
Must not: change how tags are stored (each resource's own `tags` dict, as moto keeps them).
"""

from __future__ import annotations

from typing import Any

from moto.eks.exceptions import ResourceNotFoundException
from moto.core.responses import EmptyResult
from moto.eks.models import EKSBackend
from moto.eks.responses import EKSResponse

import eks_lifecycle

NOT_FOUND_MSG = "An error occurred (NotFoundException) when calling the {operation} operation: Resource was not found"


def tagged(backend: EKSBackend, arn: str, operation: str) -> Any:
    """The cluster, node group, access entry (eks_access) or add-on (eks_addons) with this ARN."""
    with eks_lifecycle.LOCK:
        for cluster in backend.clusters.values():
            found = [
                cluster,
                *cluster.nodegroups.values(),
                *getattr(cluster, "access_entries", {}).values(),
                *getattr(cluster, "addons", {}).values(),
            ]
            for resource in found:
                if resource.arn == arn:
                    if resource.tags is None:
                        resource.tags = {}
                    return resource
    raise ResourceNotFoundException(
        clusterName=None,
        nodegroupName=None,
        fargateProfileName=None,
        addonName=None,
        message=NOT_FOUND_MSG.format(operation=operation),
    )


def tag_resource(self: EKSBackend, resource_arn: str, tags: dict[str, str]) -> None:
    tagged(self, resource_arn, "TagResource").tags.update(tags)


def untag_resource(self: EKSBackend, resource_arn: str, tag_keys: list[str]) -> None:
    resource = tagged(self, resource_arn, "UntagResource")
    for key in tag_keys:
        resource.tags.pop(key, None)


def list_tags_for_resource(self: EKSBackend, resource_arn: str) -> dict[str, str]:
    return dict(tagged(self, resource_arn, "ListTagsForResource").tags)


def response_untag_resource(self: EKSResponse) -> Any:
    # `?tagKeys=a&tagKeys=b`: every value of the repeated parameter.
    self.eks_backend.untag_resource(self._extract_arn_from_path(), list(self.querystring.get("tagKeys", [])))
    return EmptyResult()


def install() -> None:
    EKSBackend.tag_resource = tag_resource  # type: ignore[method-assign]
    EKSBackend.untag_resource = untag_resource  # type: ignore[method-assign]
    EKSBackend.list_tags_for_resource = list_tags_for_resource  # type: ignore[method-assign]
    EKSResponse.untag_resource = response_untag_resource  # type: ignore[method-assign]
