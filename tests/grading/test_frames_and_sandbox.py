"""The pieces under the sandboxed grader: the frame format and its limits,
what the scorer accepts as a result, the sandbox's modes, and the calling
conventions' names against the references they must match."""

from __future__ import annotations

import json
import os
import struct
import time

import numpy as np
import pytest

from lstm_course.exercises import all_exercises
from lstm_course.grading import sandbox
from lstm_course.grading.grade import grade
from lstm_course.grading.runner import produced_of
from lstm_course.reference import lstm1997_np, rnn_np
from lstm_course.sandboxed import calls, frames
from tests.grading.test_hostile import OTHER, TARGET, base_notebook, write


def test_a_frame_round_trips_its_header_and_arrays():
    arrays = {"a": np.arange(6.0).reshape(2, 3), "n": np.array(7),
              "mask": np.array([True, False]), "empty": np.zeros((0, 4))}
    header, back = frames.decode(frames.encode({"kind": "x"}, arrays))
    assert header == {"kind": "x"}
    assert list(back) == list(arrays)
    for name, value in arrays.items():
        assert back[name].dtype == value.dtype
        np.testing.assert_array_equal(back[name], value)


def raw(header: dict, payload: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<4sIQ", b"LCF1", len(text), len(payload)) + text \
        + payload


@pytest.mark.parametrize("data", [
    b"",
    b"LCF1",
    struct.pack("<4sIQ", b"NOPE", 2, 0) + b"{}",  # wrong magic
    struct.pack("<4sIQ", b"LCF1", 2, 2**40) + b"{}",  # payload over limit
    struct.pack("<4sIQ", b"LCF1", 2**30, 0),  # header over limit
    raw({"arrays": []})[:-1],  # cut short
    raw({"arrays": []}) + b"x",  # bytes after the frame
    struct.pack("<4sIQ", b"LCF1", 200000, 0) + b"[" * 100000 + b"]" * 100000,
    raw({"arrays": "no"}),
    raw({"arrays": [["a", "<f8", [2]]]}, b"\0" * 8),  # fewer bytes than shape
    raw({"arrays": [["a", "<f8", [1]]]}, b"\0" * 16),  # bytes left over
    raw({"arrays": [["a", "|O", [1]]]}, b"\0" * 8),  # object dtype
    raw({"arrays": [["a", "<f8", [-1]]]}, b"\0" * 8),
    raw({"arrays": [["a", "<f8", [1.0]]]}, b"\0" * 8),
    raw({"arrays": [["a", "<f8", [1] * 9]]}, b"\0" * 8),  # too many dims
    raw({"arrays": [["a", "<f8", [2**40, 2**40]]]}, b"\0" * 8),
    raw([1, 2]),
    struct.pack("<4sIQ", b"LCF1", 2, 0) + b"\xff\xfe",
])
def test_anything_else_is_a_frame_error(data):
    with pytest.raises(frames.FrameError):
        frames.decode(data)


def test_a_reader_stops_at_garbage_and_gives_whole_frames():
    read, write_fd = os.pipe()
    good = frames.encode({"kind": "start"})
    frames.write(write_fd, good + b"GARBAGE!" * 4)
    os.close(write_fd)
    reader = frames.FrameReader(read)
    assert reader.next(deadline=time.monotonic() + 10) == ({"kind": "start"}, {})
    with pytest.raises(frames.FrameError):
        reader.next(deadline=time.monotonic() + 10)
    assert reader.eof
    os.close(read)


CASES = ["one", "two"]


@pytest.mark.parametrize("header, arrays, expected", [
    ({"errors": {"one": None, "two": "it broke"},
      "outputs": {"one": ["h"], "two": []}}, {"0.0": np.ones(3)},
     {"one": {"h": np.ones(3)}, "two": "it broke"}),
    ({"errors": {"one": None, "two": None},
      "outputs": {"one": ["h"], "two": ["h"]}},
     {"0.0": np.ones(3), "1.0": np.ones(3, dtype=np.int64)}, None),
    ({"errors": {"one": None}, "outputs": {"one": ["h"]}},
     {"0.0": np.ones(3)}, None),  # a case missing
    ({"errors": {"two": "x", "one": "y"}, "outputs": {"two": [], "one": []}},
     {}, None),  # cases out of order
    ({"errors": {"one": "x", "two": "y"}, "outputs": {"one": [], "two": []}},
     {"0.0": np.ones(1)}, None),  # an array nobody named
    ({"errors": {"one": 3, "two": "y"}, "outputs": {"one": [], "two": []}},
     {}, None),
    ({"errors": {"one": None, "two": "y"}, "outputs": {"one": [1], "two": []}},
     {"0.0": np.ones(1)}, None),
])
def test_the_scorer_accepts_only_float64_outputs_for_the_cases_it_sent(
        header, arrays, expected):
    got = produced_of(header, arrays, CASES)
    if expected is None:
        assert got is None
        return
    assert got.keys() == expected.keys()
    np.testing.assert_array_equal(got["one"]["h"], expected["one"]["h"])
    assert got["two"] == expected["two"]


def test_required_refuses_to_grade_without_bubblewrap(monkeypatch):
    sandbox.find.cache_clear()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    try:
        with pytest.raises(sandbox.SandboxUnavailable,
                           match="bubblewrap .* is not installed.*--sandbox "
                           "auto"):
            sandbox.find("required")
        weak = sandbox.find("auto")
        assert not weak.isolated
        assert weak.description.startswith("none (bubblewrap (bwrap) is not "
                                           "installed)")
        assert "can read the file system" in weak.description
        with pytest.raises(ValueError, match="one of required, auto, off"):
            sandbox.find("sometimes")
    finally:
        sandbox.find.cache_clear()


def test_the_weaker_mode_still_grades_and_says_so(tmp_path):
    notebook = base_notebook()
    path = write(tmp_path / "student", notebook)
    run = grade([path], seed=2, timeout=60, sandbox=sandbox.find("off"))
    assert run.sandbox.startswith("none (--sandbox off)")
    results = {e.id: e for e in run.submissions[0].exercises}
    assert results[TARGET].passed and results[OTHER].passed


def test_the_sandbox_mounts_no_course_code(sandboxed):
    isolated = sandbox.find("required")
    prefix = list(isolated.prefix)
    sources = {prefix[i + 1] for i, arg in enumerate(prefix)
               if arg == "--ro-bind"}
    package = str(sandbox.PACKAGE)
    repository = str(sandbox.PACKAGE.parent)
    for source in sources - {str(sandbox.SANDBOXED)}:
        assert not (package == source or package.startswith(source + "/")) \
            or "--tmpfs" in prefix[prefix.index(package) - 1:]
        assert source != repository
    assert "--unshare-all" in prefix and "--clearenv" in prefix
    assert prefix[prefix.index("--uid") + 1] == "65534"


def test_calling_conventions_name_what_the_references_name():
    assert calls.RNN_PARAMS == rnn_np.PARAM_NAMES
    assert calls.LSTM1997_PARAMS == lstm1997_np.PARAM_NAMES
    assert calls.LSTM1997_SENSITIVITIES == lstm1997_np.SENSITIVITY_NAMES
    assert set(calls.CALLS) == {e.id for e in all_exercises()}
