"""Smoke tests of the benchmark CLI, ``python -m zmqlite.perf``.

They check that the suite runs end to end in bounded time and writes the documented JSON
structure; they never look at how fast anything was (timing belongs to bench runs, not tests).
"""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.zmqlite_only(reason="runs zmqlite's own perf CLI")

#: the whole CLI run, children included, must end within this many seconds
CLI_TIMEOUT = 50


def run_perf(*args, tmp_path):
    import zmqlite

    env = dict(os.environ)
    root = os.path.dirname(os.path.dirname(os.path.abspath(zmqlite.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, "-m", "zmqlite.perf", *args],
        capture_output=True, text=True, timeout=CLI_TIMEOUT, cwd=tmp_path, env=env,
    )


def test_json_structure(tmp_path):
    out = tmp_path / "out.json"
    proc = run_perf("--points", "pushpull-tcp-16,reqrep-tcp-16", "--seconds", "0.3",
                    "--impls", "zmqlite", "--quiet", "--json", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "pushpull-tcp-16" in proc.stdout  # the table
    assert "CPU per message" in proc.stdout  # and the CPU table
    doc = json.loads(out.read_text())
    assert doc["schema"] == 1
    meta = doc["meta"]
    assert meta["seconds"] == 0.3 and meta["repeat"] == 1 and meta["interrupted"] is False
    assert list(meta["impls"]) == ["zmqlite"]
    assert [p["point"] for p in doc["points"]] == ["pushpull-tcp-16", "reqrep-tcp-16"]
    thr, lat = doc["points"]
    assert (thr["kind"], thr["transport"], thr["size"], thr["metric"]) == \
        ("thr", "tcp", 16, "msgs_per_s")
    assert (lat["kind"], lat["metric"]) == ("lat", "median_us")
    for point, keys in ((thr, {"messages", "seconds", "msgs_per_s", "mb_per_s",
                               "cpu_us_per_msg"}),
                        (lat, {"round_trips", "median_us", "p99_us", "min_us", "mean_us",
                               "cpu_us_per_msg"})):
        res = point["results"]["zmqlite"]
        assert res["failures"] == []
        assert len(res["runs"]) == 1
        assert set(res["runs"][0]) == keys
        assert set(res["median"]) == keys
        assert all(isinstance(v, (int, float)) for v in res["median"].values())
        assert res["median"]["cpu_us_per_msg"] > 0
        assert point["ratio_zmqlite_pyzmq"] is None  # no pyzmq in this run


def test_list_and_bad_point(tmp_path):
    proc = run_perf("--list", tmp_path=tmp_path)
    assert proc.returncode == 0
    assert "pushpull-tcp-16" in proc.stdout and "raw-tcp-1m" in proc.stdout
    proc = run_perf("--points", "pushpull-udp-16", tmp_path=tmp_path)
    assert proc.returncode == 2
    assert "not a point name" in proc.stderr


def test_point_names():
    from zmqlite.perf import parse_point, select_points

    p = parse_point("pushpull-ipc-64k")
    assert (p.kind, p.transport, p.size, p.frames) == ("thr", "ipc", 65536, 1)
    p = parse_point("multipart3-tcp-16")
    assert (p.kind, p.size, p.frames) == ("thr", 16, 3)
    p = parse_point("pubsub4-tcp-16")
    assert (p.kind, p.subscribers) == ("pubsub", 4)
    assert parse_point("raw-tcp-1m").size == 1 << 20
    p = parse_point("rawlat-ipc-16")
    assert (p.kind, p.transport, p.size, p.metric) == ("rawlat", "ipc", 16, "median_us")
    assert [p.name for p in select_points("reqrep-*")] == ["reqrep-tcp-16", "reqrep-ipc-16"]
    p = parse_point("rawfan-tcp-1000")
    assert (p.kind, p.transport, p.peers, p.metric) == ("rawfan", "tcp", 1000, "msgs_per_s")
    for bad in ("pushpull-tcp-0", "reqrep-inproc-16", "raw-inproc-1m", "rawlat-inproc-16",
                "rawfan-inproc-10", "rawfan-tcp-0", "nope"):
        with pytest.raises(ValueError):
            parse_point(bad)


def test_round_trip_floor(tmp_path):
    """rawlat-*: plain sockets echoing, measured once (not per implementation), and
    shown as the floor of the REQ/REP point over the same transport."""
    out = tmp_path / "out.json"
    proc = run_perf("--points", "reqrep-ipc-16,rawlat-ipc-16", "--seconds", "0.3",
                    "--impls", "zmqlite", "--quiet", "--json", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text())
    lat, floor = doc["points"]
    assert (floor["kind"], floor["metric"]) == ("rawlat", "median_us")
    assert list(floor["results"]) == ["raw"]
    med = floor["results"]["raw"]["median"]
    assert set(med) == {"round_trips", "median_us", "p99_us", "min_us", "mean_us"}
    assert med["round_trips"] > 10 and 0 < med["min_us"] <= med["median_us"] <= med["p99_us"]
    # the REQ/REP row carries the floor as round trips per second
    assert lat["ceiling_msgs_per_s"] == pytest.approx(1e6 / med["median_us"])
    row = next(line for line in proc.stdout.splitlines() if line.startswith("reqrep-ipc-16"))
    assert f"{med['median_us']:.1f} us (zl " in row


def test_pubsub_reports_delivered_share(tmp_path):
    """pubsub points say which share of the published copies arrived (PUB drops at
    the high-water mark), beside the rates and the CPU per delivery."""
    out = tmp_path / "out.json"
    proc = run_perf("--points", "pubsub1-ipc-16", "--seconds", "0.3", "--impls", "zmqlite",
                    "--quiet", "--json", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    med = json.loads(out.read_text())["points"][0]["results"]["zmqlite"]["median"]
    assert set(med) == {"per_sub_msgs_per_s", "total_msgs_per_s", "min_sub_msgs_per_s",
                        "cpu_us_per_msg", "delivered_share"}
    assert 0 < med["delivered_share"] <= 1


def test_scale_point_reports_cpu(tmp_path):
    """scale-* points report the process's CPU per message over the measured loop."""
    out = tmp_path / "out.json"
    proc = run_perf("--points", "scale-pub-inproc-2", "--seconds", "0.3", "--impls", "zmqlite",
                    "--quiet", "--json", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    med = json.loads(out.read_text())["points"][0]["results"]["zmqlite"]["median"]
    assert set(med) == {"messages", "seconds", "msgs_per_s", "mb_per_s", "cpu_us_per_msg"}
    assert med["messages"] > 0 and med["cpu_us_per_msg"] > 0
    # and the CPU table shows it
    assert any(line.startswith("scale-pub-inproc-2") and line.endswith(" us")
               for line in proc.stdout.splitlines())


def test_fan_out_floor(tmp_path):
    """rawfan-*: plain sockets in scale-pub's rounds, measured once, and shown as the
    floor of the scale-pub point with the same transport and peers (CPU per delivery)."""
    out = tmp_path / "out.json"
    proc = run_perf("--points", "scale-pub-ipc-3,rawfan-ipc-3", "--seconds", "0.3",
                    "--impls", "zmqlite", "--quiet", "--json", str(out), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    pub, floor = json.loads(out.read_text())["points"]
    assert (floor["kind"], floor["metric"], list(floor["results"])) == \
        ("rawfan", "msgs_per_s", ["raw"])
    med = floor["results"]["raw"]["median"]
    # whole rounds: 3,333 messages to each of 3 connections per round
    assert med["messages"] > 0 and med["messages"] % (3333 * 3) == 0
    assert pub["floor_cpu_us_per_msg"] == pytest.approx(med["cpu_us_per_msg"])
    zl = pub["results"]["zmqlite"]["median"]["cpu_us_per_msg"]
    row = next(line for line in proc.stdout.splitlines()
               if line.startswith("scale-pub-ipc-3") and " us" in line)
    assert f"{med['cpu_us_per_msg']:.2f} us (zl {zl / med['cpu_us_per_msg']:.2f}x)" in row
