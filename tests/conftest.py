from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

settings.register_profile("ci", derandomize=True, deadline=None, max_examples=60,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=40,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true",
                     help="rewrite tests/golden/*/expected from the current compiler")


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture(scope="session")
def poc_path() -> Path:
    return EXAMPLES / "poc.yaml"


@pytest.fixture(scope="session")
def moto_server():
    """One moto server on 127.0.0.1 (a free port) for the whole run; tests reset it."""
    from tests.aws import MotoServer

    server = MotoServer().start()
    yield server
    server.stop()


@pytest.fixture
def aws(moto_server, monkeypatch: pytest.MonkeyPatch):
    """The moto server, emptied, with dummy credentials in the environment."""
    from tests.aws import CREDENTIALS

    moto_server.reset()
    for key, value in CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    return moto_server
