"""A spec diff as text (for a terminal or a CI log), Markdown (a pull-request comment) or JSON
(a stable layout, ``s0c.diff/1``)."""

from __future__ import annotations

import difflib
import json
from typing import Any

from s0c.catalogue.model import Effect

from .compare import SpecDiff
from .engine import AttrChange, ResourceChange

FORMAT = "s0c.diff/1"
SYMBOL = {"create": "+", "update": "~", "interrupt": "~!", "replace": "-/+", "delete": "-",
          "no-op": " "}
WORDS = {"create": "create", "update": "update in place", "interrupt": "update with interruption",
         "replace": "replace", "delete": "delete", "no-op": "no change"}
ORDER = ("delete", "replace", "interrupt", "update", "create")
_LONG = 72


def _action_text(change: ResourceChange, targets: tuple[str, ...]) -> str:
    actions = {t: change.action[t] for t in targets}
    interruption = {a.change.interruption for a in change.attrs if a.change.interruption}
    def word(action: str) -> str:
        text = WORDS[action]
        if action == "interrupt" and interruption:
            text += f" ({', '.join(sorted(interruption))})"
        return text
    if len(set(actions.values())) == 1:
        return word(next(iter(actions.values())))
    return "; ".join(f"{t}: {word(a)}" for t, a in actions.items())


def value_lines(old: str | None, new: str | None) -> list[str]:
    """old -> new on one line, or for long text (a boot script) the lines that differ."""
    if old is not None and new is not None and (len(old) > _LONG or len(new) > _LONG or
                                                "\n" in old + new):
        before, after = old.splitlines(), new.splitlines()
        if len(before) + len(after) <= 2:
            return [f"{_cut(old)} -> {_cut(new)}"]
        changed = [line for line in difflib.unified_diff(before, after, lineterm="", n=0)
                   if line[:1] in "+-" and not line.startswith(("+++", "---"))]
        shown = [_cut(line) for line in changed[:8]]
        more = len(changed) - len(shown)
        return [f"{len(changed)} line(s) differ:"] + shown + ([f"... {more} more"] if more else [])
    return [f"{_cut(old) if old is not None else '(unset)'} -> "
            f"{_cut(new) if new is not None else '(unset)'}"]


def _cut(text: str) -> str:
    return text if len(text) <= _LONG * 2 else text[:_LONG * 2 - 3] + "..."


def _effect(attr: AttrChange, targets: tuple[str, ...]) -> str:
    parts = []
    for target in targets:
        effect: Effect = getattr(attr.change, target)
        parts.append(f"{target}: {effect.value}")
    if len(targets) > 1 and attr.change.terraform == attr.change.cloudformation:
        parts = [attr.change.terraform.value]
    return "; ".join(parts)


def ordered(diff: SpecDiff, targets: tuple[str, ...]) -> list[ResourceChange]:
    """Data loss first, then the most disruptive actions."""
    changes = diff.changed(targets)
    return sorted(changes, key=lambda c: (not c.data_loss, ORDER.index(c.worst(targets))))


def _headline(diff: SpecDiff, targets: tuple[str, ...]) -> str:
    counts = diff.counts(targets)
    parts = [f"{n} to {WORDS[a]}" for a, n in ((a, counts[a]) for a in ORDER) if n]
    return ", ".join(parts) if parts else "no resource changes"


def _money(value: float, sign: bool = False) -> str:
    text = f"${abs(value):,.2f}"
    if sign:
        return ("+" if value >= 0 else "-") + text
    return text


