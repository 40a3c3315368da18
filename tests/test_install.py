"""Reproducible installs: requirements.lock pins every dependency pyproject.toml names, each with
its hashes, and `make test` installed exactly those versions."""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _locked() -> dict[str, tuple[str, int]]:
    """Each pinned package of the lock: its version and how many hashes it carries."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if match := PIN.match(line):
            name = canonicalize_name(match.group(1))
            pins[name] = (match.group(2), 0)
        elif name and line.strip().startswith("--hash=sha256:"):
            pinned, hashes = pins[name]
            pins[name] = (pinned, hashes + 1)
    return pins


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["dev"]]]


def test_the_lock_pins_every_declared_dependency_within_its_range_with_hashes():
    locked = _locked()
    for requirement in _declared():
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{requirement.name} is not in requirements.lock: run make lock"
        pinned, hashes = locked[name]
        assert requirement.specifier.contains(pinned, prereleases=True), (
            f"{requirement.name}=={pinned} is outside {requirement.specifier}: run make lock"
        )
        assert hashes >= 1, f"{requirement.name} has no hash in requirements.lock"
    assert all(hashes for _, hashes in locked.values()), "every locked package carries its hashes"


def test_the_installed_versions_are_the_locked_ones():
    wrong = {}
    for name, (pinned, _) in _locked().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            wrong[name] = (pinned, None)
            continue
        if installed != pinned:
            wrong[name] = (pinned, installed)
    assert not wrong, f"installed versions differ from requirements.lock (pinned, installed): {wrong}"
