# seed 000 client.py (Python 2 print -> print(); bytes literal); port from argv
import os
if os.environ.get("ZMQLITE_TEST_IMPL", "zmqlite").strip().lower() == "pyzmq":
    import zmq
else:
    import zmqlite as zmq  # the drop-in promise: nothing else changes
import sys

port = sys.argv[1]
context = zmq.Context()

# 生成一个请求socket
socket = context.socket(zmq.REQ)
# 连接上服务器
socket.connect ("tcp://localhost:%s" % port)

for request in range (1,3):
    # 发出请求
    socket.send (b"Hello")
    # 得到回应
    print(socket.recv())
