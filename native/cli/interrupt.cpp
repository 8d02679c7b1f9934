#include "cli/interrupt.h"

#include <atomic>
#include <csignal>

namespace stm32mp::cli {
namespace {

// Only lock-free atomics are touched from the handler: async-signal-safe.
std::atomic<core::CancelToken*> g_cancel{nullptr};
std::atomic<int> g_signals{0};
using Handler = void (*)(int);
Handler g_previous_int = SIG_DFL;
Handler g_previous_term = SIG_DFL;

extern "C" void on_signal(int sig) {
  core::CancelToken* cancel = g_cancel.load();
  if (g_signals.fetch_add(1) > 0 || cancel == nullptr) {
    // The user insists (or no check runs any more): end now, as the signal would have without us.
    std::signal(sig, SIG_DFL);
    std::raise(sig);
    return;
  }
  cancel->cancel();
}

}  // namespace

InterruptScope::InterruptScope(core::CancelToken& cancel) {
  g_signals.store(0);
  g_cancel.store(&cancel);
  g_previous_int = std::signal(SIGINT, on_signal);
  g_previous_term = std::signal(SIGTERM, on_signal);
}

InterruptScope::~InterruptScope() {
  std::signal(SIGINT, g_previous_int);
  std::signal(SIGTERM, g_previous_term);
  g_cancel.store(nullptr);
}

}  // namespace stm32mp::cli
