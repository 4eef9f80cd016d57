"""Plaintext secrets in a spec: secret-named keys and secret-shaped strings, at every depth.

Runs on the raw document, before pydantic, so the user hears *why* ("a GitHub token"), not
"unknown key" — and so no later message can echo a secret. Every string is looked at, keys and
values alike: tags, env, repo URLs, health paths, bucket names, IAM resources, reasons.

**Key names** (:func:`secret_key`). A key names a secret when one of its words (split at ``_``,
``-``, ``.``, spaces and camelCase) is, or starts or ends with, one of :data:`SECRET_STEMS`
(``PASSWORD``, ``DBPASSWORD``, ``SECRET``, ``CLIENTSECRET``, ``TOKEN``, ``AUTHTOKEN``,
``CREDENTIALS``, ...), is one of :data:`SECRET_WORDS` (``PWD``, ``PASS``, ``AUTH``, ``BEARER``,
``JWT``, ``DSN``, ``SALT``, ``COOKIE``, ...), or is ``KEY``/``KEYS`` at the end of the name
(``API_KEY``, ``SIGNING_KEY``, ``MASTER_KEY``, ``ENCRYPTION_KEY``, ``HMAC_KEY``, ``SSH_KEY``,
``ACCESS_KEY``, ``AWS_ACCESS_KEY_ID``) unless qualified by a word of
:data:`NOT_SECRET_KEY_QUALIFIERS` (``PUBLIC_KEY``, ``PARTITION_KEY``, ``CACHE_KEY``, ...); and
``DATABASE_URL``-like names (:data:`CONNECTION_OWNERS` + ``URL``/``URI``/``DSN``,
``CONNECTION_STRING``, ``WEBHOOK_URL``). A name is *not* a secret when it describes one rather
than holds it: a word of :data:`METADATA_WORDS` anywhere (``MAX_TOKENS``, ``TOKEN_TTL``,
``PASSWORD_MIN_LENGTH``) or of :data:`REFERENCE_SUFFIXES` last (``SECRET_NAME``,
``PASSWORD_FILE``, ``KMS_KEY_ID``, ``AUTH_URL``). The spec's own vocabulary (``key_pair``,
``public_key_file``, ``transit_encryption``, ``encrypted``, ``certificate_arn``, ...) never
matches (tests/spec/test_secrets.py checks every field of every model). A secret-named key is
a finding when it holds a value: a non-empty string or a number that is not a reference
(``ssm:/...``, ``secretsmanager:...``, a Secrets Manager/SSM/KMS ARN) nor a template
(``${VAR}``, ``$VAR``, ``{{ var }}``, ``<placeholder>``). Keys under an app's ``secrets:`` are
references and are fine; a value there that is not a reference is itself a finding.

**Values** (:func:`scan_string`), with detect-secrets (Yelp) plugins where it has one: AWS access
key ids, GitHub, GitLab, Slack tokens and webhooks, Stripe, private key blocks, JWTs, URL basic
auth, OpenAI, PyPI, npm, SendGrid, Discord, Telegram, Square, Azure storage, Mailchimp, Twilio;
and s0c's own patterns where it has none: GitHub fine-grained tokens (``github_pat_``), a token
as a URL's user (``https://<token>@host``), secret-named query or assignment parameters
(``?token=...``, ``&api_key=...``, ``Password=...;``), ``Bearer``/``Basic`` credentials, and
high-entropy strings (detect-secrets' Shannon entropy over its base64 and hex alphabets):
anywhere, a base64 run of 20+ characters above 4.5 bits or a hex run of 20+ above 3.0 (UUIDs
and sequences excepted); in an app's ``env`` values and in query values, where a secret is
likely, a base64 run of 20+ with a letter and a digit, within 0.6 bits of the most entropy its
length allows and switching between lower case, upper case, digits and symbols at least 35
times in 100 characters (random text does, ``CamelCaseWords2024`` do not).

**Output** never repeats a secret: findings show the detector and a masked form (:func:`mask`:
the first 4 characters and the length, only the length below 16 characters, only the kind for
a private key), and paths whose keys are themselves secrets are masked too.

**Suppression.** A known false positive is silenced by a ``policies.suppress`` entry with
``rule: S0C-SECRET`` and ``resource`` set to the dotted path of the flagged string
(``apps[0].env.GREETING``, as the finding's message says), with a reason; ``expires`` and
``modes`` work as for policy rules. It is read from the raw document, which may be invalid.

detect-secrets (and the ``requests`` it imports) costs 60-100 ms to import, so it is imported
only for a string that is a plausible candidate: one that a detect-secrets plugin's own pattern
matches (:data:`_PLUGIN_PATTERNS`, their patterns searched as one regex), or a run whose Shannon
entropy (computed here with detect-secrets' formula) is above a threshold, or a secret-named
parameter. Most specs never import it; the findings are those detect-secrets would give.
"""

