"""Throughput and latency of zmqlite side by side with other implementations of the pyzmq API.

    python -m zmqlite.perf                      # quick suite, about a minute
    python -m zmqlite.perf --full --repeat 3    # every point, medians of 3 runs
    python -m zmqlite.perf --points 'pushpull-tcp-*,reqrep-*' --impls zmqlite,pyzmq --pin
    python -m zmqlite.perf --list               # the points and what they measure

Every implementation (zmqlite, pyzmq, pyomq: whichever are installed, or --impls) runs the
same Python code, ``zmqlite/_perfends.py``, in fresh child processes, one per end (libzmq's
local_thr/remote_thr and local_lat/remote_lat).  For each point the implementations alternate
run by run (A B A B ...), so drift of the machine hits all alike; --repeat N reports medians.
Counts are sized by time: senders send for --seconds, receivers time their first message to
their last.  Beside each rate, every end reports the CPU time its process used (user + system,
all threads: the I/O threads count) over the messages it handled, and a second table gives
the sum per message: what a user pays for on a busy machine.  Every wait on a child has a deadline; a child that fails or hangs is killed and
the point is reported as failed for that implementation, and the suite goes on.
"""

import argparse
import fnmatch
import importlib.util
import json
import os
import platform
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

from . import _perfends

IMPLS = ("zmqlite", "pyzmq", "pyomq")
RAW = "raw"  # the pseudo-implementation of the raw-socket ceiling points
RAW_KINDS = ("raw", "rawlat", "rawfan")  # the points it measures: throughput, round trip,
#                                          PUB-like fan-out

#: seconds a child may take to start (interpreter, import, bind) before it counts as hung
START_TIMEOUT = 30.0
#: seconds a child may take past its measurement to report
FINISH_TIMEOUT = 30.0
#: pause between "subscribers connected" and "publish": subscriptions travel upstream
SUBSCRIBE_SETTLE = 0.3


# ---- points ---------------------------------------------------------------------------------

_POINT_RE = re.compile(
    r"^(?P<pattern>pushpull|curve|reqrep|pubsub(?P<subs>\d+)|multipart(?P<frames>\d+)|rawlat|raw)"
    r"-(?P<transport>tcp|ipc|inproc)-(?P<size>\d+)(?P<unit>[km]?)$"
)


_SCALE_RE = re.compile(r"^scale-(?P<pattern>router|pull|pub)-(?P<transport>tcp|ipc|inproc)"
                       r"-(?P<peers>\d+)$")

_RAWFAN_RE = re.compile(r"^rawfan-(?P<transport>tcp|ipc)-(?P<peers>\d+)$")


@dataclass(frozen=True)
class Point:
    name: str
    # "thr" (PUSH->PULL), "lat" (REQ/REP), "pubsub", "raw", "rawlat" and "rawfan" (plain
    # sockets' throughput, round trip and scale-pub's rounds), "scale"
    kind: str
    transport: str
    size: int  # bytes per frame (raw: bytes per sendall)
    frames: int = 1
    subscribers: int = 0
    pattern: str = ""  # scale: router, pull or pub
    peers: int = 0  # scale: connected peers, one of them busy; rawfan: connections
    curve: bool = False  # thr: both ends with CURVE on (the receiver is the server)

    @property
    def metric(self):
        """The number a point is judged by (median of runs), and its direction."""
        return {"thr": "msgs_per_s", "lat": "median_us", "pubsub": "total_msgs_per_s",
                "raw": "mb_per_s", "rawlat": "median_us", "scale": "msgs_per_s",
                "rawfan": "msgs_per_s"}[self.kind]

    @property
    def describe(self):
        if self.kind == "scale":
            return {
                "router": f"ROUTER answering one busy DEALER among {self.peers} peers",
                "pull": f"PULL fair-queuing one busy PUSH among {self.peers} peers",
                "pub": f"PUB to {self.peers} SUBs, messages delivered",
            }[self.pattern] + ", msg/s, one process"
        size = _fmt_size(self.size)
        if self.kind == "thr":
            what = f"{self.frames}x{size} multipart" if self.frames > 1 else size
            ends = "two threads" if self.transport == "inproc" else "two processes"
            security = ", CURVE" if self.curve else ""
            return f"PUSH->PULL throughput, {what} messages{security}, {ends}"
        if self.kind == "lat":
            return f"REQ/REP round trip, {size}, median and p99"
        if self.kind == "pubsub":
            return (f"PUB->SUB, {size}, {self.subscribers} subscriber process(es); "
                    f"msg/s received in total and per subscriber")
        if self.kind == "rawlat":
            return (f"plain sockets, {size} echoed, median and p99 round trip: "
                    f"the transport's floor under REQ/REP")
        if self.kind == "rawfan":
            return (f"plain sockets in scale-pub's rounds to {self.peers} connections, one "
                    f"process: the transport's floor under PUB's CPU per delivery")
        return f"plain sockets, sendall/recv_into of {size} chunks: the transport's ceiling"


