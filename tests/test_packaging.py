"""The user's top-level folders install under the one `s0c` namespace, editable and normal."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_folder_is_listed() -> None:
    config = _config()
    mapping = config["package-dir"]
    on_disk = set()
    for package, folder in mapping.items():
        for path in (ROOT / folder).rglob("__init__.py"):
            relative = path.parent.relative_to(ROOT / folder)
            on_disk.add(".".join([package, *relative.parts]))
    assert set(config["packages"]) == on_disk
    assert all(name.startswith("s0c.") for name in config["packages"])


def test_editable_install_imports_the_checkout() -> None:
    import s0c.backends.terraform
    import s0c.spec

    assert Path(s0c.spec.__file__).resolve() == ROOT / "spec" / "__init__.py"
    assert s0c.backends.terraform.__name__ == "s0c.backends.terraform"


@pytest.mark.slow
def test_wheel_installs_and_imports(tmp_path: Path) -> None:
    """A normal (non-editable) install: build the wheel, unpack it, import from it alone."""
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                           "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("s0c-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"s0c"}
    assert "s0c/backends/data/aws_provider_v6.json" in names
    assert "s0c/compiler/templates/user_data.sh.j2" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # The wheel's own dist-info comes first on the path, so its entry points are the ones used.
    code = ("import s0c.spec, s0c.compiler.pipeline as p, s0c.backends.terraform as t, s0c.cli.main;"
            "print(s0c.spec.__file__);"
            f"r = p.compile_spec({str(ROOT / 'examples' / 'poc.yaml')!r}, 'terraform');"
            "print(len(r.files), r.ok, t.__file__)")
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(str(site)), lines
    count, ok, backend = lines[1].split()
    assert (count, ok) == ("12", "True") and backend.startswith(str(site))