def render_text(diff: SpecDiff, targets: tuple[str, ...]) -> list[tuple[str, str]]:
    """(style, line) pairs; the CLI prints them with rich, or plain."""
    out: list[tuple[str, str]] = []
    add = lambda text, style="": out.append((style, text))  # noqa: E731
    add(f"s0c diff {diff.old} ({diff.old_mode}) -> {diff.new} ({diff.new_mode})", "bold")
    if diff.goes_live:
        add(f"! LIVE: {diff.new} switches to mode: live (real orders, real money)", "bold red")
    add(f"resources: {_headline(diff, targets)}", "bold")
    loss = diff.data_loss()
    if loss:
        add("")
        add("DATA LOSS", "bold red")
        for change in loss:
            add(f"  {change.id} ({change.kind}): {change.data_loss}", "red")
    changes = ordered(diff, targets)
    if changes:
        add("")
    for change in changes:
        worst = change.worst(targets)
        style = "red" if worst in ("replace", "delete") else (
            "yellow" if worst == "interrupt" else ("green" if worst == "create" else "cyan"))
        add(f"{SYMBOL[worst]:>3} {change.id} ({change.kind}): {_action_text(change, targets)}",
            style)
        for attr in change.attrs:
            lines = value_lines(attr.old, attr.new)
            add(f"      {attr.path}: {lines[0]}  [{_effect(attr, targets)}]")
            for line in lines[1:]:
                add(f"          {line}", "dim")
            if attr.cause:
                add(f"          because {attr.cause}", "dim")
            if attr.change.reason and attr.change.reason not in change.notes:
                add(f"          why: {attr.change.reason}", "dim")
        for note in change.notes:
            add(f"      note: {note}", "dim")
    if diff.env:
        add("")
        add("apps' environment (a new boot script: the host is replaced or restarted)", "bold")
        for env in diff.env:
            add(f"  {env.app}: {env.key} {env.old if env.old is not None else '(unset)'} -> "
                f"{env.new if env.new is not None else '(unset)'}")
    add("")
    cost = diff.cost
    add(f"cost: {_money(cost.old)} -> {_money(cost.new)} a month "
        f"({_money(cost.delta, sign=True)})"
        + (f", incomplete: {len(cost.unpriced)} charge(s) unknown" if cost.unpriced else ""),
        "bold")
    for line in cost.lines:
        add(f"  {line.resource}: {_money(line.old)} -> {_money(line.new)} "
            f"({_money(line.delta, sign=True)})")
    for message in cost.unpriced:
        add(f"  unknown: {message}", "yellow")
    if diff.findings_added or diff.findings_removed:
        add("")
        add(f"policy findings: {len(diff.findings_added)} new, "
            f"{len(diff.findings_removed)} gone (in {diff.new}'s mode: {diff.new_mode})", "bold")
        for finding in diff.findings_added:
            add(f"  + {finding.code} [{finding.severity.value}] {finding.message}",
                "red" if finding.severity.value == "error" else "yellow")
        for finding in diff.findings_removed:
            add(f"  - {finding.code} [{finding.severity.value}] {finding.message}", "green")
    return out


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def render_markdown(diff: SpecDiff, targets: tuple[str, ...], mermaid: str | None) -> str:
    counts = diff.counts(targets)
    lines = [f"### s0c diff: `{diff.old}` ({diff.old_mode}) → `{diff.new}` ({diff.new_mode})", ""]
    if diff.goes_live:
        lines += [f"> [!CAUTION]\n> **`{diff.new}` switches to mode: live** (real orders, real"
                  " money).", ""]
    lines += ["| create | update | interrupt | replace | delete | data loss | cost / month |",
              "|---:|---:|---:|---:|---:|---:|---:|",
              f"| {counts['create']} | {counts['update']} | {counts['interrupt']} | "
              f"{counts['replace']} | {counts['delete']} | {len(diff.data_loss())} | "
              f"{_money(diff.cost.old)} → {_money(diff.cost.new)} "
              f"({_money(diff.cost.delta, sign=True)}) |", ""]
    loss = diff.data_loss()
    if loss:
        lines += ["**Data loss**", ""]
        lines += [f"- :x: `{c.id}` ({c.kind}): {_md_escape(c.data_loss or '')}" for c in loss]
        lines.append("")
    changes = ordered(diff, targets)
    if changes:
        lines += ["<details><summary>Resources</summary>", ""]
        lines += ["| | resource | kind | action |", "|---|---|---|---|"]
        for change in changes:
            worst = change.worst(targets)
            lines.append(f"| `{SYMBOL[worst]}` | `{change.id}` | {change.kind} | "
                         f"{_md_escape(_action_text(change, targets))} |")
        lines.append("")
        for change in changes:
            lines.append(f"- **`{change.id}`**")
            for attr in change.attrs:
                value = value_lines(attr.old, attr.new)
                lines.append(f"  - `{attr.path}`: {_md_escape(value[0])} "
                             f"({_md_escape(_effect(attr, targets))})"
                             + (f", because {_md_escape(attr.cause)}" if attr.cause else ""))
                if len(value) > 1:
                    lines += ["    ```diff"] + [f"    {v}" for v in value[1:]] + ["    ```"]
                if attr.change.reason and attr.change.reason not in change.notes:
                    lines.append(f"    - why: {_md_escape(attr.change.reason)}")
            lines += [f"  - note: {_md_escape(note)}" for note in change.notes]
        lines += ["", "</details>", ""]
    if diff.env:
        lines += ["<details><summary>Apps' environment</summary>", "",
                  "| app | key | old | new |", "|---|---|---|---|"]
        lines += [f"| {e.app} | `{e.key}` | {_md_escape(str(e.old))} | {_md_escape(str(e.new))} |"
                  for e in diff.env]
        lines += ["", "</details>", ""]
    if diff.cost.lines or diff.cost.unpriced:
        lines += ["<details><summary>Cost</summary>", "",
                  "| resource | old | new | delta |", "|---|---:|---:|---:|"]
        lines += [f"| `{c.resource}` | {_money(c.old)} | {_money(c.new)} | "
                  f"{_money(c.delta, sign=True)} |" for c in diff.cost.lines]
        lines += [""] + [f"- unknown: {_md_escape(m)}" for m in diff.cost.unpriced]
        lines += ["", "</details>", ""]
    if diff.findings_added or diff.findings_removed:
        lines += ["<details><summary>Policy findings</summary>", ""]
        lines += [f"- :heavy_plus_sign: `{f.code}` [{f.severity.value}] {_md_escape(f.message)}"
                  for f in diff.findings_added]
        lines += [f"- :heavy_minus_sign: `{f.code}` [{f.severity.value}] {_md_escape(f.message)}"
                  for f in diff.findings_removed]
        lines += ["", "</details>", ""]
    if mermaid:
        lines += ["<details><summary>What changes, on the resource graph</summary>", "",
                  "```mermaid", mermaid.rstrip("\n"), "```", "", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _finding(d) -> dict[str, Any]:
    return {"code": d.code, "severity": d.severity.value, "message": d.message,
            "path": ".".join(str(p) for p in d.path), "resource": d.resource}


def render_json(diff: SpecDiff, targets: tuple[str, ...]) -> str:
    doc = {
        "format": FORMAT,
        "old": {"spec": diff.old, "mode": diff.old_mode},
        "new": {"spec": diff.new, "mode": diff.new_mode},
        "goes_live": diff.goes_live,
        "targets": list(targets),
        "summary": {**diff.counts(targets), "data_loss": len(diff.data_loss())},
        "resources": [{
            "id": c.id, "kind": c.kind,
            "action": {t: c.action[t] for t in targets},
            "data_loss": c.data_loss,
            "notes": c.notes,
            "attributes": [{
                "path": a.path, "old": a.old, "new": a.new,
                **{t: getattr(a.change, t).name.lower() for t in targets},
                "interruption": a.change.interruption, "reason": a.change.reason or None,
                "cause": a.cause, "sources": list(a.change.sources),
            } for a in c.attrs],
        } for c in ordered(diff, targets)],
        "environment": [{"app": e.app, "key": e.key, "old": e.old, "new": e.new}
                        for e in diff.env],
        "cost": {"old": diff.cost.old, "new": diff.cost.new, "delta": diff.cost.delta,
                 "resources": [{"id": c.resource, "old": c.old, "new": c.new, "delta": c.delta}
                               for c in diff.cost.lines],
                 "unpriced": diff.cost.unpriced},
        "findings": {"added": [_finding(d) for d in diff.findings_added],
                     "removed": [_finding(d) for d in diff.findings_removed]},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
