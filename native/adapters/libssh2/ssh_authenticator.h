#pragma once
#include <optional>

#include "adapters/libssh2/ssh_session.h"
#include "ports/ssh_connector.h"

namespace stm32mp::adapters::libssh2 {

// Authenticates `options.user` on a session whose handshake and host-key check are done. Tries, in
// this order: the explicit identity file, ssh-agent keys, the default key files (when no identity was
// given), the password, keyboard-interactive with the password. Records what was offered and tried in
// `facts` (never the password). Returns the diagnosed failure, or nothing when authenticated.
[[nodiscard]] std::optional<ports::SshFailure> authenticate(SshSession& ssh, const ports::SshOptions& options,
                                                            ports::SshFacts& facts, const core::Deadline& deadline,
                                                            const core::CancelToken& cancel);

// The OpenSSH version in a server banner ("SSH-2.0-OpenSSH_9.2p1 …" → 92), or 0 when not OpenSSH.
[[nodiscard]] int openssh_version(const std::string& banner);

}  // namespace stm32mp::adapters::libssh2
