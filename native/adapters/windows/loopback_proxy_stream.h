#pragma once
// A proxy program's stdin/stdout as a SOCKET libssh2 can speak over. Windows has no socketpair and a
// child's standard handles are pipes, so: a loopback TCP connection made for this proxy alone (listen on
// 127.0.0.1:0, connect, accept the one connection whose address is our own connecting socket's, close the
// listener), its one end the stream, the other pumped to and from the child's pipes by two threads.
#include <winsock2.h>

#include <memory>
#include <string>
#include <utility>

#include "core/expected.h"
#include "ports/child_processes.h"

namespace stm32mp::adapters::windows {

// The two ends of a fresh loopback connection: {the connecting end, the accepted end}, both blocking.
// An error (with the reason) when any call fails or the accepted peer is not our connecting socket.
[[nodiscard]] core::expected<std::pair<SOCKET, SOCKET>, std::string> loopback_pair();

// Starts `program` with command line `line` (WinProcess), its stdin/stdout bridged to the returned
// stream; `name` names it in reports.
[[nodiscard]] core::expected<std::shared_ptr<ports::ProxyStream>, ports::ProcessError> start_loopback_proxy(
    const std::wstring& program, const std::wstring& line, const std::string& name);

}  // namespace stm32mp::adapters::windows
