// The ssh-agent transport on Windows: the OpenSSH agent's named pipe (\\.\pipe\openssh-ssh-agent, or
// SSH_AUTH_SOCK when set). Overlapped I/O, each wait at most one Deadline::slice(), then CancelIoEx
// when the deadline passes or the run is cancelled, so a stuck agent cannot hang the run.
#include <windows.h>

#include "adapters/posix/ssh_agent_transport.h"
#include "adapters/windows/win_text.h"

namespace stm32mp::adapters::posix::agent_transport {
namespace {

using Kind = AgentError::Kind;
using windows::error_text;

AgentError err(Kind kind, std::string message) { return AgentError{kind, std::move(message)}; }

HANDLE to_handle(Handle h) { return reinterpret_cast<HANDLE>(h); }

struct Event {
  HANDLE handle = CreateEventW(nullptr, TRUE, FALSE, nullptr);
  ~Event() {
    if (handle != nullptr) CloseHandle(handle);
  }
};

// Runs one overlapped ReadFile or WriteFile to completion, within the deadline and cancel token.
// Returns the byte count, or the reason it stopped.
core::expected<DWORD, AgentError> transfer(HANDLE pipe, bool writing, void* data, DWORD size, const core::Deadline& deadline,
                                          const core::CancelToken& cancel, const char* waiting_for) {
  Event event;
  if (event.handle == nullptr) return core::unexpected{err(Kind::protocol, "CreateEvent: " + error_text(GetLastError()))};
  OVERLAPPED ov{};
  ov.hEvent = event.handle;
  const BOOL started = writing ? WriteFile(pipe, data, size, nullptr, &ov) : ReadFile(pipe, data, size, nullptr, &ov);
  if (started == 0 && GetLastError() != ERROR_IO_PENDING) {
    const DWORD e = GetLastError();
    if (e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED || e == ERROR_NO_DATA) {
      return core::unexpected{err(Kind::protocol, "the ssh-agent closed the connection")};
    }
    return core::unexpected{err(Kind::protocol, std::string(writing ? "WriteFile" : "ReadFile") + " on the agent pipe: " + error_text(e))};
  }
  for (;;) {
    std::optional<AgentError> stop;
    if (cancel.cancelled()) stop = err(Kind::cancelled, std::string("cancelled while ") + waiting_for);
    else if (deadline.expired()) stop = err(Kind::timeout, std::string("no answer from the ssh-agent while ") + waiting_for);
    if (stop) {
      // The I/O must be over before `ov` and the buffer go away.
      CancelIoEx(pipe, &ov);
      DWORD ignored = 0;
      (void)GetOverlappedResult(pipe, &ov, &ignored, TRUE);
      return core::unexpected{*stop};
    }
    if (WaitForSingleObject(event.handle, static_cast<DWORD>(deadline.slice().count())) != WAIT_OBJECT_0) continue;
    DWORD done = 0;
    if (GetOverlappedResult(pipe, &ov, &done, FALSE) == 0) {
      const DWORD e = GetLastError();
      if (e == ERROR_MORE_DATA) return done;  // a message-mode pipe: the rest comes with the next read
      if (e == ERROR_BROKEN_PIPE || e == ERROR_PIPE_NOT_CONNECTED) return DWORD{0};
      return core::unexpected{err(Kind::protocol, "the agent pipe: " + error_text(e))};
    }
    return done;
  }
}

}  // namespace

core::expected<Handle, AgentError> open(const std::string& where, const core::Deadline& deadline,
                                        const core::CancelToken& cancel) {
  const auto name = windows::widen(where);
  for (;;) {
    if (cancel.cancelled()) return core::unexpected{err(Kind::cancelled, "cancelled while connecting to the ssh-agent")};
    const HANDLE pipe = CreateFileW(name.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, FILE_FLAG_OVERLAPPED, nullptr);
    if (pipe != INVALID_HANDLE_VALUE) return reinterpret_cast<Handle>(pipe);
    const DWORD e = GetLastError();
    if (e != ERROR_PIPE_BUSY) return core::unexpected{err(Kind::unreachable, where + ": " + error_text(e))};
    // Every instance of the pipe is serving someone: wait for one, a slice at a time.
    if (deadline.expired()) return core::unexpected{err(Kind::timeout, "the ssh-agent's pipe stayed busy")};
    (void)WaitNamedPipeW(name.c_str(), static_cast<DWORD>(deadline.slice().count()));
  }
}

std::optional<AgentError> send_all(Handle h, std::span<const unsigned char> data, const core::Deadline& deadline,
                                   const core::CancelToken& cancel) {
  std::size_t done = 0;
  while (done < data.size()) {
    auto n = transfer(to_handle(h), true, const_cast<unsigned char*>(data.data() + done), static_cast<DWORD>(data.size() - done),
                      deadline, cancel, "sending a request");
    if (!n) return n.error();
    if (*n == 0) return err(Kind::protocol, "the ssh-agent closed the connection");
    done += *n;
  }
  return std::nullopt;
}

std::optional<AgentError> recv_exact(Handle h, unsigned char* out, std::size_t size, const core::Deadline& deadline,
                                     const core::CancelToken& cancel) {
  std::size_t done = 0;
  while (done < size) {
    auto n = transfer(to_handle(h), false, out + done, static_cast<DWORD>(size - done), deadline, cancel, "waiting for its answer");
    if (!n) return n.error();
    if (*n == 0) {
      return err(Kind::protocol, done == 0 && size == 4 ? "the ssh-agent closed the connection without answering"
                                                        : "the ssh-agent's answer is truncated");
    }
    done += *n;
  }
  return std::nullopt;
}

void close(Handle h) { CloseHandle(to_handle(h)); }

}  // namespace stm32mp::adapters::posix::agent_transport
