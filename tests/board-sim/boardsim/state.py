"""The board's persistent state (DIR/run/state.json), its index and addresses, its kernel log and the JSON
description that start/set/status print."""
import contextlib
import fcntl
import json
import os
import re
import time

from .common import MAX_BOARDS, SimError, pid_alive, run, write


@contextlib.contextmanager
def index_lock():
    """Serialises every claim and release of a board index (bsim-N, /run/board-sim/N) across processes."""
    os.makedirs("/run/board-sim", exist_ok=True)
    with open("/run/board-sim/.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


class StateMixin:
    def __init__(self, d):
        self.dir = os.path.abspath(d)
        # The directory ends up in sshd_config, mount options and generated shell scripts: keep it plain.
        if not re.fullmatch(r"[A-Za-z0-9_./+@%:,=-]+", self.dir):
            raise SimError("--dir %r: use only letters, digits and _ . / + @ %% : , = -" % self.dir)
        # The board mounts its own /home (root's home is /home/root there): a directory below it would vanish.
        if self.dir == "/home" or self.dir.startswith("/home/"):
            raise SimError("--dir %r: the board has its own /home; put its directory elsewhere (e.g. /tmp)" % self.dir)
        self.run_dir = os.path.join(self.dir, "run")
        self.keys = os.path.join(self.dir, "keys")
        self.bdir = os.path.join(self.dir, "board")
        self.state_file = os.path.join(self.run_dir, "state.json")
        self.state = {}

    def load(self):
        try:
            with open(self.state_file) as f:
                self.state = json.load(f)
        except FileNotFoundError:
            raise SimError("no board in %s (state.json missing)" % self.dir)

    def save(self):
        tmp = self.state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.state, f, indent=1)
        os.replace(tmp, self.state_file)

    @property
    def n(self):
        return self.state["index"]

    @property
    def netns(self):
        return "bsim-%d" % self.n

    @property
    def host_ip(self):
        return "10.77.%d.1" % self.n

    @property
    def board_ip(self):
        return "10.77.%d.2" % self.n

    @property
    def veth_host(self):
        return "bsh%d" % self.n

    @property
    def kmsg(self):
        return os.path.join(self.run_dir, "kmsg.log")

    def knob(self, k):
        return self.state["knobs"][k]

    def klog(self, line, device=None):
        since = max(0, time.monotonic_ns() - self.state["boot_ns"])
        text = "[%5d.%06d] %s%s\n" % (since // 10**9, (since % 10**9) // 1000, (device + ": ") if device else "", line)
        fd = os.open(self.kmsg, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)

    def owns_index(self):
        """True when /run/board-sim/N names this board's directory: a stale state.json left by a killed run
        must never stop the board that has since claimed the same index (parallel tests)."""
        try:
            with open("/run/board-sim/%d" % self.n) as f:
                return f.read().strip() == self.dir
        except (OSError, KeyError, TypeError):
            return False

    def claim_index(self):
        with index_lock():
            return self._claim_index_locked()

    def _claim_index_locked(self):
        for n in range(1, MAX_BOARDS + 1):
            # `ip netns add` fails if the name exists: it is the atomic claim, safe for parallel starts.
            if run(["ip", "netns", "add", "bsim-%d" % n], check=False).returncode == 0:
                write("/run/board-sim/%d" % n, self.dir + "\n")
                return n
        raise SimError("no free board index (bsim-1..%d all exist; run board-sim gc)" % MAX_BOARDS)

    def alive(self):
        pid = self.state.get("init_pid")
        return (bool(pid) and pid_alive(pid) and os.path.exists("/run/netns/" + self.netns)
                and self.owns_index())

    def describe(self):
        d, k = self.dir, self.keys
        knobs = dict(self.state["knobs"])  # the password knob only ever holds "(set)" or ""
        return {
            "host": self.board_ip, "port": 22, "user": "root",
            "identity": os.path.join(k, "id_ed25519"), "identity_rsa": os.path.join(k, "id_rsa"),
            "known_hosts": os.path.join(k, "known_hosts"),
            "host_key_fingerprint": self.state["host_key_fingerprint"],
            "serial": os.path.join(d, "dev", "ttyACM0"), "sysfs_root": os.path.join(d, "hostsys"),
            "dev_root": os.path.join(d, "dev"),
            "signing_key_private": os.path.join(k, "rproc_priv.pem"),
            "signing_key_public": os.path.join(k, "rproc_pub.pem"),
            "kernel_log": self.kmsg, "netns": self.netns, "dir": d, "host_ip": self.host_ip,
            "init_pid": self.state["init_pid"], "start_seconds": self.state.get("start_seconds"),
            "login_seconds": self.state.get("login_seconds"),
            "knobs": knobs,
            "jump_host": self.jump_ip if knobs.get("jump") == "on" else "",
            "jump_known_hosts": os.path.join(k, "jump_known_hosts") if knobs.get("jump") == "on" else "",
        }