from __future__ import annotations

import datetime
import math
import re
import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from .diagnostics import Diagnostic, Position, SpecPath, dotted, error

RULE = "S0C-SECRET"

# --- key names -------------------------------------------------------------------------------

# A word that is, starts with or ends with one of these holds a secret (DBPASSWORD, AUTHTOKEN).
SECRET_STEMS = ("PASSWORD", "PASSWD", "PASSPHRASE", "PASSCODE", "SECRET", "TOKEN", "CREDENTIAL",
                "CREDENTIALS", "APIKEY", "PRIVATEKEY", "ACCESSKEY", "SECRETKEY", "SIGNINGKEY",
                "MASTERKEY", "ENCRYPTIONKEY", "HMACKEY", "SSHKEY", "WEBHOOK", "CONNSTR")
# Whole words that hold a secret.
SECRET_WORDS = frozenset({
    "PWD", "PASS", "PASSWD", "AUTH", "AUTHORIZATION", "BEARER", "JWT", "JWK", "DSN", "SALT",
    "PEPPER", "COOKIE", "COOKIES", "CREDS", "OTP", "TOTP", "HMAC", "SIGNATURE", "SIG", "APIKEY",
    "PRIVKEY",
})
# KEY as the last word is a secret unless the word before says what kind of (non-secret) key.
NOT_SECRET_KEY_QUALIFIERS = frozenset({
    "PUBLIC", "PUB", "PARTITION", "SORT", "RANGE", "HASH", "PRIMARY", "FOREIGN", "CACHE", "ROUTING",
    "IDEMPOTENCY", "OBJECT", "S3", "LOOKUP", "DEDUP", "DEDUPLICATION", "MESSAGE", "GROUP", "SHARD",
    "KMS", "SORTING", "UNIQUE", "COMPOSITE", "DICT", "MAP", "JSON", "REDIS", "BUCKET", "HOT",
    "SHORTCUT", "KEYBOARD", "LOCK", "LEASE", "TRACE", "METRIC", "LABEL", "TAG",
})
# Describing a secret, not holding one: anywhere in the name.
METADATA_WORDS = frozenset({
    "MAX", "MIN", "COUNT", "LIMIT", "NUM", "NUMBER", "SIZE", "LENGTH", "LEN", "TTL", "TIMEOUT",
    "EXPIRY", "EXPIRES", "EXPIRATION", "LIFETIME", "AGE", "INTERVAL", "RETRIES", "ATTEMPTS",
    "PUBLIC", "PUB", "ROTATION", "POLICY", "STRENGTH", "COMPLEXITY", "HINT", "RESET", "CHANGE",
    "CHANGED", "ENABLED", "DISABLED", "REQUIRED", "ENABLE", "DISABLE", "USE", "ALLOW",
})
# Naming or pointing at a secret, not holding one: as the last word.
REFERENCE_SUFFIXES = frozenset({
    "NAME", "NAMES", "FILE", "FILES", "PATH", "PATHS", "DIR", "ARN", "ARNS", "ID", "IDS", "REF",
    "HOST", "PORT", "HEADER", "HEADERS", "FIELD", "PARAM", "PARAMETER", "TYPE", "KIND",
    "ALGORITHM", "ALG", "ALGO", "ISSUER", "ISS", "AUDIENCE", "AUD", "SCOPE", "SCOPES", "DOMAIN",
    "REGION", "PROVIDER", "PROVIDERS", "METHOD", "MODE", "VERSION", "LOCATION", "PREFIX",
    "SUFFIX", "FORMAT", "USER", "USERNAME", "LOGIN", "EMAIL", "ENDPOINT", "URL", "URI", "SERVER",
    "STORE", "BACKEND", "ENGINE", "PAIR", "CHANNEL", "LEVEL", "STRATEGY", "SOURCE", "ENCODING",
    "SCHEME", "STATUS", "ROLE", "ACCOUNT", "DATE", "TIME", "LIST",
})
# Format words at the end do not change what a name holds (SIGNING_KEY_PEM, API_KEY_2).
TRANSPARENT_SUFFIXES = frozenset({"PEM", "B64", "BASE64", "HEX", "VALUE", "DATA", "STRING", "STR",
                                  "RAW", "CONTENT", "CONTENTS", "BLOB", "MATERIAL", "TEXT", "PLAIN",
                                  "PLAINTEXT", "CLEAR", "CLEARTEXT"})
