#!/usr/bin/env python3
"""Self-tests of the simulated board, driven only through plain OpenSSH `ssh`/`sftp`, the serial pty and
board-sim itself (never through the product's code).

  selftest.py [--rprocfs PATH] [unittest args…]     exit 77 (ctest SKIP) when not root
"""
import hashlib
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import tty
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
BOARD_SIM = os.path.join(HERE, "board-sim")
sys.path.insert(0, os.path.join(HERE, "tools"))
import elfgen  # noqa: E402
import rproc_sign  # noqa: E402

RPROCFS = os.environ.get("BOARD_SIM_RPROCFS")
TEE_TA = "80a4c275-0a47-4905-8285-1486a9771a08"
# Never the invoking user's ~/.ssh/config or ssh-agent: the suite must not depend on its host.
NO_USER_CONFIG = ["-F", "/dev/null", "-o", "IdentityAgent=none"]
FIRMWARE_DIR = os.environ.get("BOARD_SIM_FIRMWARE_DIR")  # real arm-none-eabi-gcc images, if built


def sim(*args, check=True):
    cmd = [BOARD_SIM] + list(args)
    if RPROCFS and args[0] == "start":
        cmd += ["--rprocfs", RPROCFS]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if check and r.returncode != 0:
        raise AssertionError("board-sim %s failed: %s" % (" ".join(args), r.stderr))
    return r


# If this process is killed (ctest timeout sends SIGKILL), no cleanup code runs here: a watchdog process
# learns every board directory through a pipe and stops what is left when the pipe closes.
WATCHDOG = r"""
import shutil, subprocess, sys
live = set()
for line in sys.stdin:
    d = line.rstrip("\n")
    if d.startswith("-"):
        live.discard(d[1:])
    elif d:
        live.add(d)
for d in live:
    subprocess.run([sys.argv[1], "stop", "--dir", d], timeout=120)
    shutil.rmtree(d, ignore_errors=True)
"""
_watchdog = None


def watchdog(line):
    global _watchdog
    if _watchdog is None:
        _watchdog = subprocess.Popen([sys.executable, "-c", WATCHDOG, BOARD_SIM], stdin=subprocess.PIPE, text=True,
                                     start_new_session=True)
    _watchdog.stdin.write(line + "\n")
    _watchdog.stdin.flush()


class Board:
    """One simulated board for a test class; always stopped, also when a test fails."""

    def __init__(self, *knobs):
        self.dir = tempfile.mkdtemp(prefix="board-sim-test-")
        watchdog(self.dir)
        try:
            r = sim("start", "--dir", self.dir, *knobs)
        except BaseException:
            self.stop()
            raise
        self.info = json.loads(r.stdout)

    def stop(self):
        sim("stop", "--dir", self.dir, check=False)
        watchdog("-" + self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)

    def set(self, *pairs):
        kh = self.info["known_hosts"]
        self.info = json.loads(sim("set", "--dir", self.dir, *pairs).stdout)
        self.info["known_hosts"] = kh
        return self.info

    def ssh_cmd(self, *extra, key=None):
        i = self.info
        return ["ssh", *NO_USER_CONFIG, "-i", key or i["identity"], "-o", "UserKnownHostsFile=" + i["known_hosts"],
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-o", "ConnectTimeout=3",
                "-o", "IdentitiesOnly=yes"] + list(extra) + ["%s@%s" % (i["user"], i["host"])]

    def ssh(self, command, input=None, key=None, extra=()):
        r = subprocess.run(self.ssh_cmd(*extra, key=key) + [command], capture_output=True, timeout=60,
                           input=input, text=isinstance(input, str) or input is None)
        return r

    def sftp(self, batch):
        i = self.info
        r = subprocess.run(["sftp", *NO_USER_CONFIG, "-i", i["identity"], "-o", "UserKnownHostsFile=" + i["known_hosts"],
                            "-o", "BatchMode=yes", "-b", "-", "%s@%s" % (i["user"], i["host"])],
                           input=batch, capture_output=True, text=True, timeout=60)
        return r

    def put(self, name, data):
        local = os.path.join(self.dir, "upload-" + name)
        with open(local, "wb") as f:
            f.write(data)
        r = self.sftp("put %s /lib/firmware/%s\n" % (local, name))
        assert r.returncode == 0, r.stderr
        return local

    def dmesg(self):
        r = self.ssh("dmesg")
        assert r.returncode == 0, r.stderr
        return r.stdout

    def clear_log(self):
        assert self.ssh("dmesg -C").returncode == 0


def rp(i, attr):
    return "/sys/class/remoteproc/remoteproc%d/%s" % (i, attr)


class BoardCase(unittest.TestCase):
    knobs = ()

    @classmethod
    def setUpClass(cls):
        cls.board = Board(*cls.knobs)
        cls.addClassCleanup(cls.board.stop)

    def write_attr(self, i, attr, value):
        return self.board.ssh("echo %s > %s" % (value, rp(i, attr)))

    def read_attr(self, i, attr):
        r = self.board.ssh("cat " + rp(i, attr))
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.strip()

    def reset(self, i):
        """Back to offline, whatever the refcount."""
        for _ in range(5):
            if self.read_attr(i, "state") == "offline":
                return
            self.write_attr(i, "state", "stop")
        self.assertEqual(self.read_attr(i, "state"), "offline")

    def start_fw(self, i, name):
        self.reset(i)
        self.assertEqual(self.write_attr(i, "firmware", name).returncode, 0)
        self.board.clear_log()
        return self.write_attr(i, "state", "start")

    def assert_log(self, *lines):
        log = self.board.dmesg()
        pos = 0
        for line in lines:
            found = log.find(line, pos)
            self.assertGreaterEqual(found, 0, "missing (in order) %r in dmesg:\n%s" % (line, log))
            pos = found + len(line)
        return log


TEE_DEV = "tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08"


