"""Who may reach the host's SSH port."""

from __future__ import annotations

import ipaddress

from s0c.compiler.graph import Node
from s0c.spec.diagnostics import Severity

from .rule import Context, rule

SSH = 22
# Widest prefix still treated as "a known network" (an office, a VPN's egress range).
WIDEST = {4: 24, 6: 64}


def _ssh_sources(ctx: Context) -> list[tuple[Node, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    """Ingress rules that open TCP 22 to a CIDR, with that CIDR."""
    found = []
    for node in ctx.nodes("security_group_ingress"):
        props = node.props
        protocol = str(props.get("ip_protocol", ""))
        low, high = props.get("from_port"), props.get("to_port")
        opens = protocol == "-1" or (protocol in ("tcp", "6") and isinstance(low, int)
                                     and isinstance(high, int) and low <= SSH <= high)
        if not opens:
            continue
        for key in ("cidr_ipv4", "cidr_ipv6"):
            if isinstance(props.get(key), str):
                found.append((node, ipaddress.ip_network(props[key], strict=False)))
    return found


@rule("S0C-SSH-001", "SSH is not open to the whole internet", Severity.ERROR,
      """Port 22 open to 0.0.0.0/0 or ::/0 is scanned within minutes and brute-forced for as long
      as it stays open.""",
      """List only the office or VPN ranges in network.admin_cidrs, or leave it empty and use SSM
      Session Manager (`aws ssm start-session`).""", "network", "ssh")
def ssh_world(ctx: Context):
    for node, network in _ssh_sources(ctx):
        if network.prefixlen == 0:
            yield ssh_world.finding(f"SSH is open to {network} (the whole internet)",
                                    ctx.origin(node), resource=node.id)


@rule("S0C-SSH-002", "SSH sources are narrower than /24", Severity.ERROR,
      """A range wider than /24 (/64 for IPv6) is not "a known network": it spans other
      companies' addresses.""",
      "Narrow the range in network.admin_cidrs to the office or VPN egress addresses.",
      "network", "ssh")
def ssh_wide(ctx: Context):
    for node, network in _ssh_sources(ctx):
        if 0 < network.prefixlen < WIDEST[network.version]:
            yield ssh_wide.finding(f"SSH source {network} is wider than"
                                   f" /{WIDEST[network.version]}", ctx.origin(node),
                                   resource=node.id)


@rule("S0C-SSH-003", "No SSH in live mode", Severity.WARNING,
      """In live trading every change to the host should leave an audit trail; SSM Session Manager
      logs sessions to CloudTrail and needs no open port, SSH does neither.""",
      "Empty network.admin_cidrs for live and use SSM Session Manager.", "network", "ssh", "live")
def ssh_in_live(ctx: Context):
    if not ctx.live:
        return
    for node, network in _ssh_sources(ctx):
        yield ssh_in_live.finding(f"SSH is open from {network} in live mode", ctx.origin(node),
                                  resource=node.id)


RULES = [ssh_world, ssh_wide, ssh_in_live]
