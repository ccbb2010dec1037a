"""The grading worker: runs students' exercise cells, never scores them.

Started by :mod:`lstm_course.grading.runner` as ``python -m
lstm_course.grading.worker FD`` with a job on stdin (JSON) and a pipe to
write results to (file descriptor FD). The worker itself runs no student
code: it imports the modules the imports cells name (so that TensorFlow is
imported once per worker, not once per exercise or notebook: a worker
takes all of a student's chapters) and then forks one child per exercise.
The child closes the worker's pipe, locks itself down (:func:`lock_down`),
runs its notebook's imports cell and the exercise cell as plain
Python, calls the submission on the inputs the scorer drew, and writes the
outputs as a frame (a JSON header with the run's nonce, then ``.npz``
bytes) to a pipe of its own; the worker enforces the time limit, kills the
child's process group, and forwards exactly one frame per exercise.
"""

from __future__ import annotations

import ast
import io
import json
import os
import resource
import select
import signal
import struct
import sys
import time

MAX_FRAME = 64 * 1024 * 1024


def write_frame(fd: int, header: dict, payload: bytes = b"") -> None:
    data = json.dumps(header).encode()
    blob = struct.pack("<II", len(data), len(payload)) + data + payload
    view = memoryview(blob)
    while view:
        view = view[os.write(fd, view):]


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


def lock_down(workdir: str, memory_mb: int, banned: tuple[str, ...]):
    """Limits for student code: memory, no new processes, no signals, no
    writing outside ``workdir``. Returns ``ban_references()``, to call once
    the imports cell has run: from then on the package's references for
    this exercise cannot be imported. Audit hooks cannot be removed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    try:  # Linux: the address space in use now, plus the allowance
        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * resource.getpagesize()
    except OSError:  # elsewhere RLIMIT_AS is not enforced anyway
        current = None
    if current is not None:
        limit = current + memory_mb * 2**20
        if hard == resource.RLIM_INFINITY or limit < hard:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    workdir = os.path.realpath(workdir)
    state = {"banning": False}

    def is_banned(name):
        return any(name == b or name.startswith(b + ".") for b in banned)

    def hook(event, args):
        if event in BLOCKED_EVENTS:
            raise PermissionError(f"{event} is not allowed in graded code")
        if event == "import" and state["banning"] and args \
                and isinstance(args[0], str) and is_banned(args[0]):
            raise ImportError(f"graded code may not import {args[0]}, the "
                              "package's own reference for this exercise")
        if event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2] or 0
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")
                       ) or bool(flags & WRITE_FLAGS)
            if writing and isinstance(path, (str, bytes, os.PathLike)):
                real = os.path.realpath(os.fsdecode(path))
                if not real.startswith(workdir + os.sep):
                    raise PermissionError("graded code may not write files "
                                          f"outside its scratch folder: {real}")

    sys.addaudithook(hook)

    def ban_references():
        for name in list(sys.modules):
            if is_banned(name):
                del sys.modules[name]
        state["banning"] = True

    return ban_references


def load_exercise(exercise: dict):
    """The registry entry and the inputs the scorer drew (before lock-down:
    the registry's modules are off limits afterwards)."""
    import numpy as np

    from lstm_course.exercises import get

    spec = get(exercise["id"])
    with np.load(exercise["inputs"], allow_pickle=False) as stored:
        inputs: dict = {}
        for key in stored.files:
            case, name = key.split("/", 1)
            inputs.setdefault(case, {})[name] = stored[key]
    return spec, inputs


def run_exercise(job: dict, exercise: dict, spec, inputs: dict,
                 stage_fd: int, ban_references, produce
                 ) -> tuple[dict, bytes]:
    """In the child: imports cell, exercise cell, then the call. Returns the
    frame to send. ``stage_fd`` gets one byte per stage reached, so that the
    worker can say where a process that vanished was."""
    import numpy as np

    namespace = {"__name__": "__graded__"}
    stage = "running the imports cell"
    try:
        exec(compile(exercise["imports"], "<imports cell>", "exec"),
             namespace)
        os.write(stage_fd, b"I")
        ban_references()
        stage = "running the exercise cell"
        exec(compile(exercise["source"], "<exercise cell>", "exec"),
             namespace)
        os.write(stage_fd, b"E")
        if spec.name not in namespace:
            return {"errors": {case: f"the exercise cell does not define "
                               f"{spec.name}" for case in inputs}}, b""
        stage = "calling your code"
        produced = produce(spec, namespace[spec.name], inputs)
    except BaseException as error:  # SystemExit, KeyboardInterrupt too
        message = (f"{stage} raised {type(error).__name__}: "
                   f"{str(error)[:300]}")
        return {"errors": {case: message for case in inputs}}, b""
    errors, arrays = {}, {}
    for case, value in produced.items():
        if isinstance(value, str):
            errors[case] = value
        else:
            errors[case] = None
            arrays.update({f"{case}/{name}": np.asarray(array, np.float64)
                           for name, array in value.items()})
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return {"errors": errors}, buffer.getvalue()


def _child(job, exercise, main_fd, result_w, stage_w):
    os.setpgid(0, 0)
    os.close(main_fd)
    try:
        os.chdir(job["workdir"])
        spec, inputs = load_exercise(exercise)
        from lstm_course.exercises.registry import produce

        ban = lock_down(job["workdir"], job["memory_mb"],
                        tuple(exercise["banned"]))
        header, payload = run_exercise(job, exercise, spec, inputs, stage_w,
                                       ban, produce)
        header.update(nonce=job["nonce"], id=exercise["id"], kind="result")
        write_frame(result_w, header, payload)
    except BaseException:  # noqa: BLE001 - the worker reports the silence
        if os.environ.get("LSTM_COURSE_GRADER_DEBUG"):
            import traceback

            traceback.print_exc()
    os._exit(0)


# --- in the worker --------------------------------------------------------

def _read_all(fd: int, deadline: float) -> tuple[bytes, bool]:
    """Everything written to ``fd`` until EOF or the deadline."""
    chunks, size = [], 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"".join(chunks), False
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), True
        size += len(chunk)
        if size > MAX_FRAME:
            return b"", True
        chunks.append(chunk)


