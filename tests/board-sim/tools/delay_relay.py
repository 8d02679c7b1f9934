#!/usr/bin/env python3
"""TCP relay that delays every chunk by a fixed time in each direction (this kernel has no netem).

  delay_relay.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS

Runs inside the board's network namespace in front of sshd when the `latency` knob is set. Order is kept:
each direction is a queue of (due time, bytes) drained by one writer.
"""
import asyncio
import sys


async def pump(reader, writer, delay):
    queue = asyncio.Queue()
    loop = asyncio.get_running_loop()

    async def drain():
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        try:
            writer.write_eof()
        except (OSError, RuntimeError):
            pass

    drainer = asyncio.create_task(drain())
    try:
        while True:
            data = await reader.read(65536)
            await queue.put((loop.time() + delay, data or None))
            if not data:
                break
    except (ConnectionError, OSError):
        await queue.put((loop.time(), None))
    try:
        await drainer
    except (ConnectionError, OSError):
        pass


async def handle(client_r, client_w, target, delay):
    try:
        server_r, server_w = await asyncio.open_connection(*target)
    except OSError:
        client_w.close()
        return
    await asyncio.gather(pump(client_r, server_w, delay), pump(server_r, client_w, delay))
    for w in (client_w, server_w):
        w.close()


async def main():
    host, port, thost, tport, ms = sys.argv[1:6]
    delay = int(ms) / 1000.0
    server = await asyncio.start_server(lambda r, w: handle(r, w, (thost, int(tport)), delay), host, int(port))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
