"""Every knob of the simulated board, declared once: its default, the values it takes, its doc line (the
knob table of docs/board-sim.md and `board-sim --help` are made from it), the catalogue entries or codes it
serves, and how a running board applies a change (`board-sim set`). `start` reads the same defaults."""


class Knob:
    def __init__(self, name, values, doc, catalogue, apply, default=None, check=None, values_doc=None,
                 rprocfs=False, action=False):
        self.name = name
        self.values = values            # the accepted values, default first; None = free text (see check)
        self.default = values[0] if default is None and values else default
        self.doc = doc
        self.catalogue = catalogue
        self.apply = apply              # apply(board, old, new) on a running board
        self.check = check              # check(value) -> error text or None, for free-text knobs
        self.values_doc = values_doc    # how the values column reads when values is None
        self.rprocfs = rprocfs          # rprocfs applies it itself (rprocfs.conf at start, "set k=v" after)
        self.action = action            # set-only, not kept as state (crash, reboot)

    def error(self, value):
        """Why `value` is refused, or None."""
        if self.check is not None:
            return self.check(value)
        if self.values is not None and value not in self.values:
            return "knob %s: %r not in %s" % (self.name, value, self.values)
        return None


def _digits(name, what, also=()):
    return lambda v: None if v in also or v.isdigit() else "knob %s: %s, not %r" % (name, what, v)


def _rprocfs(b, old, new, name):
    b.apply_rprocfs_knob(name, new)


def _in_rprocfs(name):
    return lambda b, old, new: _rprocfs(b, old, new, name)


def _ssh_server(b, old, new):
    b.apply_ssh_server()


