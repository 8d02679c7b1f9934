"""The remote processors: rprocfs's control socket, the demo service's boot-time load and the board reset."""
import os
import socket

import elfgen
import rproc_sign

from .common import DEMO_ELF, DEMO_SIGNED, SimError


class RemoteprocMixin:


    def rprocfs_cmd(self, cmd):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(os.path.join(self.run_dir, "rprocfs.sock"))
            s.sendall((cmd + "\n").encode())
            answer = b""
            while not answer.endswith(b"\n"):
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        finally:
            s.close()
        answer = answer.decode().strip()
        if not answer.startswith("ok"):
            raise SimError("rprocfs: " + answer)
        return answer[2:].strip()

    def demo_firmware(self):
        elf = elfgen.make_elf()
        if self.knob("mode") == "TEE":
            return DEMO_SIGNED, rproc_sign.sign(elf, os.path.join(self.keys, "rproc_priv.pem"))
        return DEMO_ELF, elf

    def demo_boot(self):
        """What st-m33firmware-load.service does at boot: copy the demo, name it, start the m33."""
        name, data = self.demo_firmware()
        idx = self.rproc_index("m33")
        if idx is None:
            return
        was_ro = self.knob("fw_ro") == "on"
        if was_ro:
            self.ns("mount", "-o", "remount,rw", "/usr/lib/firmware")
        staged = os.path.join(self.bdir, name)
        with open(staged, "wb") as f:
            f.write(data)
        self.ns("cp", staged, "/lib/firmware/" + name)
        if was_ro:
            self.ns("mount", "-o", "remount,ro", "/usr/lib/firmware")
        rp = "/sys/class/remoteproc/remoteproc%d" % idx
        self.ns("sh", "-c", 'test "$(cat "$1/state")" = offline || echo stop > "$1/state"; '
                            'echo "$2" > "$1/firmware" && echo start > "$1/state"', "sh", rp, name, check=False)

    def rproc_index(self, name):
        out = self.rprocfs_cmd("status")
        for entry in filter(None, out.split(";")):
            parts = entry.split()
            if len(parts) >= 2 and parts[1] == name:
                return int(parts[0][len("remoteproc"):])
        return None

    def reboot(self):
        """Board reset: a new boot id, fresh kernel log, every remote processor offline, boot services run again."""
        self.new_boot_id()
        with open(self.kmsg, "w"):
            pass
        self.klog("Booting Linux on physical CPU 0x0000000000 [0x411fd040]")
        self.klog("Machine model: " + self.model())
        self.rprocfs_cmd("reboot")
        if self.knob("detached") != "none":
            self.rprocfs_cmd("set detached=" + self.knob("detached"))
        if self.knob("demo") == "on":
            self.demo_boot()

    def apply_rprocfs_knob(self, name, value):
        """A knob rprocfs applies itself; the device tree and the TEE device follow mode, board and tee_ta."""
        self.rprocfs_cmd("set %s=%s" % (name, value.strip(",") if name == "order" else value))
        if name in ("board", "mode"):
            self.write_dt()
        if name in ("mode", "tee_ta"):
            self.apply_fs_knobs()
        return True

    def apply_demo(self, old, new):
        self.apply_fs_knobs()
        if new == "on" and old != "on":
            self.demo_boot()
