#pragma once
// What the two halves of Libssh2BoardSession (libssh2_board_session.cpp: channels and commands;
// libssh2_sftp_ops.cpp: SFTP) share. Internal to the adapter.
#include <libssh2.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "adapters/libssh2/ssh_session.h"
#include "core/expected.h"
#include "ports/board_session.h"

namespace stm32mp::adapters::libssh2::detail {

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// A local image opened for reading, with its size.
struct LocalFile {
  std::unique_ptr<std::FILE, FileCloser> file;
  std::uint64_t size = 0;
};
[[nodiscard]] core::expected<LocalFile, ports::RemoteError> open_local(const std::string& path);

struct ChannelGuard {
  SshSession& ssh;
  LIBSSH2_CHANNEL* ch;
  ChannelGuard(SshSession& s, LIBSSH2_CHANNEL* c) : ssh(s), ch(c) {}
  ChannelGuard(const ChannelGuard&) = delete;
  ChannelGuard& operator=(const ChannelGuard&) = delete;
  ~ChannelGuard() {
    if (ch == nullptr || ssh.broken()) return;
    const core::CancelToken never;
    (void)ssh.pump([&] { return libssh2_channel_free(ch); }, core::Deadline(core::Millis{300}), never);
  }
};


}  // namespace stm32mp::adapters::libssh2::detail
