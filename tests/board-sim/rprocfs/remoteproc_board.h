// The remote processors of the simulated board and the kernel's sysfs semantics for them
// (drivers/remoteproc/remoteproc_sysfs.c + remoteproc_core.c + stm32_rproc.c behaviour, see
// shared/reference/stm32mp-remoteproc-facts.md §b). All methods are thread-safe: the FUSE loop and the
// control socket (knobs, crash injection) call them from different threads.
#pragma once

#include "carve_out.h"
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
    std::vector<CarveOut> carve_outs;
};

struct BoardSettings {
    std::string kmsg_path;
    std::string secure_log_path;                  // OP-TEE secure console lines (E/TA: …)
    std::int64_t boot_ns = 0;
    std::vector<std::string> order{"m0", "m33"};  // remoteproc0, remoteproc1, …
    std::string board = "dk";                     // dk | ev1 | m33td
    bool tee_mode = false;                        // m33 instance fw_format
    bool refcounted = true;                       // newer kernels; false = older sysfs with state checks
    bool recovery = true;
    std::string trusted_key;                      // PEM public key OP-TEE verifies with
    std::string fw_path_param = "/sys/module/firmware_class/parameters/path";
    std::string firmware_dir = "/lib/firmware";
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
    [[nodiscard]] int fw_boot(std::size_t i);  // rproc_fw_boot(): load + start, used by boot and recovery
    [[nodiscard]] int shutdown(std::size_t i);
    void recover(std::size_t i);
    [[nodiscard]] int request_firmware(std::size_t i, std::vector<std::uint8_t>& data);

    mutable std::mutex mutex_;
    BoardSettings settings_;
    KernelLog log_;
    KernelLog secure_log_;
    std::vector<Rproc> rprocs_;
};

[[nodiscard]] const char* state_name(RprocState s);

}  // namespace boardsim
