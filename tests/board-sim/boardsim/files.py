"""The board's files: keys, device tree, sshd/dropbear configuration, passwd/shadow and home, init.sh, dmesg and
uname, rprocfs.conf, the firmware tmpfs, the demo unit, and the host-side sysfs and /dev fixtures."""
import os
import shutil
import uuid

from .common import (BOARD_HOME, DEMO_ELF, DEMO_SERVICE, DEMO_SIGNED, HOSTNAME, KERNEL_RELEASE, KERNEL_VERSION,
                     KEYGEN_TIMEOUT, TEE_TA_UUID, run, write)
from .knobs import RPROCFS_KNOBS
from .templates import (BOARD_DOT_BASHRC, BOARD_DOT_PROFILE, BOARD_PROFILE, BOARD_UNAME, CONSOLE_SH, DEMO_UNIT)


class FilesMixin:


    def model(self):
        b = self.knob("board")
        if b == "ev1":
            return "STMicroelectronics STM32MP257F-EV1 Evaluation Board"
        return "STMicroelectronics STM32MP257F-DK Discovery Board"

    def make_keys(self):
        k = self.keys
        for name, typ in (("id_ed25519", "ed25519"), ("id_rsa", "rsa")):
            path = os.path.join(k, name)
            if not os.path.exists(path):
                # RSA 2048 (OpenSSH's default is 3072): bounded work, but a loaded 2-core CI machine made 3072 bits
                # miss the generic command timeout; every key command gets KEYGEN_TIMEOUT.
                run(["ssh-keygen", "-q", "-t", typ] + (["-b", "2048"] if typ == "rsa" else []) +
                    ["-N", "", "-C", "board-sim-client", "-f", path], timeout=KEYGEN_TIMEOUT)
        self.new_host_key()
        priv = os.path.join(k, "rproc_priv.pem")
        if not os.path.exists(priv):
            # RSA PKCS#1 v1.5 + SHA-256: the only algorithm ST's upstream remoteproc PTA verifies.
            run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", priv],
                timeout=KEYGEN_TIMEOUT)
            os.chmod(priv, 0o600)
        run(["openssl", "pkey", "-in", priv, "-pubout", "-out", os.path.join(k, "rproc_pub.pem")])

    def new_host_key(self):
        hk = os.path.join(self.bdir, "ssh_host_ed25519_key")
        for f in (hk, hk + ".pub"):
            if os.path.exists(f):
                os.unlink(f)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@" + HOSTNAME, "-f", hk], timeout=KEYGEN_TIMEOUT)
        with open(hk + ".pub") as f:
            pub = " ".join(f.read().split()[:2])
        fp = run(["ssh-keygen", "-lf", hk + ".pub"]).stdout.split()[1]
        self.state["host_key_fingerprint"] = fp
        if "known_hosts_written" not in self.state:
            # known_hosts keeps the ORIGINAL key: after a rotation the client must notice the change.
            write(os.path.join(self.keys, "known_hosts"), "%s %s\n" % (self.board_ip, pub))
            self.state["known_hosts_written"] = True

    def write_dt(self):
        """Device tree facts under board/firmware/devicetree/base, bind-mounted on /sys/firmware."""
        base = os.path.join(self.bdir, "firmware", "devicetree", "base")
        if os.path.isdir(base):
            shutil.rmtree(base)
        os.makedirs(base)
        b = self.knob("board")

        def prop(rel, data):
            p = os.path.join(base, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)

        board_compat = {"dk": [b"st,stm32mp257f-dk"], "ev1": [b"st,stm32mp257f-ev1"],
                        "m33td": [b"st,stm32mp257f-dk-cm33tdcid", b"st,stm32mp257f-dk"]}[b]
        prop("compatible", b"".join(c + b"\0" for c in board_compat + [b"st,stm32mp257"]))
        prop("model", self.model().encode() + b"\0")
        prop("name", b"\0")
        prop("serial-number", b"002900553133510D37363734\0")
        prop("reserved-memory/#address-cells", (2).to_bytes(4, "big"))
        prop("reserved-memory/#size-cells", (2).to_bytes(4, "big"))
        prop("reserved-memory/ranges", b"")
        prop("reserved-memory/name", b"reserved-memory\0")
        # ST's current stm32mp257f-{dk,ev1}-ca35tdcid-resmem.dtsi (arch/arm64/boot/dts/st/, STM32CubeMP2 v1.2.0's
        # DT, also bytesatwork/linux-stm32mp): the carve-outs of the M33 and M0+ remote processors, reg =
        # <addr_hi addr_lo size_hi size_lo>. The DK has two SCMI pages before a shorter SRAM1, as the EV1 (older
        # DK trees, e.g. digi-embedded/linux, had SRAM1 at 0xa041000); rprocfs/carve_out.cpp has the same map.
        regions = [("cm33-cube-fw@80100000", 0x80100000, 0x800000), ("cm33-cube-data@80a00000", 0x80a00000, 0x800000),
                   ("ipc-shmem-1@81200000", 0x81200000, 0xf8000), ("vdev0vring0@812f8000", 0x812f8000, 0x1000),
                   ("vdev0vring1@812f9000", 0x812f9000, 0x1000), ("vdev0buffer@812fa000", 0x812fa000, 0x6000),
                   ("scmi-cid2-s@a041000", 0xa041000, 0x1000), ("scmi-cid2-ns@a042000", 0xa042000, 0x1000),
                   ("cm33-sram1@a043000", 0xa043000, 0x1d000), ("cm33-sram2@a060000", 0xa060000, 0x20000),
                   ("cm33-retram@a080000", 0xa080000, 0x1f000), ("cm0-cube-fw@200C0000", 0x200C0000, 0x4000),
                   ("cm0-cube-data@200C4000", 0x200C4000, 0x2000), ("ipc-shmem-2@200C6000", 0x200C6000, 0x2000),
                   ("tfm-code@80000000", 0x80000000, 0x100000), ("op-tee@82000000", 0x82000000, 0x2000000)]
        if b == "m33td":
            # M33-TD: TF-M owns the M33 memories; Linux gets no cm33 carve-outs.
            regions = [r for r in regions if not r[0].startswith(("cm33", "ipc-shmem-1", "vdev"))]
        phandles = {}
        for i, (name, addr, size) in enumerate(regions):
            phandles[name] = 0x100 + i
            prop("reserved-memory/%s/reg" % name, addr.to_bytes(8, "big") + size.to_bytes(8, "big"))
            prop("reserved-memory/%s/no-map" % name, b"")
            prop("reserved-memory/%s/name" % name, name.split("@")[0].encode() + b"\0")
            prop("reserved-memory/%s/phandle" % name, phandles[name].to_bytes(4, "big"))

        def memory_region(*prefixes):
            # The coprocessor node's memory-region: the phandles of its carve-outs, as dtc emits them.
            return b"".join(phandles[n].to_bytes(4, "big") for n, _, _ in regions if n.startswith(prefixes))
        if b != "m33td":
            compat = b"st,stm32mp2-m33-tee\0" if self.knob("mode") == "TEE" else b"st,stm32mp2-m33\0"
            prop("m33/compatible", compat)
            prop("m33/name", b"m33\0")
            prop("m33/memory-region", memory_region("cm33", "ipc-shmem-1", "vdev"))
        # The M0+ node's compatible is [inferred] (its driver is stm32_m0_rproc); what matters here is the link.
        prop("m0/compatible", b"st,stm32mp2-m0\0")
        prop("m0/name", b"m0\0")
        prop("m0/memory-region", memory_region("cm0", "ipc-shmem-2"))

    def make_board_files(self):
        d, r = self.bdir, self.run_dir
        with open(os.path.join(self.keys, "id_ed25519.pub")) as f1, open(os.path.join(self.keys, "id_rsa.pub")) as f2:
            write(os.path.join(d, "authorized_keys"), f1.read() + f2.read(), 0o600)
        self.write_sshd_config()
        self.write_shadow()
        self.write_dt()
        self.new_boot_id()
        write(os.path.join(d, "dmesg"), """#!/bin/sh
# board-sim: prints the simulated kernel log (bind-mounted over /usr/bin/dmesg inside the board).
LOG=%s
case "$1" in
  -C|--clear) : > "$LOG"; exit 0 ;;
  -c|--read-clear) cat "$LOG"; : > "$LOG"; exit 0 ;;
  -n|--console-level) exit 0 ;;
esac
exec cat "$LOG"
""" % self.kmsg, 0o755)
        write(os.path.join(d, "uname"), BOARD_UNAME % {"release": KERNEL_RELEASE, "version": KERNEL_VERSION}, 0o755)
        # What `uname -r` prints, where the probe reads it without a process.
        write(os.path.join(d, "osrelease"), KERNEL_RELEASE + "\n", 0o444)
        write(os.path.join(d, "rprocfs.conf"), "".join("%s=%s\n" % kv for kv in [
            ("kmsg", self.kmsg), ("secure_log", os.path.join(r, "secure_console.log")),
            ("boot_ns", self.state["boot_ns"]), ("control", os.path.join(r, "rprocfs.sock")),
            ("kernel_release", KERNEL_RELEASE)]
            # The knobs rprocfs applies itself (knobs.py: rprocfs=True); "detached" only names an instance.
            + [(k.name, self.knob(k.name)) for k in RPROCFS_KNOBS if k.name != "detached" or self.knob(k.name) != "none"]))
        write(os.path.join(d, "init.sh"), """#!/bin/sh
# board-sim: runs as PID "init" of the board's mount+UTS namespace (inside its network namespace).
set -e
trap 'echo "init.sh: a command failed (status $?) near line $LINENO" >&2' EXIT
D=%(dir)s
R=$D/run
hostname %(host)s
mount -t tmpfs -o size=4m,mode=755 boardrun /run
mkdir -p /run/sshd /run/board-ssh /run/ov
install -m 600 $D/board/authorized_keys /run/board-ssh/authorized_keys
ov() { mkdir -p /run/ov/$1/u /run/ov/$1/w; mount -t overlay -o lowerdir=$2,upperdir=/run/ov/$1/u,workdir=/run/ov/$1/w ov-$1 $2; }
# ssh=dropbear: sftp=off removes Dropbear's /usr/lib/sftp-server in this overlay only.
ov usrlib /usr/lib
# The host's /root (its ~/.ssh, shell start-up files) is not the board's: hidden. Root's home is below.
mount -t tmpfs -o size=1m,mode=700 boardroot /root
mount -t tmpfs -o size=%(fw_size)s,mode=755 boardfw /usr/lib/firmware
ov class /sys/class
mkdir -p /sys/class/remoteproc
ov bus /sys/bus
mkdir -p /sys/bus/tee/devices
mkdir -p /run/fwparam && printf '\\n' > /run/fwparam/path
mount --bind /run/fwparam /sys/module/firmware_class/parameters
mount --bind $D/board/firmware /sys/firmware
mount -t tmpfs -o size=1m,mode=755 boardsystemd /etc/systemd/system
mkdir -p /etc/systemd/system/multi-user.target.wants
mount --bind $D/board/dmesg /usr/bin/dmesg
mount --bind $D/board/uname /usr/bin/uname
mount --bind $D/board/osrelease /proc/sys/kernel/osrelease
# The board's own boot id (a new one at each `reboot`), not the host kernel's: the tool keeps board facts per boot.
mount --bind $D/board/boot_id /proc/sys/kernel/random/boot_id
mount --bind $D/board/shadow /etc/shadow
mount --bind $D/board/etc/passwd /etc/passwd
mount --bind $D/board/etc/profile /etc/profile
mount --bind $D/board/etc/bash.bashrc /etc/bash.bashrc
mount --bind $D/board/etc/profile.d /etc/profile.d
mount -t tmpfs -o size=8m,mode=755 boardhome /home
install -d -m 700 %(home)s
install -m 644 $D/board/home/.profile $D/board/home/.bashrc %(home)s/
# Dropbear reads ~/.ssh/authorized_keys (it has no AuthorizedKeysFile option); OpenSSH reads /run/board-ssh.
install -d -m 700 %(home)s/.ssh && install -m 600 $D/board/authorized_keys %(home)s/.ssh/authorized_keys
%(rprocfs)s /sys/class/remoteproc $D/board/rprocfs.conf > $R/rprocfs.log 2>&1 &
i=0
until grep -q ' /sys/class/remoteproc fuse' /proc/self/mounts; do
  i=$((i+1)); [ $i -lt 3000 ] || { echo "rprocfs did not mount within 30 s" >&2; exit 1; }
  sleep 0.01
done
touch $R/ready
trap - EXIT
exec sleep infinity
""" % {"dir": self.dir, "host": HOSTNAME, "fw_size": self.knob("fw_size"), "rprocfs": self.state["rprocfs"],
       "home": BOARD_HOME}, 0o755)
        write(os.path.join(d, "console.sh"), CONSOLE_SH % {"run": r, "host": HOSTNAME, "home": BOARD_HOME}, 0o755)
        self.write_login_files()

    def new_boot_id(self):
        """A fresh /proc/sys/kernel/random/boot_id for the board, written in place: the bind mount follows the file."""
        write(os.path.join(self.bdir, "boot_id"), str(uuid.uuid4()) + "\n", 0o444)

    def write_login_files(self):
        """The board's own passwd entry, home and shell start-up files, bind-mounted inside its mount namespace:
        a login on the board never runs the host user's ~/.bashrc, /etc/profile.d or ~/.ssh/rc."""
        etc = os.path.join(self.bdir, "etc")
        os.makedirs(os.path.join(etc, "profile.d"), exist_ok=True)
        with open("/etc/passwd") as f:  # the host's system users (sshd's privilege separation needs its own)
            others = [l for l in f.read().splitlines() if l and not l.startswith("root:")]
        write(os.path.join(etc, "passwd"), "\n".join(["root:x:0:0:root:%s:/bin/bash" % BOARD_HOME] + others) + "\n")
        write(os.path.join(etc, "profile"), BOARD_PROFILE)
        write(os.path.join(etc, "bash.bashrc"), "# board-sim: the board's system-wide bashrc (empty on OpenSTLinux)\n")
        home = os.path.join(self.bdir, "home")
        os.makedirs(home, exist_ok=True)
        write(os.path.join(home, ".profile"), BOARD_DOT_PROFILE)
        write(os.path.join(home, ".bashrc"), self.board_bashrc())

    def board_bashrc(self):
        delay = self.knob("login_delay")
        # login_delay=N: a slow start-up file on the board itself, to test that a slow login fails fast.
        return ("sleep %s\n" % delay if delay != "0" else "") + BOARD_DOT_BASHRC

    def absorb_password(self, clear):
        """Keeps only a SHA-512 crypt hash of the password knob: no secret in state.json or printed JSON."""
        self.state["password_hash"] = (run(["openssl", "passwd", "-6", "-stdin"], input=clear).stdout.strip()
                                       if clear else "")
        self.state["knobs"]["password"] = "(set)" if clear else ""

    def write_shadow(self):
        h = self.state.get("password_hash") or "*"
        # A private shadow for the board only (bind-mounted): never touches the host's passwords.
        write(os.path.join(self.bdir, "shadow"), "root:%s:19000:0:99999:7:::\n" % h, 0o640)

    def apply_fs_knobs(self):
        self.ns("mount", "-o", "remount,size=%s,%s" % (self.knob("fw_size"), "ro" if self.knob("fw_ro") == "on"
                                                                              else "rw"), "/usr/lib/firmware")
        self.ns("sh", "-c", 'printf "%s\\n" "$1" > /sys/module/firmware_class/parameters/path', "sh",
                self.knob("fw_path"))
        tee_dev = "/sys/bus/tee/devices/optee-ta-" + TEE_TA_UUID
        if self.knob("mode") == "TEE" and self.knob("tee_ta") == "on":
            self.ns("mkdir", "-p", tee_dev)
        else:
            self.ns("rm", "-rf", tee_dev)
        wants = "/etc/systemd/system/multi-user.target.wants/" + DEMO_SERVICE
        unit = "/etc/systemd/system/" + DEMO_SERVICE
        if self.knob("demo") == "on":
            self.ns("sh", "-c", 'printf "%s" "$1" > "$2" && ln -sfn ../' + DEMO_SERVICE + ' "$3"', "sh",
                    DEMO_UNIT % (DEMO_SIGNED if self.knob("mode") == "TEE" else DEMO_ELF), unit, wants)
        else:
            self.ns("rm", "-f", wants)

    def apply_login_delay(self):
        self.ns("/bin/sh", "-c", "cat > %s/.bashrc" % BOARD_HOME, input=self.board_bashrc())
