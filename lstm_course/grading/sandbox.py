"""Where a student's code runs: the command that starts the grading worker
inside an operating-system sandbox (bubblewrap), or, where none can start,
as a plain process with only the worker's own limits.

The bubblewrap sandbox sees a read-only system (``/usr``, the Python that
runs the grader and its site-packages), without the course package (an
empty folder over it: no references, exercise specs or grader), the
repository, ``solutions/``, other hand-ins, or the reports being written;
its own PID, network, IPC, UTS and user namespaces (it can signal nothing
outside and reach no network; it runs as uid ``nobody`` without
capabilities, and, where the grader's Python is readable to them, as the
system's ``nobody`` too); an empty environment; one private, size-limited
scratch folder, ``/scratch`` (there is no ``/tmp``). Everything in it dies
with it (``--die-with-parent``, and the PID namespace ends with its first
process).
"""

from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import lstm_course

SANDBOXED = Path(lstm_course.__file__).resolve().parent / "sandboxed"
PACKAGE = SANDBOXED.parent
SCRATCH = "/scratch"  # no /tmp: TMPDIR points here
SCRATCH_MB = 64
NOBODY = 65534
MODES = ("required", "auto", "off")
ETC = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
       "/etc/alternatives", "/etc/localtime")
ENV = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
       "LSTM_COURSE_MODE": "smoke", "PYTHONHASHSEED": "0",
       "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg",
       "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
       "PYTHONDONTWRITEBYTECODE": "1"}


def boot(folder: str) -> str:
    """The ``python -I -c`` program that runs the worker from ``folder``
    (the folder holding ``sandboxed/``), not from the course package."""
    return (f"import sys; sys.path.insert(0, {folder!r}); "
            "from sandboxed.worker import main; sys.exit(main())")


class SandboxUnavailable(ValueError):
    """``--sandbox required`` and bubblewrap cannot start here (the command
    exits 2 with the reason, as for any argument it cannot honour)."""


@dataclass(frozen=True)
class Sandbox:
    """How workers are started. ``isolated`` is False for the weaker mode."""

    isolated: bool
    description: str  # what the reports say about it
    prefix: tuple[str, ...] = ()  # bwrap and its options
    as_nobody: bool = False
    scratch_parent: str | None = None  # the weak mode's scratch folders
    env: dict = field(default_factory=dict)

    def command(self) -> list[str]:
        python = sys.executable
        if self.isolated:
            return [*self.prefix, "--", python, "-I", "-c", boot("/grader")]
        return [python, "-I", "-c", boot(str(PACKAGE))]

    def popen_options(self, scratch: str | None) -> dict:
        options = {"env": dict(self.env), "start_new_session": True}
        if self.isolated:
            options["cwd"] = "/"
            if self.as_nobody:
                options.update(user=NOBODY, group=NOBODY, extra_groups=[])
        else:
            options["cwd"] = scratch
            options["env"].update(HOME=scratch, TMPDIR=scratch)
        return options

    def scratch(self, job_scratch: str | None) -> str:
        """The scratch folder as the worker sees it."""
        return SCRATCH if self.isolated else job_scratch


def _bind(path: str, seen: list[str]) -> list[str]:
    """``--ro-bind`` for ``path`` unless a folder above it is bound."""
    path = os.path.realpath(path)
    if not os.path.exists(path) or any(
            path == s or path.startswith(s + os.sep) for s in seen):
        return []
    seen.append(path)
    return ["--ro-bind", path, path]