class StockBoardTest(BoardCase):
    """No knobs: ST's stock STM32MP257F-DK (ST's current DT and fw_cortex_m33.sh): the M33 in TEE mode as
    remoteproc0, the M0+ as remoteproc1, OP-TEE's remoteproc TA present, the board's own kernel release.
    Fault knobs are set on this board and restored by each test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elf = elfgen.make_elf()
        cls.board.put("fw_sign.bin", rproc_sign.sign(cls.elf, cls.board.info["signing_key_private"]))
        cls.boot_log = cls.board.dmesg()

    def tearDown(self):
        stock = {"ta_start": "ok", "stop_fault": "none", "rproc_fault": "none", "hostile": "off", "tee_ta": "on"}
        changed = ["%s=%s" % kv for kv in stock.items() if self.board.info["knobs"][kv[0]] != kv[1]]
        if changed:
            self.board.set(*changed)

    def test_stock_defaults(self):
        knobs = self.board.info["knobs"]
        self.assertEqual((knobs["mode"], knobs["order"], knobs["tee_ta"]), ("TEE", "m33,m0", "on"))
        self.assertEqual((self.read_attr(0, "name"), self.read_attr(0, "fw_format")), ("m33", "TEE"))
        self.assertEqual((self.read_attr(1, "name"), self.read_attr(1, "fw_format")), ("m0", "ELF"))
        self.assertEqual(self.board.ssh("test -d /sys/bus/tee/devices/optee-ta-" + TEE_TA).returncode, 0)
        self.assertIn("stm32-rproc m33: Support of signed firmware only", self.boot_log)
        self.assertIn("Linux version 6.6.78-stm32mp-r2 ", self.boot_log)
        # Its own kernel, whatever the host runs; the firmware loader's <release> directories follow it.
        r = self.board.ssh("uname -r; uname -m; uname -sn; uname -a")
        self.assertEqual(r.stdout.splitlines()[:3], ["6.6.78-stm32mp-r2", "aarch64", "Linux stm32mp2-e3-c7-3f"])
        self.assertIn(" 6.6.78-stm32mp-r2 ", r.stdout.splitlines()[3])
        self.assertNotEqual(os.uname().release, "6.6.78-stm32mp-r2")

    def test_dk_memory_map_of_st_current_device_tree(self):
        r = self.board.ssh("ls /sys/firmware/devicetree/base/reserved-memory")
        nodes = r.stdout.split()
        for node in ("scmi-cid2-s@a041000", "scmi-cid2-ns@a042000", "cm33-sram1@a043000"):
            self.assertIn(node, nodes)
        self.assertNotIn("cm33-sram1@a041000", nodes)

    def test_firmware_from_the_release_directory(self):
        self.board.ssh("mkdir -p /lib/firmware/6.6.78-stm32mp-r2 && cp /lib/firmware/fw_sign.bin "
                       "/lib/firmware/6.6.78-stm32mp-r2/rel_sign.bin")
        r = self.start_fw(0, "rel_sign.bin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.reset(0)

    def test_demo_service_on_the_stock_board(self):  # F07/F19
        self.reset(0)
        self.board.set("demo=on")
        try:
            self.assertEqual(self.read_attr(0, "state"), "running")
            self.assertEqual(self.read_attr(0, "firmware"), "OpenAMP_TTY_echo_CM33_NonSecure_sign.bin")
        finally:
            self.board.set("demo=off")
            self.reset(0)

    def test_ta_start_failure_then_bad_state_until_reboot(self):
        # ST tee_remoteproc.c: "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: %x, ret:%x", then
        # remoteproc_core.c "can't start rproc %s: %d"; the TA stays LOADED: the next LOAD_FW is BAD_STATE.
        self.board.set("ta_start=fail")
        r = self.start_fw(0, "fw_sign.bin")
        self.assertIn("Input/output error", r.stderr)
        self.assert_log("Booting fw image fw_sign.bin",
                        TEE_DEV + ": TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0",
                        "remoteproc remoteproc0: can't start rproc m33: -5", "Boot failed: -5")
        self.board.set("ta_start=ok")
        r = self.start_fw(0, "fw_sign.bin")
        self.assertIn("Input/output error", r.stderr)
        self.assert_log(TEE_DEV + ": TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0007, ret:0")
        self.board.set("reboot=1")
        self.assertEqual(self.start_fw(0, "fw_sign.bin").returncode, 0)
        self.reset(0)

    def test_missing_ta_at_probe(self):  # F11
        self.board.set("tee_ta=off")
        self.assertEqual(self.board.ssh("ls /sys/class/remoteproc").stdout.split(), ["remoteproc0"])
        self.assertEqual(self.read_attr(0, "name"), "m0")
        self.assertNotEqual(self.board.ssh("test -e /sys/bus/tee/devices/optee-ta-" + TEE_TA).returncode, 0)
        self.assert_log("tee_client_open_session failed, err: ffff0008",
                        "stm32-rproc m33: signed firmware not supported by TEE")
        self.board.set("tee_ta=on")
        self.assertEqual(self.read_attr(0, "name"), "m33")

    def test_stop_failures(self):
        for knob, errno_text, lines in (
                ("ta", "Input/output error", [TEE_DEV + ": TA_RPROC_FW_CMD_STOP_FW invoke failed TEE err: ffff0000",
                                              "remoteproc remoteproc0: can't stop rproc: -5"]),
                ("eperm", "Operation not permitted", ["remoteproc remoteproc0: can't stop rproc: -1"])):
            self.assertEqual(self.start_fw(0, "fw_sign.bin").returncode, 0)
            self.board.set("stop_fault=" + knob)
            r = self.write_attr(0, "state", "stop")
            self.assertIn(errno_text, r.stderr)
            self.assert_log(*lines)
            self.assertEqual(self.read_attr(0, "state"), "running")
            self.board.set("stop_fault=none")
            self.reset(0)

    def test_carve_out_subdevice_and_deleted_faults(self):
        for knob, errno_text, lines in (
                ("memory-region", "Invalid argument", ["stm32-rproc m33: memory region not valid 0x80100000",
                                                        "can't prepare rproc m33: -22"]),
                ("subdevices", "Cannot allocate memory", ["failed to prepare subdevices for m33: -12"]),
                ("deleted", "No such device", ["can't boot deleted rproc m33"])):
            self.board.set("rproc_fault=" + knob)
            r = self.start_fw(0, "fw_sign.bin")
            self.assertIn(errno_text, r.stderr, knob)
            self.assert_log(*lines)
            self.assertEqual(self.read_attr(0, "state"), "offline")
        self.board.set("rproc_fault=none")

    def test_failed_recovery_leaves_offline_with_a_leaked_reference(self):
        # remoteproc_core.c rproc_boot_recovery: stop, request_firmware, rproc_start; nobody drops the reference.
        self.board.ssh("cp /lib/firmware/fw_sign.bin /lib/firmware/gone_sign.bin")
        self.assertEqual(self.start_fw(0, "gone_sign.bin").returncode, 0)
        self.board.ssh("rm /lib/firmware/gone_sign.bin")
        self.board.set("crash=m33")
        self.assert_log("recovering m33", "stopped remote processor m33", "request_firmware failed: -2")
        self.assertEqual(self.read_attr(0, "state"), "offline")
        self.board.clear_log()
        self.assertEqual(self.write_attr(0, "state", "start").returncode, 0)  # counted, silent
        self.assertEqual(self.read_attr(0, "state"), "offline")
        self.assertNotIn("powering up", self.board.dmesg())
        self.assertIn("Invalid argument", self.write_attr(0, "state", "stop").stderr)
        self.board.set("reboot=1")

    def test_misaligned_vector_table(self):
        # ST stm32_rproc.c stm32_rproc_start: "Boot address is %#llx no aligned on mask %#x", returns 0.
        self.board.set("mode=ELF")
        try:
            self.board.put("vt.elf", elfgen.make_elf(vector_table=0x80100040))
            r = self.start_fw(0, "vt.elf")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assert_log("remoteproc remoteproc0: Boot address is 0x80100040 no aligned on mask 0xffffff80",
                            "remote processor m33 is now up")
            self.reset(0)
        finally:
            self.board.set("mode=TEE")

    def test_hostile_values(self):
        self.board.set("hostile=controls")
        r = self.board.ssh("wc -c < %s; wc -c < %s; cat %s" % (rp(0, "firmware"), rp(1, "name"), rp(0, "name")))
        sizes = r.stdout.split()
        self.assertGreater(int(sizes[0]), 64 << 10)
        self.assertGreater(int(sizes[1]), 64 << 10)
        self.assertEqual(sizes[2], "m33")
        self.board.set("hostile=endless")
        r = self.board.ssh("head -c 300000 %s | wc -c" % rp(0, "firmware"))
        self.assertEqual(r.stdout.strip(), "300000")
        self.board.set("hostile=off")
        self.assertLess(len(self.read_attr(0, "firmware")), 256)


# The knobs of the ELF-mode board with the M0+ first, on which most of these tests were written (the defaults
# are ST's stock board since: TEE mode, m33 = remoteproc0; StockBoardTest covers those).
ELF_M0_FIRST = ("mode=ELF", "order=m0,m33")


class ElfModeTest(BoardCase):
    """STM32MP257F-DK, m0 = remoteproc0, m33 = remoteproc1, ELF mode, refcounted kernel."""
    knobs = ELF_M0_FIRST

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.good = elfgen.make_elf()
        cls.board.put("good.elf", cls.good)

    def test_json_contract(self):
        i = self.board.info
        for key in ("host", "port", "user", "identity", "identity_rsa", "known_hosts", "host_key_fingerprint", "serial",
                    "sysfs_root", "dev_root", "signing_key_private", "signing_key_public", "kernel_log", "netns",
                    "dir", "knobs"):
            self.assertIn(key, i)
        self.assertEqual(i["port"], 22)
        self.assertTrue(i["host_key_fingerprint"].startswith("SHA256:"))
        with open(i["known_hosts"]) as f:
            self.assertRegex(f.read(), r"^%s ssh-ed25519 AAAA\S+\n$" % i["host"].replace(".", r"\."))
        self.assertTrue(os.path.realpath(i["serial"]).startswith("/dev/pts/"))
        by_id = os.path.join(i["dev_root"], "serial/by-id/usb-STMicroelectronics_STLINK-V3_004A00233133510D37363734-if01")
        self.assertEqual(os.path.realpath(by_id), os.path.realpath(i["serial"]))

    def test_instances_and_attributes(self):
        self.assertEqual(self.read_attr(0, "name"), "m0")
        self.assertEqual(self.read_attr(1, "name"), "m33")
        self.assertEqual(self.read_attr(1, "fw_format"), "ELF")
        self.assertEqual(self.read_attr(1, "recovery"), "enabled")
        self.assertEqual(self.read_attr(1, "coredump"), "disabled")
        r = self.board.ssh("ls /sys/class/remoteproc/remoteproc1")
        self.assertEqual(r.stdout.split(), ["coredump", "firmware", "fw_format", "name", "recovery", "state"])
        self.assertEqual(self.board.ssh("hostname").stdout.strip(), "stm32mp2-e3-c7-3f")

    def test_upload_lands_in_lib_firmware(self):
        r = self.board.ssh("sha256sum /lib/firmware/good.elf")
        self.assertEqual(r.stdout.split()[0], hashlib.sha256(self.good).hexdigest())

    def test_start_good_elf(self):
        r = self.start_fw(1, "good.elf")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.read_attr(1, "state"), "running")
        self.assert_log("remoteproc remoteproc1: powering up m33",
                        "remoteproc remoteproc1: Booting fw image good.elf, size %d" % len(self.good),
                        "remoteproc remoteproc1: remote processor m33 is now up")
        self.assertNotIn("no resource table", self.board.dmesg())
        self.assertRegex(self.board.dmesg(), r"\[\s+\d+\.\d{6}\] remoteproc remoteproc1: powering up m33")

    def test_missing_firmware_enoent(self):
        r = self.start_fw(1, "missing.elf")
        self.assertEqual(r.returncode, 1)
        self.assertIn("write error: No such file or directory", r.stderr)
        self.assert_log("powering up m33", "Direct firmware load for missing.elf failed with error -2",
                        "request_firmware failed: -2", "Boot failed: -2")
        self.assertEqual(self.read_attr(1, "state"), "offline")

    def test_absolute_path_is_enoent(self):
        r = self.start_fw(1, "/lib/firmware/good.elf")
        self.assertIn("No such file or directory", r.stderr)

    def test_firmware_change_while_running_ebusy(self):
        self.assertEqual(self.start_fw(1, "good.elf").returncode, 0)
        r = self.write_attr(1, "firmware", "other.elf")
        self.assertIn("write error: Device or resource busy", r.stderr)
        self.assert_log("can't change firmware while running")
        self.assertEqual(self.read_attr(1, "firmware"), "good.elf")

    def test_empty_firmware_einval(self):
        self.reset(1)
        r = self.board.ssh("echo > " + rp(1, "firmware"))
        self.assertIn("Invalid argument", r.stderr)
        self.assert_log("can't provide empty string for firmware name")

    def test_unknown_command_einval(self):
        self.board.clear_log()
        r = self.write_attr(1, "state", "bogus")
        self.assertIn("write error: Invalid argument", r.stderr)
        self.assert_log("remoteproc remoteproc1: Unrecognised option: bogus")

    def test_stop_when_offline_einval(self):
        self.reset(1)
        r = self.write_attr(1, "state", "stop")
        self.assertIn("Invalid argument", r.stderr)

    def test_signed_image_in_elf_mode_bad_magic(self):  # F01
        with tempfile.NamedTemporaryFile() as k:
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-out", k.name], check=True, capture_output=True)
            self.board.put("fw_sign.bin", rproc_sign.sign(self.good, k.name))
        r = self.start_fw(1, "fw_sign.bin")
        self.assertIn("write error: Invalid argument", r.stderr)
        log = self.assert_log("powering up m33", "Image is corrupted (bad magic)", "Boot failed: -22")
        self.assertNotIn("Booting fw image", log)

    def test_cm33_image_into_m0_bad_phdr(self):  # F04
        r = self.start_fw(0, "good.elf")
        self.assertIn("Invalid argument", r.stderr)
        self.assert_log("remoteproc remoteproc0: powering up m0", "Booting fw image good.elf",
                        "remoteproc remoteproc0: bad phdr da 0x80100000 mem 0x540",
                        "Failed to load program segments: -22", "remoteproc remoteproc0: Boot failed: -22")
        self.assertEqual(self.read_attr(0, "state"), "offline")

    def test_segment_outside_carve_outs(self):  # F05
        self.board.put("wrongmap.elf", elfgen.make_elf([(0x90000000, b"\0" * 64, 0x100)]))
        r = self.start_fw(1, "wrongmap.elf")
        self.assertIn("Invalid argument", r.stderr)
        self.assert_log("bad phdr da 0x90000000 mem 0x100", "Failed to load program segments: -22")

    def test_broken_elves(self):
        good = bytearray(self.good)
        cls64 = bytearray(good)
        cls64[4] = 3
        big = bytearray(good)
        big[5] = 2
        cases = [
            ("badclass.elf", bytes(cls64), "Unsupported class: 3"),
            ("bigendian.elf", bytes(big), "Unsupported firmware endianness"),
            ("tiny.elf", bytes(good[:40]), "Image is too small"),
            ("nophdr.elf", elfgen.make_elf([]), "No loadable segments"),
        ]
        for name, data, message in cases:
            with self.subTest(name=name):
                self.board.put(name, data)
                r = self.start_fw(1, name)
                self.assertIn("Invalid argument", r.stderr)
                self.assert_log(message, "Boot failed: -22")

    def test_truncated_segment(self):
        data = elfgen.make_elf([(0x80100000, b"\1" * 0x400, 0x540)], rsc_table=False)
        # Keep the section headers intact (the sanity check needs them) but make the segment point past the end.
        import struct
        buf = bytearray(data)
        struct.pack_into("<I", buf, 52 + 4, len(buf) - 0x10)  # p_offset of segment 0
        self.board.put("trunc.elf", bytes(buf))
        r = self.start_fw(1, "trunc.elf")
        self.assertIn("Invalid argument", r.stderr)
        self.assert_log("truncated fw: need 0x%x avail 0x%x" % (len(buf) - 0x10 + 0x400, len(buf)),
                        "Failed to load program segments: -22")

    def test_no_resource_table_warning(self):  # F21
        self.board.put("norsc.elf", elfgen.make_elf(rsc_table=False))
        self.assertEqual(self.start_fw(1, "norsc.elf").returncode, 0)
        self.assert_log("Booting fw image norsc.elf", "no resource table found for this firmware",
                        "remote processor m33 is now up")

    def test_refcounted_start_stop(self):  # F09
        self.assertEqual(self.start_fw(1, "good.elf").returncode, 0)
        self.assertEqual(self.write_attr(1, "state", "start").returncode, 0)  # silent success
        self.assertEqual(self.write_attr(1, "state", "stop").returncode, 0)
        self.assertEqual(self.read_attr(1, "state"), "running")
        self.assertEqual(self.write_attr(1, "state", "stop").returncode, 0)
        self.assertEqual(self.read_attr(1, "state"), "offline")
        log = self.board.dmesg()
        self.assertEqual(log.count("powering up m33"), 1)
        self.assertEqual(log.count("stopped remote processor m33"), 1)

    def test_sftp_write_to_sysfs(self):
        self.reset(1)
        local = os.path.join(self.board.dir, "fwname")
        with open(local, "w") as f:
            f.write("missing.elf\n")
        r = self.board.sftp("put %s %s\n" % (local, rp(1, "firmware")))
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(local, "w") as f:
            f.write("start\n")
        r = self.board.sftp("put %s %s\n" % (local, rp(1, "state")))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("No such file or directory", r.stderr)

    def test_device_tree_and_misc_files(self):
        r = self.board.ssh("od -An -c /sys/firmware/devicetree/base/compatible")
        compat = self.board.ssh("cat /sys/firmware/devicetree/base/compatible | tr '\\0' '|'").stdout
        self.assertEqual(compat, "st,stm32mp257f-dk|st,stm32mp257|")
        model = self.board.ssh("cat /sys/firmware/devicetree/base/model | tr '\\0' '|'").stdout
        self.assertEqual(model, "STMicroelectronics STM32MP257F-DK Discovery Board|")
        r = self.board.ssh("od -An -tx1 '/sys/firmware/devicetree/base/reserved-memory/cm33-cube-fw@80100000/reg'")
        self.assertEqual(r.stdout.split(), "00 00 00 00 80 10 00 00 00 00 00 00 00 80 00 00".split())
        # The M33 node's memory-region names its carve-outs by phandle, as dtc lays it out.
        base = "/sys/firmware/devicetree/base"
        fw = self.board.ssh("od -An -tx1 '%s/reserved-memory/cm33-cube-fw@80100000/phandle'" % base).stdout.split()
        listed = self.board.ssh("od -An -tx1 -w4 %s/m33/memory-region" % base).stdout.split("\n")
        self.assertIn(" ".join(fw), [line.strip() for line in listed])
        m0 = self.board.ssh("od -An -tx1 -w4 %s/m0/memory-region" % base).stdout
        self.assertNotIn(" ".join(fw), m0, "the M0+ does not list the M33's code carve-out")
        r = self.board.ssh("cat /sys/module/firmware_class/parameters/path; ls /sys/bus/tee/devices | wc -l")
        self.assertEqual(r.stdout, "\n0\n")
        r = self.board.ssh("test -e /etc/systemd/system/multi-user.target.wants/st-m33firmware-load.service")
        self.assertEqual(r.returncode, 1)

    def test_hostsys_layout(self):
        hs = self.board.info["sysfs_root"]
        tty = os.path.join(hs, "class/tty/ttyACM0")
        self.assertEqual(os.readlink(tty), "../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1/tty/ttyACM0")
        real = os.path.realpath(tty)
        intf = os.path.realpath(os.path.join(real, "device"))
        usb = os.path.dirname(intf)

        def rd(p):
            with open(p) as f:
                return f.read()
        self.assertEqual(rd(os.path.join(usb, "idVendor")), "0483\n")
        self.assertEqual(rd(os.path.join(usb, "idProduct")), "374e\n")
        self.assertEqual(rd(os.path.join(usb, "product")), "STLINK-V3\n")
        self.assertEqual(rd(os.path.join(intf, "bInterfaceNumber")), "01\n")
        self.assertEqual(os.path.basename(os.path.realpath(os.path.join(intf, "driver"))), "cdc_acm")
        self.assertEqual(os.path.realpath(os.path.join(intf, "driver")), os.path.join(hs, "bus/usb/drivers/cdc_acm"))
        self.assertIn("DEVNAME=ttyACM0\n", rd(os.path.join(real, "uevent")))


class ElfKnobsTest(BoardCase):
    """Knobs that change a running board (each test restores what it changed)."""
    knobs = ELF_M0_FIRST

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.board.put("good.elf", elfgen.make_elf())

    def test_crash_with_recovery(self):
        self.assertEqual(self.start_fw(1, "good.elf").returncode, 0)
        self.board.set("crash=m33")
        self.assert_log("handling crash #1 in m33", "recovering m33", "remote processor m33 is now up")
        self.assertEqual(self.read_attr(1, "state"), "running")

    def test_crash_without_recovery(self):  # F08
        self.board.set("recovery=disabled")
        try:
            self.assertEqual(self.start_fw(1, "good.elf").returncode, 0)
            self.board.set("crash=m33")
            self.assertEqual(self.read_attr(1, "state"), "crashed")
            self.assertEqual(self.read_attr(1, "recovery"), "disabled")
            self.assertIn("Invalid argument", self.write_attr(1, "state", "stop").stderr)
            self.assertIn("Device or resource busy", self.write_attr(1, "firmware", "x.elf").stderr)
            self.assertEqual(self.write_attr(1, "recovery", "recover").returncode, 0)
            self.assertEqual(self.read_attr(1, "state"), "running")
            self.assert_log("handling crash #", "in m33", "recovering m33")
        finally:
            self.board.set("recovery=enabled")

    def test_old_semantics(self):
        self.board.set("semantics=old")
        try:
            self.assertEqual(self.start_fw(1, "good.elf").returncode, 0)
            r = self.write_attr(1, "state", "start")
            self.assertIn("Device or resource busy", r.stderr)
            self.assertEqual(self.write_attr(1, "state", "stop").returncode, 0)
            self.assertEqual(self.read_attr(1, "state"), "offline")
        finally:
            self.board.set("semantics=refcount")

    def test_full_tmpfs_enospc(self):  # F10
        self.board.set("fw_size=256k")
        try:
            big = os.urandom(400 * 1024)
            r = self.board.ssh("cat > /lib/firmware/big.elf", input=big)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn(b"No space left on device", r.stderr)
            local = os.path.join(self.board.dir, "big2")
            with open(local, "wb") as f:
                f.write(big)
            r = self.board.sftp("put %s /lib/firmware/big2.elf\n" % local)
            self.assertNotEqual(r.returncode, 0)
            self.assertIn("Failure", r.stderr)
        finally:
            self.board.ssh("rm -f /lib/firmware/big.elf /lib/firmware/big2.elf")
            self.board.set("fw_size=4M")

    def test_read_only_erofs(self):  # F10
        self.board.set("fw_ro=on")
        try:
            r = self.board.ssh("echo x > /lib/firmware/new.elf")
            self.assertIn("Read-only file system", r.stderr)
            self.assertIn("Read-only file system", self.board.ssh("rm /lib/firmware/good.elf").stderr)
        finally:
            self.board.set("fw_ro=off")
        self.assertEqual(self.board.ssh("touch /lib/firmware/.w && rm /lib/firmware/.w").returncode, 0)

    def test_firmware_class_path(self):  # F06 variant
        self.board.set("fw_path=/run/altfw")
        try:
            self.assertEqual(self.board.ssh("mkdir -p /run/altfw && cp /lib/firmware/good.elf /run/altfw/alt.elf")
                             .returncode, 0)
            self.assertEqual(self.read_attr(1, "name"), "m33")
            self.assertEqual(self.board.ssh("cat /sys/module/firmware_class/parameters/path").stdout, "/run/altfw\n")
            self.assertEqual(self.start_fw(1, "alt.elf").returncode, 0)
        finally:
            self.reset(1)
            self.board.set("fw_path=")

    def test_order_m33_alone_and_m33td(self):  # F04/F12
        self.reset(1)
        self.board.set("order=m33")
        try:
            self.assertEqual(self.board.ssh("ls /sys/class/remoteproc").stdout.split(), ["remoteproc0"])
            self.assertEqual(self.read_attr(0, "name"), "m33")
        finally:
            self.board.set("order=m0,m33")
        self.board.set("board=m33td")
        try:
            names = self.board.ssh("cat /sys/class/remoteproc/*/name").stdout.split()
            self.assertNotIn("m33", names)
            compat = self.board.ssh("tr '\\0' ' ' < /sys/firmware/devicetree/base/compatible").stdout
            self.assertIn("cm33tdcid", compat)
        finally:
            self.board.set("board=dk")
        self.assertEqual(self.read_attr(1, "name"), "m33")

    def test_demo_service(self):  # F07/F19
        self.reset(1)
        self.board.set("demo=on")
        try:
            r = self.board.ssh("test -e /etc/systemd/system/multi-user.target.wants/st-m33firmware-load.service")
            self.assertEqual(r.returncode, 0)
            self.assertEqual(self.read_attr(1, "state"), "running")
            self.assertEqual(self.read_attr(1, "firmware"), "OpenAMP_TTY_echo_CM33_NonSecure.elf")
            self.assertIn("Device or resource busy", self.write_attr(1, "firmware", "good.elf").stderr)
        finally:
            self.board.set("demo=off")
            self.reset(1)

    def test_reboot_gives_the_board_a_new_boot_id(self):  # issue 12: board facts are kept per boot
        def boot_id():
            r = self.board.ssh("cat /proc/sys/kernel/random/boot_id")
            self.assertEqual(r.returncode, 0, r.stderr)
            return r.stdout.strip()
        with open("/proc/sys/kernel/random/boot_id") as f:
            host = f.read().strip()
        before = boot_id()
        self.assertEqual(len(before), 36, before)
        self.assertNotEqual(before, host, "the board's own, not the host kernel's")
        self.assertEqual(boot_id(), before, "stable while the board runs")
        self.board.set("reboot=1")
        after = boot_id()
        self.assertEqual(len(after), 36, after)
        self.assertNotEqual(after, before)

    def test_reboot_reruns_demo_service(self):  # F19
        self.reset(1)
        self.board.set("demo=on")
        try:
            self.reset(1)
            self.assertEqual(self.read_attr(1, "state"), "offline")
            self.board.set("reboot=1")
            self.assertEqual(self.read_attr(1, "state"), "running")
            self.assertEqual(self.read_attr(1, "firmware"), "OpenAMP_TTY_echo_CM33_NonSecure.elf")
            log = self.assert_log("Booting Linux", "m33 is available", "powering up m33",
                                  "Booting fw image OpenAMP_TTY_echo_CM33_NonSecure.elf")
            self.assertNotIn("stopped remote processor", log)
        finally:
            self.board.set("demo=off")
            self.reset(1)

    def test_stlink_pid(self):
        hs = self.board.info["sysfs_root"]
        usb = os.path.join(hs, "devices/pci0000:00/0000:00:14.0/usb1/1-2")
        self.board.set("stlink_pid=3754")
        try:
            with open(os.path.join(usb, "idProduct")) as f:
                self.assertEqual(f.read(), "3754\n")
            self.assertTrue(os.path.islink(os.path.join(hs, "class/tty/ttyACM0")))
        finally:
            self.board.set("stlink_pid=374e")

    def test_detached_attach(self):
        self.reset(1)
        self.board.set("detached=m33")
        self.assertEqual(self.read_attr(1, "state"), "detached")
        self.board.clear_log()
        self.assertEqual(self.write_attr(1, "state", "start").returncode, 0)
        self.assertEqual(self.read_attr(1, "state"), "attached")
        self.assertEqual(self.read_attr(1, "firmware"), "unknown")
        self.assert_log("attaching to m33", "remote processor m33 is now attached")
        self.assertEqual(self.write_attr(1, "state", "stop").returncode, 0)
        self.assertEqual(self.read_attr(1, "state"), "offline")
        self.board.set("detached=none")  # only the next reboot would use it


class TeeModeTest(BoardCase):
    knobs = ("--mode", "TEE", "--order", "m0,m33")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.elf = elfgen.make_elf()
        cls.key = cls.board.info["signing_key_private"]
        cls.board.put("fw.elf", cls.elf)
        cls.board.put("fw_sign.bin", rproc_sign.sign(cls.elf, cls.key))
        cls.boot_log = cls.board.dmesg()

    def test_mode_facts(self):
        self.assertEqual(self.read_attr(1, "fw_format"), "TEE")
        self.assertEqual(self.read_attr(0, "fw_format"), "ELF")
        r = self.board.ssh("test -d /sys/bus/tee/devices/optee-ta-80a4c275-0a47-4905-8285-1486a9771a08")
        self.assertEqual(r.returncode, 0)
        self.assertIn("stm32-rproc m33: Support of signed firmware only", self.boot_log)

    def test_good_signature(self):
        r = self.start_fw(1, "fw_sign.bin")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assert_log("powering up m33", "Booting fw image fw_sign.bin", "remote processor m33 is now up")

    def test_plain_elf_rejected(self):  # F02
        r = self.start_fw(1, "fw.elf")
        self.assertIn("write error: Input/output error", r.stderr)
        log = self.assert_log("powering up m33", "TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff0006, ret:0",
                              "remoteproc remoteproc1: Boot failed: -5")
        self.assertNotIn("Booting fw image", log)

    def test_wrong_key_and_corruptions(self):  # F03
        with tempfile.NamedTemporaryFile() as other:
            subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-out", other.name], check=True,
                           capture_output=True)
            self.board.put("other_sign.bin", rproc_sign.sign(self.elf, other.name))
        cases = [("other_sign.bin", "ffff3072")]
        for corrupt, err in (("signature", "ffff3072"), ("hash", "ffff000f"), ("size", "ffff0006"),
                             ("version", "ffff0006")):
            name = "c_%s_sign.bin" % corrupt
            self.board.put(name, rproc_sign.sign(self.elf, self.key, corrupt=corrupt))
            cases.append((name, err))
        for name, err in cases:
            with self.subTest(name=name):
                r = self.start_fw(1, name)
                self.assertIn("Input/output error", r.stderr)
                self.assert_log("TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: %s, ret:0" % err, "Boot failed: -5")

    def test_segment_hash_mismatch(self):
        # A signed table that does not match the segment: signature valid, TA refuses the loaded segment.
        img = bytearray(rproc_sign.sign(self.elf, self.key))
        img[-0x300] ^= 0xFF  # inside the segment payload of the embedded ELF
        self.board.put("tampered_sign.bin", bytes(img))
        r = self.start_fw(1, "tampered_sign.bin")
        self.assertIn("Input/output error", r.stderr)
        self.assert_log("TEE err: ffff000f")

    def test_ecdsa_trusted_key(self):
        d = self.board.dir
        priv, pub = os.path.join(d, "ec.pem"), os.path.join(d, "ec_pub.pem")
        subprocess.run(["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", priv],
                       check=True, capture_output=True)
        subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True, capture_output=True)
        self.board.put("ec_sign.bin", rproc_sign.sign(self.elf, priv, key_type="ECC"))
        self.board.set("trust_key=" + pub)
        try:
            # pta_ecdsa=off (ST's stock CFG_REMOTEPROC_PUB_KEY_VERIFY=n): the PTA refuses the key type, trusted or not.
            self.board.set("pta_ecdsa=off")
            self.assertIn("Input/output error", self.start_fw(1, "ec_sign.bin").stderr)
            self.assert_log("TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff000a, ret:0")
            self.board.set("pta_ecdsa=on")
            self.assertEqual(self.start_fw(1, "ec_sign.bin").returncode, 0)
            self.assertIn("Input/output error", self.start_fw(1, "fw_sign.bin").stderr)
        finally:
            self.board.set("pta_ecdsa=off")
            self.board.set("trust_key=" + self.board.info["signing_key_public"])
            self.reset(1)


class RealFirmwareTest(BoardCase):
    """Images built by arm-none-eabi-gcc in tests/firmware (BOARD_SIM_FIRMWARE_DIR), and, when the CLI was
    built, the images signed by the product's own signer: the simulator is their independent check."""
    KEYS = os.path.join(os.path.dirname(HERE), "firmware", "keys")
    knobs = ("--fw-size", "32M") + ELF_M0_FIRST  # m33_ns.bin spans 0x80100000..0x80a00000: 9 MiB

    @classmethod
    def setUpClass(cls):
        if not FIRMWARE_DIR or not os.path.isfile(os.path.join(FIRMWARE_DIR, "m33_ns.elf")):
            raise unittest.SkipTest("BOARD_SIM_FIRMWARE_DIR has no m33_ns.elf (build target prelaunch_firmware)")
        super().setUpClass()
        for name in os.listdir(FIRMWARE_DIR):
            with open(os.path.join(FIRMWARE_DIR, name), "rb") as f:
                cls.board.put(name, f.read())

    def elf_mode(self):
        self.reset(1)
        self.board.set("mode=ELF")

    def test_elf_mode_images(self):  # F01, F05, F21
        self.elf_mode()
        self.assertEqual(self.start_fw(1, "m33_ns.elf").returncode, 0)
        self.assert_log("Booting fw image m33_ns.elf", "remote processor m33 is now up")
        self.assertNotIn("no resource table", self.board.dmesg())
        self.assertEqual(self.start_fw(1, "m33_ns_stripped.elf").returncode, 0)
        self.assertEqual(self.start_fw(1, "m33_ns_no_rsc.elf").returncode, 0)
        self.assert_log("no resource table found for this firmware", "is now up")
        self.assertIn("Invalid argument", self.start_fw(1, "m33_outside.elf").stderr)
        self.assert_log("bad phdr da 0x84000000 mem", "Failed to load program segments: -22")
        self.assertIn("Invalid argument", self.start_fw(1, "m33_ns.bin").stderr)
        self.assert_log("Image is corrupted (bad magic)", "Boot failed: -22")
        self.assertIn("Invalid argument", self.start_fw(1, "m4.elf").stderr)
        self.assert_log("bad phdr da 0x", "Failed to load program segments: -22")
        self.assertIn("Invalid argument", self.start_fw(0, "m33_ns.elf").stderr)  # F04
        self.assert_log("remoteproc remoteproc0: bad phdr da 0x80100000")
        self.reset(1)

    def test_tee_mode_with_our_signer(self):
        self.reset(1)
        self.board.set("mode=TEE")
        try:
            with open(os.path.join(FIRMWARE_DIR, "m33_ns_stripped.elf"), "rb") as f:
                elf = f.read()
            self.board.put("real_sign.bin", rproc_sign.sign(elf, self.board.info["signing_key_private"]))
            r = self.start_fw(1, "real_sign.bin")
            self.assertEqual(r.returncode, 0, r.stderr + self.board.dmesg())
            self.assertIn("Input/output error", self.start_fw(1, "m33_ns.elf").stderr)  # F02
        finally:
            self.elf_mode()

    def test_tee_mode_with_product_signer(self):
        signed = [(n, k) for n, k in (("m33_ns_sign.bin", "test_rsa2048.pub.pem"),
                                      ("m33_ns_sign_ecc.bin", "test_p256.pub.pem"))
                  if os.path.isfile(os.path.join(FIRMWARE_DIR, n))]
        if not signed:
            self.skipTest("no m33_ns_sign*.bin (built by stm32mp-prelaunch sign)")
        self.reset(1)
        self.board.set("mode=TEE")
        self.board.set("pta_ecdsa=on")  # the ECDSA image is checked against its key (ST's PTA built for ECDSA)
        try:
            for name, key in signed:
                with self.subTest(name=name):
                    self.board.set("trust_key=" + os.path.join(self.KEYS, key))
                    r = self.start_fw(1, name)
                    self.assertEqual(r.returncode, 0, r.stderr + self.board.dmesg())
                    self.assertEqual(self.read_attr(1, "state"), "running")
                    # The board's own key does not match the test key: F03.
                    self.board.set("trust_key=" + self.board.info["signing_key_public"])
                    self.assertIn("Input/output error", self.start_fw(1, name).stderr)
                    self.assert_log("TEE err: ffff3072")
        finally:
            self.board.set("pta_ecdsa=off")
            self.board.set("trust_key=" + self.board.info["signing_key_public"])
            self.elf_mode()


