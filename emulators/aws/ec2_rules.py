"""Security-group rules as the EC2 API reference documents them.

Owns: `SecurityGroupRule.Description` for rules that reference another security group.
moto 5.2.5 reads a rule's description only from its CIDR range, so a rule from a group
(`referenced_security_group_id`) comes back from DescribeSecurityGroupRules without the
description it was created with; AWS returns it for every kind of rule.
Owns too: `ReferencedGroupId`, `CidrIpv6` and `PrefixListId` in ModifySecurityGroupRules,
which moto 5.2.5 ignores (a TODO in its code); AWS moves the rule to the new peer
(https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_SecurityGroupRuleRequest.html).
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
        rule = group.get_rule(rule_id) if group else None
        if rule is None:
            continue
        if source := new_rule.get("ReferencedGroupId"):
            rule.source_group = {**rule.source_group, "GroupId": source}
        if cidr := new_rule.get("CidrIpv6"):
            rule.ip_range["CidrIpv6"] = cidr
        if prefix_list := new_rule.get("PrefixListId"):
            rule.prefix_list_id = prefix_list


def install() -> None:
    SecurityGroupRule.description = property(_description)  # type: ignore[assignment,method-assign]
    SecurityGroupBackend.modify_security_group_rules = _modify_rules  # type: ignore[method-assign]
