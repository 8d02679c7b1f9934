// libFuzzer target: the known_hosts reader (adapters::libssh2::check_known_host_text) on arbitrary bytes,
// as --known-hosts or ~/.ssh/known_hosts can hold anything. The same content is checked for two key types
// and for port 22 and a bracketed port. What must hold: a mismatch always names the stored key (or says
// it is not readable), an unreadable result says why, and no more lines are skipped than the file has.
#include <libssh2.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "adapters/libssh2/known_hosts.h"

namespace {

using stm32mp::adapters::libssh2::HostKey;
using stm32mp::adapters::libssh2::KnownHostCheck;

// The wire blob of an ed25519 key (string "ssh-ed25519", string of 32 bytes) and a short RSA one.
std::string ssh_string(std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
  return out.append(s);
}

HostKey ed25519() {
  return {"ssh-ed25519", LIBSSH2_KNOWNHOST_KEY_ED25519, ssh_string("ssh-ed25519") + ssh_string(std::string(32, '\x5a'))};
}

HostKey rsa() {
  return {"ssh-rsa", LIBSSH2_KNOWNHOST_KEY_SSHRSA,
          ssh_string("ssh-rsa") + ssh_string("\x01\x00\x01") + ssh_string(std::string(64, '\x7f'))};
}

LIBSSH2_SESSION* session() {
  // One unconnected session for the whole run: the knownhost API needs it only as an allocator.
  static LIBSSH2_SESSION* s = [] {
    if (libssh2_init(0) != 0) std::abort();
    return libssh2_session_init();
  }();
  return s;
}

void check(std::string_view content, const std::string& host, int port, const HostKey& key) {
  const KnownHostCheck r = stm32mp::adapters::libssh2::check_known_host_text(session(), content, host, port, key);
  const auto lines = static_cast<int>(std::count(content.begin(), content.end(), '\n')) + 1;
  if (r.skipped_lines < 0 || r.skipped_lines > lines) std::abort();
  switch (r.status) {
    case KnownHostCheck::Status::mismatch:
      if (r.stored_fingerprint.empty()) std::abort();
      break;
    case KnownHostCheck::Status::unreadable:
      if (r.message.empty()) std::abort();
      break;
    case KnownHostCheck::Status::match:
    case KnownHostCheck::Status::not_found:
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (session() == nullptr) std::abort();
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  static const HostKey keys[] = {ed25519(), rsa()};
  for (const auto& key : keys) {
    check(content, "192.168.7.1", 22, key);
    check(content, "stm32mp2", 2222, key);
  }
  return 0;
}