class SshKnobsTest(BoardCase):
    known_hosts_override = None

    def setUp(self):
        if self.known_hosts_override:
            self.board.info["known_hosts"] = self.known_hosts_override
    def test_rsa_key(self):
        key = self.board.info["identity_rsa"]
        ok = self.board.ssh("echo ok", key=key)
        self.assertEqual(ok.stdout.strip(), "ok", ok.stderr)  # rsa-sha2-256/512 accepted
        # SHA-1 RSA signatures ("ssh-rsa", all libssh2 1.10 offers) are refused by OpenSSH 9.2 by default.
        sha1 = self.board.ssh("echo ok", key=key, extra=("-o", "PubkeyAcceptedAlgorithms=ssh-rsa"))
        self.assertNotEqual(sha1.returncode, 0)
        self.assertIn("Permission denied", sha1.stderr)
        self.board.set("rsa_sha1=on")
        try:
            sha1 = self.board.ssh("echo ok", key=key, extra=("-o", "PubkeyAcceptedAlgorithms=ssh-rsa"))
            self.assertEqual(sha1.stdout.strip(), "ok", sha1.stderr)
        finally:
            self.board.set("rsa_sha1=off")

    def test_root_login_refused(self):  # F17
        self.board.set("root_login=no")
        try:
            r = self.board.ssh("echo ok")
            self.assertEqual(r.returncode, 255)
            self.assertIn("Permission denied", r.stderr)
        finally:
            self.board.set("root_login=yes")
        self.assertEqual(self.board.ssh("echo ok").stdout.strip(), "ok")

    def test_password_login(self):
        askpass = os.path.join(self.board.dir, "askpass.sh")
        with open(askpass, "w") as f:
            f.write("#!/bin/sh\necho s3cret-board\n")
        os.chmod(askpass, 0o700)
        info = self.board.set("password=s3cret-board")
        self.assertNotIn("s3cret-board", json.dumps(info))
        with open(os.path.join(self.board.dir, "run", "state.json")) as f:
            self.assertNotIn("s3cret-board", f.read())
        try:
            env = dict(os.environ, SSH_ASKPASS=askpass, SSH_ASKPASS_REQUIRE="force", DISPLAY=":0")
            i = self.board.info
            cmd = ["ssh", *NO_USER_CONFIG, "-o", "UserKnownHostsFile=" + i["known_hosts"], "-o", "StrictHostKeyChecking=yes",
                   "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no",
                   "-o", "ConnectTimeout=3", "root@" + i["host"]]
            r = subprocess.run(cmd + ["echo pw-ok"], capture_output=True, text=True, timeout=30, env=env,
                               stdin=subprocess.DEVNULL)
            self.assertEqual(r.stdout.strip(), "pw-ok", r.stderr)
        finally:
            self.board.set("password=")

    def test_host_key_rotated(self):  # F17
        old = self.board.info["host_key_fingerprint"]
        info = self.board.set("hostkey=1")
        try:
            self.assertNotEqual(info["host_key_fingerprint"], old)
            r = self.board.ssh("echo ok")
            self.assertEqual(r.returncode, 255)
            self.assertIn("REMOTE HOST IDENTIFICATION HAS CHANGED", r.stderr)
        finally:
            # Later tests pin the new key in a known_hosts of their own.
            with open(os.path.join(self.board.dir, "board", "ssh_host_ed25519_key.pub")) as f:
                pub = " ".join(f.read().split()[:2])
            kh = os.path.join(self.board.dir, "known_hosts.rotated")
            with open(kh, "w") as f:
                f.write("%s %s\n" % (self.board.info["host"], pub))
            type(self).known_hosts_override = kh

    def test_unreachable_knobs(self):  # F17/F18
        host = self.board.info["host"]

        def connect():
            t = time.monotonic()
            try:
                socket.create_connection((host, 22), timeout=2).close()
                return "ok", time.monotonic() - t
            except socket.timeout:
                return "timeout", time.monotonic() - t
            except OSError as e:
                return e.strerror, time.monotonic() - t
        self.assertEqual(connect()[0], "ok")
        self.board.set("sshd=off")
        self.assertEqual(connect()[0], "Connection refused")
        self.board.set("sshd=on")
        self.assertEqual(connect()[0], "ok")
        self.board.set("drop=on")
        self.assertEqual(connect()[0], "timeout")
        self.board.set("drop=off")
        self.board.set("link=down")
        self.assertIn(connect()[0], ("Network is unreachable", "No route to host"))
        self.board.set("link=up")
        self.assertEqual(connect()[0], "ok")

    def test_latency_relay(self):
        host = self.board.info["host"]

        def banner_delay():
            t = time.monotonic()
            with socket.create_connection((host, 22), timeout=5) as c:
                c.settimeout(5)
                self.assertTrue(c.recv(64).startswith(b"SSH-2.0-"))
            return time.monotonic() - t
        self.assertLess(banner_delay(), 0.3)
        self.board.set("latency=400")
        try:
            self.assertGreaterEqual(banner_delay(), 0.4)  # server-to-client chunks wait 400 ms
            self.assertEqual(self.board.ssh("echo slow").stdout.strip(), "slow")
        finally:
            self.board.set("latency=off")
        self.assertLess(banner_delay(), 0.3)

    def test_rate_limit(self):
        self.board.set("rate=4mbit")
        try:
            data = b"\0" * (1024 * 1024)
            t = time.monotonic()
            r = subprocess.run(self.board.ssh_cmd() + ["cat > /dev/null"], input=data, capture_output=True, timeout=60)
            took = time.monotonic() - t
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertGreater(took, 1.5)  # 8 Mbit at 4 Mbit/s is at least 2 s
        finally:
            self.board.set("rate=off")


