#include "adapters/posix/posix_network.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "adapters/posix/posix_tcp_stream.h"

namespace stm32mp::adapters::posix {
namespace {

using core::Millis;
using ports::NetError;

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_UNSPEC;
  std::string text;
};

// Shared between the caller and the resolver thread; the last owner frees it, so an abandoned
// lookup finishes on its own without touching freed memory.
struct PendingLookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int rc = 0;
  std::vector<Address> addresses;
};

std::string address_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = {};
  const void* raw = sa->sa_family == AF_INET6 ? static_cast<const void*>(&reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr)
                                              : static_cast<const void*>(&reinterpret_cast<const sockaddr_in*>(sa)->sin_addr);
  if (::inet_ntop(sa->sa_family, raw, buf, sizeof buf) == nullptr) return "?";
  return buf;
}

void run_lookup(const std::shared_ptr<PendingLookup>& pending, const std::string& host, const std::string& service) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  addrinfo* result = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &result);
  std::vector<Address> out;
  for (const addrinfo* ai = result; rc == 0 && ai != nullptr; ai = ai->ai_next) {
    if (ai->ai_addrlen > sizeof(sockaddr_storage)) continue;
    Address a;
    std::memcpy(&a.storage, ai->ai_addr, ai->ai_addrlen);
    a.length = ai->ai_addrlen;
    a.family = ai->ai_family;
    a.text = address_text(ai->ai_addr);
    out.push_back(std::move(a));
  }
  if (result != nullptr) ::freeaddrinfo(result);
  std::lock_guard lock(pending->mutex);
  pending->rc = rc;
  pending->addresses = std::move(out);
  pending->done = true;
  pending->done_cv.notify_all();
}

core::expected<std::vector<Address>, NetError> resolve(const std::string& host, int port, const core::Deadline& deadline,
                                                       const core::CancelToken& cancel) {
  auto pending = std::make_shared<PendingLookup>();
  try {
    std::thread(run_lookup, pending, host, std::to_string(port)).detach();
  } catch (const std::system_error& e) {
    return core::unexpected{NetError{NetError::Kind::failure, std::string("cannot start the resolver thread: ") + e.what(), {}, 0}};
  }
  std::unique_lock lock(pending->mutex);
  while (!pending->done) {
    if (cancel.cancelled()) return core::unexpected{NetError{NetError::Kind::cancelled, "cancelled while resolving", {}, 0}};
    if (deadline.expired()) {
      return core::unexpected{NetError{NetError::Kind::not_resolved, "the resolver did not answer before the deadline", {}, 0}};
    }
    pending->done_cv.wait_for(lock, deadline.slice());
  }
  switch (pending->rc) {
    case 0:
      break;
    case EAI_NONAME:
#ifdef EAI_NODATA
    case EAI_NODATA:
#endif
    case EAI_AGAIN:
    case EAI_FAIL:
      return core::unexpected{NetError{NetError::Kind::not_resolved, ::gai_strerror(pending->rc), {}, 0}};
    default:
      return core::unexpected{NetError{NetError::Kind::failure, ::gai_strerror(pending->rc), {}, 0}};
  }
  if (pending->addresses.empty()) {
    return core::unexpected{NetError{NetError::Kind::not_resolved, "no IPv4 or IPv6 address", {}, 0}};
  }
  return std::move(pending->addresses);
}

NetError::Kind kind_of_errno(int err) {
  switch (err) {
    case ECONNREFUSED:
      return NetError::Kind::refused;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case ENETDOWN:
      return NetError::Kind::no_route;
    case ETIMEDOUT:
      return NetError::Kind::timeout;
    default:
      return NetError::Kind::failure;
  }
}

// How telling a failure is, when several addresses failed differently: a refusal proves the host is
// there, a missing route names the interface problem, a timeout says least.
int specificity(NetError::Kind k) {
  switch (k) {
    case NetError::Kind::refused:
      return 4;
    case NetError::Kind::no_route:
      return 3;
    case NetError::Kind::failure:
      return 2;
    default:
      return 1;
  }
}

struct Attempt {
  int fd = -1;
  NetError::Kind kind = NetError::Kind::failure;
  std::string message;
};

Attempt connect_one(const Address& a, const core::Deadline& deadline, const core::CancelToken& cancel) {
  Attempt at;
  const int fd = ::socket(a.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) {
    at.message = std::strerror(errno);
    return at;
  }
  const int one = 1;
  // SSH sends many small packets in lock step (KEX, auth, SFTP acks): Nagle would add delays.
  (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&a.storage), a.length) == 0) {
    at.fd = fd;
    return at;
  }
  if (errno != EINPROGRESS) {
    at.kind = kind_of_errno(errno);
    at.message = std::strerror(errno);
    ::close(fd);
    return at;
  }
  for (;;) {
    if (cancel.cancelled()) {
      at.kind = NetError::Kind::cancelled;
      at.message = "cancelled while connecting";
      break;
    }
    if (deadline.expired()) {
      at.kind = NetError::Kind::timeout;
      at.message = "no answer to the TCP connection request";
      break;
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(deadline.slice().count())) <= 0) continue;
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err == 0) {
      at.fd = fd;
      return at;
    }
    at.kind = kind_of_errno(err);
    at.message = std::strerror(err);
    break;
  }
  ::close(fd);
  return at;
}

std::int64_t ms_since(core::SteadyClock::time_point t) {
  return std::chrono::duration_cast<Millis>(core::SteadyClock::now() - t).count();
}

}  // namespace

core::expected<ports::TcpConnection, NetError> PosixNetwork::connect(const std::string& host, int port,
                                                                     const core::Deadline& deadline,
                                                                     const core::CancelToken& cancel) {
  const auto started = core::SteadyClock::now();
  auto resolved = resolve(host, port, deadline, cancel);
  if (!resolved) {
    NetError e = resolved.error();
    e.elapsed_ms = ms_since(started);
    return core::unexpected{std::move(e)};
  }
  ports::TcpConnection conn;
  conn.resolve_ms = ms_since(started);
  for (const auto& a : resolved.value()) conn.addresses.push_back(a.text);

  const auto connect_started = core::SteadyClock::now();
  NetError worst{NetError::Kind::timeout, "", conn.addresses, 0};
  int best = 0;
  const auto& addresses = resolved.value();
  for (std::size_t i = 0; i < addresses.size(); ++i) {
    // Each remaining address gets an equal share of the time left, so one black-holed address
    // (an IPv6 route to nowhere) cannot eat the whole budget.
    const auto share = deadline.remaining() / static_cast<long>(addresses.size() - i);
    const Attempt at = connect_one(addresses[i], deadline.within(share), cancel);
    if (at.fd >= 0) {
      conn.stream = std::make_shared<PosixTcpStream>(at.fd);
      conn.address = addresses[i].text;
      conn.connect_ms = ms_since(connect_started);
      return conn;
    }
    if (at.kind == NetError::Kind::cancelled) {
      return core::unexpected{NetError{NetError::Kind::cancelled, at.message, conn.addresses, ms_since(started)}};
    }
    if (specificity(at.kind) > best) {
      best = specificity(at.kind);
      worst.kind = at.kind;
      worst.message = addresses[i].text + ": " + at.message;
    }
  }
  worst.elapsed_ms = ms_since(started);
  return core::unexpected{std::move(worst)};
}

}  // namespace stm32mp::adapters::posix
