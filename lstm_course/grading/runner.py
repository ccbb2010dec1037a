"""The scorer's side of a grading run: draw inputs, start a worker, read
its frames, score what came back. Student code never runs in this process,
and nothing it sends is unpickled or evaluated: a frame is a JSON header
and ``.npz`` arrays loaded with ``allow_pickle=False``; a frame without
this run's nonce, for another exercise, or malformed counts as no result.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import select
import signal
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from lstm_course.exercises.registry import (
    Exercise,
    ExerciseResult,
    draw_inputs,
    score,
)
from lstm_course.grading import policy

SAFE_ENV = ("PATH", "LANG", "LC_ALL", "KERAS_BACKEND", "PYTHONPATH",
            "VIRTUAL_ENV", "SYSTEMROOT", "TMPDIR")
STARTUP_S = 180  # importing TensorFlow on a slow machine


def worker_env(workdir: str) -> dict:
    """A minimal environment: no tokens, no ``GITHUB_*``, nothing else."""
    env = {key: os.environ[key] for key in SAFE_ENV if key in os.environ}
    if os.environ.get("LSTM_COURSE_GRADER_DEBUG"):  # tracebacks on stderr
        env["LSTM_COURSE_GRADER_DEBUG"] = "1"
    env.update(HOME=workdir, LSTM_COURSE_MODE="smoke", PYTHONHASHSEED="0",
               TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg",
               OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def failed(exercise: Exercise, status: str, message: str) -> ExerciseResult:
    result = ExerciseResult(exercise.id, exercise.title, exercise.points)
    result.error = message
    result.status_override = status
    return result


class FrameReader:
    """Frames from the worker's pipe, with a deadline per frame."""

    def __init__(self, fd: int):
        self.fd, self.buffer, self.eof = fd, b"", False

    def _fill(self, size: int, deadline: float) -> bool:
        while len(self.buffer) < size:
            left = deadline - time.monotonic()
            if self.eof or left <= 0:
                return False
            if not select.select([self.fd], [], [], left)[0]:
                continue
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                self.eof = True
                return False
            self.buffer += chunk
        return True

    def next(self, deadline: float):
        """``(header, payload)``, or None on EOF, timeout or garbage."""
        if not self._fill(8, deadline):
            return None
        head, body = struct.unpack("<II", self.buffer[:8])
        if head > 1 << 20 or body > 64 << 20:
            self.eof = True  # garbage: nothing after it can be trusted
            return None
        if not self._fill(8 + head + body, deadline):
            return None
        raw = self.buffer[8:8 + head]
        payload = self.buffer[8 + head:8 + head + body]
        self.buffer = self.buffer[8 + head + body:]
        try:
            header = json.loads(raw.decode())
        except (UnicodeDecodeError, json.JSONDecodeError):
            return {}, b""
        return (header if isinstance(header, dict) else {}), payload


def _arrays(header: dict, payload: bytes, inputs: dict):
    """{case: outputs | error string} from a result frame, or None."""
    errors = header.get("errors")
    if not isinstance(errors, dict) or set(errors) != set(inputs):
        return None
    arrays = {}
    try:
        if payload or not all(isinstance(e, str) for e in errors.values()):
            with np.load(io.BytesIO(payload), allow_pickle=False) as stored:
                arrays = {key: np.array(stored[key]) for key in stored.files}
    except Exception:  # noqa: BLE001 - whatever it is, it is no result
        return None
    produced = {}
    for case, error in errors.items():
        if isinstance(error, str):
            produced[case] = error[:500]
        elif error is None:
            produced[case] = {key.split("/", 1)[1]: value
                              for key, value in arrays.items()
                              if key.startswith(case + "/")
                              and value.dtype == np.float64}
        else:
            return None
    return produced


def _kill(process, pgids):
    """End the worker's group and the group of a child it left running (a
    finished child's group is gone, and its number may be reused)."""
    for pgid in [process.pid, *pgids]:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.wait()


