"""`conflictwire es start|stop|status|resolve`: a real Elasticsearch 8.x node for development and tests.

The node is Elastic's own server artifact from Maven Central, resolved by `search-engine/pom.xml` and started
by a small launcher class in one JVM (one or more nodes). Data, logs and the pid file live under `.data/es`.
Production deployments never use this: they point ELASTICSEARCH_URL at their own cluster.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENGINE_DIR = PROJECT_ROOT / "search-engine"
MAIN_CLASS = "org.elasticsearch.node.LocalCluster"


class LocalEsError(RuntimeError):
    """A failure the CLI reports as one line and a non-zero exit status."""


@dataclass(frozen=True)
class NodeState:
    pid: int
    port: int
    nodes: int
    data: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def data_dir(data: str | None) -> Path:
    return Path(data).resolve() if data else PROJECT_ROOT / ".data" / "es"


def _state_file(data: Path) -> Path:
    return data / "es.pid.json"


def read_state(data: Path) -> NodeState | None:
    try:
        raw = json.loads(_state_file(data).read_text())
        return NodeState(int(raw["pid"]), int(raw["port"]), int(raw["nodes"]), str(raw["data"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return True
    return status != "Z"


def http_json(url: str, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - loopback URL we built
        return json.loads(resp.read().decode("utf-8"))


def _sources_newer_than(target: Path) -> bool:
    if not target.exists():
        return True
    built = target.stat().st_mtime
    sources = [ENGINE_DIR / "pom.xml", *ENGINE_DIR.joinpath("src").rglob("*.java")]
    return any(p.stat().st_mtime > built for p in sources)


def resolve_classpath(log_dir: Path) -> str:
    """Resolve the server artifacts and compile the launcher; cheap when nothing changed."""
    classpath_file = ENGINE_DIR / "target" / "classpath.txt"
    classes = ENGINE_DIR / "target" / "classes"
    if _sources_newer_than(classpath_file) or not classes.exists():
        mvn = shutil.which("mvn")
        if not mvn:
            raise LocalEsError(
                "Maven (mvn) is not on PATH; it is needed to fetch the Elasticsearch artifacts"
            )
        log_dir.mkdir(parents=True, exist_ok=True)
        log = log_dir / "maven.log"
        with log.open("w") as out:
            proc = subprocess.run(
                [mvn, "-B", "-q", "-f", str(ENGINE_DIR / "pom.xml"), "package", "-DskipTests"],
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
            )
        if proc.returncode != 0 or not classpath_file.exists():
            raise LocalEsError(
                f"could not resolve the Elasticsearch artifacts from Maven Central (mvn exit {proc.returncode}); "
                f"see {log}"
            )
    return f"{classes}{os.pathsep}{classpath_file.read_text().strip()}"


def _health(url: str, nodes: int) -> dict | None:
    try:
        return http_json(
            f"{url}/_cluster/health?wait_for_status=yellow&wait_for_nodes=>={nodes}&timeout=2s", 6
        )
    except (urllib.error.URLError, OSError, ValueError):
        return None


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def start(
    nodes: int = 1, port: int = 9200, heap: str = "1g", data: str | None = None, timeout: float = 180.0
) -> NodeState:
    """Start the node(s) in the background and wait until the cluster is at least yellow."""
    home = data_dir(data)
    state = read_state(home)
    if state and _alive(state.pid):
        if _health(state.url, 1):
            return state
        raise LocalEsError(f"a node process (pid {state.pid}) exists but does not answer on {state.url}")
    try:
        http_json(f"http://127.0.0.1:{port}/", 2)
    except (urllib.error.URLError, OSError, ValueError):
        pass
    else:
        raise LocalEsError(f"port {port} already answers and it is not a node started from {home}")
    classpath = resolve_classpath(home / "logs")
    java = shutil.which("java")
    if not java:
        raise LocalEsError("java is not on PATH; the local node needs Java 17")
    (home / "logs").mkdir(parents=True, exist_ok=True)
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    console = home / "logs" / "console.log"
    cmd = [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        f"-Djava.io.tmpdir={home / 'tmp'}",
        "-Dfile.encoding=UTF-8",
        "-cp",
        classpath,
        MAIN_CLASS,
        str(home),
        str(port),
        str(nodes),
    ]
    # A shell starts the JVM in the background and exits, so the node outlives this command and is
    # nobody's child here (no zombie, no dangling Popen).
    launch = f"{shlex.join(cmd)} >> {shlex.quote(str(console))} 2>&1 < /dev/null & echo $!"
    spawned = subprocess.run(
        ["sh", "-c", launch], capture_output=True, text=True, check=True, start_new_session=True
    )
    pid = int(spawned.stdout.strip())
    state = NodeState(pid, port, nodes, str(home))
    _state_file(home).write_text(json.dumps(state.__dict__))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            _state_file(home).unlink(missing_ok=True)
            raise LocalEsError(f"the node exited during start-up; last log lines:\n{_tail(console)}")
        health = _health(state.url, nodes)
        if health and health.get("status") in ("yellow", "green") and not health.get("timed_out"):
            return state
        time.sleep(1)
    _terminate(pid, 20)
    _state_file(home).unlink(missing_ok=True)
    raise LocalEsError(
        f"the node did not reach yellow within {timeout:.0f}s; last log lines:\n{_tail(console)}"
    )


def _terminate(pid: int, grace: float) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.5)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def stop(data: str | None = None) -> bool:
    """Stop the node cleanly (SIGTERM closes every node and flushes); True if one was running."""
    home = data_dir(data)
    state = read_state(home)
    if not state:
        return False
    running = _alive(state.pid)
    if running:
        _terminate(state.pid, 60)
    _state_file(home).unlink(missing_ok=True)
    return running


def status(data: str | None = None) -> dict:
    home = data_dir(data)
    state = read_state(home)
    if not state or not _alive(state.pid):
        raise LocalEsError(f"no local node is running (no live pid in {_state_file(home)})")
    try:
        info = http_json(state.url + "/")
        health = http_json(state.url + "/_cluster/health")
        nodes = http_json(state.url + "/_cat/nodes?format=json&h=name,ip,port,heap.max")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise LocalEsError(f"the node (pid {state.pid}) does not answer on {state.url}: {exc}") from exc
    return {
        "url": state.url,
        "pid": state.pid,
        "version": info["version"]["number"],
        "health": health,
        "nodes": nodes,
    }


def main(args) -> int:
    try:
        if args.es_command == "start":
            state = start(args.nodes, args.port, args.heap, args.data, args.timeout)
            print(
                f"elasticsearch running at {state.url} (pid {state.pid}, {state.nodes} node(s), data {state.data})"
            )
        elif args.es_command == "stop":
            print("elasticsearch stopped" if stop(args.data) else "no local elasticsearch was running")
        elif args.es_command == "status":
            info = status(args.data)
            health = info["health"]
            print(f"elasticsearch {info['version']} at {info['url']} (pid {info['pid']})")
            print(
                f"cluster {health['cluster_name']}: {health['status']}, {health['number_of_nodes']} node(s)"
            )
            for node in info["nodes"]:
                print(f"  {node['name']}  {node['ip']}  heap {node['heap.max']}")
        elif args.es_command == "resolve":
            resolve_classpath(data_dir(None) / "logs")
            print("elasticsearch artifacts resolved")
    except LocalEsError as exc:
        print(f"conflictwire es {args.es_command}: {exc}", file=sys.stderr)
        return 1
    return 0
