"""The grading worker: runs one student's exercise cells inside the sandbox.

The scorer starts it with a job frame on stdin (each exercise's cells, how
to call it, and the inputs it drew) and reads frames from its stdout: a
``start`` frame before each exercise, then a ``result`` (the outputs as
arrays, or why there are none), an ``error`` or a ``timeout``, and ``done``
at the end. The worker imports the modules the imports cells name once,
then forks one child per exercise, which sets hard limits on itself, runs
the notebook's imports cell and the exercise cell as plain Python, calls the
submission and writes its outputs to a pipe of its own; the worker stops it
at the time limit and forwards one checked frame per exercise. Student code
can reach anything in this process tree, so nothing here is worth stealing:
no reference, no expected output, no score.
"""

from __future__ import annotations

import ast
import os
import resource
import select
import signal
import sys
import time

from . import calls, course_stub, frames

FILE_MB = 32  # the most one file may grow to (the scratch holds 64)
TASKS = 256  # processes and threads of the sandbox's user


# --- in the child -------------------------------------------------------------

BLOCKED_EVENTS = (
    "os.fork", "os.forkpty", "os.posix_spawn", "os.spawn", "os.exec",
    "os.system", "subprocess.Popen", "os.kill", "os.killpg",
    "signal.pthread_kill", "os.remove", "os.rmdir", "os.rename",
    "os.replace", "os.truncate", "os.link", "os.symlink", "os.chmod",
    "os.chown", "shutil.rmtree", "shutil.move", "socket.connect",
    "socket.bind", "ctypes.dlopen", "ctypes.dlsym",
)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _hard_limit(which: int, value: int) -> None:
    """Soft and hard limit both ``value`` (never above the current hard
    limit): without privileges the process cannot raise it again."""
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, value))


def lock_down(scratch: str, memory_mb: int) -> None:
    """Hard limits (memory, file size, tasks, no core files) and, on top of
    the sandbox, audit hooks that refuse new processes, signals and writes
    outside ``scratch`` with a message a student can read."""
    try:  # Linux: the address space in use now, plus the allowance
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
        _hard_limit(resource.RLIMIT_AS, current + memory_mb * 2**20)
    except (OSError, ValueError):
        pass  # elsewhere RLIMIT_AS is not enforced anyway
    _hard_limit(resource.RLIMIT_FSIZE, FILE_MB * 2**20)
    _hard_limit(resource.RLIMIT_CORE, 0)
    _hard_limit(resource.RLIMIT_NPROC, TASKS)
    scratch = os.path.realpath(scratch)

    def hook(event, args):
        if event in BLOCKED_EVENTS:
            raise PermissionError(f"{event} is not allowed in graded code")
        if event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2] or 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")
                       ) or bool(flags & WRITE_FLAGS)
            if writing and isinstance(path, (str, bytes, os.PathLike)):
                real = os.path.realpath(os.fsdecode(path))
                if not real.startswith(scratch + os.sep):
                    raise PermissionError("graded code may not write files "
                                          f"outside its scratch folder: {real}")

    sys.addaudithook(hook)


def run_exercise(exercise: dict, stage_fd: int) -> bytes:
    """In the child: imports cell, exercise cell, then the call. Returns the
    result frame. ``stage_fd`` gets one byte per stage reached, so that the
    worker can say where a process that vanished was."""
    namespace = {"__name__": "__graded__"}
    inputs = exercise["inputs"]
    stage = "running the imports cell"
    try:
        exec(compile(exercise["imports"], "<imports cell>", "exec"),
             namespace)
        os.write(stage_fd, b"I")
        course_stub.seal()
        stage = "running the exercise cell"
        exec(compile(exercise["source"], "<exercise cell>", "exec"),
             namespace)
        os.write(stage_fd, b"E")
        if exercise["name"] not in namespace:
            message = f"the exercise cell does not define {exercise['name']}"
            return result_frame(exercise, {case: message for case in inputs})
        stage = "calling your code"
        produced = calls.produce(
            exercise["id"], exercise["kind"], exercise["signature"],
            exercise["parameters"], namespace[exercise["name"]], inputs)
    except BaseException as error:  # SystemExit, KeyboardInterrupt too
        message = f"{stage} raised {type(error).__name__}: {str(error)[:300]}"
        return result_frame(exercise, {case: message for case in inputs})
    return result_frame(exercise, produced)


