"""Session fixtures: the streams every test reads, generated once by the real tools."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))  # the package, uninstalled

import streams  # noqa: E402


@pytest.fixture(scope="session")
def paths(tmp_path_factory):
    bin_dir = streams.find_bin()
    if not os.path.exists(os.path.join(bin_dir, "schema-migrate")):
        if os.environ.get("SLUICE_BIN"):
            pytest.fail(f"SLUICE_BIN={bin_dir} has no schema-migrate")
        pytest.skip(f"no Sluice binaries in {bin_dir} (run `make debug` or set SLUICE_BIN)")
    return streams.make_all(str(tmp_path_factory.mktemp("streams")), bin_dir)