class Console:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)

    def read(self, seconds=1.5, until=None):
        out, end = b"", time.monotonic() + seconds
        while time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                out += os.read(self.fd, 4096)
                if until and until in out:
                    break
        return out.decode(errors="replace")

    def send(self, text):
        os.write(self.fd, text.encode() + b"\r")

    def close(self):
        os.close(self.fd)


class ConsoleTest(BoardCase):
    PROMPT = "root@stm32mp2-e3-c7-3f:~# "
    knobs = ("order=m0,m33",)  # the shell test reads remoteproc1's name

    def setUp(self):
        self.con = Console(self.board.info["serial"])
        self.addCleanup(self.con.close)

    def test_shell_prompt_and_board_view(self):
        self.board.set("console=shell")
        self.con.send("")
        self.assertIn(self.PROMPT, self.con.read(until=self.PROMPT.encode()))
        self.con.send("hostname; cat /sys/class/remoteproc/remoteproc1/name; dmesg | grep -c 'm33 is available'")
        out = self.con.read(until=b"1\r\n" + self.PROMPT.encode())
        self.assertIn("stm32mp2-e3-c7-3f\r\nm33\r\n1\r\n", out)

    def test_login_uboot_silent_noise(self):  # F16
        self.board.set("console=login")
        self.con.send("")
        self.assertIn("stm32mp2-e3-c7-3f login: ", self.con.read(until=b"login: "))
        self.con.send("root")
        self.assertIn(self.PROMPT, self.con.read(until=self.PROMPT.encode()))
        self.board.set("console=uboot")
        self.con.send("ls")
        out = self.con.read(until=b"STM32MP> ")
        self.assertIn("STM32MP> ", out)
        self.board.set("console=silent")
        self.con.read(1.2)
        self.con.send("echo hi")
        self.assertEqual(self.con.read(1.5), "")
        self.board.set("console=noise")
        out = self.con.read(2.0)
        self.assertIn("E/TC:0", out)
        self.board.set("console=shell")