def _first_frame(data: bytes) -> bytes:
    """The first well-formed frame in ``data``, or b"" (garbage stays here
    and cannot break the framing of the worker's own pipe)."""
    if len(data) < 8:
        return b""
    head, body = struct.unpack("<II", data[:8])
    end = 8 + head + body
    return data[:end] if head <= 1 << 20 and len(data) >= end else b""


def _kill_group(pid: int) -> int:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return 0


def grade_one(job: dict, exercise: dict, main_fd: int) -> None:
    result_r, result_w = os.pipe()
    stage_r, stage_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(result_r)
        os.close(stage_r)
        _child(job, exercise, main_fd, result_w, stage_w)
    os.close(result_w)
    os.close(stage_w)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    write_frame(main_fd, {"nonce": job["nonce"], "kind": "start",
                          "id": exercise["id"], "pgid": pid})
    deadline = time.monotonic() + job["timeout"]
    data, finished = _read_all(result_r, deadline)
    stages = os.read(stage_r, 16) if select.select([stage_r], [], [], 0)[0] \
        else b""
    status = _kill_group(pid)  # also ends whatever the child forked
    os.close(result_r)
    os.close(stage_r)
    frame = _first_frame(data)
    if frame:
        os.write(main_fd, frame)  # the child's own frame, checked upstream
        return
    where = ("running the imports cell" if b"I" not in stages else
             "running the exercise cell" if b"E" not in stages else
             "calling your code")
    if data:
        why = "no valid result record came back from your code"
        kind = "error"
    elif not finished:
        why = (f"timeout: still {where} after {job['timeout']:g} s "
               "(an endless loop, or far too slow)")
        kind = "timeout"
    else:
        code = os.waitstatus_to_exitcode(status) if status else 0
        why = (f"the process ended while {where} without returning a "
               f"result (exit status {code}); do not call exit() or "
               "os._exit() in graded code")
        kind = "error"
    write_frame(main_fd, {"nonce": job["nonce"], "kind": kind,
                          "id": exercise["id"], "message": why})


def preimport(imports_source: str) -> None:
    """Import the modules the imports cell names (not the cell itself)."""
    try:
        tree = ast.parse(imports_source)
    except SyntaxError:
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


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    main_fd = int(argv[0])
    job = json.loads(sys.stdin.read())
    os.chdir(job["workdir"])
    for imports in dict.fromkeys(e["imports"] for e in job["exercises"]):
        preimport(imports)
    import lstm_course.exercises.registry  # noqa: F401 - before forking

    lstm_course.exercises.registry._load_chapters()
    for exercise in job["exercises"]:
        grade_one(job, exercise, main_fd)
    write_frame(main_fd, {"nonce": job["nonce"], "kind": "done"})
    return 0


if __name__ == "__main__":
    sys.exit(main())
