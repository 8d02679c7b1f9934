"""The board's namespaces: its init process (network, mount and UTS namespaces), commands run inside them,
and the teardown that kills exactly what lives in them (never a parallel board's processes)."""
import os
import shutil
import signal
import subprocess
import time

from .common import SimError, log, run, write
from .state import index_lock


class NamespacesMixin:


    def ns(self, *cmd, check=True, input=None):
        """Runs a command inside the board's network, mount and UTS namespaces."""
        return run(["nsenter", "-t", str(self.state["init_pid"]), "-n", "-m", "-u", "--"] + list(cmd), check=check,
                   input=input)

    def hold_namespaces(self):
        """Opens the board's network and mount namespaces and returns {kind: (inode, fd)}.

        The open descriptors keep the namespaces alive while stop kills by inode: the kernel recycles
        namespace inode numbers, and once the board's last process died a parallel board's fresh namespace
        (every `ip netns exec` unshares one) could get the same number and have its processes killed."""
        held = {}
        if not self.owns_index():
            return held
        try:
            fd = os.open("/run/netns/" + self.netns, os.O_RDONLY)
            held["net"] = (os.fstat(fd).st_ino, fd)
        except OSError:
            pass
        pid = self.state.get("init_pid")
        if pid and "net" in held:
            try:
                fd = os.open("/proc/%d/ns/mnt" % pid, os.O_RDONLY)
                # A recycled init pid belongs to another network namespace: its mount namespace is not ours.
                if os.stat("/proc/%d/ns/net" % pid).st_ino == held["net"][0]:
                    held["mnt"] = (os.fstat(fd).st_ino, fd)
                else:
                    os.close(fd)
            except (OSError, TypeError):
                pass
        # Never kill by the host's own namespaces.
        for kind in list(held):
            if held[kind][0] == os.stat("/proc/self/ns/%s" % kind).st_ino:
                os.close(held.pop(kind)[1])
        return held

    def board_pids(self, inodes):
        pids = []
        for p in os.listdir("/proc"):
            if not p.isdigit() or int(p) == os.getpid():
                continue
            for kind, ino in inodes.items():
                try:
                    if os.stat("/proc/%s/ns/%s" % (p, kind)).st_ino == ino:
                        pids.append(int(p))
                        break
                except OSError:
                    pass
        return pids

    def kill_namespace_members(self, inodes):
        """SIGKILLs every process in any of the namespaces {kind: inode} until none is left (1 s at most)."""
        for _ in range(50):
            pids = self.board_pids(inodes) if inodes else []
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)

    def launch_init(self):
        log_f = open(os.path.join(self.run_dir, "init.log"), "w")
        p = subprocess.Popen(["ip", "netns", "exec", self.netns, "unshare", "-m", "-u", "--propagation", "private",
                              "/bin/sh", os.path.join(self.bdir, "init.sh")],
                             stdin=subprocess.DEVNULL, stdout=log_f, stderr=log_f, start_new_session=True)
        log_f.close()
        # ip netns exec and unshare exec in place, so p.pid is the namespace's init.
        self.state["init_pid"] = p.pid
        self.save()
        write(os.path.join(self.run_dir, "init_pid"), "%d\n" % p.pid)
        ready = os.path.join(self.run_dir, "ready")
        # Generous: on a loaded 2-core CI machine namespace setup and the FUSE mount can take seconds.
        deadline = time.monotonic() + 40
        while not os.path.exists(ready):
            exited = p.poll()
            if exited is not None or time.monotonic() > deadline:
                why = "exited with status %d" % exited if exited is not None else "not ready after 40 s"
                details = []
                for name in ("init.log", "rprocfs.log"):
                    path = os.path.join(self.run_dir, name)
                    if os.path.exists(path):
                        with open(path) as f:
                            details.append("%s: %s" % (name, f.read().strip() or "(empty)"))
                raise SimError("board init failed (%s); %s" % (why, "; ".join(details)))
            time.sleep(0.01)

    def stop(self, quiet=False):
        # Under the index lock, so that no board claims this index while it is being torn down (a parallel
        # start could otherwise get processes killed by the ownership check of a late second stop).
        with index_lock():
            self._stop_locked(quiet)

    def _stop_locked(self, quiet):
        if not self.state:
            try:
                self.load()
            except SimError:
                if quiet:
                    return
                raise
        held = self.hold_namespaces()
        try:
            self._kill_and_release(held)
        finally:
            for _, fd in held.values():
                os.close(fd)

    def _kill_and_release(self, held):
        inodes = {kind: ino for kind, (ino, _) in held.items()}
        # Pids in a stale state.json may have been recycled: only a board that still owns its index kills them.
        owned = self.owns_index()
        for key in ("socat_pid",) if owned else ():
            pid = self.state.get(key)
            if pid:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass
        try:
            with open(os.path.join(self.run_dir, "console.pid")) as f:
                if owned:
                    os.killpg(int(f.read().strip()), signal.SIGKILL)
        except (OSError, ValueError):
            pass
        # Everything living in the board's namespaces: init, rprocfs, sshd and its sessions, console shells.
        self.kill_namespace_members(inodes)
        if "index" in self.state and self.owns_index():
            self.stop_jump()
            run(["ip", "link", "del", self.veth_host], check=False)
            run(["ip", "route", "del", "unreachable", "10.77.%d.0/24" % self.n, "metric", "4000"], check=False)
            run(["ip", "netns", "del", self.netns], check=False)
            try:
                os.unlink("/run/board-sim/%d" % self.n)
            except FileNotFoundError:
                pass
        link = os.path.join(self.dir, "dev", "ttyACM0")
        if os.path.lexists(link):
            os.unlink(link)
        shutil.rmtree(os.path.join(self.dir, "dev", "serial"), ignore_errors=True)
        for f in ("state.json", "ready", "rprocfs.sock"):
            try:
                os.unlink(os.path.join(self.run_dir, f))
            except FileNotFoundError:
                pass


def gc():
    """Removes boards whose directory or init process is gone (after a crashed test run)."""
    for name in os.listdir("/run/netns") if os.path.isdir("/run/netns") else []:
        if not name.startswith("bsim-"):
            continue
        n = int(name[5:])
        d = None
        try:
            with open("/run/board-sim/%d" % n) as f:
                d = f.read().strip()
        except OSError:
            pass
        if d is None:
            # A start killed between `ip netns add` and writing its marker: gc adopts the orphan index so
            # that stop (which only touches indexes its directory owns) removes it.
            d = "/nonexistent"
            write("/run/board-sim/%d" % n, d + "\n")
        from .board import Board  # the whole board, to stop it
        b = Board(d)
        try:
            b.load()
            if b.alive():
                continue
        except SimError:
            b.state = {"index": n, "init_pid": None, "dir": d, "knobs": {}}
        log("removing stale board %s (%s)" % (name, d))
        b.stop(quiet=True)
