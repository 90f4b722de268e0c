#!/usr/bin/env python3
"""Install the named pip requirements that are not already satisfied.

Used by `make deps`: it asks importlib.metadata first so that a warm machine does not
touch the network, and installs only what is missing or at the wrong version.
"""
import subprocess
import sys
from importlib import metadata


def satisfied(requirement: str) -> bool:
    name, _, version = requirement.partition("==")
    try:
        installed = metadata.version(name)
    except metadata.PackageNotFoundError:
        return False
    return not version or installed == version


def main(requirements: list[str]) -> int:
    missing = [r for r in requirements if not satisfied(r)]
    if not missing:
        return 0
    print("make deps: pip installing " + " ".join(missing), flush=True)
    command = [sys.executable, "-m", "pip", "install", "-q",
               "--disable-pip-version-check", "--root-user-action=ignore", *missing]
    return subprocess.call(command)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
