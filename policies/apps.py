"""The apps sharing one host and one Redis: their DB indexes and ports must not collide."""

from __future__ import annotations

from s0c.spec.diagnostics import Severity, SpecPath

from .rule import Context, rule

# ElastiCache's default parameter groups set `databases` to 16.
REDIS_DATABASES = 16
# Ports something else on the host already listens on.
HOST_PORTS = {22: "SSH", 2375: "the Docker API", 2376: "the Docker API (TLS)"}


@rule("S0C-APP-001", "Each app has its own Redis DB index within 0..15", Severity.ERROR,
      """Apps sharing one Redis must not share a DB index: one app's FLUSHDB or key names would
      wipe or overwrite the other's state (the guide gives smart-0DTE DB 0 and mag7-7DTE DB 8).
      ElastiCache's default parameter group has 16 DBs, 0..15.""",
      "Give every app a different apps[].redis_db between 0 and 15.", "apps")
def redis_dbs(ctx: Context):
    owner: dict[int, int] = {}
    for index, app in enumerate(ctx.spec.apps):
        path = ("apps", index, "redis_db")
        if app.redis_db >= REDIS_DATABASES:
            yield redis_dbs.finding(f"Redis DB {app.redis_db} does not exist: the cache has DBs"
                                    f" 0..{REDIS_DATABASES - 1}", path)
        elif app.redis_db in owner:
            other = ctx.spec.apps[owner[app.redis_db]].name
            yield redis_dbs.finding(f"Redis DB {app.redis_db} is already used by {other}"
                                    f" (apps[{owner[app.redis_db]}])", path)
        owner.setdefault(app.redis_db, index)


@rule("S0C-APP-002", "App ports are distinct and free on the host", Severity.ERROR,
      """Both apps run on one host under docker compose: two services cannot publish one port,
      and SSH and the Docker daemon already hold theirs.""",
      "Give every app's api_port and web_port a port no other app or host service uses.", "apps")
def ports(ctx: Context):
    used: dict[int, SpecPath] = {}
    for index, app in enumerate(ctx.spec.apps):
        for field in ("api_port", "web_port"):
            port, path = getattr(app, field), ("apps", index, field)
            if port in HOST_PORTS:
                yield ports.finding(f"port {port} is taken by {HOST_PORTS[port]} on the host", path)
            elif port in used:
                other = used[port]
                yield ports.finding(f"port {port} is already used by apps[{other[1]}].{other[2]}",
                                    path)
            used.setdefault(port, path)


RULES = [redis_dbs, ports]
