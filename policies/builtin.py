"""s0c's own rules, registered through the ``s0c.policies`` entry point like any plugin's."""

from __future__ import annotations

from typing import Callable

from s0c.plugins.hookspecs import hookimpl

from . import apps, cost, encryption, iam, live, network, ssh, suppressions, tags
from .rule import Rule

FAMILIES = (encryption, cost, ssh, apps, live, iam, network, tags, suppressions)


@hookimpl
def s0c_register_policies(register: Callable[[Rule], None]) -> None:
    for family in FAMILIES:
        for rule in family.RULES:
            register(rule)
