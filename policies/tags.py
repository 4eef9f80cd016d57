"""Tags the team's cost reports and clean-up scripts rely on."""

from __future__ import annotations

from s0c.spec.diagnostics import Severity

from .rule import Context, rule


@rule("S0C-TAG-001", "Required tags are present", Severity.WARNING,
      """Cost Explorer, the budget and clean-up scripts group resources by tag; s0c copies the
      spec's tags onto every resource, so a tag missing there is missing everywhere.""",
      """Add the tag under `tags:`, or change policies.required_tags (default: Project,
      Environment).""", "tags")
def required_tags(ctx: Context):
    for index, key in enumerate(ctx.spec.policies.required_tags):
        if key not in ctx.spec.tags:
            yield required_tags.finding(f"required tag {key!r} is missing",
                                        ("tags",) if ctx.spec.tags else
                                        ("policies", "required_tags", index))


RULES = [required_tags]