def _fmt_size(n):
    if n >= 1 << 20 and n % (1 << 20) == 0:
        return f"{n >> 20} MiB"
    if n >= 1024 and n % 1024 == 0:
        return f"{n >> 10} KiB"
    return f"{n} B"


def parse_point(name):
    """A Point from its name, e.g. pushpull-tcp-64k, reqrep-ipc-16, pubsub4-tcp-16,
    scale-pull-inproc-1000, rawfan-tcp-1000."""
    m = _RAWFAN_RE.match(name)
    if m:
        if int(m["peers"]) < 1:
            raise ValueError(f"{name}: at least one connection")
        return Point(name, "rawfan", m["transport"], 16, peers=int(m["peers"]))
    m = _SCALE_RE.match(name)
    if m:
        if int(m["peers"]) < 1:
            raise ValueError(f"{name}: at least one peer")
        return Point(name, "scale", m["transport"], 16, pattern=m["pattern"],
                     peers=int(m["peers"]))
    m = _POINT_RE.match(name)
    if not m:
        raise ValueError(f"not a point name: {name!r} (see --list)")
    size = int(m["size"]) * {"": 1, "k": 1024, "m": 1 << 20}[m["unit"]]
    pattern, transport = m["pattern"], m["transport"]
    if size < 1:
        raise ValueError(f"{name}: size must be at least 1 byte (empty marks the end)")
    if pattern == "curve" and transport == "inproc":
        raise ValueError(f"{name}: CURVE is measured over tcp and ipc")
    if transport == "inproc" and pattern not in ("pushpull",) and not m["frames"]:
        raise ValueError(f"{name}: inproc is measured for pushpull/multipart only")
    if pattern in ("raw", "rawlat") and transport == "inproc":
        raise ValueError(f"{name}: raw sockets are tcp or ipc")
    if m["subs"]:
        return Point(name, "pubsub", transport, size, subscribers=max(1, int(m["subs"])))
    if m["frames"]:
        return Point(name, "thr", transport, size, frames=max(1, int(m["frames"])))
    kind = {"pushpull": "thr", "curve": "thr", "reqrep": "lat", "raw": "raw",
            "rawlat": "rawlat"}[pattern]
    return Point(name, kind, transport, size, curve=pattern == "curve")


FULL = [
    *(f"pushpull-{t}-{s}" for t in ("tcp", "ipc") for s in ("16", "256", "4k", "64k", "1m")),
    "pushpull-inproc-16", "pushpull-inproc-64k",
    "reqrep-tcp-16", "reqrep-ipc-16",
    "pubsub1-tcp-16", "pubsub4-tcp-16",
    "multipart3-tcp-16",
    "raw-tcp-1m", "raw-ipc-1m", "rawlat-tcp-16", "rawlat-ipc-16",
    *(f"scale-{p}-inproc-{n}" for p in ("router", "pull", "pub") for n in (1, 100, 1000, 10000)),
    *(f"scale-{p}-tcp-{n}" for p in ("router", "pull", "pub") for n in (1, 1000)),
    "rawfan-tcp-1000",
    *(f"curve-tcp-{s}" for s in ("16", "4k", "64k", "1m")),
]
QUICK = [
    "pushpull-tcp-16", "pushpull-tcp-4k", "pushpull-tcp-64k", "pushpull-tcp-1m",
    "pushpull-ipc-16", "pushpull-inproc-16", "reqrep-tcp-16", "rawlat-tcp-16", "pubsub1-tcp-16",
    "pubsub4-tcp-16", "multipart3-tcp-16", "raw-tcp-1m",
    "scale-pull-inproc-1", "scale-pull-inproc-1000",
]