def alive(pid):
    """True if the process exists and is not a zombie (PID 1 reaps re-parented children lazily)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


class KnobTableTest(unittest.TestCase):
    """Each knob is declared once (boardsim/knobs.py): the page's table is that declaration's output."""

    def test_docs_table_is_the_declared_knobs(self):
        table = subprocess.run([BOARD_SIM, "knobs"], capture_output=True, text=True, timeout=30, check=True).stdout
        with open(os.path.join(os.path.dirname(os.path.dirname(HERE)), "docs", "board-sim.md")) as f:
            page = f.read()
        self.assertIn(table, page, "docs/board-sim.md: paste the output of `board-sim knobs` into its knob table")
        rows = [line for line in table.splitlines()[2:]]
        self.assertEqual(len(rows), len(set(r.split("|")[1] for r in rows)), "a knob declared twice")
        help_text = subprocess.run([BOARD_SIM, "--help"], capture_output=True, text=True, timeout=30).stdout
        for option in ("--mode", "--tee-ta", "--hostile", "--stop-fault"):
            self.assertIn(option, help_text)


class HostIsolationTest(unittest.TestCase):
    """The board's shell is the board's: a slow start-up file of the host's root never reaches a board login,
    and a slow start-up file on the board fails `start` once, with the reason, instead of test after test."""

    def test_host_root_startup_files_never_reach_the_board(self):
        import pwd
        home = pwd.getpwnam("root").pw_dir
        slow = tempfile.mkdtemp(prefix="board-sim-slowrc-")
        self.addCleanup(shutil.rmtree, slow, True)
        for name in (".bashrc", ".profile"):
            with open(os.path.join(slow, name), "w") as f:
                f.write("sleep 20\n")
        # Only inside a private mount namespace: the host's real files are never changed.
        binds = "".join("mount --bind %s/%s %s/%s && " % (slow, n, home, n) for n in (".bashrc", ".profile")
                        if os.path.exists(os.path.join(home, n)))
        if not binds:
            self.skipTest("%s has no .bashrc or .profile to slow down" % home)
        d = tempfile.mkdtemp(prefix="board-sim-test-")
        watchdog(d)

        def stop():
            sim("stop", "--dir", d, check=False)
            watchdog("-" + d)
            shutil.rmtree(d, ignore_errors=True)
        self.addCleanup(stop)
        start = [BOARD_SIM, "start", "--dir", d] + (["--rprocfs", RPROCFS] if RPROCFS else [])
        r = subprocess.run(["unshare", "-m", "--propagation", "private", "/bin/sh", "-c", binds + 'exec "$@"', "sh"]
                           + start, capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr)
        info = json.loads(r.stdout)
        self.assertLess(info["login_seconds"], 8)
        b = Board.__new__(Board)
        b.dir, b.info = d, info
        t0 = time.monotonic()
        out = b.ssh("echo $HOME; echo $PATH")
        self.assertLess(time.monotonic() - t0, 8)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.split("\n")[0], "/home/root")
        self.assertNotIn(home + "/", out.stdout)

    def test_slow_board_login_fails_start_fast_with_the_reason(self):
        d = tempfile.mkdtemp(prefix="board-sim-test-")
        watchdog(d)
        t0 = time.monotonic()
        try:
            r = sim("start", "--dir", d, "login_delay=60", check=False)
        finally:
            sim("stop", "--dir", d, check=False)
            watchdog("-" + d)
            shutil.rmtree(d, ignore_errors=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("did not finish within 8 s", r.stderr)
        self.assertIn("start-up file", r.stderr)
        self.assertLess(time.monotonic() - t0, 50)


class BoardClockTest(unittest.TestCase):
    """The sessions' time namespace: sshd starts within a second of the board's start on a fast machine, and
    the offset must still leave the namespace's boot time at or above zero (the kernel refuses it otherwise,
    unshare exits and the board has no sshd: CI saw "sshd did not start listening")."""

    def test_offset_for_a_board_started_just_now_is_accepted_by_the_kernel(self):
        if not os.path.exists("/proc/self/ns/time"):
            self.skipTest("no time namespaces on this kernel")
        sys.dont_write_bytecode = True  # no __pycache__ in the source tree
        sys.path.insert(0, HERE)
        from boardsim.board import Board as SimBoard  # the package behind the board-sim entry point
        board = SimBoard.__new__(SimBoard)
        for since_start_ns in (0, 300_000_000, 999_000_000, 1_500_000_000):
            # The host's boot time's fraction of a second decides whether rounding down overshoots: try
            # enough instants to cover fractions above and below the board's own.
            for _ in range(12):
                board.state = {"boot_ns": time.monotonic_ns() - since_start_ns}
                r = subprocess.run(board.board_clock() + ["cat", "/proc/uptime"], capture_output=True,
                                   text=True, timeout=10)
                self.assertEqual(r.returncode, 0, r.stderr)
                uptime = float(r.stdout.split()[0])
                self.assertGreaterEqual(uptime, 0)
                self.assertLess(uptime, since_start_ns / 1e9 + 1.5)
                time.sleep(0.083)


class MultiBoardTest(unittest.TestCase):
    def test_two_boards_and_cleanup(self):
        a, b = Board(), Board()
        try:
            self.assertNotEqual(a.info["host"], b.info["host"])
            self.assertNotEqual(a.info["netns"], b.info["netns"])
            self.assertEqual(a.ssh("echo a").stdout.strip(), "a")
            self.assertEqual(b.ssh("echo b").stdout.strip(), "b")
            init_pid = a.info["init_pid"]
        finally:
            a.stop()
            b.stop()
        netns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        self.assertNotIn(a.info["netns"] + " ", netns + " ")
        self.assertNotIn(b.info["netns"] + " ", netns + " ")
        self.assertFalse(alive(init_pid))
        links = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
        self.assertNotIn("bsh%s:" % a.info["netns"][5:], links)

    def test_stale_state_never_touches_the_board_that_reuses_its_index(self):
        # A killed test run leaves a state.json naming index N; another board may own N since. Starting or
        # stopping the stale directory must leave that board alone (a parallel-ctest failure seen in CI).
        a = Board()
        stale = tempfile.mkdtemp(prefix="board-sim-stale-")
        watchdog(stale)
        try:
            os.makedirs(os.path.join(stale, "run"))
            shutil.copy(os.path.join(a.dir, "run", "state.json"), os.path.join(stale, "run", "state.json"))
            sim("stop", "--dir", stale, check=False)
            self.assertEqual(a.ssh("echo alive").stdout.strip(), "alive")
            b = json.loads(sim("start", "--dir", stale).stdout)
            self.assertNotEqual(b["netns"], a.info["netns"])
            self.assertEqual(a.ssh("echo still").stdout.strip(), "still")
        finally:
            sim("stop", "--dir", stale, check=False)
            watchdog("-" + stale)
            shutil.rmtree(stale, ignore_errors=True)
            a.stop()

    def test_parallel_start_stop_cycles_never_kill_each_other(self):
        # Namespace inode numbers are recycled by the kernel: a stop that killed "every process in the board's
        # namespaces" by inode once its own namespaces were gone killed a parallel board's fresh `ip netns
        # exec` (rc -9 in CI). Three boards cycling 25 times each caught the old code in about 1 run out of 3.
        failures = []

        def cycle(worker):
            d = tempfile.mkdtemp(prefix="board-sim-cycle-%d-" % worker)
            watchdog(d)
            try:
                for i in range(25):
                    r = sim("start", "--dir", d, check=False)
                    if r.returncode != 0:
                        failures.append("worker %d start %d: %s" % (worker, i, r.stderr.strip()[-300:]))
                    sim("stop", "--dir", d, check=False)
            finally:
                watchdog("-" + d)
                shutil.rmtree(d, ignore_errors=True)

        workers = [threading.Thread(target=cycle, args=(w,)) for w in range(3)]
        for t in workers:
            t.start()
        for t in workers:
            t.join()
        self.assertEqual(failures, [])


if __name__ == "__main__":
    if os.geteuid() != 0:
        print("SKIP: the board simulator needs root (network and mount namespaces)")
        sys.exit(77)
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--rprocfs":
        RPROCFS = args[1]
        args = args[2:]
    unittest.main(argv=[sys.argv[0]] + args, verbosity=2)