# OWNER_URL / OWNER_URI / OWNER_DSN hold credentials by convention (DATABASE_URL).
CONNECTION_OWNERS = frozenset({"DATABASE", "DB", "POSTGRES", "POSTGRESQL", "PG", "PSQL", "MYSQL",
                               "MARIADB", "MONGO", "MONGODB", "AMQP", "RABBITMQ", "BROKER", "SQL",
                               "SQLALCHEMY", "JDBC", "MSSQL", "ORACLE", "CONNECTION", "CONN"})
# Secret-named keys whose value is a webhook or connection URL: URL is not a reference suffix.
_URL_HOLDERS = ("WEBHOOK", "DSN")

_WORD_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _words(name: str) -> list[str]:
    words = [w.upper() for w in _WORD_SPLIT.split(name) if w]
    while words and (words[-1] in TRANSPARENT_SUFFIXES or words[-1].isdigit()
                     or re.fullmatch(r"V[0-9]+", words[-1])):
        words.pop()
    return words


@lru_cache(maxsize=16_384)  # see _scan_string
def secret_key(name: str) -> bool:
    """Whether a key (a mapping key, an env name, a query parameter) names a secret."""
    words = _words(name)
    if not words or any(w in METADATA_WORDS for w in words):
        return False
    last = words[-1]
    if len(words) >= 2 and last in ("URL", "URI", "DSN") and (
            words[-2] in CONNECTION_OWNERS or any(w.startswith(_URL_HOLDERS) for w in words)):
        return True
    if re.search(r"CONN(ECTION)?_?STR(ING)?", name.upper().replace("-", "_")):
        return True
    if last in REFERENCE_SUFFIXES:
        # ACCESS_KEY_ID is the one id that is a credential (AWS_ACCESS_KEY_ID).
        return last == "ID" and words[-3:-1] == ["ACCESS", "KEY"]
    for word in words:
        if word in SECRET_WORDS:
            return True
        if any(word == s or word.startswith(s) or word.endswith(s) for s in SECRET_STEMS):
            # ...but not the spec's own SECRETS mapping, or a word that merely starts with TOKEN.
            if word not in ("SECRETS", "TOKENIZER", "TOKENIZERS"):
                return True
    if last in ("KEY", "KEYS"):
        return len(words) == 1 or words[-2] not in NOT_SECRET_KEY_QUALIFIERS
    return False


# --- values ----------------------------------------------------------------------------------

_REFERENCE = re.compile(r"(ssm:/|secretsmanager:|arn:aws[a-z-]*:(secretsmanager|ssm|kms):)\S*")
# ${VAR}, $VAR, {{ var }}, <placeholder>, and HCL references (var.db_password).
_TEMPLATE = re.compile(r"\$\{[^}]*\}|\{\{.*\}\}|<[^<>]*>|\$[A-Za-z_][A-Za-z0-9_]*"
                       r"|(var|local|data|module)\.[A-Za-z_][A-Za-z0-9_.\-]*", re.DOTALL)

