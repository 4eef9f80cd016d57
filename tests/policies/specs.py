"""Spec texts for the rule tests: a good spec per mode, and edits that break one rule each.

An edit's replacement text marks the line the finding must point at with ``#!``; the tests find
that line by searching the text, independently of s0c's own position index.
"""

from __future__ import annotations

import datetime

TODAY = datetime.date(2026, 11, 24)

GOOD = """\
version: 1
name: rules-test
region: us-east-1
mode: development
tags: {Project: smart-0dte-system, Environment: test}
budget:
  monthly_usd: 400
  alerts_usd: [100, 200, 300]
  notify: [ops@example.com]
network:
  cidr: 10.0.0.0/16
  availability_zones: 2
  public_subnets: [10.0.1.0/24, 10.0.3.0/24]
  private_subnets: [10.0.2.0/24, 10.0.4.0/24]
  nat: single
  admin_cidrs: [203.0.113.10/32]
database:
  version: "16"
  instance_class: db.t3.small
  storage_gb: 50
  name: trading
  username: trader
  encrypted: true
  backup_retention_days: 7
  multi_az: false
  deletion_protection: true
  final_snapshot: true
  allowed_cidrs: [10.8.0.0/16]
cache:
  version: "7.1"
  node_type: cache.t3.micro
  at_rest_encryption: true
  transit_encryption: true
compute:
  instance_type: t3.xlarge
  volume_gb: 100
  iam_statements:
    - sid: Backups
      actions:
        - s3:GetObject
        - s3:PutObject
      resources: ["arn:aws:s3:::smart-0dte-backups/*"]
buckets:
  - name: backups
load_balancer: {domain: poc.example.com}
apps:
  - name: smart-0dte
    repo: https://github.com/TKTINC/smart-0DTE-system.git
    api_port: 8000
    web_port: 3000
    redis_db: 0
  - name: mag7-7dte
    repo: https://github.com/TKTINC/mag7-7DTE-system.git
    api_port: 8001
    web_port: 3001
    redis_db: 8
monitoring:
  cpu_alarm_percent: 80
  notify: [oncall@example.com]
"""

# Live trading with every safeguard: SSH closed, Multi-AZ, backups, alarms that notify.
GOOD_LIVE = (GOOD.replace("mode: development", "mode: live")
             .replace("  nat: single\n", "  nat: single\n  flow_logs: true\n")
             .replace("  admin_cidrs: [203.0.113.10/32]\n", "")
             .replace("multi_az: false", "multi_az: true")
             .replace("node_type: cache.t3.micro", "node_type: cache.t3.micro\n  nodes: 2")
             .replace("monthly_usd: 400", "monthly_usd: 600"))

