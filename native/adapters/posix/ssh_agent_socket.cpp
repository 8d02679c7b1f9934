#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "adapters/posix/ssh_agent_transport.h"

// The agent's Unix socket ($SSH_AUTH_SOCK), non-blocking, every wait a poll() of one slice.
namespace stm32mp::adapters::posix::agent_transport {
namespace {

using Kind = AgentError::Kind;

AgentError err(Kind kind, std::string message) { return AgentError{kind, std::move(message)}; }

std::string errno_text(int e) { return std::strerror(e); }

// A retry pause for a connect the kernel refuses with EAGAIN (the agent's listen backlog is full:
// it does not accept). poll() cannot wait for that, so we retry, still within a slice.
constexpr core::Millis kConnectRetry{10};

// Waits until `fd` is ready for `events`, one slice at a time, so the deadline and a cancel are
// seen within 100 ms. Readiness includes POLLERR/POLLHUP: the next send/recv reports those.
std::optional<AgentError> wait_ready(int fd, short events, const core::Deadline& deadline,
                                     const core::CancelToken& cancel, const char* waiting_for) {
  for (;;) {
    if (cancel.cancelled()) return err(Kind::cancelled, std::string("cancelled while ") + waiting_for);
    if (deadline.expired()) return err(Kind::timeout, std::string("no answer from the ssh-agent while ") + waiting_for);
    pollfd p{};
    p.fd = fd;
    p.events = events;
    const int n = ::poll(&p, 1, static_cast<int>(deadline.slice().count()));
    if (n > 0) return std::nullopt;
    if (n < 0 && errno != EINTR) return err(Kind::protocol, "poll on the agent socket: " + errno_text(errno));
  }
}

}  // namespace

std::optional<AgentError> send_all(Handle h, std::span<const unsigned char> data, const core::Deadline& deadline,
                                   const core::CancelToken& cancel) {
  const int fd = static_cast<int>(h);
  std::size_t done = 0;
  while (done < data.size()) {
    if (cancel.cancelled()) return err(Kind::cancelled, "cancelled while sending to the ssh-agent");
    // MSG_NOSIGNAL: an agent that went away must give EPIPE, not kill the process with SIGPIPE.
    const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (auto stop = wait_ready(fd, POLLOUT, deadline, cancel, "sending a request")) return stop;
      continue;
    }
    return err(Kind::protocol, "the ssh-agent closed the connection (" + errno_text(errno) + ")");
  }
  return std::nullopt;
}

std::optional<AgentError> recv_exact(Handle h, unsigned char* out, std::size_t size, const core::Deadline& deadline,
                                     const core::CancelToken& cancel) {
  const int fd = static_cast<int>(h);
  std::size_t done = 0;
  while (done < size) {
    if (cancel.cancelled()) return err(Kind::cancelled, "cancelled while waiting for the ssh-agent's answer");
    const ssize_t n = ::recv(fd, out + done, size - done, MSG_DONTWAIT);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) {
      return err(Kind::protocol, done == 0 && size == 4 ? "the ssh-agent closed the connection without answering"
                                                        : "the ssh-agent's answer is truncated");
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (auto stop = wait_ready(fd, POLLIN, deadline, cancel, "waiting for its answer")) return stop;
      continue;
    }
    return err(Kind::protocol, "reading from the ssh-agent: " + errno_text(errno));
  }
  return std::nullopt;
}

core::expected<Handle, AgentError> open(const std::string& socket_path, const core::Deadline& deadline,
                                        const core::CancelToken& cancel) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.empty() || socket_path.size() >= sizeof(addr.sun_path)) {
    return core::unexpected{err(Kind::unreachable, "the socket path is empty or longer than " +
                                                       std::to_string(sizeof(addr.sun_path) - 1) + " bytes")};
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return core::unexpected{err(Kind::unreachable, "socket(AF_UNIX): " + errno_text(errno))};
  // Closed on every way out but success.
  struct Guard {
    int fd;
    bool keep = false;
    ~Guard() {
      if (!keep) ::close(fd);
    }
  } guard{fd};
  const auto connected = [&]() -> core::expected<Handle, AgentError> {
    guard.keep = true;
    return Handle{fd};
  };
  for (;;) {
    if (cancel.cancelled()) return core::unexpected{err(Kind::cancelled, "cancelled while connecting to the ssh-agent")};
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return connected();
    const int e = errno;
    if (e == EINTR) continue;
    if (e == EAGAIN) {
      if (deadline.expired()) {
        return core::unexpected{err(Kind::timeout, "the ssh-agent does not accept connections (its listen queue is full)")};
      }
      (void)::poll(nullptr, 0, static_cast<int>(std::min(deadline.slice(), kConnectRetry).count()));
      continue;
    }
    if (e == EINPROGRESS) {
      if (auto stop = wait_ready(fd, POLLOUT, deadline, cancel, "connecting")) return core::unexpected{*stop};
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error == 0) return connected();
      return core::unexpected{err(Kind::unreachable, "connect: " + errno_text(so_error))};
    }
    return core::unexpected{err(Kind::unreachable, "connect: " + errno_text(e))};
  }
}

void close(Handle h) { ::close(static_cast<int>(h)); }

}  // namespace stm32mp::adapters::posix::agent_transport