def select_points(spec):
    """Points from a comma list of names or shell patterns over the full suite."""
    chosen = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        if any(c in item for c in "*?["):
            names = fnmatch.filter(FULL, item)
            if not names:
                raise ValueError(f"{item!r} matches no point of the full suite (see --list)")
        else:
            names = [item]
        for name in names:
            point = parse_point(name)
            if point not in chosen:
                chosen.append(point)
    if not chosen:
        raise ValueError("no points selected")
    return chosen


# ---- child processes ------------------------------------------------------------------------

_CHILD_CODE = (
    # Run _perfends.py by path, not as zmqlite._perfends: a pyzmq or pyomq child must not load
    # zmqlite, and the current directory must not shadow anything (it may hold a zmq/).
    "import sys; del sys.path[0]; import importlib.util as u; "
    "s = u.spec_from_file_location('_zmqlite_perfends', sys.argv[1]); "
    "m = u.module_from_spec(s); s.loader.exec_module(m); m.child_main(sys.argv[2])"
)
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class PointFailed(Exception):
    pass


class Child:
    """One end in its own process; its reports arrive as events through a reader thread."""

    def __init__(self, name, spec):
        self.name = name
        self.version = None
        self._events = queue.Queue()
        self._stderr = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD_CODE, _perfends.__file__, json.dumps(spec)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            # Ctrl-C reaches only the parent, which then ends every child itself.
            start_new_session=True,
        )
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self):
        prefix = _perfends.LINE_PREFIX.encode()
        for line in self.proc.stdout:
            if line.startswith(prefix):
                event = json.loads(line[len(prefix):])
                if event["kind"] == "version":
                    self.version = event["version"]
                else:
                    self._events.put(event)
        self._events.put(None)  # end of output: the child has exited

    def _read_stderr(self):
        for line in self.proc.stderr:
            self._stderr = (self._stderr + [line.decode(errors="replace").rstrip()])[-5:]

    def expect(self, kind, timeout):
        """The child's next report, which must be ``kind``; PointFailed otherwise."""
        try:
            event = self._events.get(timeout=timeout)
        except queue.Empty:
            raise PointFailed(f"{self.name}: no {kind!r} within {timeout:.0f} s (hung?)") from None
        if event is None:
            try:
                code = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = "?"
            time.sleep(0.05)  # let the stderr reader catch up
            tail = " | ".join(line for line in self._stderr if line.strip())
            raise PointFailed(f"{self.name}: exited with code {code} before {kind!r}"
                              + (f": {tail[-300:]}" if tail else ""))
        if event["kind"] == "error":
            raise PointFailed(event["error"])
        if event["kind"] != kind:
            raise PointFailed(f"{self.name}: expected {kind!r}, got {event['kind']!r}")
        return event

    def command(self, line):
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            pass  # it died; its expect() will say so

    def end(self, timeout):
        """Wait for the child to exit; kill it if it does not in time."""
        try:
            self.proc.stdin.close()  # a child that still waits takes this as "parent gone"
        except OSError:
            pass
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


class Ends:
    """The children of one run; leaving the block ends them all, whatever happened."""

    def __init__(self, pin):
        self.pin = pin
        self.children = []
        self.paths = []

    def start(self, name, **spec):
        spec.setdefault("pin", self.pin)
        if spec.get("impl") == "zmqlite":
            spec["path"] = _PACKAGE_ROOT
        child = Child(name, spec)
        self.children.append(child)
        return child

    def ipc_path(self, tag):
        path = os.path.join(tempfile.gettempdir(), f"zmqlite-perf-{os.getpid()}-{tag}.ipc")
        self.paths.append(path)
        return path

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *_):
        # On success the children are finishing on their own; on failure they are killed.
        for child in self.children:
            child.end(timeout=5 if exc_type is None else 0.5)
        for path in self.paths:
            try:
                os.unlink(path)
            except OSError:
                pass


def _endpoint(ends, transport, tag):
    if transport == "tcp":
        return "tcp://127.0.0.1:*"
    return "ipc://" + ends.ipc_path(tag)


