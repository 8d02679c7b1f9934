#!/usr/bin/env python3
"""A board console on a pseudo-terminal, for the Windows CLI under wine (wine's dosdevices maps a
COM port to the pty's slave). Prints the slave's path, then answers every carriage return with a
root shell prompt and any `ip` query with one address, until stdin closes or 120 s pass."""
import os
import pty
import select
import sys
import time
import tty

master, slave = pty.openpty()
tty.setraw(slave)
print(os.ttyname(slave), flush=True)
deadline = time.monotonic() + 120
pending = b""
while time.monotonic() < deadline:
    ready, _, _ = select.select([master, sys.stdin], [], [], 0.5)
    if sys.stdin in ready and not sys.stdin.buffer.read1(1):
        break
    if master in ready:
        try:
            pending += os.read(master, 4096)
        except OSError:
            break
        while b"\r" in pending:
            line, pending = pending.split(b"\r", 1)
            answer = b"\r\n"
            if b"ip " in line or b"ip\t" in line:
                answer += b"inet 192.168.7.1/24 scope global end0\r\n"
            os.write(master, answer + b"root@stm32mp2-e3-ab-cd:~# ")
