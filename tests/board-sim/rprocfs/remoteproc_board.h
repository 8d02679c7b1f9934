// The remote processors of the simulated board and the kernel's sysfs semantics for them
// (drivers/remoteproc/remoteproc_sysfs.c + remoteproc_core.c + stm32_rproc.c behaviour, see
// shared/reference/stm32mp-remoteproc-facts.md §b). All methods are thread-safe: the FUSE loop and the
// control socket (knobs, crash injection) call them from different threads.
#pragma once

#include "carve_out.h"
#include "firmware_loader.h"
#include "hostile.h"
#include "kernel_log.h"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace boardsim {

enum class RprocState { Offline, Suspended, Running, Crashed, Deleted, Attached, Detached };

struct Rproc {
    std::string name;          // "m33" / "m0"
    std::string parent_dev;    // kernel dev_name prefix of the platform device
    std::string firmware;
    RprocState state = RprocState::Offline;
    int power = 0;             // rproc->power refcount
    bool recovery_disabled = false;
    std::string coredump = "disabled";
    bool tee = false;          // fw_format TEE (OP-TEE loads signed images) or ELF
    bool parse_fw = false;     // the driver has a parse_fw op (ST's stm32_rproc; stm32_m0_rproc has none)
    unsigned crash_count = 0;
    // "name, size N" of the image OP-TEE's TA stayed LOADED with after a failed start (until the board reboots);
    // empty when it holds none.
    std::string ta_held_image;
    std::string running_image;    // TEE mode: the image the TA started last ("name, size N"), whatever was asked
    std::vector<CarveOut> carve_outs;
};

struct BoardSettings {
    std::string kmsg_path;
    std::string secure_log_path;                  // OP-TEE secure console lines (E/TA: …)
    std::int64_t boot_ns = 0;
    // remoteproc0, remoteproc1, …: ST's current DT and fw_cortex_m33.sh have the M33 first.
    std::vector<std::string> order{"m33", "m0"};
    std::string board = "dk";                     // dk | ev1 | m33td
    bool tee_mode = true;                         // m33 instance fw_format (st,stm32mp2-m33-tee: ST's stock DT)
    bool refcounted = true;                       // newer kernels; false = older sysfs with state checks
    bool recovery = true;
    std::string trusted_key;                      // PEM public key OP-TEE verifies with
    FirmwareSearch firmware{"/sys/module/firmware_class/parameters/path", "/lib/firmware", "6.6.78-stm32mp-r2"};
    // Fault knobs (board-sim KNOBS; what each one makes the kernel say is in remoteproc_board.cpp):
    bool tee_ta = true;                           // OP-TEE's remoteproc TA present (false: an 'opteemin' layout)
    bool ta_start_fails = false;                  // the TA loads the image, its START command fails
    std::string ta_flavour = "st";                // st | upstream: what the TA does with a load while it holds an image
    bool pta_ecdsa = false;                       // the PTA verifies ECDSA (ST's CFG_REMOTEPROC_PUB_KEY_VERIFY=y)
    std::string stop_fault = "none";              // none | eperm (driver cannot stop) | ta (TA's STOP fails)
    std::string rproc_fault = "none";             // none | memory-region | subdevices | deleted (m33 only)
    Hostile hostile = Hostile::off;
    int start_ms = 0;                             // how long a start write blocks before the boot (a long load)
};

class RemoteprocBoard {
public:
    explicit RemoteprocBoard(BoardSettings settings);

    [[nodiscard]] std::size_t count() const;
    // Attribute content as sysfs shows it (with the trailing newline); empty + false if no such attribute.
    [[nodiscard]] bool read(std::size_t index, const std::string& attr, std::string& out) const;
    // Returns the number of bytes consumed or a negative errno, like a sysfs store.
    [[nodiscard]] int write(std::size_t index, const std::string& attr, const std::string& data);
    [[nodiscard]] static bool writable(const std::string& attr);
    // hostile=endless: reads of this attribute never reach end of file.
    [[nodiscard]] bool endless(const std::string& attr) const;

    // Control interface (board-sim set …). Returns an empty string on success, else an error text.
    [[nodiscard]] std::string apply(const std::string& key, const std::string& value);
    [[nodiscard]] std::string crash(const std::string& name);
    // Board reset: every instance offline again, registered anew (logs "… is available").
    void reboot();
    [[nodiscard]] std::string status() const;

private:
    void register_instances();                  // probe: builds rprocs_ from settings_, logs "… is available"
    [[nodiscard]] std::string dev(std::size_t i) const;
    [[nodiscard]] int boot(std::size_t i);
    // rproc_fw_boot() (recovery = false) or rproc_boot_recovery()'s direct rproc_start (no "Booting" line).
    [[nodiscard]] int fw_boot(std::size_t i, bool recovery = false);
    [[nodiscard]] int tee_load_and_start(std::size_t i, const std::vector<std::uint8_t>& data, const std::string& booting);
    [[nodiscard]] int shutdown(std::size_t i);
    void recover(std::size_t i);
    [[nodiscard]] std::string apply_fault(const std::string& key, const std::string& value);
    [[nodiscard]] int write_locked(std::size_t index, const std::string& attr, const std::string& data);

    mutable std::mutex mutex_;
    BoardSettings settings_;
    KernelLog log_;
    KernelLog secure_log_;
    std::vector<Rproc> rprocs_;
};

[[nodiscard]] const char* state_name(RprocState s);

}  // namespace boardsim
