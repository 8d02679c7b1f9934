#include "pipeline/kept_facts.h"

#include <chrono>

#include "pipeline/session_pool.h"

namespace stm32mp::pipeline {

std::optional<steps::KeptTarget> kept_target(const RunState& state) {
  if (!state.lease || !state.lease->reused || !state.lease->board) return std::nullopt;
  const auto& kept = *state.lease->board;
  const auto age = std::chrono::duration_cast<std::chrono::milliseconds>(core::SteadyClock::now() - kept.kept_at);
  return steps::KeptTarget{kept.facts, kept.fingerprint, age_text(age.count())};
}

std::optional<remote::LeftCopy> left_copy(const RunState& state) {
  if (!state.lease || !state.lease->reused || !state.lease->board) return std::nullopt;
  return state.lease->board->left_copy;
}

std::optional<remote::KeptBoardFacts> facts_after_run(const RunState& state) {
  if (!state.target || !state.fingerprint) return std::nullopt;
  if (state.upload_tried && (!state.upload || !state.target->fw_leftovers.empty())) return std::nullopt;
  if (!state.load_tried.empty() && !state.load) return std::nullopt;
  remote::KeptBoardFacts kept{*state.target, *state.fingerprint, std::nullopt, core::SteadyClock::now()};
  kept.facts.image_copy.reset();  // this run's read; the left copy below says what the run left there
  if (state.upload && state.image) kept.left_copy = remote::LeftCopy{state.upload->remote_path, state.image->upload_sha256};
  if (state.load) {
    const auto started = [&](std::vector<remote::RprocInstance>& instances) {
      for (auto& i : instances) {
        if (i.index != state.load->index) continue;
        i.state = state.load->state_after;
        i.firmware = state.load_tried;
      }
    };
    started(kept.facts.instances);
    started(kept.fingerprint.instances);
    kept.facts.ta_failed_start.clear();
    kept.facts.ta_held_image.clear();
  }
  return kept;
}

}  // namespace stm32mp::pipeline