def bwrap_prefix(bwrap: str) -> tuple[str, ...]:
    """bubblewrap's options for a grading worker."""
    args = [bwrap, "--unshare-all", "--unshare-user", "--disable-userns",
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL",
            "--die-with-parent", "--new-session", "--clearenv",
            "--hostname", "grader"]
    seen: list[str] = []
    args += _bind("/usr", seen)
    for name in ("bin", "sbin", "lib", "lib32", "lib64"):
        path = "/" + name
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        else:
            args += _bind(path, seen)
    for path in ETC:
        args += _bind(path, seen)
    # The Python that runs the grader, at the paths it knows itself by
    # (a virtual environment finds its site-packages from its own path).
    prefixes = {sys.prefix, sys.base_prefix, sys.exec_prefix,
                os.path.dirname(os.path.dirname(sys.executable))}
    for path in sorted(prefixes | set(site.getsitepackages())):
        if os.path.exists(path):
            for bound in (path, os.path.realpath(path)):
                if bound not in seen and not any(
                        bound.startswith(s + os.sep) for s in seen):
                    seen.append(bound)
                    args += ["--ro-bind", bound, bound]
    # The course package may lie inside what was bound (an installed copy
    # in site-packages): an empty folder over it hides it.
    if any(str(PACKAGE) == s or str(PACKAGE).startswith(s + os.sep)
           for s in seen):
        args += ["--tmpfs", str(PACKAGE), "--remount-ro", str(PACKAGE)]
    args += ["--ro-bind", str(SANDBOXED), "/grader/sandboxed",
             "--proc", "/proc", "--dev", "/dev",
             "--size", str(16 * 2**20), "--tmpfs", "/dev/shm",
             "--size", str(SCRATCH_MB * 2**20), "--perms", "0700",
             "--tmpfs", SCRATCH, "--chdir", SCRATCH]
    for key, value in _environment(SCRATCH).items():
        args += ["--setenv", key, value]
    return tuple(args)


def _environment(scratch: str) -> dict:
    env = dict(ENV, HOME=scratch, TMPDIR=scratch)
    for key in ("KERAS_BACKEND", "LSTM_COURSE_GRADER_DEBUG"):
        if os.environ.get(key):
            env[key] = os.environ[key]
    return env


def _probe(sandbox: Sandbox) -> str | None:
    """None when ``sandbox`` starts a Python that imports NumPy, else why
    not."""
    command = [*sandbox.prefix, "--", sys.executable, "-I", "-c",
               "import numpy, sys; sys.path.insert(0, '/grader'); "
               "import sandboxed.worker"]
    options = sandbox.popen_options(None)
    try:
        done = subprocess.run(command, capture_output=True, timeout=60,
                              **options)
    except (OSError, subprocess.SubprocessError) as error:
        return f"{type(error).__name__}: {error}"
    if done.returncode != 0:
        return done.stderr.decode(errors="replace").strip()[-300:] or \
            f"exit status {done.returncode}"
    return None


@functools.cache
def find(mode: str = "required") -> Sandbox:
    """The sandbox for ``--sandbox MODE``: ``required`` (bubblewrap or
    :class:`SandboxUnavailable`), ``auto`` (bubblewrap where it starts,
    else the weaker mode, labelled) or ``off`` (the weaker mode)."""
    if mode not in MODES:
        raise ValueError(f"--sandbox must be one of {', '.join(MODES)}, "
                         f"got {mode!r}")
    why = "--sandbox off"
    if mode != "off":
        bwrap = shutil.which("bwrap")
        why = "bubblewrap (bwrap) is not installed"
        if bwrap:
            version = subprocess.run([bwrap, "--version"], capture_output=True,
                                     text=True).stdout.strip() or "bubblewrap"
            prefix = bwrap_prefix(bwrap)
            tries = [True, False] if os.geteuid() == 0 else [False]
            for as_nobody in tries:
                sandbox = Sandbox(
                    True, f"{version}: read-only system, no course package, "
                    "solutions or other hand-ins, no network, own PID and "
                    "user namespaces" + (", as nobody" if as_nobody else "")
                    + f", {SCRATCH_MB} MB scratch", prefix, as_nobody)
                why = _probe(sandbox)
                if why is None:
                    return sandbox
            why = f"bubblewrap cannot start here ({why})"
    if mode == "required":
        raise SandboxUnavailable(
            f"no sandbox: {why}. Install bubblewrap (Debian/Ubuntu: "
            "apt-get install bubblewrap) where user namespaces are allowed, "
            "or grade with --sandbox auto to accept the weaker isolation")
    return Sandbox(False, f"none ({why}): student code runs as a plain "
                   "process with the worker's limits only, and can read the "
                   "file system, the course package included",
                   env=_environment(""))
