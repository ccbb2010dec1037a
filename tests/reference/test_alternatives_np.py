"""Chapter 06's NumPy references against the Keras layers they explain:
attention against ``keras.layers.MultiHeadAttention`` with identity
projections, the dilated causal convolution against ``Conv1D``, DLinear's
decomposition against the package's ``moving_average``."""

import keras
import numpy as np
import pytest

from lstm_course.models.ltsf_linear import moving_average
from lstm_course.reference import attention_np, ltsf_np, tcn_np


def test_causal_attention_equals_keras_one_head_with_identity_projections():
    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 7, 4)).astype("float32") for _ in "qkv")
    layer = keras.layers.MultiHeadAttention(1, 4)
    layer(q, v, k)
    eye = np.eye(4, dtype="float32")
    for dense in (layer.query_dense, layer.key_dense, layer.value_dense):
        dense.kernel.assign(eye[:, None, :])
        dense.bias.assign(np.zeros((1, 4), "float32"))
    layer.output_dense.kernel.assign(eye[None])
    layer.output_dense.bias.assign(np.zeros(4, "float32"))
    expected = keras.ops.convert_to_numpy(layer(q, v, k,
                                                use_causal_mask=True))
    np.testing.assert_allclose(attention_np.causal_attention(q, k, v),
                               expected, atol=1e-5)


def test_causal_attention_never_looks_ahead():
    rng = np.random.default_rng(1)
    q, k, v = (rng.normal(size=(1, 6, 3)) for _ in "qkv")
    before = attention_np.causal_attention(q, k, v)
    k[:, 4:], v[:, 4:] = 9.0, -9.0
    after = attention_np.causal_attention(q, k, v)
    np.testing.assert_array_equal(before[:, :4], after[:, :4])
    assert not np.allclose(before[:, 4:], after[:, 4:])
    np.testing.assert_allclose(after[:, 0], v[:, 0])


@pytest.mark.parametrize("taps, dilation", [(2, 1), (3, 4), (4, 3)])
def test_dilated_causal_conv_equals_keras_conv1d(taps, dilation):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 11, 3)).astype("float32")
    kernel = rng.normal(size=(taps, 3, 5)).astype("float32")
    conv = keras.layers.Conv1D(5, taps, padding="causal",
                               dilation_rate=dilation, use_bias=False)
    conv.build(x.shape)
    conv.kernel.assign(kernel)
    np.testing.assert_allclose(tcn_np.dilated_causal_conv(x, kernel, dilation),
                               keras.ops.convert_to_numpy(conv(x)),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("length, kernel_size", [(30, 5), (8, 25), (1, 3)])
def test_decomposition_equals_moving_average_and_sums_back(length,
                                                           kernel_size):
    x = np.random.default_rng(3).normal(size=(2, length, 3))
    trend, seasonal = ltsf_np.decompose(x, kernel_size)
    np.testing.assert_allclose(
        trend, keras.ops.convert_to_numpy(moving_average(x, kernel_size)),
        atol=1e-12)
    np.testing.assert_allclose(trend + seasonal, x, atol=1e-12)


def test_causal_mask_is_a_boolean_lower_triangle():
    mask = attention_np.causal_mask(3)
    assert mask.dtype == bool
    np.testing.assert_array_equal(mask, [[1, 0, 0], [1, 1, 0], [1, 1, 1]])


def test_the_trend_of_integers_is_not_rounded():
    x = np.array([[[1], [2], [4], [8]]])  # int64
    trend, seasonal = ltsf_np.decompose(x, 3)
    # Edges repeated: (1 + 1 + 2) / 3, (1 + 2 + 4) / 3, ... (4 + 8 + 8) / 3.
    np.testing.assert_array_equal(trend[0, :, 0],
                                  [4 / 3, 7 / 3, 14 / 3, 20 / 3])
    np.testing.assert_array_equal(seasonal[0, :, 0],
                                  [1 - 4 / 3, 2 - 7 / 3, 4 - 14 / 3,
                                   8 - 20 / 3])