def run_point(point, impl, seconds, pin=None, tag="0"):
    """One measurement of ``point`` with ``impl``; returns (result dict, impl version)."""
    limit = seconds + FINISH_TIMEOUT
    with Ends(pin) as ends:
        if point.kind == "raw":
            addr = "127.0.0.1" if point.transport == "tcp" else ends.ipc_path(f"raw-{tag}")
            common = dict(transport=point.transport)
            local = ends.start("raw receiver", role="raw_local", endpoint=addr, **common)
            ready = local.expect("ready", START_TIMEOUT)
            remote = ends.start("raw sender", role="raw_remote", endpoint=ready["endpoint"],
                                seconds=seconds, **common)
            res = local.expect("result", limit)
            remote.expect("sent", FINISH_TIMEOUT)
            return {"bytes": res["bytes"], "seconds": res["seconds"],
                    "mb_per_s": res["bytes"] / res["seconds"] / 1e6}, None
        if point.kind == "rawlat":
            addr = "127.0.0.1" if point.transport == "tcp" else ends.ipc_path(f"rawlat-{tag}")
            common = dict(transport=point.transport)
            local = ends.start("raw echo", role="raw_lat_local", endpoint=addr, **common)
            ready = local.expect("ready", START_TIMEOUT)
            remote = ends.start("raw pinger", role="raw_lat_remote", endpoint=ready["endpoint"],
                                size=point.size, seconds=seconds, **common)
            res = remote.expect("result", limit)
            local.expect("echoed", FINISH_TIMEOUT)
            res.pop("kind")
            return res, None
        if point.kind == "rawfan":
            child = ends.start(f"raw fan-out x{point.peers}", role="raw_fan",
                               transport=point.transport, peers=point.peers, seconds=seconds)
            res = child.expect("result", limit + START_TIMEOUT)  # includes connecting
            return _thr_result(point, res, res["cpu_s"] / max(res["messages"], 1)), None

        common = dict(impl=impl, size=point.size, frames=point.frames, seconds=seconds)
        if point.kind == "scale":
            child = ends.start(f"{impl} {point.pattern} x{point.peers}", role="scale",
                               pattern=point.pattern, transport=point.transport,
                               peers=point.peers, **common)
            res = child.expect("result", limit + START_TIMEOUT)  # includes connecting N peers
            # the whole process over the measured loop: both ends and the idle peers
            return _thr_result(point, res, res["cpu_s"] / max(res["messages"], 1)), child.version

        if point.kind == "thr" and point.transport == "inproc":
            child = ends.start(f"{impl} inproc", role="inproc_thr", **common)
            child.expect("ready", START_TIMEOUT)
            res = child.expect("result", limit)
            return _thr_result(point, res, res["cpu_s"] / max(res["messages"], 1)), child.version

        endpoint = _endpoint(ends, point.transport, tag)
        if point.kind == "thr":
            local = ends.start(f"{impl} receiver", role="local_thr", endpoint=endpoint,
                               curve=point.curve, **common)
            ready = local.expect("ready", START_TIMEOUT)
            remote = ends.start(f"{impl} sender", role="remote_thr", endpoint=ready["endpoint"],
                                server_key=ready.get("server_key"), **common)
            res = local.expect("result", limit)
            remote.command("close")
            sent = remote.expect("sent", FINISH_TIMEOUT)
            # each end's CPU over the messages it handled: sender and receiver windows differ
            cpu = res["cpu_s"] / max(res["messages"], 1) + sent["cpu_s"] / max(sent["messages"], 1)
            return _thr_result(point, res, cpu), local.version

        if point.kind == "lat":
            local = ends.start(f"{impl} REP", role="local_lat", endpoint=endpoint, **common)
            ready = local.expect("ready", START_TIMEOUT)
            remote = ends.start(f"{impl} REQ", role="remote_lat",
                                endpoint=ready["endpoint"], **common)
            res = remote.expect("result", limit)
            local.command("close")
            echoed = local.expect("echoed", FINISH_TIMEOUT)
            res.pop("kind")
            res["cpu_us_per_msg"] = 1e6 * (res.pop("cpu_s") + echoed["cpu_s"]) \
                / max(res.pop("all_round_trips"), 1)
            return res, local.version

        # pubsub: subscribers connect first, so none misses the start
        pub = ends.start(f"{impl} PUB", role="local_pub", endpoint=endpoint, **common)
        ready = pub.expect("ready", START_TIMEOUT)
        subs = [ends.start(f"{impl} SUB {i + 1}", role="remote_sub",
                           endpoint=ready["endpoint"], **common)
                for i in range(point.subscribers)]
        for sub in subs:
            sub.expect("ready", START_TIMEOUT)
        time.sleep(SUBSCRIBE_SETTLE)
        pub.command("go")
        per_sub, delivered, sub_cpu = [], 0, 0.0
        for sub in subs:
            res = sub.expect("result", limit)
            per_sub.append(res["messages"] / res["seconds"])
            delivered += res["messages"]
            sub_cpu += res["cpu_s"]
        pub.command("close")
        sent = pub.expect("sent", FINISH_TIMEOUT)
        # per delivered message: the publisher's CPU and every subscriber's
        cpu_us = 1e6 * (sent["cpu_s"] + sub_cpu) / max(delivered, 1)
        # PUB drops at the high-water mark what a subscriber has not taken: the share
        # of published copies that arrived tells how much of the CPU went on drops
        share = delivered / max(sent["messages"] * point.subscribers, 1)
        return {"per_sub_msgs_per_s": per_sub, "total_msgs_per_s": sum(per_sub),
                "min_sub_msgs_per_s": min(per_sub), "cpu_us_per_msg": cpu_us,
                "delivered_share": share}, pub.version


