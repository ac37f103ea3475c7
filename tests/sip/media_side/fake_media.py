#!/usr/bin/python3
"""A stand-in for `callplan media` in supervisor_test.cpp: takes `media --control unix:PATH`,
listens there, prints the ready line to stderr and answers every request {"ok": true}."""
import json
import os
import socket
import sys

path = sys.argv[sys.argv.index("--control") + 1][len("unix:"):]
if os.path.exists(path):
    os.unlink(path)
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(path)
server.listen(1)
print(f"media: ready: control unix:{path} args {' '.join(sys.argv[2:])}", file=sys.stderr, flush=True)
while True:
    conn, _ = server.accept()
    with conn, conn.makefile("rwb") as f:
        for line in f:
            request = json.loads(line)
            f.write((json.dumps({"id": request["id"], "ok": True, "pid": os.getpid()}) + "\n").encode())
            f.flush()
