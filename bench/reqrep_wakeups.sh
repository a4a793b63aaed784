#!/usr/bin/env bash
# Thread wake-ups of a REQ process over N round trips with a REP in another
# process (zmqlite both ends): perf stat of context switches, futex and
# epoll_wait calls, the numbers behind src/inline_read.pyx.
#
#   bash bench/reqrep_wakeups.sh tcp 20000      # or ipc; PYTHONPATH picks the build
set -euo pipefail
TRANSPORT="${1:-tcp}"
N="${2:-20000}"
WORK="$(mktemp -d)"
trap 'kill "$REP" 2>/dev/null || true; rm -rf "$WORK"' EXIT
if [ "$TRANSPORT" = tcp ]; then EP="tcp://127.0.0.1:$((20000 + RANDOM % 20000))"; else EP="ipc://$WORK/s.ipc"; fi
cat > "$WORK/end.py" <<'PY'
import sys
import zmqlite as zmq
role, ep, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
ctx = zmq.Context()
if role == "rep":
    s = ctx.socket(zmq.REP)
    s.bind(ep)
    print("ready", flush=True)
    for _ in range(n + 100):
        s.send(s.recv())
else:
    s = ctx.socket(zmq.REQ)
    s.connect(ep)
    for _ in range(n + 100):
        s.send(b"x" * 16)
        s.recv()
s.close()
ctx.term()
PY
python "$WORK/end.py" rep "$EP" "$N" > "$WORK/rep.out" &
REP=$!
until grep -q ready "$WORK/rep.out" 2>/dev/null; do sleep 0.05; done
perf stat -e context-switches,syscalls:sys_enter_futex,syscalls:sys_enter_epoll_wait \
    python "$WORK/end.py" req "$EP" "$N"
wait "$REP"
