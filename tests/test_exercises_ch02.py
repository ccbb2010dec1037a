"""Chapter 02's registry entries: the usual wrong answers lose the points of
the sub-check that names the mistake, and keep the others."""

import numpy as np
import pytest

from lstm_course.exercises import evaluate, get


def failed(result):
    return [sub.name for sub in result.subchecks if not sub.passed]


def test_step_jacobian_without_the_transpose_fails():
    result = evaluate(get("ch02.step_jacobian"),
                      lambda h, w: (1 - h**2)[:, :, None] * w[None])
    assert result.score == 0 and "W_hh.T" in result.subchecks[0].hint


def test_step_jacobian_with_the_derivative_on_the_wrong_side():
    def right_side(h, w):  # W^T diag(f'): columns scaled instead of rows
        return w.T[None] * (1 - h**2)[:, None, :]

    assert evaluate(get("ch02.step_jacobian"), right_side).score == 0


def test_jacobian_product_in_the_wrong_order_keeps_only_the_one_step_case():
    def wrong_order(jacobians):
        product = np.tile(np.eye(jacobians.shape[2]),
                          (jacobians.shape[0], 1, 1))
        for t in range(jacobians.shape[1]):
            product = product @ jacobians[:, t]
        return product

    result = evaluate(get("ch02.jacobian_product"), wrong_order)
    assert failed(result) == ["four steps, in the right order"]
    assert result.status == "partial"


def test_jacobian_product_starting_from_the_first_step_fails_on_no_steps():
    def from_first(jacobians):
        product = jacobians[:, 0]
        for t in range(1, jacobians.shape[1]):
            product = jacobians[:, t] @ product
        return product

    result = evaluate(get("ch02.jacobian_product"), from_first)
    assert failed(result) == ["no steps: the identity"]
    assert "IndexError" in result.subchecks[2].message


@pytest.mark.parametrize("norm", [
    lambda w: np.abs(np.linalg.eigvals(w)).max(),  # spectral radius
    lambda w: np.abs(w).max(),                     # largest entry
    lambda w: np.linalg.norm(w),                   # Frobenius
])
def test_error_flow_bound_needs_the_largest_singular_value(norm):
    result = evaluate(get("ch02.error_flow_bound"),
                      lambda w, gamma, lags: (norm(w) * gamma) ** lags)
    assert "the largest singular value, not an eigenvalue" in failed(result)


def test_error_flow_bound_that_forgets_gamma():
    result = evaluate(get("ch02.error_flow_bound"),
                      lambda w, gamma, lags: np.linalg.norm(w, 2) ** lags)
    assert failed(result) == ["sigmoid units: gamma = 1/4"]


def test_per_variable_clipping_is_not_global_clipping():
    def per_variable(grads, threshold):
        return [g * min(1.0, threshold / max(np.linalg.norm(g), 1e-300))
                for g in grads]

    result = evaluate(get("ch02.clip_gradient_norm"), per_variable)
    assert "a large gradient: global norm capped, direction kept" \
        in failed(result)


def test_clipping_in_place_and_dividing_by_zero_lose_their_sub_checks():
    def in_place(grads, threshold):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        if norm >= threshold:
            for g in grads:
                g *= threshold / norm
        return grads

    result = evaluate(get("ch02.clip_gradient_norm"), in_place)
    assert failed(result) == ["the gradients passed in are not changed"]

    def always_divides(grads, threshold):
        norm = np.sqrt(sum(np.sum(g**2) for g in grads))
        with np.errstate(invalid="ignore"):
            return [g / norm * min(norm, threshold) for g in grads]

    result = evaluate(get("ch02.clip_gradient_norm"), always_divides)
    assert failed(result) == ["a zero gradient stays zero (no NaN)"]
    assert "non-finite" in result.subchecks[-1].message


def test_clipping_that_returns_one_array_is_told_what_is_expected():
    result = evaluate(get("ch02.clip_gradient_norm"),
                      lambda grads, threshold: np.concatenate(
                          [g.ravel() for g in grads]))
    assert result.score == 0
    assert "must return a list with one array per gradient (3)" \
        in result.message
