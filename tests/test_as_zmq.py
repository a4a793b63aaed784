"""zmqlite.install_as_zmq() and ``python -m zmqlite.as_zmq``: ``import zmq`` gives
zmqlite in the process and in the Python processes it starts, though pyzmq is installed
(it is: the tests use it as the oracle). Each case runs in a fresh interpreter, since
this one has the real pyzmq imported."""

import os
import subprocess
import sys
import textwrap

import pytest

pytestmark = [pytest.mark.zmqlite_only(reason="zmqlite's own mechanism"), pytest.mark.timeout(60)]


def clean_env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def run_python(args, cwd=None, env=None):
    result = subprocess.run([sys.executable, *args], capture_output=True, text=True,
                            timeout=30, cwd=cwd, env=env or clean_env())
    return result


def run_code(code, *args):
    result = run_python(["-c", textwrap.dedent(code), *args])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_pyzmq_is_installed_so_the_redirect_is_tested():
    out = run_code("import zmq, sys; print(zmq.__name__, 'site-packages' in zmq.__file__)")
    assert out.split() == ["zmq", "True"]


def test_install_in_process_maps_zmq_and_its_submodules():
    out = run_code("""
        import zmqlite
        zmqlite.install_as_zmq()
        import zmq
        assert zmq is zmqlite and zmq.Context is zmqlite.Context
        import zmq.asyncio, zmqlite.asyncio
        assert zmq.asyncio is zmqlite.asyncio
        import zmq.sugar.socket
        assert zmq.sugar.socket.Socket is zmqlite.Socket
        from zmq.eventloop import zmqstream
        import zmqlite.eventloop.zmqstream
        assert zmqstream is zmqlite.eventloop.zmqstream
        import zmq.green, zmqlite.green
        assert zmq.green is zmqlite.green and zmq.green.Context is zmqlite.green.Context
        import zmq.utils.monitor
        assert zmq.utils.monitor is __import__("zmqlite.utils.monitor").utils.monitor
        from zmq.backend import Socket
        assert Socket is zmqlite._core.Socket
        # one module object under both names; it keeps its own spec
        assert zmqlite.asyncio.__spec__.name == "zmqlite.asyncio"
        import sys
        assert sys.modules["zmq.asyncio"] is sys.modules["zmqlite.asyncio"]
        assert not any("site-packages/zmq/" in (getattr(m, "__file__", "") or "")
                       for m in list(sys.modules.values()))
        zmqlite.install_as_zmq()  # again: nothing changes
        print(sum(isinstance(f, zmqlite.as_zmq._ZmqAsZmqlite) for f in sys.meta_path))
    """)
    assert out.strip() == "1"


def test_sockets_work_through_the_zmq_name():
    out = run_code("""
        import zmqlite
        zmqlite.install_as_zmq()
        import zmq
        ctx = zmq.Context()
        rep, req = ctx.socket(zmq.REP), ctx.socket(zmq.REQ)
        port = rep.bind_to_random_port("tcp://127.0.0.1")
        req.connect(f"tcp://127.0.0.1:{port}")
        req.send_json({"q": 1})
        rep.send_json({"a": rep.recv_json()["q"] + 1})
        print(req.recv_json(), type(req).__module__)
        ctx.destroy(linger=0)
    """)
    assert out.strip() == "{'a': 2} zmqlite.socket"


def test_a_name_zmqlite_lacks_raises_import_error_naming_zmqlite():
    out = run_code("""
        import zmqlite
        zmqlite.install_as_zmq()
        try:
            import zmq.utils.interop
        except ImportError as e:
            print(type(e).__name__, e.name, "|", e)
    """)
    assert out.strip() == (
        "ModuleNotFoundError zmq.utils.interop | No module named 'zmq.utils.interop': zmq is "
        "zmqlite in this process (zmqlite.install_as_zmq), and zmqlite has no "
        "'zmqlite.utils.interop'")


def test_refuses_when_real_pyzmq_was_imported():
    result = run_python(["-c", "import zmq, zmqlite; zmqlite.install_as_zmq()"])
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: zmqlite.install_as_zmq(): the real 'zmq' (")
    assert "call install_as_zmq() before anything imports zmq" in last


def test_child_and_grandchild_processes_get_zmqlite():
    grandchild = "import zmq, zmq.green; print('grandchild', zmq.__name__, zmq.green.Context.__module__)"
    child = ("import subprocess, sys, zmq; print('child', zmq.__name__, flush=True); "
             f"subprocess.run([sys.executable, '-c', {grandchild!r}], check=True)")
    out = run_code(f"""
        import subprocess, sys
        import zmqlite
        zmqlite.install_as_zmq()
        subprocess.run([sys.executable, "-c", {child!r}], check=True)
    """)
    assert out.splitlines() == ["child zmqlite", "grandchild zmqlite zmqlite.green.core"]


def test_children_false_leaves_children_alone():
    out = run_code("""
        import subprocess, sys, zmqlite
        zmqlite.install_as_zmq(children=False)
        subprocess.run([sys.executable, "-c", "import zmq; print(zmq.__name__)"], check=True)
    """)
    assert out.strip() == "zmq"


def test_command_line_runs_a_script_with_args(tmp_path):
    script = tmp_path / "prog.py"
    (tmp_path / "helper_mod.py").write_text("VALUE = 42\n")
    script.write_text(textwrap.dedent("""
        import sys, subprocess
        import zmq, helper_mod   # a module beside the script imports, as with `python prog.py`
        print(__name__, zmq.__name__, sys.argv[1:], helper_mod.VALUE)
        subprocess.run([sys.executable, "-c", "import zmq; print(zmq.__name__)"], check=True)
        sys.exit(3)
    """))
    result = run_python(["-m", "zmqlite.as_zmq", str(script), "a", "--b"], cwd=str(tmp_path.parent))
    assert result.returncode == 3, result.stderr
    assert result.stdout.splitlines() == ["__main__ zmqlite ['a', '--b'] 42", "zmqlite"]


def test_command_line_runs_a_module_and_code(tmp_path):
    (tmp_path / "pkgmod.py").write_text(
        "import sys, zmq\nif __name__ == '__main__':\n    print(zmq.__name__, sys.argv[1:])\n")
    result = run_python(["-m", "zmqlite.as_zmq", "-m", "pkgmod", "x"], cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "zmqlite ['x']"
    result = run_python(["-m", "zmqlite.as_zmq", "-c", "import sys, zmq; print(zmq.__name__, sys.argv)", "y"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "zmqlite ['-c', 'y']"
    result = run_python(["-m", "zmqlite.as_zmq"])
    assert result.returncode == 2 and result.stdout.startswith("usage: python -m zmqlite.as_zmq")


def test_shim_directory_alone_redirects(tmp_path):
    import zmqlite.as_zmq

    env = clean_env()
    env["PYTHONPATH"] = zmqlite.as_zmq.SHIM_DIR
    result = run_python(["-c", "import zmq, zmqlite; print(zmq is zmqlite)"], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
