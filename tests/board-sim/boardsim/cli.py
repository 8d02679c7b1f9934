"""board-sim's command line (the entry point tests/board-sim/board-sim calls run())."""
import argparse
import json
import os
import subprocess
import sys

from .board import Board
from .common import HERE, SimError, log
from .knobs import STATE_KNOBS, check_knob, markdown_table
from .namespaces import gc


def main(argv):
    p = argparse.ArgumentParser(prog="board-sim", description="simulated STM32MP257F-DK board")
    p.add_argument("command", choices=["start", "stop", "set", "status", "gc", "knobs", "last-pid"],
                   help="knobs: print the knob table (docs/board-sim.md) and exit; last-pid: the last PID of the board's SSH namespace (counts the processes a check spawned)")
    p.add_argument("--dir")
    p.add_argument("--rprocfs", default=os.environ.get("BOARD_SIM_RPROCFS"))
    for k in STATE_KNOBS:
        p.add_argument("--" + k.name.replace("_", "-"), dest="knob_" + k.name, metavar="VALUE",
                       help="%s (default %r)" % (k.doc.replace("%", "%%"), k.default))
    p.add_argument("pairs", nargs="*", help="KNOB=VALUE for set")
    a = p.parse_intermixed_args(argv)
    if a.command == "knobs":
        sys.stdout.write(markdown_table())
        return 0
    if os.geteuid() != 0:
        raise SimError("must run as root (network and mount namespaces)")
    if a.command == "gc":
        gc()
        return 0
    if not a.dir:
        raise SimError("--dir is required")
    b = Board(a.dir)
    if a.command == "start":
        knobs = {}
        for k in STATE_KNOBS:
            v = getattr(a, "knob_" + k.name)
            if v is not None:
                check_knob(k.name, v, actions=False)
                knobs[k.name] = v
        for pair in a.pairs:
            k, _, v = pair.partition("=")
            check_knob(k, v, actions=False)
            knobs[k] = v
        rprocfs = a.rprocfs or find_rprocfs()
        b.start(knobs, rprocfs)
        print(json.dumps(b.describe()))
    elif a.command == "set":
        pairs = []
        for pair in a.pairs:
            k, sep, v = pair.partition("=")
            if not sep:
                raise SimError("expected KNOB=VALUE, got %r" % pair)
            pairs.append((k, v))
        b.set(pairs)
        print(json.dumps(b.describe()))
    elif a.command == "status":
        b.load()
        print(json.dumps(b.describe()))
    elif a.command == "stop":
        b.stop(quiet=True)
    elif a.command == "last-pid":
        b.load()
        print(b.last_pid())
    return 0


def find_rprocfs():
    root = os.path.dirname(os.path.dirname(HERE))
    for cand in ("build/tests/board-sim/rprocfs", "build-sim/tests/board-sim/rprocfs", "build-sim/standalone/rprocfs"):
        path = os.path.join(root, cand)
        if os.access(path, os.X_OK):
            return path
    raise SimError("rprocfs binary not found: pass --rprocfs PATH or set BOARD_SIM_RPROCFS")


def run(argv):
    try:
        return main(argv)
    except SimError as e:
        log("error: %s" % e)
        return 1
    except subprocess.TimeoutExpired as e:
        log("error: %s did not finish within %s s" % (" ".join(e.cmd), e.timeout))
        return 1
