"""The layers of the code as import contracts (pyproject.toml, [tool.importlinter]).

import-linter builds the import graph of the whole package, lazy imports inside functions
included, and checks each contract against it, indirect chains too. The contracts hold on the
source; each one breaks, alone, when a module that crosses it is added to a copy of the source.
"""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
SOURCE = ROOT / "src" / "saisei"

# import-linter's own entry point, through its Python API (the same across 2.x).
LINT = (
    "import sys, importlinter.api; "
    "from importlinter.application.use_cases import lint_imports; "
    "sys.exit(0 if lint_imports(config_filename=sys.argv[1], cache_dir=None) else 1)"
)


def _contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def _lint(source_root: Path) -> subprocess.CompletedProcess[str]:
    """Check the contracts on the package `saisei` found under `source_root`."""
    env = {
        **os.environ,
        "PYTHONPATH": str(source_root),
        # Wide, plain output: a contract's name and its chains each on one line.
        "COLUMNS": "400",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    return subprocess.run(
        [sys.executable, "-c", LINT, str(PYPROJECT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=source_root,
        timeout=120,
        check=False,
    )


def _verdicts(output: str) -> dict[str, str]:
    """Each contract's KEPT or BROKEN, by id, from the report's summary lines."""
    verdicts = {}
    for contract_id, contract in _contracts().items():
        for line in output.splitlines():
            if line.startswith(contract["name"] + " "):
                verdicts[contract_id] = line.rsplit(" ", 1)[1]
    return verdicts


def test_the_source_keeps_every_import_contract() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _verdicts(result.stdout) == dict.fromkeys(_contracts(), "KEPT"), result.stdout


def test_the_core_contract_names_every_other_package_of_saisei() -> None:
    """A new app is forbidden to core the day it is added (core and the law are below it)."""
    packages = {
        f"saisei.{module.name}"
        for module in pkgutil.iter_modules([str(SOURCE)])
        if not module.name.startswith("_")
    }
    forbidden = set(_contracts()["core"]["forbidden_modules"])
    assert forbidden == packages - {"saisei.core", "saisei.law"}


# Per contract: a module that crosses it (a new file, or a line added to an existing one) and
# the chain the report must name.
PROBES = {
    "law": ("law/_probe.py", "from saisei.core import errors\n", "saisei.law._probe ->"),
    "core": (
        "core/_probe.py",
        "def roles():\n    from saisei.accounts import roles\n\n    return roles\n",
        "saisei.core._probe -> saisei.accounts.roles",
    ),
    "obligations": (
        "obligations/_probe.py",
        "from saisei.registry.models import Institution\n",
        "saisei.obligations._probe -> saisei.registry.models",
    ),
    "registry": (
        "registry/_probe.py",
        "from saisei.plans.lifecycle import PUBLIC_STATUSES\n",
        "saisei.registry._probe -> saisei.plans.lifecycle",
    ),
    "oversight": (
        "reporting/_probe.py",
        "from saisei.oversight.areas import NATION\n",
        "saisei.reporting._probe -> saisei.oversight.areas",
    ),
    "api-mount": (
        "products/api.py",
        "\n\ndef _mounted():\n    from saisei.config.api import api\n\n    return api\n",
        "saisei.products.api -> saisei.config.api",
    ),
}


def _not_python(folder: str, names: list[str]) -> set[str]:
    """Only the Python source: templates, static files, catalogues and data stay behind."""
    return {
        name
        for name in names
        if name == "__pycache__" or (not name.endswith(".py") and not Path(folder, name).is_dir())
    }


def test_every_contract_has_a_probe() -> None:
    assert set(PROBES) == set(_contracts())


@pytest.mark.parametrize("contract_id", sorted(PROBES))
def test_a_module_that_crosses_a_contract_breaks_it_alone(contract_id: str, tmp_path: Path) -> None:
    copy = tmp_path / "src" / "saisei"
    shutil.copytree(SOURCE, copy, ignore=_not_python)
    path, code, chain = PROBES[contract_id]
    with (copy / path).open("a", encoding="utf-8") as probe:
        probe.write(code)
    result = _lint(tmp_path / "src")
    assert result.returncode == 1, result.stdout + result.stderr
    expected = dict.fromkeys(_contracts(), "KEPT") | {contract_id: "BROKEN"}
    assert _verdicts(result.stdout) == expected, result.stdout
    assert chain in result.stdout, result.stdout
