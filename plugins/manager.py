"""Building the plugin manager: entry-point groups ``s0c.backends`` and ``s0c.policies``.

Built-in backends are declared in s0c's own ``pyproject.toml`` under the same group a
third-party package uses, so they are found exactly the same way.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Iterable

import pluggy

from . import hookspecs
from .hookspecs import Backend

# entry-point group -> prefix of the plugin names registered from it
GROUPS = {"s0c.backends": "backend", "s0c.policies": "policy"}


class PluginError(Exception):
    """A plugin could not be loaded or clashes with another one."""


def make_plugin_manager(extra: Iterable[object] = (), *, load_entry_points: bool = True
                        ) -> pluggy.PluginManager:
    """A fresh manager (no module-level global, so tests build their own)."""
    pm = pluggy.PluginManager("s0c")
    pm.add_hookspecs(hookspecs)
    if load_entry_points:
        # One scan of the installed distributions' metadata for both groups (each scan reads
        # every distribution's entry_points.txt: a few ms per call).
        installed = entry_points()
        for group, prefix in GROUPS.items():
            for ep in sorted(installed.select(group=group), key=lambda e: (e.name, e.value)):
                name = f"{prefix}:{ep.name}"
                # pluggy silently ignores a second plugin of the same name: say it instead.
                if pm.has_plugin(name):
                    raise PluginError(f"two plugins register entry point {ep.name!r} in {group}")
                try:
                    plugin = ep.load()
                except Exception as exc:  # a broken third-party plugin must not crash s0c
                    raise PluginError(f"cannot load plugin {ep.value!r} ({group}): {exc}") from exc
                pm.register(plugin, name=name)
    for plugin in extra:
        pm.register(plugin)
    pm.check_pending()
    return pm


def backends(pm: pluggy.PluginManager) -> dict[str, Backend]:
    """Every registered backend by name, sorted; a name registered twice is an error."""
    found: dict[str, Backend] = {}

    def register(backend: Backend) -> None:
        if backend.name in found:
            raise PluginError(f"backend {backend.name!r} is registered twice")
        found[backend.name] = backend

    pm.hook.s0c_register_backends(register=register)
    return dict(sorted(found.items()))
