# seed 000 server.py (Python 2 -> 3: bytes literal); port from argv, 2 requests
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys, time

port = sys.argv[1]
n_requests = int(sys.argv[2])
# 初始化上下文
context = zmq.Context()
# 生成一个新的服务socket
socket = context.socket(zmq.REP)
# 绑定在一个地址上面
socket.bind("tcp://*:%s" % port)

for _ in range(n_requests):  # was: while True
    # 等待客户端发起请求
    message = socket.recv()
    # 做一些'具体的'工作
    time.sleep (0.1)  # was 1 s
    # 返回结果
    socket.send(b"World")
