"""The serial console: a socat pty (DIR/dev/ttyACM0) whose board side is templates.CONSOLE_SH."""
import os
import signal
import subprocess
import time

from .common import SimError, write


class ConsoleMixin:


    def start_console(self):
        write(os.path.join(self.run_dir, "console_mode"), self.knob("console") + "\n")
        link = os.path.join(self.dir, "dev", "ttyACM0")
        if os.path.lexists(link):
            os.unlink(link)
        log_f = open(os.path.join(self.run_dir, "console.log"), "w")
        p = subprocess.Popen(["socat", "pty,link=%s,raw,echo=0,mode=660" % link,
                              "exec:%s,pty,setsid,ctty,stderr,sane" % os.path.join(self.bdir, "console.sh")],
                             stdin=subprocess.DEVNULL, stdout=log_f, stderr=log_f, start_new_session=True)
        log_f.close()
        self.state["socat_pid"] = p.pid
        self.save()
        deadline = time.monotonic() + 10
        while not os.path.lexists(link):
            if p.poll() is not None or time.monotonic() > deadline:
                raise SimError("console pty did not appear (see %s/console.log)" % self.run_dir)
            time.sleep(0.01)
        self.make_by_id()

    def restart_console_child(self):
        try:
            with open(os.path.join(self.run_dir, "console_child.pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGKILL)
        except (OSError, ValueError):
            pass

    def apply_console(self, mode):
        """Switches the console and returns once it shows the new mode, so a test never races the switch."""
        shown = os.path.join(self.run_dir, "console_shown")
        try:
            with open(shown) as f:
                if f.read().strip() == mode and mode not in ("shell", "noise"):
                    return  # already there; a shell, though, is restarted fresh
            os.unlink(shown)
        except FileNotFoundError:
            pass
        write(os.path.join(self.run_dir, "console_mode"), mode + "\n")
        self.restart_console_child()
        deadline = time.monotonic() + 15
        while True:
            try:
                with open(shown) as f:
                    if f.read().strip() == mode:
                        return
            except FileNotFoundError:
                pass
            if time.monotonic() > deadline:
                raise SimError("the console did not switch to %s within 15 s (see %s/console.log)" % (mode, self.run_dir))
            time.sleep(0.02)
