"""`conflictwire serve [--bind] [--workers] [--daemon] [--stop]`: run the API under gunicorn.

Choices made here, and why:
- threaded workers (gthread): a long streamed export keeps one thread busy without the arbiter mistaking
  the worker for a hung one;
- the app is preloaded in the master, and the extraction lexicons are warmed there before workers fork
  (CONFLICTWIRE_WARM_LEXICONS=0 to skip), so no request pays for loading the gazetteer and the workers
  share its memory;
- with several workers, Prometheus runs in multiprocess mode over a fresh folder, so /metrics reports the
  whole server whichever worker answers.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
from argparse import Namespace
from pathlib import Path
from typing import Any

from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication

PID_FILE = Path(".data/api.pid")
DAEMON_LOG = Path(".data/api.log")
STOP_TIMEOUT_SECONDS = 30.0
THREADS_PER_WORKER = 4

log = logging.getLogger("conflictwire.api")


def warm_lexicons() -> None:
    """Load the actor lexicon and the gazetteer once, if the indexer's NLP modules are installed, and take
    them out of the cyclic collector (`gc.freeze`) before the workers fork: a collection in a worker would
    otherwise write to every page holding them, and those pages would stop being shared with the master."""
    try:
        from indexer.places import lookup_place
    except ImportError:
        lookup_place = None
    try:
        from indexer.actors import lookup_actor
    except ImportError:
        lookup_actor = None
    started = time.perf_counter()
    if lookup_place is not None:
        lookup_place("Syria")
    if lookup_actor is not None:
        lookup_actor("regime forces")
    if lookup_place or lookup_actor:
        gc.collect()
        gc.freeze()
        print(f"lexicons loaded in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


class ConflictwireServer(BaseApplication):
    """gunicorn, configured from code instead of a config file, serving `api.create_app()`."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def run(self) -> None:
        if self.cfg.daemon:
            gunicorn_util.daemonize(self.cfg.enable_stdio_inheritance)
        super().run()

    def load(self) -> Any:
        from api import create_app

        app = create_app()
        if os.environ.get("CONFLICTWIRE_WARM_LEXICONS", "1") != "0":
            warm_lexicons()
        return app


def _is_our_server(pid: int) -> bool:
    """Whether the pid still belongs to a conflictwire/gunicorn process (pids get reused)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return False
    return "conflictwire" in cmdline or "gunicorn" in cmdline or "api.serve" in cmdline


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(pid_file: Path = PID_FILE) -> int:
    """Stop a server started with --daemon: SIGTERM its master and wait for a graceful exit."""
    try:
        pid = int(pid_file.read_text().strip())
    except FileNotFoundError:
        print(f"conflictwire serve --stop: no {pid_file}; is a daemon running?", file=sys.stderr)
        return 1
    except ValueError:
        print(f"conflictwire serve --stop: {pid_file} does not hold a process id", file=sys.stderr)
        return 1
    if not _alive(pid) or not _is_our_server(pid):
        print(
            f"conflictwire serve --stop: process {pid} is not running; removing {pid_file}", file=sys.stderr
        )
        pid_file.unlink(missing_ok=True)
        return 0
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if not _alive(pid):
            print(f"stopped the API server (pid {pid})")
            return 0
        time.sleep(0.2)
    print(
        f"conflictwire serve --stop: pid {pid} did not exit within {STOP_TIMEOUT_SECONDS:.0f} s",
        file=sys.stderr,
    )
    return 1


def _memory_folder() -> str | None:
    """/dev/shm where the system has one: gunicorn's workers touch a heartbeat file after every event and
    the metrics are memory-mapped files, so both belong in memory, not on a disk-backed /tmp."""
    return "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None


def _metrics_folder() -> str:
    return tempfile.mkdtemp(prefix="conflictwire-metrics-", dir=_memory_folder())


def main(args: Namespace) -> int:
    if args.stop:
        return stop()
    if args.workers < 1:
        print("conflictwire serve: --workers must be at least 1", file=sys.stderr)
        return 2
    metrics_folder = None
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_folder = _metrics_folder()
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_folder
    options: dict[str, Any] = {
        "bind": args.bind,
        "workers": args.workers,
        "worker_class": "gthread",
        "threads": THREADS_PER_WORKER,
        "timeout": 60,
        "graceful_timeout": 15,
        "preload_app": True,
        "accesslog": None,
        "errorlog": "-",
        "proc_name": "conflictwire-api",
        "control_socket_disable": True,
        "worker_tmp_dir": _memory_folder(),
    }
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        options["child_exit"] = _child_exit
    if args.daemon:
        PID_FILE.parent.mkdir(parents=True, exist_ok=True)
        options.update(
            daemon=True,
            pidfile=str(PID_FILE.resolve()),
            errorlog=str(DAEMON_LOG.resolve()),
            capture_output=True,
        )
        print(f"starting the API on {args.bind} in the background (pid in {PID_FILE}, log in {DAEMON_LOG})")
    try:
        ConflictwireServer(options).run()
    except SystemExit as exit_:
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else 1
    finally:
        if metrics_folder and not args.daemon:
            shutil.rmtree(metrics_folder, ignore_errors=True)
    return 0
