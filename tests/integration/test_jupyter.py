"""A Jupyter kernel on zmqlite: jupyter_client starts a real ipykernel kernel, with
``import zmq`` giving zmqlite in both processes (``python -m zmqlite.as_zmq``; the kernel,
a child process, gets it through PYTHONPATH), executes code and checks what comes back
on the shell and iopub channels. ipykernel uses ROUTER/DEALER/PUB/SUB, a REP echo
device (heartbeat), ZMQStreams with coroutine callbacks, inproc PAIRs between its
threads, a STREAM socket for the debugger, and jupyter_client sends through
``zmq.Socket.shadow(async_socket.underlying)``."""

import importlib.util
import subprocess
import sys
import textwrap

import pytest

pytestmark = [
    pytest.mark.zmqlite_only(reason="runs a Jupyter kernel on zmqlite"),
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        importlib.util.find_spec("jupyter_client") is None or importlib.util.find_spec("ipykernel") is None,
        reason="jupyter_client and ipykernel are not installed (the integration extra)"),
]

CLIENT = textwrap.dedent("""
    import sys
    import zmq
    assert zmq.__name__ == "zmqlite", zmq
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=90)
    try:
        def run(code):
            msg_id = kc.execute(code)
            out, status = [], None
            while True:
                msg = kc.get_iopub_msg(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    out.append(msg["content"]["text"])
                elif msg["msg_type"] == "execute_result":
                    out.append(msg["content"]["data"]["text/plain"])
                elif msg["msg_type"] == "error":
                    out.append("ERROR " + msg["content"]["ename"])
                elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            while True:
                reply = kc.get_shell_msg(timeout=30)
                if reply["parent_header"].get("msg_id") == msg_id:
                    status = reply["content"]["status"]
                    break
            return "".join(out), status

        print("OUT1", repr(run("print(6 * 7)")))
        print("OUT2", repr(run("import zmq, sys; zmq.__name__")))
        print("OUT3", repr(run("x = [i * i for i in range(5)]; x")))
        print("OUT4", repr(run("1 / 0")))
        print("ALIVE", kc.is_alive())
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
""")


def test_kernel_executes_code_on_zmqlite(tmp_path):
    script = tmp_path / "client.py"
    script.write_text(CLIENT)
    proc = subprocess.run([sys.executable, "-m", "zmqlite.as_zmq", str(script)],
                          capture_output=True, text=True, timeout=170, cwd=tmp_path)
    out = proc.stdout
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OUT1 ('42\\n', 'ok')" in out, out
    assert "OUT2 (\"'zmqlite'\", 'ok')" in out, out     # the kernel's zmq is zmqlite too
    assert "OUT3 ('[0, 1, 4, 9, 16]', 'ok')" in out, out
    assert "OUT4 ('ERROR ZeroDivisionError', 'error')" in out, out
    assert "ALIVE True" in out, out
