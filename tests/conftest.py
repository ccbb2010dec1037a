import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

if os.environ.get("KERAS_BACKEND") == "jax":
    # The float64 tests need real float64 arrays: without x64, JAX silently
    # computes them in float32 (see also tests.helpers.FLOAT64_TANH).
    import jax

    jax.config.update("jax_enable_x64", True)


@pytest.fixture
def repo_root():
    return REPO


def pytest_collection_modifyitems(items):
    """Under `make mutation`, run a mutant's tests fastest first: mutmut
    stops at the first failure, so a quick test that kills it spares the
    slow ones (mutmut passes the tests in no particular order)."""
    mutant = os.environ.get("MUTANT_UNDER_TEST", "")
    stats = Path("mutmut-stats.json")  # mutmut runs the tests in mutants/
    if "__mutmut_" not in mutant or not stats.exists():
        return
    import json

    duration = json.loads(stats.read_text())["duration_by_test"]
    items.sort(key=lambda item: duration.get(item.nodeid, float("inf")))