KNOBS = [
    Knob("mode", ["TEE", "ELF"], "m33 `fw_format` (TEE: ST's current device trees, `st,stm32mp2-m33-tee`); TEE adds the "
         "optee-ta device and the probe line, start checks signed images", "F01, F02, F03", _in_rprocfs("mode"),
         rprocfs=True),
    Knob("trust_key", None, "public key (PEM, RSA or EC P-256) the board's OP-TEE verifies with", "F03",
         _in_rprocfs("trust_key"), default="", values_doc="path (default `DIR/keys/rproc_pub.pem`)", rprocfs=True),
    Knob("order", ["m33,m0", "m0,m33", "m33", "m0"], "instances remoteproc0, 1, … (default: ST's current DT and "
         "`fw_cortex_m33.sh`); `m0` alone = no m33 instance. Changing it on a running board re-registers every "
         "instance (offline), as after a reboot with a different probe order", "F04, F11 (no m33)",
         _in_rprocfs("order"), rprocfs=True),
    Knob("board", ["dk", "ev1", "m33td"], "DT compatible/model; `m33td`: compatible has `st,stm32mp257f-dk-cm33tdcid`, "
         "no cm33 carve-outs, NO m33 remoteproc", "F12", _in_rprocfs("board"), rprocfs=True),
    Knob("semantics", ["refcount", "old"], "kernel `start`/`stop` semantics, see above", "F09",
         _in_rprocfs("semantics"), rprocfs=True),
    Knob("recovery", ["enabled", "disabled"], "recovery of all instances", "F08", _in_rprocfs("recovery"),
         rprocfs=True),
    Knob("crash", None, "crash of the running firmware (error if not running)", "F08",
         lambda b, old, new: b.rprocfs_cmd("crash " + new), values_doc="instance name, e.g. `m33`", action=True),
    Knob("detached", ["none", "m33", "m0"], "instance started by the bootloader: `detached`; `start` attaches",
         "F07 (attached)", lambda b, old, new: new == "none" or b.apply_rprocfs_knob("detached", new), rprocfs=True),
    Knob("reboot", None, "board reset: a new boot id (`/proc/sys/kernel/random/boot_id`), kernel log restarts with boot lines, every instance offline (re-registered), "
         "the TA forgets its image, `detached` applied again, the demo service (if `demo=on`) loads and starts its "
         "firmware again", "F19, issue 12 (kept board facts)", lambda b, old, new: b.reboot(), values_doc="any", action=True),
    Knob("demo", ["off", "on"], "`st-m33firmware-load.service` enabled and the demo firmware "
         "(`OpenAMP_TTY_echo_CM33_NonSecure.elf`, or `…_sign.bin` signed with the board key in TEE mode) copied and "
         "started on m33", "F07, F19", lambda b, old, new: b.apply_demo(old, new)),
    Knob("fw_size", None, "size of `/lib/firmware` (remounted live)", "F10", lambda b, old, new: b.apply_fs_knobs(),
         default="4M", values_doc="`4M`, any tmpfs size"),
    Knob("fw_ro", ["off", "on"], "`/lib/firmware` read-only (EROFS)", "F10", lambda b, old, new: b.apply_fs_knobs()),
    Knob("fw_path", None, "`/sys/module/firmware_class/parameters/path`", "F06",
         lambda b, old, new: b.apply_fs_knobs(), default="", values_doc="empty, a directory"),
    Knob("password", None, "root password login allowed with this password (private `/etc/shadow` in the board); "
         "kept only as a SHA-512 crypt hash, shown as `(set)`", "F17", _ssh_server, default="",
         values_doc="empty, text"),
    Knob("root_login", ["yes", "no"], "`PermitRootLogin no`", "F17", _ssh_server),
    Knob("rsa_sha1", ["off", "on"], "also accept `ssh-rsa` (SHA-1) signatures — OpenSSH 9.2 refuses them by default",
         "F17 (cipher/algorithm mismatch)", _ssh_server),
    Knob("hostkey", None, "new host key, sshd restarted (reflashed board); known_hosts keeps the old one", "F17",
         lambda b, old, new: b.apply_host_key(), default="0", values_doc="any new value"),
    Knob("link", ["up", "down"], "host veth down; an `unreachable` route keeps the traffic local: `No route to host` "
         "at once", "F17, F18 (approx.)", lambda b, old, new: b.apply_net_knobs()),
    Knob("drop", ["off", "on"], "board replies routed into a blackhole: connections time out", "F17, F18",
         lambda b, old, new: b.apply_net_knobs()),
    Knob("sshd", ["on", "off"], "sshd stopped: connections to port 22 get RST (`Connection refused`)", "F17",
         lambda b, old, new: b.apply_net_knobs()),
    Knob("ssh", ["openssh", "dropbear"], "the board's SSH server: OpenSSH 9.2, or Debian's dropbear-bin (2022.83) "
         "with the same host key (converted), `~root/.ssh/authorized_keys` (the board's own `/home/root`), `-s` "
         "without a password knob, `-w` with `root_login=no`; `rsa_sha1` applies to OpenSSH only",
         "older OpenSTLinux images, small boards", _ssh_server),
    Knob("sftp", ["on", "off"], "OpenSSH: the `Subsystem sftp` line present or not (the request is refused); "
         "Dropbear: `/usr/lib/sftp-server` (its built-in path) present or removed in the board's overlay of "
         "`/usr/lib` (the shell exits 127)", "UPL011, UPL012", _ssh_server),
    Knob("jump", ["off", "on"], "a jump host: a second OpenSSH server in its own network namespace (bsimj-N), "
         "reached from the host at `jump_host` (10.78.N.2, key in `jump_known_hosts`, the board's client key "
         "authorized for root), which reaches the board's address over a link of its own into the board's "
         "namespace; with `link=down` only the jump host reaches the board", "ProxyJump (issue 11)",
         lambda b, old, new: b.apply_jump_knob()),
    Knob("rate", None, "tc tbf on both veth ends (no netem on this kernel: no delay/loss)", "slow links",
         lambda b, old, new: b.apply_net_knobs(), default="off", values_doc="`off`, tc rate e.g. `4mbit`"),
    Knob("latency", None, "sshd moves to the namespace's 127.0.0.1:22 and `tools/delay_relay.py` takes "
         "10.77.N.2:22, delaying every chunk by that time in each direction (an ssh command with 150 ms: 3.1 s "
         "instead of 0.8 s)", "slow links, timeouts", lambda b, old, new: b.apply_latency_knob(), default="off",
         check=_digits("latency", "'off' or a number of milliseconds", also=("off",)),
         values_doc="`off`, milliseconds"),
    Knob("console", ["shell", "login", "uboot", "silent", "noise"], "console board side: bash; getty-like "
         "`stm32mp2-e3-c7-3f login: ` (user `root`); `STM32MP> ` with `Unknown command 'x' - try 'help'`; no echo, "
         "no output; shell plus `E/TC:0 …` lines, new kernel log lines and `E/TA:` lines", "F16",
         lambda b, old, new: b.apply_console(new)),
    Knob("stlink_pid", ["374e", "374f", "3753", "3754", "374b", "3752", "3748"], "`idProduct` (and `product`) of "
         "the ST-LINK in the hostsys fixture", "F24 (host-side detection only)",
         lambda b, old, new: b.apply_stlink()),
    Knob("login_delay", None, "`sleep N` at the top of the board's `/home/root/.bashrc`: a slow login; `start` "
         "fails after 8 s with the reason", "suite robustness", lambda b, old, new: b.apply_login_delay(),
         default="0", check=_digits("login_delay", "a number of seconds"), values_doc="`0`, seconds"),
    Knob("tee_ta", ["on", "off"], "OP-TEE's remoteproc TA (off, an `opteemin` layout: no optee-ta device; a "
         "TEE-mode m33 fails its probe, see above)", "F11 (TGT015)", _in_rprocfs("tee_ta"), rprocfs=True),
    Knob("ta_start", ["ok", "fail"], "the TA's START command fails after a good load; the TA then holds the image "
         "(BAD_STATE) until `reboot`", "RPC018, RPC019, TGT016", _in_rprocfs("ta_start"), rprocfs=True),
    Knob("ta_flavour", ["st", "upstream"], "what the TA does with a load while it holds an image whose start "
         "failed: ST's refuses it (BAD_STATE, `ffff0007`); upstream OP-TEE's answers success without loading, and the "
         "start runs the image it held (rprocfs `status` shows `runs=`)", "RPC019, RPC036", _in_rprocfs("ta_flavour"),
         rprocfs=True),
    Knob("pta_ecdsa", ["off", "on"], "the PTA verifies ECDSA P-256 (ST's `CFG_REMOTEPROC_PUB_KEY_VERIFY=y`, default n); "
         "off: an ECDSA-signed image is refused with TEE_ERROR_NOT_SUPPORTED (`ffff000a`) whatever `trust_key` is; on: "
         "verified with `trust_key` (an EC key; PKEYINFO and the OTP hash are not simulated)", "RPC037, IMG028",
         _in_rprocfs("pta_ecdsa"), rprocfs=True),
    Knob("stop_fault", ["none", "eperm", "ta"], "a stop fails: the driver's EPERM, or the TA's STOP (TEE "
         "instances)", "RPC023", _in_rprocfs("stop_fault"), rprocfs=True),
    Knob("rproc_fault", ["none", "memory-region", "subdevices", "deleted"], "the m33's start fails in the driver "
         "(see above)", "RPC020, RPC021", _in_rprocfs("rproc_fault"), rprocfs=True),
    Knob("hostile", ["off", "controls", "endless", "megabyte"], "hostile sysfs values and kernel-log lines (see above)",
         "issue 15", _in_rprocfs("hostile"), rprocfs=True),
    Knob("start_ms", None, "a start write blocks that long before the boot (a large image, a slow TEE check), as "
         "`echo start` blocks in rproc_boot(); readers meanwhile see `offline`; rprocfs logs the request",
         "issue 15 (cancel during a load)", _in_rprocfs("start_ms"), default="0",
         check=_digits("start_ms", "a number of milliseconds"), values_doc="`0`, milliseconds", rprocfs=True),
]
BY_NAME = {k.name: k for k in KNOBS}
STATE_KNOBS = [k for k in KNOBS if not k.action]
RPROCFS_KNOBS = [k for k in KNOBS if k.rprocfs]


def defaults():
    return {k.name: k.default for k in STATE_KNOBS}


def check_knob(name, value, actions=True):
    """The Knob for `name` when `value` is acceptable; raises SimError otherwise."""
    from .common import SimError
    k = BY_NAME.get(name)
    if k is None or (k.action and not actions):
        known = sorted(x.name for x in KNOBS if actions or not x.action)
        raise SimError("unknown knob %r (known: %s)" % (name, ", ".join(known)))
    why = k.error(value)
    if why:
        raise SimError(why)
    return k


def markdown_table():
    """The knob table of docs/board-sim.md (selftest.py checks that the page has exactly this)."""
    rows = ["| knob | values (default first) | effect | catalogue |", "|---|---|---|---|"]
    for k in KNOBS:
        values = k.values_doc or ", ".join("`%s`" % v for v in k.values)
        rows.append("| `%s`%s | %s | %s | %s |" % (k.name, " (action)" if k.action else "", values, k.doc,
                                                 k.catalogue))
    return "\n".join(rows) + "\n"
