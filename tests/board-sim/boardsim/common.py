"""Constants and small helpers shared by every part of the simulated board."""
import os
import subprocess
import sys

# tests/board-sim: the entry point, tools/ and the rprocfs sources live here.
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


HOSTNAME = "stm32mp2-e3-c7-3f"
TEE_TA_UUID = "80a4c275-0a47-4905-8285-1486a9771a08"
STLINK_SERIAL = "004A00233133510D37363734"
DEMO_SERVICE = "st-m33firmware-load.service"
DEMO_ELF = "OpenAMP_TTY_echo_CM33_NonSecure.elf"
DEMO_SIGNED = "OpenAMP_TTY_echo_CM33_NonSecure_sign.bin"
MAX_BOARDS = 200
CMD_TIMEOUT = 20
KEYGEN_TIMEOUT = 120  # key generation: bounded CPU work that a loaded machine can stretch past CMD_TIMEOUT
# A key login on an idle board takes well under a second. Past this budget `start` fails with the reason
# instead of letting every test's login wait for its own 30 s timeout.
LOGIN_BUDGET = 8
BOARD_HOME = "/home/root"  # root's home on OpenSTLinux (Yocto's base-passwd), not the host's /root
# The board's kernel (ST's OpenSTLinux scarthgap 6.6 release): `uname -r`, the "Linux version" boot line and the
# firmware loader's /lib/firmware/<release> directories, never the host's.
KERNEL_RELEASE = "6.6.78-stm32mp-r2"
KERNEL_VERSION = "#1 SMP PREEMPT (board-sim)"
# Product strings the ST-LINK firmware reports per PID (facts §d.1).
STLINK_PRODUCTS = {"374e": "STLINK-V3", "374f": "STLINK-V3", "3753": "STLINK-V3", "3754": "STLINK-V3",
                   "374b": "STM32 STLink", "3752": "STM32 STLink", "3748": "STM32 STLink"}


class SimError(Exception):
    pass


def run(cmd, check=True, timeout=CMD_TIMEOUT, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise SimError("%s failed (rc %d): %s" % (" ".join(cmd), r.returncode, r.stderr.strip()))
    return r


def write(path, text, mode=0o644):
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def log(msg):
    print("board-sim: " + msg, file=sys.stderr)


def pid_alive(pid):
    """True for a running process; a zombie (PID 1 reaps re-parented children lazily) counts as dead."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False
