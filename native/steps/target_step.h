#pragma once
#include <optional>
#include <string>

#include "core/runner.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "image/image_facts.h"
#include "remote/board_fingerprint.h"
#include "remote/target_facts.h"

namespace stm32mp::steps {

struct TargetInputs {
  std::string remoteproc = "m33";          // instance name to load (--remoteproc)
  std::string user;                        // for the fix texts
  std::string host;
  std::optional<image::ImageFacts> image;  // absent: no image given, predictions are skipped
};

// One exec round trip of the fixed probe (remote/target_probe.cpp), then every diagnosis that can be
// made before an upload. `facts` receives what was learned, also when a diagnosis is an error.
[[nodiscard]] core::StepReport check_target(const TargetInputs& in, ports::BoardSession& session,
                                            core::StepControl& control, std::optional<remote::TargetFacts>& facts);

// Facts an earlier check on the same session left (remote/board_fingerprint.h).
struct KeptTarget {
  remote::TargetFacts facts;
  remote::BoardFingerprint fingerprint;  // as the board was when that check ended
  std::string age;                       // "12.3 s", for the report
};

// With `kept`: first ONE short fixed command reads the board's fingerprint; unchanged, the kept facts are
// used (the free space read again) and judged exactly as probed ones would be, and the report's observed
// "facts" says so; anything changed (or unreadable) means the full probe, with the reason in "facts".
// `fingerprint` receives the board's fingerprint as read this time (absent when the board shows none).
[[nodiscard]] core::StepReport check_target(const TargetInputs& in, ports::BoardSession& session,
                                            core::StepControl& control, std::optional<remote::TargetFacts>& facts,
                                            std::optional<remote::BoardFingerprint>& fingerprint,
                                            const KeptTarget* kept);

}  // namespace stm32mp::steps
