"""IAM: no wildcard or IAM-administration permissions, in s0c's own policies or the spec's."""

from __future__ import annotations

from s0c.spec.diagnostics import Severity, SpecPath

from .rule import Context, rule

# AWS-managed policies that amount to "*" or "iam:*".
BROAD_MANAGED = ("AdministratorAccess", "IAMFullAccess", "PowerUserAccess")


def _problem(action: str) -> str | None:
    lowered = action.lower()
    if lowered in ("*", "*:*"):
        return "grants every action"
    service, _, name = lowered.partition(":")
    if service == "iam" and ("*" in name or "?" in name):
        return f"grants {action}: whoever holds it can grant themselves anything"
    if name == "*":
        return f"grants every {service} action"
    return None


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


@rule("S0C-IAM-001", "No wildcard actions in IAM policies", Severity.ERROR,
      """A host role with `*` or `iam:*` turns any bug in either app into an account takeover (the
      guide's PoC user policy grants iam:* and ec2:*).""",
      """Name the actions the apps need (s3:GetObject, not s3:*); for people, use IAM Identity
      Center permission sets outside this spec.""", "iam")
def wildcard_actions(ctx: Context):
    for node, key, document in ctx.policies():
        from_spec = tuple(node.origin) == ("compute", "iam_statements")
        for index, statement in enumerate(_listed(document.get("Statement", []))):
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            base: SpecPath = ctx.origin(node, index) if from_spec else ctx.origin(node)
            if "NotAction" in statement:
                yield wildcard_actions.finding(
                    f"{node.id}.{key}: Allow with NotAction grants everything not listed", base,
                    resource=node.id)
            for position, action in enumerate(_listed(statement.get("Action", []))):
                problem = _problem(str(action))
                if problem:
                    path = base + ("actions", position) if from_spec else base
                    yield wildcard_actions.finding(f"{node.id}: {problem}", path, resource=node.id)
    for node in ctx.nodes("iam_role_policy_attachment"):
        arn = str(node.props.get("policy_arn", ""))
        if arn.rsplit("/", 1)[-1] in BROAD_MANAGED:
            yield wildcard_actions.finding(f"{node.id} attaches {arn.rsplit('/', 1)[-1]}",
                                           ctx.origin(node), resource=node.id)


RULES = [wildcard_actions]
