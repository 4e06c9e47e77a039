"""The locks agree with the readable top-level lists (``bash scripts/lock.sh`` writes them).

Both README commands install from a lock, so a pin added to requirements*.txt without relocking
would silently not be installed, and a lock edited by hand could pull in an unpinned package.
The dependency graph comes from the installed packages' metadata: the test environment was
installed from the development lock, so it holds every locked version.
"""
from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
RELOCK = "run `bash scripts/lock.sh` and commit the .lock files"
LOCK_ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def top_level(name: str) -> list[Requirement]:
    """The requirements a top-level list names, following its ``-r`` includes."""
    found = []
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            found += top_level(line[3:].strip())
        elif line and not line.startswith("-"):
            found.append(Requirement(line))
    return found


def lock(name: str) -> dict[str, tuple[str, int]]:
    """canonical name → (version, number of sha256 hashes) of every package in a lock."""
    entries: dict[str, tuple[str, int]] = {}
    current = None
    for line in (ROOT / name).read_text().splitlines():
        match = LOCK_ENTRY.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            entries[current] = (match.group(2), 0)
        elif current and HASH.search(line):
            version, hashes = entries[current]
            entries[current] = (version, hashes + 1)
        elif not line.startswith(" "):
            current = None
    return entries


def needed_by(requirement: Requirement, extras: frozenset[str]) -> list[Requirement]:
    """What an installed distribution requires here (this Python, this platform, these extras)."""
    needed = []
    for raw in metadata.requires(requirement.name) or []:
        dependency = Requirement(raw)
        if dependency.marker is None:
            needed.append(dependency)
        elif any(dependency.marker.evaluate({"extra": extra}) for extra in (extras or {""})):
            needed.append(dependency)
    return needed


def closure(roots: list[Requirement]) -> set[str]:
    """Every package the roots pull in, through installed metadata, extras included."""
    seen: dict[str, frozenset[str]] = {}
    pending = list(roots)
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        extras = frozenset(requirement.extras) | seen.get(name, frozenset())
        if name in seen and extras == seen[name]:
            continue
        seen[name] = extras
        pending += needed_by(requirement, extras)
    return set(seen)


LISTS = [("requirements.txt", "requirements.lock"), ("requirements-dev.txt", "requirements-dev.lock")]


@pytest.mark.parametrize("listed, locked", LISTS)
def test_every_top_level_pin_is_locked_at_its_version(listed, locked):
    entries = lock(locked)
    for requirement in top_level(listed):
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement} is in {listed} but not in {locked}: {RELOCK}"
        assert requirement.specifier.contains(entries[name][0], prereleases=True), (
            f"{listed} pins {requirement} but {locked} has {entries[name][0]}: {RELOCK}")


@pytest.mark.parametrize("listed, locked", LISTS)
def test_the_lock_holds_exactly_what_the_top_level_list_pulls_in(listed, locked):
    wanted = closure(top_level(listed))
    entries = set(lock(locked))
    assert not wanted - entries, f"pulled in but not locked: {sorted(wanted - entries)}: {RELOCK}"
    assert not entries - wanted, f"locked but pulled in by nothing: {sorted(entries - wanted)}: {RELOCK}"


@pytest.mark.parametrize("locked", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_carries_hashes(locked):
    unhashed = [name for name, (_, hashes) in lock(locked).items() if hashes == 0]
    assert not unhashed, f"{locked} has packages without hashes: {unhashed}"


def test_runtime_and_development_locks_agree_on_shared_packages():
    runtime, development = lock("requirements.lock"), lock("requirements-dev.lock")
    differing = {name: (version, development.get(name, (None,))[0])
                 for name, (version, _) in runtime.items() if development.get(name, (None,))[0] != version}
    assert not differing, f"runtime vs development lock: {differing}: {RELOCK}"


def test_the_check_notices_a_pin_missing_from_the_lock(tmp_path, monkeypatch):
    """The checks above read the files they are given: a list with an unlocked pin fails them."""
    import tests.app.test_requirements_lock as module

    (tmp_path / "requirements.txt").write_text((ROOT / "requirements.txt").read_text() + "tabulate==0.9.0\n")
    (tmp_path / "requirements.lock").write_text((ROOT / "requirements.lock").read_text())
    monkeypatch.setattr(module, "ROOT", tmp_path)
    with pytest.raises(AssertionError, match="tabulate==0.9.0 is in requirements.txt but not in"):
        test_every_top_level_pin_is_locked_at_its_version("requirements.txt", "requirements.lock")
