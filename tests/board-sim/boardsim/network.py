"""The board's network: the veth pair and routes, the SSH server (OpenSSH or Dropbear) in the board's
namespaces with its clock, the link knobs (link, drop, rate, latency) and the start-up reachability checks."""
import os
import signal
import socket
import subprocess
import sys
import time

from .common import BOARD_HOME, HERE, LOGIN_BUDGET, SimError, run, write


class NetworkMixin:


    def setup_network(self):
        vh, vb = self.veth_host, "bsb%d" % self.n
        # Fallback route for the board's subnet: while the veth is down (link=down) traffic to the board must
        # fail here ("No route to host") instead of leaving through the host's default route.
        run(["ip", "route", "replace", "unreachable", "10.77.%d.0/24" % self.n, "metric", "4000"])
        run(["ip", "link", "add", vh, "type", "veth", "peer", "name", vb])
        run(["ip", "link", "set", vb, "netns", self.netns])
        run(["ip", "addr", "add", self.host_ip + "/24", "dev", vh])
        run(["ip", "link", "set", vh, "up"])
        nx = ["ip", "netns", "exec", self.netns]
        run(nx + ["ip", "link", "set", vb, "name", "end0"])  # the DK's Ethernet interface name
        run(nx + ["ip", "addr", "add", self.board_ip + "/24", "dev", "end0"])
        run(nx + ["ip", "link", "set", "end0", "up"])
        run(nx + ["ip", "link", "set", "lo", "up"])
        run(nx + ["ip", "route", "add", "default", "via", self.host_ip])

    def dropbear_cmd(self):
        """ssh=dropbear: Debian's dropbear-bin with the board's host key, logins as the knobs say."""
        hk = os.path.join(self.bdir, "ssh_host_ed25519_key")
        run(["dropbearconvert", "openssh", "dropbear", hk, hk + ".dropbear"])
        addr = "127.0.0.1" if self.knob("latency") != "off" else self.board_ip
        cmd = ["/usr/sbin/dropbear", "-F", "-E", "-p", addr + ":22", "-r", hk + ".dropbear", "-P", "/run/dropbear.pid"]
        if not self.state.get("password_hash"):
            cmd.append("-s")  # no password logins (sshd: PasswordAuthentication no)
        if self.knob("root_login") == "no":
            cmd.append("-w")
        return cmd

    def apply_sftp_link(self):
        """Dropbear runs /usr/lib/sftp-server for the sftp subsystem: present (sftp=on) or missing (off)."""
        link = "ln -sfn openssh/sftp-server /usr/lib/sftp-server" if self.knob("sftp") == "on" else \
            "rm -f /usr/lib/sftp-server"
        run(["nsenter", "-t", str(self.state["init_pid"]), "-m", "--", "/bin/sh", "-c", link])

    def write_sshd_config(self):
        pw = bool(self.state.get("password_hash"))
        lines = [
            "Port 22", "ListenAddress %s" % ("127.0.0.1" if self.knob("latency") != "off" else self.board_ip),
            "HostKey %s/ssh_host_ed25519_key" % self.bdir,
            "PidFile none",
            "PermitRootLogin %s" % ("no" if self.knob("root_login") == "no" else ("yes" if pw else "prohibit-password")),
            "PubkeyAuthentication yes",
            "PasswordAuthentication %s" % ("yes" if pw else "no"),
            "KbdInteractiveAuthentication no", "UsePAM no",
            "AuthorizedKeysFile /run/board-ssh/authorized_keys",
            "StrictModes yes", "LogLevel VERBOSE",
            "PrintMotd no", "MaxStartups 50:30:100", "MaxSessions 50",
        ]
        if self.knob("rsa_sha1") == "on":
            lines.append("PubkeyAcceptedAlgorithms +ssh-rsa")
        if self.knob("sftp") == "on":
            lines.append("Subsystem sftp /usr/lib/openssh/sftp-server")
        write(os.path.join(self.bdir, "sshd_config"), "\n".join(lines) + "\n")

    def start_sshd(self):
        self.stop_sshd()
        log_f = open(os.path.join(self.run_dir, "sshd.log"), "a")
        server = self.dropbear_cmd() if self.knob("ssh") == "dropbear" else \
            ["/usr/sbin/sshd", "-D", "-e", "-f", os.path.join(self.bdir, "sshd_config")]
        if self.knob("ssh") == "dropbear":
            self.apply_sftp_link()
        # The SSH server and every session run in a PID namespace of their own, as on a board where they are
        # the only processes: its last PID counts what a check spawned (`board-sim last-pid`). The server is its
        # init, so stopping it ends its sessions too, as a board's reboot does.
        p = subprocess.Popen(["nsenter", "-t", str(self.state["init_pid"]), "-n", "-m", "-u", "--",
                              "unshare", "--pid", "--fork", "--kill-child", "--"] + self.board_clock() + server,
                             stdin=subprocess.DEVNULL, stdout=log_f, stderr=log_f, start_new_session=True)
        log_f.close()
        self.state["sshd_ns_pid"] = p.pid
        self.state["sshd_pid"] = self.first_child(p)  # the server itself: its children are the sessions
        self.save()
        self.wait_listen(True, p)

    @staticmethod
    def first_child(p):
        """The PID (as the host sees it) of the process unshare --fork started, once it exists."""
        for _ in range(500):
            try:
                with open("/proc/%d/task/%d/children" % (p.pid, p.pid)) as f:
                    kids = f.read().split()
                if kids:
                    return int(kids[0])
            except OSError:
                pass
            if p.poll() is not None:
                return None
            time.sleep(0.01)
        return None

    def board_clock(self):
        """The sessions' /proc/uptime counts from the board's start, like its kernel log timestamps (a
        real board's uptime and dmesg share one clock): a time namespace whose CLOCK_BOOTTIME is offset
        by the host's boot time at board start (whole seconds, rounded down, so the board's uptime is
        at most 1 s behind its log). sshd stays in the host's; the sessions it forks are in the new one."""
        if not os.path.exists("/proc/self/ns/time"):
            return []
        since_board_start = time.monotonic_ns() - self.state["boot_ns"]
        host_boottime_ns = time.clock_gettime_ns(time.CLOCK_BOOTTIME)
        offset_s = (since_board_start - host_boottime_ns) // 1000000000
        # The kernel refuses an offset that puts the namespace's boot time below zero (ERANGE; unshare then
        # exits and sshd never runs). Rounding down does that when sshd starts within 1 s of the board's start,
        # which a fast machine does: clamp so the board's uptime starts at 0 at the earliest.
        offset_s = max(offset_s, -(host_boottime_ns // 1000000000))
        return ["unshare", "--time", "--boottime", str(offset_s)]

    def stop_sshd(self):
        pid = self.state.get("sshd_ns_pid") or self.state.get("sshd_pid")
        if pid:
            try:
                # unshare --fork blocks SIGTERM while it waits: SIGKILL it, --kill-child ends the server's namespace.
                os.kill(pid, signal.SIGKILL)
                for _ in range(200):
                    try:  # our own child when started by this same command: reap it, or it stays a zombie
                        if os.waitpid(pid, os.WNOHANG)[0] == pid:
                            break
                    except ChildProcessError:
                        pass
                    os.kill(pid, 0)
                    time.sleep(0.01)
            except ProcessLookupError:
                pass
            self.state["sshd_pid"] = None
            self.state["sshd_ns_pid"] = None
            self.save()

    def last_pid(self):
        """The last PID handed out in the SSH server's PID namespace (read by a process of its own, counted)."""
        server = self.state.get("sshd_pid")
        if not server or not os.path.exists("/proc/%d" % server):
            raise SimError("the SSH server is not running")
        out = run(["nsenter", "-t", str(server), "-p", "--", "cat", "/proc/sys/kernel/ns_last_pid"]).stdout
        return int(out.strip())

    def wait_listen(self, up, server=None):
        """server: the Popen of a just-started server. Polled, because its pid stays in /proc as a zombie
        after it exits (we are its parent), and a dead server must fail at once with its log, not in 10 s."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            out = run(["ip", "netns", "exec", self.netns, "ss", "-Hltn", "sport", "=", ":22"]).stdout
            if bool(out.strip()) == up:
                return
            if up and server is not None and server.poll() is not None:
                raise SimError("sshd exited with status %d: %s" % (server.returncode, self.sshd_log_tail()))
            time.sleep(0.01)
        raise SimError("sshd did not %s listening in 10 s%s" % (("start", "; " + self.sshd_log_tail()) if up
                                                                 else ("stop", "")))

    def sshd_log_tail(self):
        path = os.path.join(self.run_dir, "sshd.log")
        try:
            with open(path, errors="replace") as f:
                return "%s: %s" % (path, f.read()[-2000:].strip() or "(empty)")
        except OSError:
            return "%s: (missing)" % path

    def wait_ssh(self):
        # A real TCP connect through the veth, unless a knob makes the board unreachable on purpose.
        if self.knob("link") != "up" or self.knob("drop") == "on" or self.knob("sshd") != "on":
            return
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection((self.board_ip, 22), timeout=2) as s:
                    s.settimeout(2)
                    if s.recv(64).startswith(b"SSH-2.0-"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SimError("board ssh not reachable at %s:22" % self.board_ip)
            time.sleep(0.02)

    def wait_login(self):
        """One real key login running `true`: a board whose login hangs (a slow start-up file) fails here, once,
        with the reason."""
        if (self.knob("link") != "up" or self.knob("drop") == "on" or self.knob("sshd") != "on"
                or self.knob("root_login") != "yes" or self.knob("latency") != "off" or self.knob("rate") != "off"):
            return
        t0 = time.monotonic()
        try:
            r = run(["ssh", "-F", "/dev/null", "-i", os.path.join(self.keys, "id_ed25519"), "-o", "IdentitiesOnly=yes",
                     "-o", "IdentityAgent=none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                     "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=5",
                     "root@" + self.board_ip, "true"], check=False, timeout=LOGIN_BUDGET,
                    stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise SimError("a key login on the board did not finish within %d s: a shell start-up file on the board "
                           "is slow (login_delay=%s; the board's are %s/.bashrc and /etc/profile, never the host's)"
                           % (LOGIN_BUDGET, self.knob("login_delay"), BOARD_HOME))
        if r.returncode != 0:
            raise SimError("a key login on the board failed (rc %d): %s" % (r.returncode, r.stderr.strip()))
        self.state["login_seconds"] = round(time.monotonic() - t0, 3)

    def apply_net_knobs(self):
        vh = self.veth_host
        run(["ip", "link", "set", vh, "up" if self.knob("link") == "up" else "down"])
        nx = ["ip", "netns", "exec", self.netns]
        # Packets dropped silently: replies from the board to the host are routed into a blackhole, so the
        # client sees a timeout (not a refusal). No iptables needed.
        run(nx + ["ip", "route", "del", "blackhole", self.host_ip], check=False)
        if self.knob("drop") == "on":
            run(nx + ["ip", "route", "add", "blackhole", self.host_ip])
        rate = self.knob("rate")
        run(["tc", "qdisc", "del", "dev", vh, "root"], check=False)
        run(nx + ["tc", "qdisc", "del", "dev", "end0", "root"], check=False)
        if rate != "off":
            tbf = ["root", "tbf", "rate", rate, "burst", "32kbit", "latency", "400ms"]
            run(["tc", "qdisc", "add", "dev", vh] + tbf)
            run(nx + ["tc", "qdisc", "add", "dev", "end0"] + tbf)
        if self.knob("sshd") == "on":
            if not (self.state.get("sshd_pid") and os.path.exists("/proc/%d" % self.state["sshd_pid"])):
                self.start_sshd()
        else:
            self.stop_relay()
            self.stop_sshd()
            self.wait_listen(False)
        self.apply_latency()

    def apply_latency(self):
        """latency=MS: sshd listens on the namespace's loopback and a delaying relay takes 10.77.N.2:22."""
        self.stop_relay()
        if self.knob("latency") == "off" or self.knob("sshd") != "on":
            return
        log_f = open(os.path.join(self.run_dir, "relay.log"), "a")
        p = subprocess.Popen(["ip", "netns", "exec", self.netns, sys.executable, os.path.join(HERE, "tools",
                              "delay_relay.py"), self.board_ip, "22", "127.0.0.1", "22", self.knob("latency")],
                             stdin=subprocess.DEVNULL, stdout=log_f, stderr=log_f, start_new_session=True)
        log_f.close()
        self.state["relay_pid"] = p.pid
        self.save()
        deadline = time.monotonic() + 10
        while True:
            out = run(["ip", "netns", "exec", self.netns, "ss", "-Hltn", "src", self.board_ip, "sport", "=", ":22"]).stdout
            if out.strip():
                return
            if p.poll() is not None or time.monotonic() > deadline:
                raise SimError("latency relay did not start (see %s/relay.log)" % self.run_dir)
            time.sleep(0.02)

    def stop_relay(self):
        pid = self.state.get("relay_pid")
        if pid:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.state["relay_pid"] = None
            self.save()

    def apply_ssh_server(self):
        """password, root_login, rsa_sha1, ssh, sftp: the server's configuration, then the server again."""
        self.write_shadow()
        self.write_sshd_config()
        if self.knob("sshd") == "on":
            self.start_sshd()

    def apply_latency_knob(self):
        self.write_sshd_config()
        self.stop_relay()
        if self.knob("sshd") == "on":
            self.start_sshd()
        self.apply_latency()

    def apply_host_key(self):
        self.new_host_key()
        self.save()
        if self.knob("sshd") == "on":
            self.start_sshd()
