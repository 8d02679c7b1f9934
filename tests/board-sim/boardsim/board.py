"""The simulated board: its parts put together, `start`, and `set` (each knob's own apply, knobs.py)."""
import os
import time

from .common import KERNEL_RELEASE, KERNEL_VERSION, SimError
from .console import ConsoleMixin
from .files import FilesMixin
from .hostside import HostSideMixin
from .jump import JumpMixin
from .knobs import check_knob, defaults
from .namespaces import NamespacesMixin
from .network import NetworkMixin
from .remoteproc import RemoteprocMixin
from .state import StateMixin


class Board(StateMixin, NamespacesMixin, FilesMixin, HostSideMixin, NetworkMixin, ConsoleMixin, RemoteprocMixin,
            JumpMixin):
    """One board in DIR; every method works from DIR/run/state.json, so each board-sim call is a new object."""


    def start(self, knobs, rprocfs):
        if os.path.exists(self.state_file):
            try:
                self.load()
                if self.alive():
                    raise SimError("a board is already running in %s (board-sim stop --dir %s)" % (self.dir, self.dir))
            except SimError as e:
                if "already running" in str(e):
                    raise
            self.stop(quiet=True)
        t0 = time.monotonic()
        for sub in ("run", "keys", "board", "dev"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        for stale in ("kmsg.log", "secure_console.log", "ready"):
            try:
                os.unlink(os.path.join(self.run_dir, stale))
            except FileNotFoundError:
                pass
        self.state = {"dir": self.dir, "knobs": defaults(), "boot_ns": time.monotonic_ns(),
                      "init_pid": None, "rprocfs": rprocfs}
        self.state["knobs"].update(knobs)
        self.absorb_password(self.state["knobs"]["password"])
        if not self.state["knobs"]["trust_key"]:
            self.state["knobs"]["trust_key"] = os.path.join(self.keys, "rproc_pub.pem")
        self.state["index"] = self.claim_index()
        self.save()
        try:
            self.klog("Booting Linux on physical CPU 0x0000000000 [0x411fd040]")
            self.klog("Linux version %s (oe-user@oe-host) (aarch64-ostl-linux-gcc (GCC) 13.3.0) %s"
                      % (KERNEL_RELEASE, KERNEL_VERSION))
            self.klog("Machine model: " + self.model())
            self.make_keys()
            self.make_board_files()
            self.make_hostsys()
            self.setup_network()
            self.launch_init()
            self.start_sshd()
            self.apply_net_knobs()
            self.apply_fs_knobs()
            if self.knob("jump") == "on":
                self.start_jump()
            if self.knob("demo") == "on":
                self.demo_boot()
            self.start_console()
            self.wait_ssh()
            self.wait_login()
        except BaseException:
            self.stop(quiet=True)
            raise
        self.state["start_seconds"] = round(time.monotonic() - t0, 3)
        self.save()

    def set(self, pairs):
        self.load()
        if not self.alive():
            raise SimError("board in %s is not running" % self.dir)
        for name, value in pairs:
            knob = check_knob(name, value)
            if knob.action:
                knob.apply(self, None, value)
                continue
            old = self.knob(name)
            if name == "password":
                self.absorb_password(value)
            else:
                self.state["knobs"][name] = value
            self.save()
            knob.apply(self, old, value)