def _thr_result(point, res, cpu_s_per_msg=None):
    n, secs = res["messages"], res["seconds"]
    if n < 1 or secs <= 0:
        raise PointFailed(f"too few messages to time ({n}); raise --seconds")
    out = {"messages": n, "seconds": secs, "msgs_per_s": n / secs,
           "mb_per_s": n * point.size * point.frames / secs / 1e6}
    if cpu_s_per_msg is not None:
        out["cpu_us_per_msg"] = cpu_s_per_msg * 1e6
    return out


# ---- results --------------------------------------------------------------------------------


def _median_of_runs(runs):
    """Median over runs of every numeric field (lists: element-wise over equal lengths)."""
    if not runs:
        return None
    out = {}
    for key, value in runs[0].items():
        if isinstance(value, list):
            out[key] = [statistics.median(r[key][i] for r in runs) for i in range(len(value))]
        else:
            out[key] = statistics.median(r[key] for r in runs)
    return out


def summarize(points, impls, runs, failures):
    """The JSON-ready summary: per point, per implementation runs, medians and comparisons."""
    raw, floor, fan_floor = {}, {}, {}
    for point in points:
        med = _median_of_runs(runs.get((point.name, RAW), []))
        if point.kind == "raw" and med:
            raw.setdefault(point.transport, med["mb_per_s"])
        if point.kind == "rawlat" and med:
            floor.setdefault(point.transport, med["median_us"])
        if point.kind == "rawfan" and med:
            fan_floor.setdefault((point.transport, point.peers), med["cpu_us_per_msg"])
    rows = []
    for point in points:
        names = [RAW] if point.kind in RAW_KINDS else impls
        results = {}
        for impl in names:
            r = runs.get((point.name, impl), [])
            results[impl] = {"runs": r, "median": _median_of_runs(r),
                             "failures": failures.get((point.name, impl), [])}
        value = {i: (results[i]["median"] or {}).get(point.metric) for i in names}
        ratio = None
        if value.get("zmqlite") and value.get("pyzmq"):
            # >1 means zmqlite is better: more messages per second, or fewer microseconds
            a, b = value["zmqlite"], value["pyzmq"]
            ratio = b / a if point.kind == "lat" else a / b
        ceiling = None
        if point.kind == "thr" and point.transport in raw:
            ceiling = raw[point.transport] * 1e6 / (point.size * point.frames)
        elif point.kind == "lat" and point.transport in floor:
            ceiling = 1e6 / floor[point.transport]  # round trips per second
        row = {
            "point": point.name, "description": point.describe, "kind": point.kind,
            "transport": point.transport, "size": point.size, "frames": point.frames,
            "subscribers": point.subscribers, "metric": point.metric,
            "results": results, "ratio_zmqlite_pyzmq": ratio, "ceiling_msgs_per_s": ceiling,
        }
        if point.kind == "scale" and point.pattern == "pub" and \
                (point.transport, point.peers) in fan_floor:
            # plain sockets' CPU per delivery in the same rounds (rawfan-*)
            row["floor_cpu_us_per_msg"] = fan_floor[(point.transport, point.peers)]
        rows.append(row)
    return rows


def _si(x):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if x >= div:
            return f"{x / div:.3g}{suffix}"
    return f"{x:.3g}"


