"""knob jump=on: a second OpenSSH server (the lab gateway a ProxyJump goes through) in a network namespace of
its own, bsimj-N. The host reaches it on 10.78.N.2; it reaches the board's address 10.77.N.2 over a link of its
own into the board's namespace (10.79.N.0/24), which the host has no route to. With link=down the host cannot
reach the board at all, and only the jump host can: a check that passes then went through it. The board's
sshd log names the jump host's address (10.79.N.1) for every connection that came that way."""
import os
import subprocess
import time

from .common import KEYGEN_TIMEOUT, SimError, run, write


class JumpMixin:


    @property
    def jump_netns(self):
        return "bsimj-%d" % self.n

    @property
    def jump_ip(self):
        return "10.78.%d.2" % self.n

    @property
    def jump_dir(self):
        return os.path.join(self.dir, "jump")

    def apply_jump_knob(self):
        self.stop_jump()
        if self.knob("jump") == "on":
            self.start_jump()

    def start_jump(self):
        n, d = self.n, self.jump_dir
        os.makedirs(d, exist_ok=True)
        hk = os.path.join(d, "ssh_host_ed25519_key")
        if not os.path.exists(hk):
            run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "jump@board-sim", "-f", hk],
                timeout=KEYGEN_TIMEOUT)
        with open(hk + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        write(os.path.join(self.keys, "jump_known_hosts"), "%s %s\n" % (self.jump_ip, pub))
        with open(os.path.join(self.keys, "id_ed25519.pub")) as f:
            write(os.path.join(d, "authorized_keys"), f.read(), 0o600)
        write(os.path.join(d, "sshd_config"), "\n".join([
            "Port 22", "ListenAddress " + self.jump_ip, "HostKey " + hk, "PidFile none",
            "PermitRootLogin prohibit-password", "PubkeyAuthentication yes", "PasswordAuthentication no",
            "KbdInteractiveAuthentication no", "UsePAM no", "AuthorizedKeysFile " + os.path.join(d, "authorized_keys"),
            "StrictModes no", "LogLevel VERBOSE", "AllowTcpForwarding yes", "PermitOpen any", "PrintMotd no",
        ]) + "\n")
        run(["ip", "netns", "add", self.jump_netns])
        # Neither the jump link nor the board link may leave through the host's default route.
        run(["ip", "route", "replace", "unreachable", "10.79.%d.0/24" % n, "metric", "4000"])
        jx = ["ip", "netns", "exec", self.jump_netns]
        run(["ip", "link", "add", "bsjh%d" % n, "type", "veth", "peer", "name", "bsjj%d" % n])
        run(["ip", "link", "set", "bsjj%d" % n, "netns", self.jump_netns])
        run(["ip", "addr", "add", "10.78.%d.1/24" % n, "dev", "bsjh%d" % n])
        run(["ip", "link", "set", "bsjh%d" % n, "up"])
        run(["ip", "link", "add", "bsjb%d" % n, "type", "veth", "peer", "name", "bsjd%d" % n])
        run(["ip", "link", "set", "bsjb%d" % n, "netns", self.jump_netns])
        run(["ip", "link", "set", "bsjd%d" % n, "netns", self.netns])
        run(jx + ["ip", "link", "set", "lo", "up"])
        for dev, addr in (("bsjj%d" % n, self.jump_ip), ("bsjb%d" % n, "10.79.%d.1" % n)):
            run(jx + ["ip", "addr", "add", addr + "/24", "dev", dev])
            run(jx + ["ip", "link", "set", dev, "up"])
        # The board's own address is reached over the jump's link into the board's namespace.
        run(jx + ["ip", "route", "add", self.board_ip + "/32", "via", "10.79.%d.2" % n])
        nx = ["ip", "netns", "exec", self.netns]
        run(nx + ["ip", "addr", "add", "10.79.%d.2/24" % n, "dev", "bsjd%d" % n])
        run(nx + ["ip", "link", "set", "bsjd%d" % n, "up"])
        log_f = open(os.path.join(self.run_dir, "jump_sshd.log"), "a")
        # Its own /run (sshd wants /run/sshd), as the board's init has: nothing is created on the host's /run.
        server = ["unshare", "-m", "--propagation", "private", "/bin/sh", "-c",
                  'mount -t tmpfs -o size=1m,mode=755 jumprun /run && mkdir /run/sshd && exec /usr/sbin/sshd -D -e -f "$1"',
                  "sh", os.path.join(d, "sshd_config")]
        p = subprocess.Popen(jx + server,
                             stdin=subprocess.DEVNULL, stdout=log_f, stderr=log_f, start_new_session=True)
        log_f.close()
        self.state["jump_pid"] = p.pid
        self.save()
        deadline = time.monotonic() + 10
        while run(jx + ["ss", "-Htln", "src", self.jump_ip + ":22"], check=False).stdout.strip() == "":
            if p.poll() is not None or time.monotonic() > deadline:
                raise SimError("the jump host's sshd did not start: " + self.jump_log_tail())
            time.sleep(0.05)

    def jump_log_tail(self):
        try:
            with open(os.path.join(self.run_dir, "jump_sshd.log")) as f:
                return f.read()[-600:].strip() or "(empty log)"
        except OSError:
            return "(no log)"

    def stop_jump(self):
        """Kills what lives in the jump namespace (by its inode, never by name) and removes its links."""
        if not self.owns_index() or not os.path.exists("/run/netns/" + self.jump_netns):
            self.state.pop("jump_pid", None)
            return
        fd = os.open("/run/netns/" + self.jump_netns, os.O_RDONLY)
        try:
            ino = os.fstat(fd).st_ino
            if ino != os.stat("/proc/self/ns/net").st_ino:
                self.kill_namespace_members({"net": ino})
        finally:
            os.close(fd)
        n = self.n
        run(["ip", "link", "del", "bsjh%d" % n], check=False)
        run(["ip", "netns", "exec", self.jump_netns, "ip", "link", "del", "bsjb%d" % n], check=False)
        run(["ip", "route", "del", "unreachable", "10.79.%d.0/24" % n, "metric", "4000"], check=False)
        run(["ip", "netns", "del", self.jump_netns], check=False)
        self.state.pop("jump_pid", None)
