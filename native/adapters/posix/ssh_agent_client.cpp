#include "adapters/posix/ssh_agent_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

namespace stm32mp::adapters::posix {
namespace {

using Kind = AgentError::Kind;

// Message numbers of draft-miller-ssh-agent.
constexpr unsigned char kFailure = 5;
constexpr unsigned char kRequestIdentities = 11;
constexpr unsigned char kIdentitiesAnswer = 12;
constexpr unsigned char kSignRequest = 13;
constexpr unsigned char kSignResponse = 14;

// A retry pause for a connect the kernel refuses with EAGAIN (the agent's listen backlog is full:
// it does not accept). poll() cannot wait for that, so we retry, still within a slice.
constexpr core::Millis kConnectRetry{10};

AgentError err(Kind kind, std::string message) { return AgentError{kind, std::move(message)}; }

std::string errno_text(int e) { return std::strerror(e); }

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

std::optional<AgentError> send_all(int fd, std::span<const unsigned char> data, const core::Deadline& deadline,
                                   const core::CancelToken& cancel) {
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

std::optional<AgentError> recv_exact(int fd, unsigned char* out, std::size_t size, const core::Deadline& deadline,
                                     const core::CancelToken& cancel) {
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

void put_u32(std::vector<unsigned char>& out, std::uint32_t v) {
  out.push_back(static_cast<unsigned char>(v >> 24));
  out.push_back(static_cast<unsigned char>(v >> 16));
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v));
}

void put_string(std::vector<unsigned char>& out, std::span<const unsigned char> s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

std::uint32_t get_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// Bounds-checked reading of the wire types; every length comes from the (untrusted) agent.
class Reader {
 public:
  explicit Reader(std::span<const unsigned char> data) : data_(data) {}
  bool u32(std::uint32_t& v) {
    if (data_.size() - pos_ < 4) return false;
    v = get_u32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool string(std::span<const unsigned char>& s) {
    std::uint32_t n = 0;
    if (!u32(n) || n > data_.size() - pos_) return false;
    s = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] std::size_t left() const { return data_.size() - pos_; }

 private:
  std::span<const unsigned char> data_;
  std::size_t pos_ = 0;
};

}  // namespace

core::expected<SshAgentClient, AgentError> SshAgentClient::connect(const std::string& socket_path,
                                                                   const core::Deadline& deadline,
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
  SshAgentClient client(fd);
  for (;;) {
    if (cancel.cancelled()) return core::unexpected{err(Kind::cancelled, "cancelled while connecting to the ssh-agent")};
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return client;
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
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 && so_error == 0) return client;
      return core::unexpected{err(Kind::unreachable, "connect: " + errno_text(so_error))};
    }
    return core::unexpected{err(Kind::unreachable, "connect: " + errno_text(e))};
  }
}

SshAgentClient::SshAgentClient(SshAgentClient&& other) noexcept : fd_(other.fd_), broken_(other.broken_) {
  other.fd_ = -1;
}

SshAgentClient& SshAgentClient::operator=(SshAgentClient&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    broken_ = other.broken_;
    other.fd_ = -1;
  }
  return *this;
}

SshAgentClient::~SshAgentClient() {
  if (fd_ >= 0) ::close(fd_);
}

core::expected<std::vector<unsigned char>, AgentError> SshAgentClient::transact(std::span<const unsigned char> request,
                                                                               const core::Deadline& deadline,
                                                                               const core::CancelToken& cancel) {
  if (broken_ || fd_ < 0) {
    return core::unexpected{err(Kind::protocol, "the connection to the ssh-agent was abandoned after an earlier error")};
  }
  if (request.size() > kMaxMessage) {
    return core::unexpected{err(Kind::protocol, "request of " + std::to_string(request.size()) + " bytes is too large")};
  }
  std::vector<unsigned char> frame;
  frame.reserve(4 + request.size());
  put_string(frame, request);
  // Any failure below leaves a half-sent request or a half-read answer on the stream.
  broken_ = true;
  if (auto stop = send_all(fd_, frame, deadline, cancel)) return core::unexpected{*stop};
  unsigned char length[4];
  if (auto stop = recv_exact(fd_, length, sizeof length, deadline, cancel)) return core::unexpected{*stop};
  const std::uint32_t size = get_u32(length);
  if (size == 0 || size > kMaxMessage) {
    return core::unexpected{err(Kind::protocol, "the ssh-agent announced an answer of " + std::to_string(size) +
                                                    " bytes (at most " + std::to_string(kMaxMessage) + " accepted)")};
  }
  std::vector<unsigned char> answer(size);
  if (auto stop = recv_exact(fd_, answer.data(), answer.size(), deadline, cancel)) return core::unexpected{*stop};
  broken_ = false;
  return answer;
}

