#pragma once
// The byte stream to the ssh-agent, apart from the protocol (ssh_agent_client.cpp): a Unix socket on
// POSIX (ssh_agent_socket.cpp), the OpenSSH agent's named pipe on Windows
// (adapters/windows/ssh_agent_pipe.cpp). CMake links one of them. Each wait is bounded by the deadline
// and checks the cancel token at least once per Deadline::slice().
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "adapters/posix/ssh_agent_client.h"

namespace stm32mp::adapters::posix::agent_transport {

// A socket fd or a pipe HANDLE; -1 is neither (INVALID_HANDLE_VALUE is -1 too, and is never returned).
using Handle = std::intptr_t;
inline constexpr Handle kNone = -1;

[[nodiscard]] core::expected<Handle, AgentError> open(const std::string& where, const core::Deadline& deadline,
                                                      const core::CancelToken& cancel);
[[nodiscard]] std::optional<AgentError> send_all(Handle h, std::span<const unsigned char> data,
                                                 const core::Deadline& deadline, const core::CancelToken& cancel);
[[nodiscard]] std::optional<AgentError> recv_exact(Handle h, unsigned char* out, std::size_t size,
                                                   const core::Deadline& deadline, const core::CancelToken& cancel);
void close(Handle h);

}  // namespace stm32mp::adapters::posix::agent_transport
