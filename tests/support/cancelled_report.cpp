#include "support/cancelled_report.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace stm32mp::testing {

void expect_cancelled_report(const BackgroundProcess::Ended& e, const std::string& step, long long bound_ms) {
  EXPECT_EQ(e.exit_code, 4) << e.out;
  EXPECT_LT(e.ms, bound_ms) << "the CLI took " << e.ms << " ms to end after the signal";
  const auto j = nlohmann::json::parse(e.out);
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_TRUE(j["cancelled"].get<bool>());
  bool seen = false;
  for (const auto& s : j["steps"]) {
    if (s["id"] == step) {
      seen = true;
      EXPECT_EQ(s["status"], "cancelled") << s.dump(2);
      ASSERT_FALSE(s["diagnostics"].empty());
      EXPECT_EQ(s["diagnostics"].back()["code"], "RUN003");
      EXPECT_EQ(s["diagnostics"].back()["severity"], "error");
      // The cancel is the step's one error: a command cut by it is no failure of the board. (The upload's own
      // cancel code stays: it says whether the temporary file was removed.)
      for (const auto& d : s["diagnostics"]) {
        if (d["severity"] != "error" || d["code"] == "RUN003") continue;
        EXPECT_EQ(step, "upload") << "a second error in the cancelled step: " << d.dump(2);
      }
    } else if (seen) {
      EXPECT_EQ(s["status"], "skipped") << s.dump(2);
      EXPECT_EQ(s["observed"]["skipped_because"], "the run was cancelled");
    } else {
      EXPECT_NE(s["status"], "cancelled") << s.dump(2);
    }
  }
  EXPECT_TRUE(seen) << e.out;
}

}  // namespace stm32mp::testing
