#pragma once
// The run's side of "board facts that are still true" (remote/board_fingerprint.h): what the target step is
// given from the pooled session, and what the session keeps when the run ends.
#include <optional>

#include "pipeline/run_state.h"
#include "steps/target_step.h"

namespace stm32mp::pipeline {

// The facts kept with the session this run reused; nullopt for a new session or when none were kept.
[[nodiscard]] std::optional<steps::KeptTarget> kept_target(const RunState& state);

// The file the last check on the reused session left in /lib/firmware; nullopt for a new session.
[[nodiscard]] std::optional<remote::LeftCopy> left_copy(const RunState& state);

// The facts to keep with the session at the end of the run: the target step's, as the board is AFTER this
// run. The run's own changes are applied to the facts and to the fingerprint, so that the next check's read
// matches unless someone else changed the board:
//  - a load that started the instance: its state as the load command read it right after the start, its
//    firmware the name written, and no failed TA start held any more (a start succeeded since);
//  - an upload: adds a file the fingerprint does not list (only leftovers are), so nothing changes; the file
//    and its SHA-256 are kept apart (left_copy) for the next upload's decision.
// Nothing is kept (the next check probes in full) when the target step did not run or read no fingerprint,
// when an upload began and did not finish or had leftovers to remove, or a load began and did not start.
[[nodiscard]] std::optional<remote::KeptBoardFacts> facts_after_run(const RunState& state);

}  // namespace stm32mp::pipeline
