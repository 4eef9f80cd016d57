"""The host's boot script, rendered with jinja2 into a deploy-time :class:`Template`.

Every value from the spec passes through :func:`sh_word` (one function for the one language),
never through hand-quoting in the template. Values only known at deploy time (the database
endpoint, its secret's ARN) are rendered as opaque tokens and then split out into references,
so each backend can write them in its own interpolation syntax.
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache

import jinja2

from .graph import Pseudo, Ref, Template
from .naming import Context
from .security import REDIS_PORT

# The compose plugin release the host installs (checked against its published sha256).
COMPOSE_VERSION = "v2.29.7"
USER_DATA_LIMIT = 16 * 1024  # EC2 rejects larger user data (before base64)

MODE_SETTINGS = {
    # mode: (TRADING_MODE, PAPER_TRADING, LOG_LEVEL), as the team's switch-mode.sh sets them
    "development": ("development", "true", "debug"),
    "testing": ("testing", "true", "info"),
    "live": ("production", "false", "warning"),
}

_TOKEN = re.compile("\x00([0-9]+)\x00")


def sh_word(value: object) -> str:
    """One shell word that expands to exactly ``value`` (no expansion, no splitting)."""
    return shlex.quote(str(value))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("s0c.compiler", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["sh"] = sh_word
    return env


def render_user_data(ctx: Context) -> Template:
    spec = ctx.spec
    refs = {
        "db_host": Ref("db", "address"),
        "db_port": Ref("db", "port"),
        "db_secret_arn": Ref("db", "master_user_secret_arn"),
        "redis_host": Ref("cache", "primary_endpoint"),
        # The region the host runs in, as each backend says it (a template deployed to another
        # region than the spec's still configures the host for where it runs).
        "region": ctx.region,
    }
    # The loader rejects NUL in every spec string, so these tokens cannot collide with input.
    tokens = {key: f"\x00{index}\x00" for index, key in enumerate(refs)}
    trading_mode, paper, log_level = MODE_SETTINGS[spec.mode]
    text = _environment().get_template("user_data.sh.j2").render(
        name=spec.name,
        mode=spec.mode,
        db_name=spec.database.name,
        db_user=spec.database.username,
        redis_port=REDIS_PORT,
        redis_tls="true" if spec.cache.transit_encryption else "false",
        trading_mode=trading_mode,
        paper_trading=paper,
        log_level=log_level,
        compose_version=COMPOSE_VERSION,
        ref=tokens,
        apps=[{
            "name": app.name, "repo": app.repo, "branch": app.branch,
            "api_port": app.api_port, "web_port": app.web_port, "redis_db": app.redis_db,
            "env": sorted(app.env.items()), "secrets": sorted(app.secrets.items()),
        } for app in spec.apps],
    )
    ordered = list(refs.values())
    parts: list[str | Ref | Pseudo] = []
    for index, piece in enumerate(_TOKEN.split(text)):
        if index % 2:
            parts.append(ordered[int(piece)])
        elif piece:
            parts.append(piece)
    return Template(tuple(parts))


def app_environments(spec) -> dict[str, dict[str, str]]:
    """Each app's ``.env`` as the boot script writes it: compile-time values as they are, values
    known only on the host (endpoints, secrets) described. ``s0c diff`` compares these; a test
    checks every key against the rendered script."""
    trading_mode, paper, log_level = MODE_SETTINGS[spec.mode]
    database = f"{spec.database.name} as {spec.database.username}"
    out = {}
    for app in spec.apps:
        env = {
            "COMPOSE_PROJECT_NAME": app.name,
            "DATABASE_HOST": "(the database endpoint)",
            "DATABASE_PORT": "(the database port)",
            "DATABASE_NAME": spec.database.name,
            "DATABASE_USER": spec.database.username,
            "DATABASE_PASSWORD": f"(RDS-managed secret: {database})",
            "REDIS_HOST": "(the Redis primary endpoint)",
            "REDIS_PORT": str(REDIS_PORT),
            "REDIS_DB": str(app.redis_db),
            "REDIS_TLS": "true" if spec.cache.transit_encryption else "false",
            "TRADING_MODE": trading_mode,
            "PAPER_TRADING": paper,
            "LOG_LEVEL": log_level,
            "API_PORT": str(app.api_port),
            "WEB_PORT": str(app.web_port),
            "AWS_REGION": spec.region,
        }
        env.update(sorted(app.env.items()))
        env.update({key: f"(secret: {ref})" for key, ref in sorted(app.secrets.items())})
        out[app.name] = env
    return out


def approximate_size(template: Template) -> int:
    """Bytes of the rendered script, counting each reference as a 100-byte endpoint (and the
    region as the longest region name AWS has, 14 bytes)."""
    return sum(max(len(p), 14) if isinstance(p, Pseudo) else len(p.encode())
               if isinstance(p, str) else 100 for p in template.parts)