# s0c's own patterns, for formats detect-secrets 1.5 does not know.
_GITHUB_PAT = re.compile(r"github_pat_[A-Za-z0-9_]{22,}")
_URL_USERINFO = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://([^\s/?#@]+)@")
_ASSIGNMENT = re.compile(r"(?:^|(?<=[\s?&;,#]))([A-Za-z_][A-Za-z0-9_.\-\[\]]*)[ \t]*=[ \t]*"
                         r"([^\s&;,#'\"]+)")
_AUTH_SCHEME = re.compile(r"\b(?:Bearer|Basic)\s+([A-Za-z0-9._~+/=-]{8,})", re.IGNORECASE)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_B64_RUN = re.compile(r"[A-Za-z0-9+/=_-]{16,}")
_B64_RUN_NO_SLASH = re.compile(r"[A-Za-z0-9+=_-]{16,}")
_HEX_RUN = re.compile(r"(?<![0-9a-fA-F])[0-9a-fA-F]{20,}(?![0-9a-fA-F])")

# Entropy thresholds (bits per character, detect-secrets' Shannon entropy).
B64_MIN_LEN, B64_LIMIT = 20, 4.5         # anywhere (detect-secrets' default limit)
HEX_MIN_LEN, HEX_LIMIT = 20, 3.0         # anywhere (detect-secrets' default limit)
# Env and query values: 20+ characters, a letter and a digit, within 0.6 bits of the most
# entropy the length allows (log2 of it), and a class switch at 35 characters in 100 or more.
LIKELY_B64_MIN_LEN, LIKELY_B64_SLACK, LIKELY_SWITCH_RATIO = 20, 0.6, 0.35

# The detect-secrets plugins used (module, class).
DETECT_SECRETS_PLUGINS = (
    ("aws", "AWSKeyDetector"), ("github_token", "GitHubTokenDetector"),
    ("gitlab_token", "GitLabTokenDetector"), ("slack", "SlackDetector"),
    ("stripe", "StripeDetector"), ("private_key", "PrivateKeyDetector"),
    ("jwt", "JwtTokenDetector"), ("basic_auth", "BasicAuthDetector"),
    ("openai", "OpenAIDetector"), ("pypi_token", "PypiTokenDetector"), ("npm", "NpmDetector"),
    ("sendgrid", "SendGridDetector"), ("discord", "DiscordBotTokenDetector"),
    ("telegram_token", "TelegramBotTokenDetector"), ("square_oauth", "SquareOAuthDetector"),
    ("azure_storage_key", "AzureStorageKeyDetector"), ("mailchimp", "MailchimpDetector"),
    ("twilio", "TwilioKeyDetector"),
)


