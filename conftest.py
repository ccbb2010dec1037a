"""pytest at the repository root: tests/ and the nbval run of solutions/.

Smoke mode unless the caller chose another, so that a plain ``pytest`` (like
``make test``) runs every notebook at its smoke size; the notebook kernels
inherit the variable.
"""

import os

import pytest

os.environ.setdefault("LSTM_COURSE_MODE", "smoke")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The longest files first: those with ``slow`` tests (servers, graders,
    browsers), then the notebooks, then the rest, each file's tests kept
    together and in their order. Under ``make test``'s workers (xdist,
    ``--dist loadfile --no-loadscope-reorder``) a long file then never
    starts last while the other workers sit idle; run in one process, the
    order changes nothing else."""
    cost: dict = {}
    for item in items:
        rank = 0 if item.get_closest_marker("slow") else \
            1 if item.path.suffix == ".ipynb" else 2
        cost[item.path] = min(rank, cost.get(item.path, rank))
    order = {path: i for i, path in enumerate(cost)}
    items.sort(key=lambda item: (cost[item.path], order[item.path]))
