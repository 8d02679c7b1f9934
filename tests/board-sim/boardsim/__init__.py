"""The simulated STM32MP257F-DK (docs/board-sim.md) as a package, one module per part:

  common      constants and helpers          state       state.json, index, kernel log, JSON description
  knobs       every knob, declared once      namespaces  init, commands inside, teardown, gc
  files       the board's files              hostside    the host's sysfs and /dev view of its ST-LINK
  network     veth, SSH server, link knobs   console     the serial console pty
  remoteproc  rprocfs control, demo, reboot  templates   scripts and start-up files the board is made of
  board       start and set                  cli         the command line

The entry point is tests/board-sim/board-sim. Python standard library only; needs root.
"""
import os
import sys

# tools/: elfgen and rproc_sign (the demo firmware), shared with selftest.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))



