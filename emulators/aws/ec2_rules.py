"""Security-group rules as the EC2 API reference documents them.

Owns: `SecurityGroupRule.Description` for rules that reference another security group.
moto 5.2.5 reads a rule's description only from its CIDR range, so a rule from a group
(`referenced_security_group_id`) comes back from DescribeSecurityGroupRules without the
description it was created with; AWS returns it for every kind of rule.
Owns too: `ReferencedGroupId` in ModifySecurityGroupRules, which moto 5.2.5 ignores (a TODO
in its code); AWS moves the rule to the new source group.
Must not: change anything else about security groups.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models.security_groups import SecurityGroupBackend, SecurityGroupRule


def _description(self: SecurityGroupRule) -> str | None:
    return self.ip_range.get("Description") or (self.source_group or {}).get("Description")


_modify = SecurityGroupBackend.modify_security_group_rules


def _modify_rules(self: SecurityGroupBackend, group_id: str, rules: dict[str, dict[str, Any]]) -> None:
    _modify(self, group_id, rules)
    group = self.get_security_group_by_name_or_id(group_id)
    for rule_id, new_rule in rules.items():
        source = new_rule.get("ReferencedGroupId")
        rule = group.get_rule(rule_id) if group else None
        if source and rule is not None:
            rule.source_group = {**rule.source_group, "GroupId": source}


def install() -> None:
    SecurityGroupRule.description = property(_description)  # type: ignore[assignment,method-assign]
    SecurityGroupBackend.modify_security_group_rules = _modify_rules  # type: ignore[method-assign]
