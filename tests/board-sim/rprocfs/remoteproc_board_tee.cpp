// RemoteprocBoard::tee_load_and_start: a TEE-mode core's load and start through OP-TEE's remoteproc TA, as ST's
// tee_remoteproc driver drives it (LOAD_FW during the sanity check, START_FW in rproc_start).
#include "remoteproc_board.h"

#include "tee_image_check.h"
#include "tee_lines.h"

#include <cerrno>

namespace boardsim {
namespace {

constexpr std::uint32_t kTeeErrorBadState = 0xFFFF0007;  // TEE_ERROR_BAD_STATE

}  // namespace

int RemoteprocBoard::tee_load_and_start(std::size_t i, const std::vector<std::uint8_t>& data, const std::string& booting) {
    Rproc& r = rprocs_[i];
    const std::string identity = r.firmware + ", size " + std::to_string(data.size());
    bool load = true;
    if (!r.ta_held_image.empty()) {
        // The TA stayed LOADED after a failed start (crosscheck §1). ST's TA refuses any new load until the board
        // reboots; upstream OP-TEE's LOAD_FW returns success without loading, so the start runs the image it holds.
        if (settings_.ta_flavour != "upstream") {
            log_.line(kTeeDev, ta_failed("TA_RPROC_FW_CMD_LOAD_FW", kTeeErrorBadState));
            return -EIO;
        }
        load = false;
    }
    if (load) {
        // tee_remoteproc: the TA authenticates and loads during the sanity check, before "Booting fw image".
        TeeCheckResult tee = check_signed_image(data, settings_.trusted_key, r.carve_outs, settings_.pta_ecdsa);
        if (tee.tee_err != kTeeSuccess) {
            log_.line(kTeeDev, ta_failed("TA_RPROC_FW_CMD_LOAD_FW", tee.tee_err));
            secure_log_.raw("E/TA:  " + tee.ta_message);
            return -EIO;
        }
        r.ta_held_image = identity;
    }
    // The kernel read the file it was asked for and names it, whatever the TA holds.
    if (!booting.empty()) log_.line(dev(i), booting);
    if (settings_.ta_start_fails) {  // ST tee_rproc_start, then remoteproc_core's rproc_start
        secure_log_.raw("E/TA:  remoteproc start failed (board-sim ta_start=fail)");
        log_.line(kTeeDev, ta_failed("TA_RPROC_FW_CMD_START_FW", 0xFFFF0000));
        log_.line(dev(i), "can't start rproc " + r.name + ": -5");
        return -EIO;
    }
    r.running_image = r.ta_held_image;
    r.ta_held_image.clear();
    return 0;
}

}  // namespace boardsim