# The detect-secrets plugins' own patterns (1.5.0), copied so that a string none of them can
# match never imports detect-secrets: (pattern, flags), in DETECT_SECRETS_PLUGINS order.
# tests/spec/test_secrets.py checks they are still exactly the installed plugins' denylists.
_PLUGIN_PATTERNS = (
    (r"(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}", 0),
    (r"aws.{0,20}?(?:key|pwd|pw|password|pass|token).{0,20}?[\'\"]([0-9a-zA-Z/+]{40})[\'\"]",
     re.IGNORECASE),
    (r"(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}", 0),
    (r"(glpat|gldt|glft|glsoat|glrt)-[A-Za-z0-9_\-]{20,50}(?!\w)", 0),
    (r"GR1348941[A-Za-z0-9_\-]{20,50}(?!\w)", 0),
    (r"glcbt-([0-9a-fA-F]{2}_)?[A-Za-z0-9_\-]{20,50}(?!\w)", 0),
    (r"glimt-[A-Za-z0-9_\-]{25}(?!\w)", 0),
    (r"glptt-[A-Za-z0-9_\-]{40}(?!\w)", 0),
    (r"glagent-[A-Za-z0-9_\-]{50,1024}(?!\w)", 0),
    (r"gloas-[A-Za-z0-9_\-]{64}(?!\w)", 0),
    (r"xox(?:a|b|p|o|s|r)-(?:\d+-)+[a-z0-9]+", re.IGNORECASE),
    (r"https://hooks\.slack\.com/services/T[a-zA-Z0-9_]+/B[a-zA-Z0-9_]+/[a-zA-Z0-9_]+",
     re.IGNORECASE | re.VERBOSE),
    (r"(?:r|s)k_live_[0-9a-zA-Z]{24}", 0),
    *((r"BEGIN " + kind, 0) for kind in (
        "DSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "PGP PRIVATE KEY BLOCK",
        "PRIVATE KEY", "RSA PRIVATE KEY", "SSH2 ENCRYPTED PRIVATE KEY")),
    (r"PuTTY-User-Key-File-2", 0),
    (r"eyJ[A-Za-z0-9-_=]+\.[A-Za-z0-9-_=]+\.?[A-Za-z0-9-_.+/=]*?", 0),
    (r"://[^:/\?\#\[\]@!\$\&'\(\)\*\+,;=\s]+:([^:/\?\#\[\]@!\$\&'\(\)\*\+,;=\s]+)@", 0),
    (r"sk-[A-Za-z0-9-_]*[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", 0),
    (r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9-_]{70,}", 0),
    (r"pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9-_]{70,}", 0),
    (r"\/\/.+\/:_authToken=\s*((npm_.+)|([A-Fa-f0-9-]{36})).*", 0),
    (r"SG\.[a-zA-Z0-9_-]{22}\.[a-zA-Z0-9_-]{43}", 0),
    (r"[MNO][a-zA-Z\d_-]{23,25}\.[a-zA-Z\d_-]{6}\.[a-zA-Z\d_-]{27}", 0),
    (r"\d{8,10}:[0-9A-Za-z_-]{35}", 0),
    (r"sq0csp-[0-9A-Za-z\\\-_]{43}", 0),
    (r"AccountKey=[a-zA-Z0-9+\/=]{88}", 0),
    (r"[0-9a-z]{32}-us[0-9]{1,2}", 0),
    (r"AC[a-z0-9]{32}", 0),
    (r"SK[a-z0-9]{32}", 0),
)


def _scoped(pattern: str, flags: int) -> str:
    inline = ("i" if flags & re.IGNORECASE else "") + ("x" if flags & re.VERBOSE else "")
    return f"(?{inline}:{pattern})" if inline else f"(?:{pattern})"


@lru_cache(maxsize=1)
def _plugin_candidate() -> re.Pattern:
    """One regex that matches wherever any of :data:`_PLUGIN_PATTERNS` does."""
    return re.compile("|".join(_scoped(p, f) for p, f in _PLUGIN_PATTERNS))


# detect-secrets' high-entropy alphabets (Base64HighEntropyString, HexHighEntropyString).
_B64_CHARSET = string.ascii_letters + string.digits + "+/" + "\\-_" + "="
_HEX_CHARSET = string.hexdigits


def _shannon(data: str, charset: str) -> float:
    """detect-secrets' ``calculate_shannon_entropy``, the same operations in the same order (so
    the same float), without its import."""
    if not data:
        return 0
    entropy = 0.0
    for x in charset:
        p_x = float(data.count(x)) / len(data)
        if p_x > 0:
            entropy += - p_x * math.log(p_x, 2)
    return entropy


def _hex_entropy(data: str) -> float:
    """HexHighEntropyString's entropy: all-digit strings are lowered, as there."""
    entropy = _shannon(data, _HEX_CHARSET)
    if len(data) == 1:
        return entropy
    try:
        int(data)
        entropy -= 1.2 / math.log(len(data), 2)
    except ValueError:
        pass
    return entropy


@dataclass(frozen=True)
class _Library:
    regex_plugins: tuple
    is_sequential: Any
    is_templated: Any


@lru_cache(maxsize=1)
def _library() -> _Library:
    """detect-secrets, imported on first use (it pulls in requests: ~90 ms)."""
    import importlib

    from detect_secrets.filters.heuristic import is_sequential_string, is_templated_secret

    plugins = tuple(getattr(importlib.import_module(f"detect_secrets.plugins.{module}"), name)()
                    for module, name in DETECT_SECRETS_PLUGINS)
    return _Library(plugins, is_sequential_string, is_templated_secret)


