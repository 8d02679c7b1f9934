"""The host's view of the board's ST-LINK: a sysfs fixture in the kernel's layout (DIR/hostsys) and udev's
/dev/serial/by-id name for the console pty (DIR/dev)."""
import os
import shutil

from .common import STLINK_PRODUCTS, STLINK_SERIAL, write


class HostSideMixin:


    def make_hostsys(self):
        """Host-side sysfs fixture: the STLINK-V3 VCP (ttyACM0) in the kernel's layout."""
        hs = os.path.join(self.dir, "hostsys")
        if os.path.isdir(hs):
            shutil.rmtree(hs)
        usb = os.path.join(hs, "devices/pci0000:00/0000:00:14.0/usb1/1-2")
        intf = os.path.join(usb, "1-2:1.1")
        tty = os.path.join(intf, "tty/ttyACM0")
        os.makedirs(tty)
        os.makedirs(os.path.join(hs, "bus/usb/drivers/cdc_acm"))
        os.makedirs(os.path.join(hs, "class/tty"))
        pid = self.knob("stlink_pid")
        for name, val in (("idVendor", "0483"), ("idProduct", pid), ("serial", STLINK_SERIAL),
                          ("manufacturer", "STMicroelectronics"), ("product", STLINK_PRODUCTS[pid]), ("busnum", "1"),
                          ("devnum", "5")):
            write(os.path.join(usb, name), val + "\n")
        for name, val in (("bInterfaceNumber", "01"), ("interface", "ST-Link VCP Ctrl"), ("bInterfaceClass", "02")):
            write(os.path.join(intf, name), val + "\n")
        os.symlink("../../../../../../bus/usb/drivers/cdc_acm", os.path.join(intf, "driver"))
        write(os.path.join(tty, "dev"), "166:0\n")
        write(os.path.join(tty, "uevent"), "MAJOR=166\nMINOR=0\nDEVNAME=ttyACM0\n")
        os.symlink("../../../1-2:1.1", os.path.join(tty, "device"))
        os.symlink("../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.1/tty/ttyACM0",
                   os.path.join(hs, "class/tty/ttyACM0"))

    def make_by_id(self):
        """udev's stable name (60-serial.rules: usb-<vendor>_<model>_<serial>-if<interface>)."""
        by_id = os.path.join(self.dir, "dev", "serial", "by-id")
        if os.path.isdir(by_id):
            shutil.rmtree(by_id)
        os.makedirs(by_id)
        model = STLINK_PRODUCTS[self.knob("stlink_pid")].replace(" ", "_")
        os.symlink("../../ttyACM0", os.path.join(by_id, "usb-STMicroelectronics_%s_%s-if01" % (model, STLINK_SERIAL)))

    def apply_stlink(self):
        self.make_hostsys()
        self.make_by_id()
