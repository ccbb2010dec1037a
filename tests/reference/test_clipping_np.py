import numpy as np
import pytest

from lstm_course.reference.clipping_np import clip_by_global_norm, global_norm


def grads(rng, scale):
    return [scale * rng.normal(size=(3, 4)), scale * rng.normal(size=(4,))]


def test_clipping_caps_the_norm_and_keeps_the_direction():
    rng = np.random.default_rng(0)
    for _ in range(50):
        before = grads(rng, rng.uniform(0.1, 100))
        threshold = rng.uniform(0.1, 10)
        after = clip_by_global_norm(before, threshold)
        assert global_norm(after) <= threshold * (1 + 1e-12)
        flat_before = np.concatenate([g.ravel() for g in before])
        flat_after = np.concatenate([g.ravel() for g in after])
        cosine = flat_before @ flat_after / (np.linalg.norm(flat_before)
                                             * np.linalg.norm(flat_after))
        assert cosine == pytest.approx(1.0)
        if global_norm(before) >= threshold:
            assert global_norm(after) == pytest.approx(threshold)
        else:
            for a, b in zip(before, after):
                np.testing.assert_array_equal(a, b)


def test_clipping_leaves_a_zero_gradient_and_its_inputs_alone():
    zero = [np.zeros((2, 2)), np.zeros(3)]
    for g in clip_by_global_norm(zero, 1.0):
        assert np.all(g == 0)
    big = grads(np.random.default_rng(1), 50.0)
    copies = [g.copy() for g in big]
    clip_by_global_norm(big, 1.0)
    for a, b in zip(big, copies):
        np.testing.assert_array_equal(a, b)


def test_global_norm_is_over_all_arrays():
    assert global_norm([np.array([3.0]), np.array([[4.0]])]) == 5.0


@pytest.mark.parametrize("threshold", [0.0, -1.0, float("inf"), float("nan")])
def test_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold"):
        clip_by_global_norm([np.ones(2)], threshold)


def test_norms_in_float64_where_float32_would_overflow():
    big = [np.full(2, 3e20, np.float32), np.full(2, 4e20, np.float32)]
    assert global_norm(big) == pytest.approx(np.sqrt(50) * 1e20, rel=1e-7)
    grads = [np.float32(0.1), np.float32(0.2)]
    clipped = clip_by_global_norm(grads, 0.1)
    as_float64 = np.array(grads, np.float64)
    assert all(g.dtype == np.float64 for g in clipped)
    np.testing.assert_allclose(
        clipped, as_float64 * 0.1 / np.linalg.norm(as_float64), rtol=1e-15)