def is_reference(value: str) -> bool:
    """An SSM or Secrets Manager reference, or a template: a pointer, not a secret."""
    value = value.strip()
    return bool(_REFERENCE.fullmatch(value) or _TEMPLATE.fullmatch(value))


def entropy(text: str, alphabet: str = "base64") -> float:
    """detect-secrets' Shannon entropy of ``text`` over its base64 or hex alphabet."""
    return _shannon(text, _B64_CHARSET) if alphabet == "base64" else _hex_entropy(text)


def _high_entropy(text: str, likely: bool) -> Iterator[tuple[str, str]]:
    # Entropy first (computed here): only a run above the threshold is a candidate, and only a
    # candidate asks detect-secrets whether it is a sequence (abcdef..., 0123...).
    slashes = "://" in text or text.startswith(("/", "arn:"))
    clean = _UUID.sub(" ", text)
    for match in _HEX_RUN.finditer(clean):
        run = match.group()
        if _hex_entropy(run) > HEX_LIMIT and not _library().is_sequential(run):
            yield "high-entropy hex string", run
    for match in (_B64_RUN_NO_SLASH if slashes else _B64_RUN).finditer(clean):
        run = match.group().strip("=")
        if len(run) < LIKELY_B64_MIN_LEN or re.fullmatch(r"[0-9a-fA-F]+", run):
            continue
        bits = _shannon(run, _B64_CHARSET)
        if ((len(run) >= B64_MIN_LEN and bits > B64_LIMIT) or
                (likely and _random_looking(run, bits))) and not _library().is_sequential(run):
            yield "high-entropy string", run


def _char_class(char: str) -> int:
    return 0 if char.islower() else 1 if char.isupper() else 2 if char.isdigit() else 3


def _random_looking(run: str, bits: float) -> bool:
    """Where a secret is likely: close to the most entropy its length allows, a letter and a
    digit, and classes (lower, upper, digit, symbol) switching often, as random text does and
    CamelCaseWords2024 do not."""
    if len(run) < LIKELY_B64_MIN_LEN or not re.search(r"[0-9]", run) or \
            not re.search(r"[A-Za-z]", run):
        return False
    switches = sum(_char_class(a) != _char_class(b) for a, b in zip(run, run[1:]))
    return bits >= math.log2(min(len(run), 64)) - LIKELY_B64_SLACK and \
        switches / (len(run) - 1) >= LIKELY_SWITCH_RATIO


def scan_string(text: str, *, likely: bool = False) -> list[tuple[str, str]]:
    """Secret-shaped parts of one string: ``[(kind, secret)]``. ``likely``: a place where a
    secret is likely (an env value), scanned for entropy with a lower threshold."""
    return list(_scan_string(text, likely))