def result_frame(exercise: dict, produced: dict) -> bytes:
    """``{case: outputs | message}`` as a ``result`` frame: the header
    names each case's outputs, the arrays are ``"case index.output index"``."""
    errors, outputs, arrays = {}, {}, {}
    for j, case in enumerate(exercise["inputs"]):
        value = produced[case]
        if isinstance(value, str):
            errors[case], outputs[case] = value, []
            continue
        errors[case], outputs[case] = None, list(value)
        for k, array in enumerate(value.values()):
            arrays[f"{j}.{k}"] = array
    return frames.encode({"kind": "result", "id": exercise["id"],
                          "errors": errors, "outputs": outputs}, arrays)


def _child(exercise: dict, job: dict, out_fd: int, result_w: int,
           stage_w: int) -> None:
    os.setpgid(0, 0)
    os.close(out_fd)
    try:
        lock_down(job["scratch"], job["memory_mb"])
        frames.write(result_w, run_exercise(exercise, stage_w))
    except BaseException:  # noqa: BLE001 - the worker reports the silence
        if os.environ.get("LSTM_COURSE_GRADER_DEBUG"):
            import traceback

            traceback.print_exc()
    os._exit(0)


# --- in the worker --------------------------------------------------------

def _kill_group(pid: int) -> int:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def grade_one(job: dict, exercise: dict, out_fd: int) -> None:
    """Fork a child for ``exercise``; forward its frame, or say why none
    came."""
    result_r, result_w = os.pipe()
    stage_r, stage_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(result_r)
        os.close(stage_r)
        _child(exercise, job, out_fd, result_w, stage_w)
    os.close(result_w)
    os.close(stage_w)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    frames.write(out_fd, frames.encode({"kind": "start",
                                        "id": exercise["id"]}))
    reader = frames.FrameReader(result_r)
    deadline = time.monotonic() + job["timeout"]
    try:
        data = reader.next_bytes(deadline)
        if data is not None:
            frames.decode(data)  # forwarded only if it is a frame
    except frames.FrameError:
        data = b""
    stages = os.read(stage_r, 16) if select.select([stage_r], [], [], 0)[0] \
        else b""
    status = _kill_group(pid)  # also ends whatever the child forked
    os.close(result_r)
    os.close(stage_r)
    if data:
        frames.write(out_fd, data)
        return
    where = ("running the imports cell" if b"I" not in stages else
             "running the exercise cell" if b"E" not in stages else
             "calling your code")
    if data is not None or reader.buffer:
        why, kind = "no valid result record came back from your code", \
            "error"
    elif not reader.eof:
        why = (f"timeout: still {where} after {job['timeout']:g} s "
               "(an endless loop, or far too slow)")
        kind = "timeout"
    else:
        code = os.waitstatus_to_exitcode(status) if status else 0
        why = (f"the process ended while {where} without returning a "
               f"result (exit status {code}); do not call exit() or "
               "os._exit() in graded code")
        kind = "error"
    frames.write(out_fd, frames.encode({"kind": kind, "id": exercise["id"],
                                        "message": why}))


def preimport(imports_source: str) -> None:
    """Import the modules the imports cell names (not the cell itself), so
    that each child finds them loaded."""
    try:
        tree = ast.parse(imports_source)
    except BaseException:  # noqa: BLE001 - the child will report it
        return
    import importlib

    for node in ast.walk(tree):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                 else [node.module] if isinstance(node, ast.ImportFrom)
                 and node.module and not node.level else [])
        for name in names:
            try:
                importlib.import_module(name)
            except BaseException:  # noqa: BLE001 - the child will report it
                pass


def read_job(data: bytes) -> dict:
    """The job frame: its header, each exercise with ``inputs`` as
    ``{case: {name: array}}``."""
    header, arrays = frames.decode(data, frames.Limits(
        header_bytes=1 << 30, payload_bytes=1 << 34, arrays=1 << 20))
    for i, exercise in enumerate(header["exercises"]):
        exercise["inputs"] = {
            case: {name: arrays[f"{i}.{j}.{k}"]
                   for k, name in enumerate(names)}
            for j, (case, names) in enumerate(exercise.pop("cases"))}
    return header


def main() -> int:
    # Frames go to the scorer through a private copy of stdout; whatever
    # student code prints goes nowhere.
    out_fd = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    if not os.environ.get("LSTM_COURSE_GRADER_DEBUG"):
        os.dup2(quiet, 2)
    job = read_job(sys.stdin.buffer.read())
    os.chdir(job["scratch"])
    course_stub.install()
    for imports in dict.fromkeys(e["imports"] for e in job["exercises"]):
        preimport(imports)
    for exercise in job["exercises"]:
        grade_one(job, exercise, out_fd)
    frames.write(out_fd, frames.encode({"kind": "done"}))
    return 0