def _cell(row, med):
    if med is None:
        return "-"
    kind, payload = row["kind"], row["size"] * row["frames"]
    if kind in ("lat", "rawlat"):
        return f"{med['median_us']:.1f}/{med['p99_us']:.1f} us"
    if kind == "raw":
        return f"{med['mb_per_s']:,.0f} MB/s"
    if kind == "pubsub":
        if row["subscribers"] == 1:
            return f"{_si(med['total_msgs_per_s'])} msg/s"
        return f"{_si(med['total_msgs_per_s'])} ({_si(med['min_sub_msgs_per_s'])}/sub min)"
    if payload >= 65536:
        return f"{med['mb_per_s']:,.0f} MB/s"
    return f"{_si(med['msgs_per_s'])} msg/s"


def _render(cols, lines):
    """Aligned plain-text columns: the first left, the others right, a rule under the heads."""
    widths = [max(len(c), *(len(line[i]) for line in lines)) for i, c in enumerate(cols)]
    out = []
    for line in [cols, None, *lines]:
        if line is None:
            out.append("  ".join("-" * w for w in widths))
            continue
        out.append("  ".join(c.ljust(w) if k == 0 else c.rjust(w)
                             for k, (c, w) in enumerate(zip(line, widths))))
    return "\n".join(out)


def format_table(rows, impls):
    """The plain-text table: point, one column per implementation, ratio, ceiling."""
    cols = ["point"]
    for impl in impls:
        cols.append(impl)
        if impl == "pyzmq" and "zmqlite" in impls:
            cols.append("zl/pyzmq")
    cols.append("ceiling")
    lines = []
    for row in rows:
        cells = {"point": row["point"]}
        for impl, res in row["results"].items():
            if impl == RAW:
                cells["ceiling"] = _cell(row, res["median"])
                continue
            cells[impl] = "FAILED" if res["median"] is None and res["failures"] else \
                _cell(row, res["median"])
        if row["ratio_zmqlite_pyzmq"] is not None:
            cells["zl/pyzmq"] = f"{row['ratio_zmqlite_pyzmq']:.2f}x"
        ceiling = row["ceiling_msgs_per_s"]
        zl_med = row["results"].get("zmqlite", {}).get("median") or {}
        zl = zl_med.get("msgs_per_s")
        if ceiling and row["kind"] == "lat":
            # the floor: plain sockets' median round trip, and zmqlite's as a multiple of it
            text = f"{1e6 / ceiling:.1f} us"
            if zl_med.get("median_us"):
                text += f" (zl {zl_med['median_us'] * ceiling / 1e6:.2f}x)"
            cells["ceiling"] = text
        elif ceiling and row["size"] * row["frames"] >= 4096:
            if row["size"] * row["frames"] >= 65536:
                text = f"{ceiling * row['size'] * row['frames'] / 1e6:,.0f} MB/s"
            else:
                text = f"{_si(ceiling)} msg/s"
            cells["ceiling"] = text + (f" (zl {100 * zl / ceiling:.0f}%)" if zl else "")
        lines.append([cells.get(c, "-") for c in cols])
    return _render(cols, lines)


def format_cpu_table(rows, impls):
    """CPU time per message (user + system, every thread of every end), one column per
    implementation; None when no point measured it (raw points do not)."""
    cols = ["point", *impls]
    if "zmqlite" in impls and "pyzmq" in impls:
        cols.append("zl/pyzmq")
    if any("floor_cpu_us_per_msg" in row for row in rows):
        cols.append("floor")
    lines = []
    for row in rows:
        cpu = {impl: (res["median"] or {}).get("cpu_us_per_msg")
               for impl, res in row["results"].items() if impl != RAW}
        if not any(v is not None for v in cpu.values()):
            continue
        cells = {"point": row["point"]}
        for impl, value in cpu.items():
            cells[impl] = "-" if value is None else f"{value:.2f} us"
        if cpu.get("zmqlite") and cpu.get("pyzmq"):
            cells["zl/pyzmq"] = f"{cpu['zmqlite'] / cpu['pyzmq']:.2f}x"
        floor = row.get("floor_cpu_us_per_msg")
        if floor:
            cells["floor"] = f"{floor:.2f} us" + \
                (f" (zl {cpu['zmqlite'] / floor:.2f}x)" if cpu.get("zmqlite") else "")
        lines.append([cells.get(c, "-") for c in cols])
    if not lines:
        return None
    return _render(cols, lines)


