"""Policy rules: judgement calls on a valid spec and its resource graph.

Each rule has a stable ID, a title, a default severity, a rationale and a remediation, and
reports *spec paths* (never line numbers). Rules are plugins: s0c's own are registered through
the ``s0c.policies`` entry-point group exactly as a third-party package's would be.
"""

from .rule import Context, Rule

__all__ = ["Context", "Rule"]
