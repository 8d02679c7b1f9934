#pragma once
// What every cancelled run must show: exit 4, a JSON report that says cancelled, the interrupted step
// "cancelled" with RUN003 (an error), every later step skipped because of the cancel, no earlier one cancelled.
#include <string>

#include "support/background_process.h"

namespace stm32mp::testing {

// `e` is the CLI's run with --json; `bound_ms` bounds the time from finish() (called right after the
// signal) to the end.
void expect_cancelled_report(const BackgroundProcess::Ended& e, const std::string& step, long long bound_ms = 3000);

}  // namespace stm32mp::testing
