"""Drive `offseal values` on a pseudo-terminal: answer its prompts as a person would.

Usage: prompt.py OFFSEAL_BINARY ARGS... ; the client id and secret come from the environment
(PROMPT_CLIENT_ID, PROMPT_CLIENT_SECRET), never from argv. Prints everything the terminal
showed, so the test can check that the secret was not echoed.
"""
import os
import pty
import sys
import termios
import time


def read_until(fd, needle, seen, timeout=20.0):
    deadline = time.time() + timeout
    while needle not in seen:
        if time.time() > deadline:
            raise SystemExit(f"timed out waiting for {needle!r}; saw {seen!r}")
        try:
            chunk = os.read(fd, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    return seen


pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])

seen = read_until(fd, b"client id (application id): ", b"")
os.write(fd, os.environ["PROMPT_CLIENT_ID"].encode() + b"\n")
seen = read_until(fd, b"client secret (hidden): ", seen)
# A person types once the program waits for input: that is, once it has turned echo off.
deadline = time.time() + 20
while termios.tcgetattr(fd)[3] & termios.ECHO:
    if time.time() > deadline:
        raise SystemExit("echo was never turned off for the secret")
    time.sleep(0.01)
os.write(fd, os.environ["PROMPT_CLIENT_SECRET"].encode() + b"\n")
while True:
    try:
        chunk = os.read(fd, 1024)
    except OSError:
        break
    if not chunk:
        break
    seen += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