def run_exercises(exercises: list[tuple[Exercise, str, str]], seed: int,
                  timeout: float, memory_mb: int = 2048
                  ) -> dict[str, ExerciseResult]:
    """Run each (exercise, source, imports cell) in workers and score the
    results; the exercises' ids must differ.

    A worker that dies or hangs costs only the exercise it was running;
    the rest go to a fresh worker.
    """
    results: dict[str, ExerciseResult] = {}
    pending = list(exercises)
    with tempfile.TemporaryDirectory(prefix="lstm-course-grade-") as scratch:
        inputs = {}
        for exercise, _, _ in pending:
            inputs[exercise.id] = draw_inputs(exercise, seed)
            flat = {f"{case}/{name}": np.asarray(value)
                    for case, values in inputs[exercise.id].items()
                    for name, value in values.items()}
            np.savez(Path(scratch) / f"{exercise.id}.npz", **flat)
        while pending:
            _run_worker(pending, inputs, results, scratch, timeout, memory_mb)
            pending = [item for item in pending if item[0].id not in results]
    return results


def _run_worker(pending, inputs, results, scratch, timeout, memory_mb):
    nonce = secrets.token_hex(16)
    workdir = tempfile.mkdtemp(dir=scratch)
    job = {"nonce": nonce, "workdir": workdir,
           "timeout": timeout, "memory_mb": memory_mb,
           "exercises": [{"id": e.id, "source": source, "imports": imports,
                          "banned": list(policy.banned_modules(e.references)),
                          "inputs": str(Path(scratch) / f"{e.id}.npz")}
                         for e, source, imports in pending]}
    read_fd, write_fd = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "lstm_course.grading.worker", str(write_fd)],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
        stderr=None if os.environ.get("LSTM_COURSE_GRADER_DEBUG")
        else subprocess.DEVNULL, pass_fds=(write_fd,), cwd=workdir,
        env=worker_env(workdir), start_new_session=True)
    os.close(write_fd)
    process.stdin.write(json.dumps(job).encode())
    process.stdin.close()
    reader, running_pgid, current = FrameReader(read_fd), None, None
    by_id = {e.id: e for e, _, _ in pending}
    deadline = time.monotonic() + STARTUP_S + timeout + 30
    try:
        while True:
            frame = reader.next(deadline)
            if frame is None:
                break
            header, payload = frame
            if header.get("nonce") != nonce:
                if current:
                    results[current] = failed(
                        by_id[current], "error", "no valid result record "
                        "came back from your code")
                    current = None
                continue
            kind, exercise_id = header.get("kind"), header.get("id")
            if kind == "done":
                break
            if kind == "start" and exercise_id in by_id:
                current = exercise_id
                pgid = header.get("pgid")
                running_pgid = pgid if isinstance(pgid, int) and pgid > 1 \
                    else None
                deadline = time.monotonic() + timeout + 30
                continue
            if exercise_id != current or current in results:
                continue
            exercise = by_id[current]
            if kind in ("timeout", "error"):
                results[current] = failed(exercise, kind,
                                          str(header.get("message"))[:500])
            else:
                produced = _arrays(header, payload, inputs[current])
                results[current] = score(exercise, inputs[current], produced) \
                    if produced is not None else failed(
                        exercise, "error", "no valid result record came back "
                        "from your code")
            current = None
    finally:
        _kill(process, [running_pgid] if current and running_pgid else [])
        os.close(read_fd)
    if current and current not in results:
        results[current] = failed(
            by_id[current], "error", "the grading worker was stopped while "
            "running your code (did it kill other processes?)")
    elif not results.keys() & by_id.keys():
        # Died or hung before any exercise started: nothing ran at all.
        first = next(iter(by_id))
        results[first] = failed(by_id[first], "error", "the grading worker "
                                "could not start (the imports cell?)")
