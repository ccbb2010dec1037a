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