# rule -> [(base, [(old, new), ...], expected severity)]
CASES: dict[str, list[tuple[str, list[tuple[str, str]], str]]] = {
    "S0C-ENC-001": [(GOOD, [("encrypted: true\n  backup", "encrypted: false  #!\n  backup")],
                     "error")],
    "S0C-ENC-002": [(GOOD, [("at_rest_encryption: true", "at_rest_encryption: false  #!")],
                     "error")],
    "S0C-ENC-003": [(GOOD, [("volume_gb: 100", "volume_gb: 100\n  encrypted: false  #!")],
                     "error")],
    "S0C-ENC-004": [(GOOD, [("  - name: backups\n", "  - name: backups\n"
                             "  - name: exports\n    encrypted: false  #!\n")], "error")],
    "S0C-ENC-005": [(GOOD, [("transit_encryption: true", "transit_encryption: false  #!")],
                     "warning"),
                    (GOOD_LIVE, [("transit_encryption: true", "transit_encryption: false  #!")],
                     "error")],
    "S0C-COST-001": [(GOOD, [("monthly_usd: 400", "monthly_usd: 200  #!")], "error")],
    "S0C-COST-002": [(GOOD, [("monthly_usd: 400", "monthly_usd: 260  #!")], "warning")],
    "S0C-COST-003": [(GOOD, [("instance_type: t3.xlarge", "instance_type: x2iedn.xlarge  #!")],
                      "error")],
    "S0C-BUDGET-001": [(GOOD, [("alerts_usd: [100, 200, 300]", "alerts_usd: [200, 100]  #!")],
                        "warning")],
    "S0C-BUDGET-002": [(GOOD, [("alerts_usd: [100, 200, 300]", "alerts_usd: [450, 500]  #!")],
                        "error")],
    "S0C-SSH-001": [(GOOD, [("admin_cidrs: [203.0.113.10/32]", "admin_cidrs: [0.0.0.0/0]  #!")],
                     "error")],
    "S0C-SSH-002": [(GOOD, [("admin_cidrs: [203.0.113.10/32]",
                             "admin_cidrs:\n    - 203.0.113.10/32\n    - 198.51.100.0/22  #!")],
                     "error")],
    "S0C-SSH-003": [(GOOD_LIVE, [("  nat: single\n", "  nat: single\n"
                                  "  admin_cidrs: [203.0.113.10/32]  #!\n")], "warning")],
    "S0C-APP-001": [(GOOD, [("redis_db: 8", "redis_db: 0  #!")], "error"),
                    (GOOD, [("redis_db: 8", "redis_db: 16  #!")], "error")],
    "S0C-APP-002": [(GOOD, [("api_port: 8001", "api_port: 8000  #!")], "error"),
                    (GOOD, [("web_port: 3001", "web_port: 22  #!")], "error")],
    "S0C-LIVE-001": [(GOOD_LIVE, [("deletion_protection: true", "deletion_protection: false  #!")],
                      "error")],
    "S0C-LIVE-002": [(GOOD_LIVE, [("backup_retention_days: 7", "backup_retention_days: 3  #!")],
                      "error")],
    "S0C-LIVE-003": [(GOOD_LIVE, [("final_snapshot: true", "final_snapshot: false  #!")],
                      "error")],
    "S0C-LIVE-004": [(GOOD_LIVE, [("monitoring:\n  cpu_alarm_percent: 80\n  notify: [oncall@example.com]",
                                   "monitoring:  #!\n  cpu_alarm_percent: 80")], "error")],
    "S0C-LIVE-005": [(GOOD_LIVE, [("multi_az: true", "multi_az: false  #!")], "warning")],
    "S0C-LIVE-006": [(GOOD_LIVE, [("nodes: 2", "nodes: 1  #!")], "warning")],
    "S0C-LIVE-007": [(GOOD_LIVE, [("  flow_logs: true", "  flow_logs: false  #!")], "warning")],
    "S0C-IAM-001": [(GOOD, [("        - s3:PutObject", "        - s3:PutObject\n        - iam:*  #!")],
                     "error"),
                    (GOOD, [("        - s3:PutObject", "        - \"*\"  #!")], "error")],
    "S0C-NET-010": [(GOOD, [("allowed_cidrs: [10.8.0.0/16]", "allowed_cidrs: [0.0.0.0/0]  #!")],
                     "error"),
                    (GOOD, [("transit_encryption: true", "transit_encryption: true\n"
                             "  allowed_cidrs: [198.51.100.0/24]  #!")], "error")],
    "S0C-NET-011": [(GOOD, [("availability_zones: 2", "availability_zones: 1  #!"),
                            ("[10.0.1.0/24, 10.0.3.0/24]", "[10.0.1.0/24]"),
                            ("[10.0.2.0/24, 10.0.4.0/24]", "[10.0.2.0/24]")], "error")],
    "S0C-NET-012": [(GOOD, [("nat: single", "nat: none  #!")], "warning")],
    "S0C-TAG-001": [(GOOD, [("tags: {Project: smart-0dte-system, Environment: test}",
                             "tags: {Project: smart-0dte-system}  #!")], "warning")],
    "S0C-SUP-001": [(GOOD + "policies:\n  suppress:\n    - rule: S0C-ENC-005\n"
                     "      reason: accepted for the PoC\n      expires: \"2026-01-31\"  #!\n",
                     [("transit_encryption: true", "transit_encryption: false")], "warning")],
    "S0C-SUP-002": [(GOOD + "policies:\n  suppress:\n    - rule: S0C-ENC-005  #!\n"
                     "      reason: nothing to suppress any more\n", [], "info")],
    "S0C-SUP-003": [(GOOD + "policies:\n  suppress:\n    - rule: S0C-NOPE-001  #!\n"
                     "      reason: a rule that does not exist\n", [], "info")],
}


def apply(base: str, edits: list[tuple[str, str]]) -> str:
    text = base
    for old, new in edits:
        assert text.count(old) == 1, f"edit target {old!r} must occur once"
        text = text.replace(old, new)
    return text


def marked_line(text: str) -> int:
    lines = [number for number, line in enumerate(text.splitlines(), 1) if "#!" in line]
    assert len(lines) == 1, "exactly one line must carry the #! marker"
    return lines[0]