# Keys and many values repeat within a spec and across the specs of one `s0c lint` call; the
# answer depends on the string alone. Bounded by what was read: a spec is at most 256 KiB.
@lru_cache(maxsize=16_384)
def _scan_string(text: str, likely: bool) -> tuple[tuple[str, str], ...]:
    if not text or is_reference(text):
        return ()
    found: list[tuple[str, str]] = []
    if _plugin_candidate().search(text):  # else no detect-secrets plugin can match
        for plugin in _library().regex_plugins:
            if plugin.secret_type == "Private Key":
                if any(True for _ in plugin.analyze_string(text)):
                    found.append(("private key", text))
                continue
            # analyze_string yields a pattern's first group: the password of basic auth, but
            # only "ghp" of a GitHub token. A group that short is a prefix: the whole match
            # is the secret (its masked form and its kind are then the token's).
            for secret in plugin.analyze_string(text):
                if secret and len(secret) < 8:
                    secret = next((m.group() for pattern in plugin.denylist
                                   for m in pattern.finditer(text) if secret in m.group()),
                                  secret)
                if secret:
                    found.append((plugin.secret_type, secret))
    found += [("GitHub Token", m.group()) for m in _GITHUB_PAT.finditer(text)]
    for match in _URL_USERINFO.finditer(text):
        user, _, password = match.group(1).partition(":")
        if password and not is_reference(password):
            found.append(("password in a URL", password))
        elif not password and (scan_string(user, likely=True) or len(user) >= 32):
            found.append(("token in a URL", user))
    for match in _ASSIGNMENT.finditer(text):
        name, value = match.groups()
        if not re.search(r"[A-Za-z0-9]", value) or is_reference(value):
            continue
        hits = [(f"'{name}' parameter", value)] if secret_key(name) else \
            list(_high_entropy(value, likely=True))
        if hits and not _library().is_templated(value):  # {x}, <x>, ${x}: a placeholder
            found += hits
    for match in _AUTH_SCHEME.finditer(text):
        if not match.group(1).isalpha():
            found.append(("authorization credentials", match.group(1)))
    found += _high_entropy(text, likely)
    # One finding per secret: the longest, first-found kind.
    out: list[tuple[str, str]] = []
    # A named detector beats "high-entropy string" for the same text.
    for kind, secret in sorted(found, key=lambda item: (-len(item[1]),
                                                        item[0] == "high-entropy string")):
        if not any(secret in other for _, other in out):
            out.append((kind, secret))
    return tuple(out)


def mask(secret: str, kind: str = "") -> str:
    """A form that tells which secret without repeating it: 'ghp_…(40 chars)'."""
    if kind == "private key":
        return f"({len(secret)} chars)"
    if len(secret) >= 16:
        head = "".join(c if c.isprintable() and not c.isspace() else "?" for c in secret[:4])
        return f"{head}…({len(secret)} chars)"
    return f"({len(secret)} chars)"


# --- the document ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Hit:
    path: SpecPath
    on_key: bool
    kind: str
    secret: str
    key: str | None = None    # the secret-named key, for key-name hits


def _plain_scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip() and not is_reference(value):
        return value
    return None


def _is_app_map(path: SpecPath, name: str) -> bool:
    return len(path) == 3 and path[0] == "apps" and isinstance(path[1], int) and path[2] == name


def _walk(data: Any, path: SpecPath, hits: list[Hit], named: str | None) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            key_path = path + (key,)
            if isinstance(key, str):
                for kind, secret in scan_string(key):
                    hits.append(Hit(key_path, True, kind, secret))
            if path and path[-1] == "secrets":     # references: the value is checked below
                text = _plain_scalar(value)
                if text is not None and not text.startswith(("ssm:", "secretsmanager:")):
                    hits.append(Hit(key_path, False, "plaintext value under secrets:", text))
                    continue
                _walk(value, key_path, hits, None)
                continue
            if isinstance(key, str) and secret_key(key) and not (
                    key == "secrets" and isinstance(value, dict)):
                _walk(value, key_path, hits, key)
            else:
                _walk(value, key_path, hits, None)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _walk(item, path + (index,), hits, named)
    else:
        if named is not None:
            text = _plain_scalar(data)
            if text is not None:
                hits.append(Hit(path, True, "secret-named key", text, key=named))
                return
        if isinstance(data, str):
            likely = len(path) == 4 and _is_app_map(path[:3], "env")
            for kind, secret in scan_string(data, likely=likely):
                hits.append(Hit(path, False, kind, secret))


def scan(data: Any) -> list[Hit]:
    """Every plaintext secret in a raw document, before any suppression."""
    hits: list[Hit] = []
    _walk(data, (), hits, None)
    return hits


def _masked_path(path: SpecPath, secret_keys: set[str]) -> SpecPath:
    return tuple(mask(p) if isinstance(p, str) and p in secret_keys else p for p in path)


