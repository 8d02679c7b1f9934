#pragma once
// Cancellation and deadlines shared by every operation that waits on the outside world.
#include <algorithm>
#include <atomic>
#include <chrono>

namespace stm32mp::core {

using SteadyClock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

// Set from any thread (Ctrl-C, the IDE's Cancel button); polled by steps and adapters.
class CancelToken {
 public:
  void cancel() noexcept { cancelled_.store(true, std::memory_order_release); }
  [[nodiscard]] bool cancelled() const noexcept { return cancelled_.load(std::memory_order_acquire); }

 private:
  std::atomic<bool> cancelled_{false};
};

// A point in time after which an operation gives up. Adapters wait in slices no longer than
// kCancelPollSlice so that a cancel is honoured within half a second.
class Deadline {
 public:
  static constexpr Millis kCancelPollSlice{100};

  explicit Deadline(Millis budget) : at_(SteadyClock::now() + budget) {}
  static Deadline at(SteadyClock::time_point when) { return Deadline(when); }

  [[nodiscard]] bool expired() const { return SteadyClock::now() >= at_; }
  [[nodiscard]] Millis remaining() const {
    return std::max(Millis{0}, std::chrono::duration_cast<Millis>(at_ - SteadyClock::now()));
  }
  // The next wait slice: the remaining time, capped so cancellation is noticed.
  [[nodiscard]] Millis slice() const { return std::min(remaining(), kCancelPollSlice); }
  [[nodiscard]] SteadyClock::time_point when() const { return at_; }
  // The earlier of this deadline and `budget` from now.
  [[nodiscard]] Deadline within(Millis budget) const { return Deadline(std::min(at_, SteadyClock::now() + budget)); }

 private:
  explicit Deadline(SteadyClock::time_point at) : at_(at) {}
  SteadyClock::time_point at_;
};

}  // namespace stm32mp::core