CPU_NOTES = (
    "CPU per message: user + system time of every thread of both ends (per round trip for "
    "reqrep, per delivery for pubsub; scale-*: the one process, idle peers included); "
    "zl/pyzmq < 1: zmqlite cheaper; floor: plain sockets in scale-pub's rounds (rawfan-*)"
)


TABLE_NOTES = (
    "throughput: median msg/s (MB/s from 64 KiB); latency: median/p99 round trip; "
    "zl/pyzmq > 1: zmqlite faster; ceiling: plain sockets over the same transport "
    "(their MB/s, or their median round trip)"
)


def write_chart(rows, impls, path):
    """Grouped bars: each implementation relative to the baseline (pyzmq, else the first)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    base = "pyzmq" if "pyzmq" in impls else impls[0]
    shown = [r for r in rows if r["kind"] not in RAW_KINDS]
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(shown) * len(impls) + 1.5))
    height = 0.8 / len(impls)
    for k, impl in enumerate(impls):
        ys, xs = [], []
        for i, row in enumerate(shown):
            val = (row["results"][impl]["median"] or {}).get(row["metric"])
            ref = (row["results"][base]["median"] or {}).get(row["metric"])
            if val and ref:
                ys.append(i + k * height)
                xs.append(ref / val if row["kind"] == "lat" else val / ref)
        ax.barh(ys, xs, height=height, label=impl)
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(shown))])
    ax.set_yticklabels([r["point"] for r in shown])
    ax.invert_yaxis()
    ax.axvline(1.0, color="grey", linewidth=0.8)
    ax.set_xscale("log")    # ratios: 2x faster and 2x slower lie equally far from 1
    ax.set_xlabel(f"speed relative to {base}, log scale (higher is better; latency inverted)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# ---- command line ---------------------------------------------------------------------------


def add_shorthand_options(ap):
    """The options every bench/ shorthand for a few points shares."""
    ap.add_argument("--impl", choices=[*IMPLS, "all"], default="all",
                    help="one implementation, or all installed (default)")
    ap.add_argument("--seconds", type=float, default=2.0, help="measured seconds per run")
    ap.add_argument("--runs", type=int, default=3, help="runs per implementation (medians)")
    ap.add_argument("--pin", action="store_true", help="pin every process to one CPU")
    ap.add_argument("--json", metavar="FILE", help="write runs and medians as JSON")


def run_shorthand(points, args):
    """Runs `points` with the options of add_shorthand_options, as main() would."""
    forward = ["--points", points, "--seconds", str(args.seconds), "--repeat", str(args.runs)]
    if args.impl != "all":
        forward += ["--impls", args.impl]
    if args.pin:
        forward.append("--pin")
    if args.json:
        forward += ["--json", args.json]
    return main(forward)



class Progress:
    """A plain-text progress bar on stderr (one line per step when stderr is not a terminal)."""

    def __init__(self, total, enabled=True):
        self.total, self.done, self.enabled = total, 0, enabled
        self.tty = sys.stderr.isatty()

    def step(self, label):
        if not self.enabled:
            return
        width = 24
        filled = width * self.done // max(self.total, 1)
        text = f"[{'#' * filled}{'.' * (width - filled)}] {self.done + 1}/{self.total} {label}"
        if self.tty:
            sys.stderr.write("\r" + text.ljust(79)[:79])
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        self.done += 1

    def note(self, text):
        if self.enabled and self.tty:
            sys.stderr.write("\r" + " " * 79 + "\r")
        sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def finish(self):
        if self.enabled and self.tty:
            sys.stderr.write("\r" + " " * 79 + "\r")
            sys.stderr.flush()


def installed(impl):
    if impl == "zmqlite":
        return True
    return importlib.util.find_spec(_perfends.MODULES[impl]) is not None


def _parser():
    ap = argparse.ArgumentParser(
        prog="python -m zmqlite.perf",
        description="Throughput and latency of zmqlite against pyzmq and pyomq, "
                    "each end in its own process.",
    )
    ap.add_argument("--points", help="comma list of point names or patterns such as "
                    "'pushpull-tcp-*' (default: the quick suite; see --list)")
    ap.add_argument("--full", action="store_true", help="every point (several minutes)")
    ap.add_argument("--list", action="store_true", help="list the points and exit")
    ap.add_argument("--impls", help="comma list from zmqlite,pyzmq,pyomq "
                    "(default: those installed)")
    ap.add_argument("--seconds", type=float, help="measured seconds per run "
                    "(default 1 for the quick suite, 2 with --full)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per point and implementation, "
                    "alternating A B A B; medians are reported (default 1)")
    ap.add_argument("--pin", action="store_true",
                    help="pin every process to one CPU (cost per message, not two-core overlap)")
    ap.add_argument("--json", metavar="FILE", help="write all runs and medians as JSON")
    ap.add_argument("--chart", metavar="FILE.png", help="bar chart relative to pyzmq "
                    "(needs matplotlib)")
    ap.add_argument("--quiet", action="store_true", help="no progress bar")
    return ap


def main(argv=None):
    ap = _parser()
    args = ap.parse_args(argv)
    if args.list:
        for name in FULL:
            mark = "quick " if name in QUICK else "      "
            print(f"{mark}{name:20s} {parse_point(name).describe}")
        print("\nOther sizes and counts follow the same pattern, e.g. pushpull-ipc-100, "
              "pubsub8-tcp-16, multipart5-tcp-64, raw-ipc-64k, rawlat-ipc-100.")
        return 0
    try:
        points = select_points(args.points) if args.points else \
            [parse_point(n) for n in (FULL if args.full else QUICK)]
    except ValueError as exc:
        ap.error(str(exc))
    if args.impls:
        impls = [s.strip() for s in args.impls.split(",") if s.strip()]
        for impl in impls:
            if impl not in IMPLS:
                ap.error(f"unknown implementation {impl!r} (choose from {', '.join(IMPLS)})")
            if not installed(impl):
                ap.error(f"{impl} is not installed (pip install {impl})")
        impls = [i for i in IMPLS if i in impls]
    else:
        impls = [i for i in IMPLS if installed(i)]
    seconds = args.seconds or (2.0 if args.full else 1.0)
    if seconds <= 0 or args.repeat < 1:
        ap.error("--seconds must be positive and --repeat at least 1")
    if args.chart:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            ap.error("--chart needs matplotlib: pip install matplotlib (or zmqlite[perf])")
    pin = None
    if args.pin:
        if not hasattr(os, "sched_setaffinity"):
            ap.error("--pin needs os.sched_setaffinity (Linux)")
        pin = min(os.sched_getaffinity(0))

    runs, failures, versions = {}, {}, {}
    steps = [(p, rep, impl) for p in points for rep in range(args.repeat)
             for impl in ([RAW] if p.kind in RAW_KINDS else impls)]
    progress = Progress(len(steps), enabled=not args.quiet)
    interrupted = False
    started = time.time()
    try:
        for n, (point, rep, impl) in enumerate(steps):
            suffix = f" run {rep + 1}/{args.repeat}" if args.repeat > 1 else ""
            progress.step(f"{point.name} {impl}{suffix}")
            try:
                result, version = run_point(point, impl, seconds, pin, tag=str(n))
            except PointFailed as exc:
                failures.setdefault((point.name, impl), []).append(str(exc))
                progress.note(f"FAILED {point.name} {impl}: {exc}")
                continue
            runs.setdefault((point.name, impl), []).append(result)
            if version:
                versions[impl] = version
    except KeyboardInterrupt:
        interrupted = True
        progress.note("interrupted: every child ended; results so far follow")
    progress.finish()

    rows = summarize(points, impls, runs, failures)
    pinned = f", pinned to CPU {pin}" if pin is not None else ""
    print(f"zmqlite.perf: {seconds:g} s per run, {args.repeat} run(s) per point{pinned}; "
          + ", ".join(f"{i} {versions.get(i, '?')}" for i in impls))
    print(format_table(rows, impls))
    print(TABLE_NOTES)
    cpu_table = format_cpu_table(rows, impls)
    if cpu_table:
        print()
        print(cpu_table)
        print(CPU_NOTES)
    if args.json:
        doc = {
            "schema": 1,
            "meta": {
                "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
                "python": platform.python_version(), "platform": platform.platform(),
                "cpus": os.cpu_count(), "seconds": seconds, "repeat": args.repeat,
                "pin": pin, "impls": {i: versions.get(i) for i in impls},
                "interrupted": interrupted,
            },
            "points": rows,
        }
        with open(args.json, "w") as f:
            json.dump(doc, f, indent=1)
    if args.chart:
        write_chart(rows, impls, args.chart)
    if interrupted:
        return 130
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
