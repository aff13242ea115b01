"""Security-group rules as the EC2 API reference documents them.

Owns: `SecurityGroupRule.Description` for rules that reference another security group.
moto 5.2.5 reads a rule's description only from its CIDR range, so a rule from a group
(`referenced_security_group_id`) comes back from DescribeSecurityGroupRules without the
description it was created with; AWS returns it for every kind of rule.
Must not: change anything else about security groups.
"""

from __future__ import annotations

from moto.ec2.models.security_groups import SecurityGroupRule


def _description(self: SecurityGroupRule) -> str | None:
    return self.ip_range.get("Description") or (self.source_group or {}).get("Description")


def install() -> None:
    SecurityGroupRule.description = property(_description)  # type: ignore[assignment,method-assign]