def _suppressed_paths(data: Any, today: datetime.date) -> set[str]:
    """The dotted paths that the document's live S0C-SECRET suppressions name."""
    policies = data.get("policies") if isinstance(data, dict) else None
    entries = policies.get("suppress") if isinstance(policies, dict) else None
    mode = data.get("mode", "development") if isinstance(data, dict) else None
    out: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("rule") != RULE:
            continue
        resource, reason = entry.get("resource"), entry.get("reason")
        if not isinstance(resource, str) or not isinstance(reason, str) or len(reason) < 8:
            continue
        expires, modes = entry.get("expires"), entry.get("modes")
        if expires is not None:
            try:
                if datetime.date.fromisoformat(str(expires)) < today:
                    continue
            except ValueError:
                continue
        if modes is not None and (not isinstance(modes, list) or mode not in modes):
            continue
        out.add(resource)
    return out


def _message(hit: Hit, where: str) -> str:
    how = (" A false positive is accepted with policies.suppress: {rule: S0C-SECRET,"
           f" resource: '{where}', reason: ...}}.")
    if hit.key is not None:
        return (f"plaintext secret '{mask(hit.key) if scan_string(hit.key) else hit.key}'"
                f" ({mask(hit.secret)}) is not allowed in the spec: the database password is"
                " managed by RDS in Secrets Manager, and app secrets go under the app's"
                " 'secrets:' as ssm:/path or secretsmanager:name references." + how)
    if hit.kind == "plaintext value under secrets:":
        return (f"plaintext secret ({mask(hit.secret)}) under secrets: give a reference,"
                " ssm:/path or secretsmanager:name, and store the value there." + how)
    return (f"plaintext secret in the spec: {hit.kind} ({mask(hit.secret, hit.kind)}) at {where};"
            " store it in SSM Parameter Store or Secrets Manager and reference it from the"
            " app's 'secrets:' (ssm:/path or secretsmanager:name)." + how)


def find_plaintext_secrets(data: Any, source: Any = None,
                           today: datetime.date | None = None) -> list[Diagnostic]:
    """S0C-SECRET errors for every unsuppressed secret in a raw document.

    With ``source`` (the document's SourceMap) each error carries its position, so a path whose
    keys are themselves secrets can be masked without losing the line and column.
    """
    hits = scan(data)
    if not hits:
        return []
    suppressed = _suppressed_paths(data, today or datetime.date.today())
    secret_keys = {h.path[-1] for h in hits if h.on_key and h.key is None}
    out: list[Diagnostic] = []
    seen: set[tuple] = set()
    for hit in hits:
        real = dotted(hit.path)
        masked_path = _masked_path(hit.path, secret_keys)
        where = dotted(masked_path)
        if real in suppressed or where in suppressed:
            continue
        if (where, hit.kind, mask(hit.secret, hit.kind)) in seen:
            continue
        seen.add((where, hit.kind, mask(hit.secret, hit.kind)))
        position: Position | None = None
        if source is not None:
            position = source.locate(hit.path, on_key=hit.on_key)
        out.append(error(RULE, _message(hit, where), masked_path, on_key=hit.on_key,
                         position=position))
    return out


# --- other messages --------------------------------------------------------------------------

def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def secret_bearing(path: SpecPath) -> bool:
    """A path whose value is a secret or a secret's reference: masked in every message."""
    return any(p == "secrets" for p in path) or any(
        isinstance(p, str) and secret_key(p) for p in path)


def redact(message: str, value: Any, path: SpecPath = ()) -> str:
    """``message`` with every secret it echoes from ``value`` or ``path`` masked.

    For messages that repeat spec values (pydantic's "'x' is not a valid ...", "got [...]"):
    a string is masked when it holds a secret, or always on a secret-bearing path (an app's
    ``secrets:``, a secret-named key)."""
    always = secret_bearing(path)
    values = set(_strings(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        values.add(str(value))
    candidates: set[tuple[str, str]] = set()
    for text in values | {p for p in path if isinstance(p, str)}:
        found = scan_string(text) if text else []
        if found or (always and text and text in values):
            candidates.add((text, mask(text)))
        candidates |= {(secret, mask(secret, kind)) for kind, secret in found}
    for text, masked in sorted(candidates, key=lambda item: -len(item[0])):
        message = message.replace(repr(text), repr(masked))
        if len(text) >= 4:
            message = message.replace(repr(text)[1:-1], masked).replace(text, masked)
    return message
