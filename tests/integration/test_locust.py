"""locust, distributed, on zmqlite: a master and two workers (``--master``/``--worker``,
headless) talk over ``zmq.green`` ROUTER/DEALER sockets, with ``import zmq`` giving
zmqlite in all three processes (``python -m zmqlite.as_zmq -m locust``). The workers'
users hit a small HTTP server in this process; the master's CSV must show their
requests, which reach it only as stats the workers report over zmq."""

import csv
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

pytestmark = [
    pytest.mark.zmqlite_only(reason="runs locust on zmqlite"),
    pytest.mark.timeout(120),
    # not importorskip: importing locust runs gevent's monkey.patch_all() in this process,
    # which would turn every later test's threads and sockets into greenlets
    pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust is not installed"),
]

LOCUSTFILE = """
import os
import zmq
from locust import HttpUser, constant, task

# which zmq this process has (master and workers all import the locustfile)
print("zmq in", os.getpid(), "is", zmq.__name__, zmq.green.Context.__module__, flush=True)


class HelloUser(HttpUser):
    wait_time = constant(0.02)

    @task
    def hello(self):
        self.client.get("/hello")
"""


class Hits:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()


@pytest.fixture
def http_server():
    hits = Hits()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            with hits.lock:
                hits.count += 1
            body = b"hello" if self.path == "/hello" else b"?"
            self.send_response(200 if self.path == "/hello" else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(args, log_path, cwd):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "zmqlite.as_zmq", "-m", "locust", *args],
                            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    log.close()
    return proc


def stop(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)


def test_master_and_two_workers_on_zmqlite(tmp_path, http_server):
    host, hits = http_server
    (tmp_path / "locustfile.py").write_text(LOCUSTFILE)
    port = str(free_port())
    common = ["-f", "locustfile.py", "--host", host]
    master = start([*common, "--headless", "--master", "--master-bind-host", "127.0.0.1",
                    "--master-bind-port", port, "--expect-workers", "2",
                    "--expect-workers-max-wait", "30", "-u", "4", "-r", "4", "-t", "4s",
                    "--csv", "out", "--loglevel", "INFO"], tmp_path / "master.log", tmp_path)
    workers = [start([*common, "--worker", "--master-host", "127.0.0.1", "--master-port", port],
                     tmp_path / f"worker{i}.log", tmp_path) for i in range(2)]
    try:
        master.wait(90)
        for worker in workers:
            worker.wait(30)  # the master tells them to quit
    finally:
        for proc in [master, *workers]:
            stop(proc)
    logs = {name: (tmp_path / f"{name}.log").read_text(errors="replace")
            for name in ("master", "worker0", "worker1")}
    for name, text in logs.items():
        assert " is zmqlite zmqlite.green.core" in text, f"{name}:\n{text[-2000:]}"
    assert master.returncode == 0, logs["master"][-3000:]
    assert [w.returncode for w in workers] == [0, 0], (logs["worker0"][-2000:], logs["worker1"][-2000:])
    assert "2 workers connected." in logs["master"]
    assert "to 2 ready workers" in logs["master"]

    with open(tmp_path / "out_stats.csv", newline="") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    hello = rows["/hello"]
    assert hello["Type"] == "GET"
    assert int(hello["Failure Count"]) == 0
    requests = int(hello["Request Count"])
    # 4 users, one request per 20 ms or so, for 4 s: hundreds, all counted by the master
    # from the workers' reports, each one served here
    assert requests >= 50
    assert requests <= hits.count
    assert int(rows["Aggregated"]["Request Count"]) == requests


def test_this_process_is_not_monkey_patched():
    """locust runs only in child processes: imported here, it would have patched the
    whole test session (threads, sockets, time.sleep) through gevent."""
    assert "locust" not in sys.modules
    monkey = sys.modules.get("gevent.monkey")
    assert monkey is None or not monkey.is_module_patched("socket")
