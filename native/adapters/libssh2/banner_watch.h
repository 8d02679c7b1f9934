#pragma once
// What a server sends before its SSH identification line ("SSH-2.0-…"). RFC 4253 §4.2 lets it send
// other lines first; a server that never stops (a flood, or not an SSH server at all) would keep
// libssh2 1.10's banner loop busy for ever: it reads byte by byte and returns only when the socket has
// nothing more. The watch counts those lines so the receive callback can end the wait, as OpenSSH
// does after 1024 lines (kex.c, SSH_MAX_PRE_BANNER_LINES).
#include <cstddef>
#include <cstdint>

namespace stm32mp::adapters::libssh2 {

class BannerWatch {
 public:
  static constexpr std::uint64_t kMaxLines = 1024;        // OpenSSH's own limit
  static constexpr std::uint64_t kMaxBytes = 256u << 10;  // 1024 lines of libssh2's 256-byte banner buffer

  // Feeds bytes as they arrive; returns false once the server sent too much before its banner.
  bool feed(const unsigned char* data, std::size_t len);

  [[nodiscard]] bool banner_seen() const { return banner_seen_; }
  [[nodiscard]] bool flooded() const { return flooded_; }
  [[nodiscard]] std::uint64_t lines_before_banner() const { return lines_; }
  [[nodiscard]] std::uint64_t bytes_before_banner() const { return bytes_; }

 private:
  bool banner_seen_ = false;
  bool flooded_ = false;
  std::uint64_t lines_ = 0;   // complete lines before the banner
  std::uint64_t bytes_ = 0;   // every byte until the banner line ends
  std::size_t column_ = 0;    // position in the current line
  bool ssh_line_ = false;     // the current line starts with "SSH-"
};

}  // namespace stm32mp::adapters::libssh2
