"""Text the board is made of: its systemd demo unit, uname, shell start-up files and console script."""
from .common import BOARD_HOME


DEMO_UNIT = """[Unit]
Description=Load the default Cortex-M33 firmware example (board-sim)

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/projects/fw_cortex_m33.sh start %s

[Install]
WantedBy=multi-user.target
"""


# The board's uname (bind-mounted over /usr/bin/uname): its own kernel release and machine, not the host's.
BOARD_UNAME = r"""#!/bin/sh
# board-sim: uname of the simulated STM32MP257F (aarch64, OpenSTLinux kernel), whatever the host runs.
opts=
for a in "$@"; do
  case $a in
    --*) opts="$opts ${a#--}" ;;
    -*) rest=${a#-}; while [ -n "$rest" ]; do opts="$opts ${rest%%"${rest#?}"}"; rest=${rest#?}; done ;;
    *) echo "uname: extra operand '$a'" >&2; exit 1 ;;
  esac
done
[ -n "$opts" ] || opts=s
out=
for o in $opts; do
  case $o in
    a|all) out="Linux $(cat /proc/sys/kernel/hostname) %(release)s %(version)s aarch64 GNU/Linux"; break ;;
    s|kernel-name) out="$out Linux" ;;
    n|nodename) out="$out $(cat /proc/sys/kernel/hostname)" ;;
    r|kernel-release) out="$out %(release)s" ;;
    v|kernel-version) out="$out %(version)s" ;;
    m|machine|p|processor|i|hardware-platform) out="$out aarch64" ;;
    o|operating-system) out="$out GNU/Linux" ;;
    *) echo "uname: invalid option -- '$o'" >&2; exit 1 ;;
  esac
done
echo "${out# }"
"""


# The board's shell start-up files, as OpenSTLinux (Yocto's base-files) has them.
BOARD_PROFILE = r"""# /etc/profile: system-wide .profile for Bourne shells (board-sim, after OpenSTLinux's base-files)
PATH="/usr/local/bin:/usr/bin:/bin"
EDITOR="vi"
[ "$TERM" ] || TERM="vt100"
[ "$HOME" != "%s" ] || PATH=$PATH:/usr/local/sbin:/usr/sbin:/sbin
[ -z "$PS1" ] || PS1='\u@\h:\w\$ '
if [ -d /etc/profile.d ]; then
  for i in /etc/profile.d/*.sh; do
    if [ -f "$i" ] && [ -r "$i" ]; then . "$i"; fi
  done
  unset i
fi
export PATH PS1 EDITOR TERM
umask 022
""" % BOARD_HOME


BOARD_DOT_PROFILE = r"""# ~/.profile: executed by Bourne-compatible login shells (board-sim)
if [ -f ~/.bashrc ]; then . ~/.bashrc; fi
"""


BOARD_DOT_BASHRC = r"""# ~/.bashrc: executed by bash for non-login shells (board-sim)
umask 022
"""


# Board side of the serial console. socat runs it (host side) with a pty; it switches between a real bash in
# the board's namespaces, a getty-like login prompt, a U-Boot prompt, silence and a shell with log noise.
CONSOLE_SH = r"""#!/bin/bash
R=%(run)s
HOST=%(host)s
echo $$ > $R/console.pid
trap ':' INT
# The interactive bash takes the terminal's foreground process group (job control). When it is killed
# (knob change) that group is gone and every read here would fail with EIO: take the terminal back.
reclaim_tty() {
  python3 -c 'import os, signal; signal.signal(signal.SIGTTOU, signal.SIG_IGN); os.tcsetpgrp(0, os.getpgrp())' 2>/dev/null
}
INIT=$(cat $R/init_pid)
mode() { cat $R/console_mode 2>/dev/null || echo shell; }
# Tells the host side (apply_console waits for it) that the console now shows mode $1.
shown() { echo "$1" > $R/console_shown.tmp && mv -f $R/console_shown.tmp $R/console_shown; }
run_shell() {
  ( echo $BASHPID > $R/console_child.pid
    shown "$m"
    # env -C, not nsenter --wd: nsenter opens --wd before it enters the board's mounts, where the home exists.
    exec nsenter -t "$INIT" -n -m -u -- env -i -C %(home)s PS1="root@$HOST:~# " HOME=%(home)s TERM=vt100 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      /bin/bash --norc --noprofile --noediting -i )
  rm -f $R/console_child.pid   # the host side kills this pid: never a stale one
  reclaim_tty
}
# Waits for a line; returns 1 when the console mode changed meanwhile (checked every 0.3 s, the read timeout).
read_line() {
  local m=$1
  while :; do
    if IFS= read -r -t 0.3 line 2>/dev/null; then line=${line%%$'\r'}; return 0; fi
    [ $? -gt 128 ] || sleep 0.5   # a read error (not the timeout): do not spin
    [ "$(mode)" = "$m" ] || return 1
  done
}
while :; do
  reclaim_tty
  m=$(mode)
  case $m in
    shell) stty echo; run_shell ;;
    noise)
      stty echo
      ( trap '' INT; tail -n0 -F $R/kmsg.log $R/secure_console.log 2>/dev/null | grep --line-buffered -v '^==>' &
        n=0; while sleep 0.7; do n=$((n+1)); printf 'E/TC:0 0 stm32_pm_notif:%%d low power notification ignored\n' $n; done ) &
      noise=$!
      run_shell
      pkill -KILL -P $noise 2>/dev/null; kill -KILL $noise 2>/dev/null ;;
    login)
      stty echo
      printf '\nST OpenSTLinux - Weston - (A Yocto Project Based Distro) 5.0.3-openstlinux-6.6-yocto-scarthgap-mpu-v24.11.06 %%s ttySTM0\n\n%%s login: ' "$HOST" "$HOST"
      shown login
      read_line login || continue
      # An empty name shows the prompt again at once, as agetty does; a wrong one fails as login(1) does.
      if [ "$line" = root ]; then run_shell; elif [ -n "$line" ]; then sleep 1; printf '\nLogin incorrect\n'; fi ;;
    uboot)
      stty echo
      printf '\nSTM32MP> '
      shown uboot
      while read_line uboot; do
        cmd=${line%%%% *}
        [ -n "$cmd" ] && printf "Unknown command '%%s' - try 'help'\n" "$cmd"
        printf 'STM32MP> '
      done ;;
    silent)
      stty -echo
      shown silent
      while read_line silent; do :; done ;;
    *) sleep 1 ;;
  esac
done
"""
