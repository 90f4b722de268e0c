"""Session fixtures: the streams every test reads, generated once by the real tools.

By default the tests import the package from python/ (no install needed while editing);
`make test-python` sets SLUICE_TEST_INSTALLED=1 to test the copy pip installed instead.
"""
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
if not os.environ.get("SLUICE_TEST_INSTALLED"):
    sys.path.insert(0, os.path.dirname(HERE))

import sluice  # noqa: E402
import streams  # noqa: E402

if os.environ.get("SLUICE_TEST_INSTALLED") and os.path.dirname(os.path.dirname(sluice.__file__)) == os.path.dirname(HERE):
    raise RuntimeError(f"SLUICE_TEST_INSTALLED is set but sluice comes from the source tree ({sluice.__file__})")


def pytest_report_header(config):
    return f"sluice {sluice.__version__} from {os.path.dirname(sluice.__file__)}; binaries from {streams.find_bin()}"


@pytest.fixture(scope="session")
def paths(tmp_path_factory):
    bin_dir = streams.find_bin()
    if not os.path.exists(os.path.join(bin_dir, "schema-migrate")):
        if os.environ.get("SLUICE_BIN"):
            pytest.fail(f"SLUICE_BIN={bin_dir} has no schema-migrate")
        pytest.skip(f"no Sluice binaries in {bin_dir} (run `make debug` or set SLUICE_BIN)")
    return streams.make_all(str(tmp_path_factory.mktemp("streams")), bin_dir)
