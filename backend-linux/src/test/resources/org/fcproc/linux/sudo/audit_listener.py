# The syslog end of the root helper's audit socket, for the sudo-mode end-to-end tests.
#
#   python3 -c "$(cat audit_listener.py)" SOCKET_PATH
#
# Binds an AF_UNIX SOCK_DGRAM socket at SOCKET_PATH (mode 0666, as /dev/log is) and prints
# "ready". Then every datagram received is printed as one line "D <text>", with backslash and
# newline escaped as \\ and \n. A line "mark N" on stdin prints "M N" after every datagram
# already queued on the socket has been printed: the unix datagram queue is FIFO, so a test that
# asks for a mark after a command has exited gets exactly the lines that command sent.
# Java cannot bind unix datagram sockets, hence this script. It exits when stdin closes.
import os
import select
import socket
import sys

path = sys.argv[1]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
out = sys.stdout


def emit(data):
    text = data.decode("utf-8", "replace").replace("\\", "\\\\").replace("\n", "\\n")
    out.write("D " + text + "\n")
    out.flush()


def drain():
    sock.setblocking(False)
    try:
        while True:
            try:
                emit(sock.recv(65536))
            except BlockingIOError:
                return
    finally:
        sock.setblocking(True)


out.write("ready\n")
out.flush()
pending = b""
while True:
    readable, _, _ = select.select([sock, 0], [], [])
    if sock in readable:
        emit(sock.recv(65536))
    if 0 in readable:
        chunk = os.read(0, 4096)
        if not chunk:
            break
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            drain()
            out.write("M " + line.decode("utf-8", "replace").removeprefix("mark ").strip() + "\n")
            out.flush()
sock.close()
os.unlink(path)
