"""The wheel carries every package of the source tree and the shipped data files."""

import tomllib
from pathlib import Path

from tests.conftest import ROOT


def test_every_package_is_listed_for_the_wheel():
    """pyproject lists packages by hand (models/ is mapped in as framing.assets): a new
    subpackage missing from the list would be missing from the wheel."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "framing").rglob("__init__.py")}
    assert set(setuptools["packages"]) == on_disk | {"framing.assets"}
    assert setuptools["package-dir"] == {"framing.assets": "models"}


def test_shipped_files_are_reached_through_the_package():
    from framing import resources

    assert resources.default_model() == ROOT / "models" / "default"
    assert (resources.default_model() / "weights.safetensors").is_file()
    assert resources.default_registry().read_text(encoding="utf-8").startswith(
        (ROOT / "models" / "actors.toml").read_text(encoding="utf-8")[:200])
    assert resources.model_dir("default") == resources.default_model()
    assert resources.model_dir(Path("some/dir")) == Path("some/dir")


def test_every_shipped_model_goes_into_the_wheel():
    """Each model folder under models/ (default, accurate) is package data, found by name."""
    from framing import resources

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    models = {p.parent.name for p in (ROOT / "models").glob("*/config.json")}
    assert {"default", "accurate"} <= models
    assert {f"{name}/*" for name in models} <= set(setuptools["package-data"]["framing.assets"])
    assert all(resources.model_dir(name) == ROOT / "models" / name for name in models)