core::expected<std::vector<AgentIdentity>, AgentError> SshAgentClient::list_identities(const core::Deadline& deadline,
                                                                                      const core::CancelToken& cancel) {
  const unsigned char request[] = {kRequestIdentities};
  auto answer = transact(request, deadline, cancel);
  if (!answer) return core::unexpected{answer.error()};
  const auto& a = answer.value();
  if (a[0] == kFailure) return core::unexpected{err(Kind::refused, "the ssh-agent refused to list its keys")};
  if (a[0] != kIdentitiesAnswer) {
    return core::unexpected{err(Kind::protocol, "unexpected answer type " + std::to_string(a[0]) + " to a key listing")};
  }
  Reader r(std::span<const unsigned char>(a).subspan(1));
  std::uint32_t count = 0;
  // Each key takes at least two length fields: a count beyond that is a lie, not a reason to reserve.
  if (!r.u32(count) || count > r.left() / 8) {
    return core::unexpected{err(Kind::protocol, "the ssh-agent's key listing is truncated")};
  }
  std::vector<AgentIdentity> keys;
  keys.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::span<const unsigned char> blob;
    std::span<const unsigned char> comment;
    if (!r.string(blob) || !r.string(comment) || blob.empty()) {
      return core::unexpected{err(Kind::protocol, "the ssh-agent's key listing is truncated")};
    }
    keys.push_back(AgentIdentity{{blob.begin(), blob.end()}, {comment.begin(), comment.end()}});
  }
  return keys;
}

core::expected<AgentSignature, AgentError> SshAgentClient::sign(std::span<const unsigned char> key_blob,
                                                                std::span<const unsigned char> data, std::uint32_t flags,
                                                                const core::Deadline& deadline,
                                                                const core::CancelToken& cancel) {
  std::vector<unsigned char> request;
  request.reserve(1 + 4 + key_blob.size() + 4 + data.size() + 4);
  request.push_back(kSignRequest);
  put_string(request, key_blob);
  put_string(request, data);
  put_u32(request, flags);
  auto answer = transact(request, deadline, cancel);
  if (!answer) return core::unexpected{answer.error()};
  const auto& a = answer.value();
  if (a[0] == kFailure) {
    return core::unexpected{err(Kind::refused, "the ssh-agent refused to sign (key removed, agent locked or "
                                               "confirmation denied)")};
  }
  if (a[0] != kSignResponse) {
    return core::unexpected{err(Kind::protocol, "unexpected answer type " + std::to_string(a[0]) + " to a sign request")};
  }
  // string signature { string format, string signature-bytes }: libssh2 writes the format itself
  // (the key type) and wants only the inner bytes from its sign callback.
  Reader outer(std::span<const unsigned char>(a).subspan(1));
  std::span<const unsigned char> blob;
  if (!outer.string(blob)) return core::unexpected{err(Kind::protocol, "the ssh-agent's signature is truncated")};
  Reader inner(blob);
  std::span<const unsigned char> format;
  std::span<const unsigned char> bytes;
  if (!inner.string(format) || !inner.string(bytes) || bytes.empty()) {
    return core::unexpected{err(Kind::protocol, "the ssh-agent's signature is malformed")};
  }
  return AgentSignature{{format.begin(), format.end()}, {bytes.begin(), bytes.end()}};
}

}  // namespace stm32mp::adapters::posix
