#include "adapters/windows/winsock_network.h"

#include <winsock2.h>
#include <ws2tcpip.h>

#include <condition_variable>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include "adapters/windows/win_text.h"
#include "adapters/windows/winsock_tcp_stream.h"

namespace stm32mp::adapters::windows {
namespace {

using ports::NetError;

struct Address {
  sockaddr_storage storage{};
  int length = 0;
  int family = AF_UNSPEC;
  std::string text;
};

// Shared between the caller and the resolver thread; the last owner frees it.
struct PendingLookup {
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  int rc = 0;
  std::vector<Address> addresses;
};

std::string address_text(const sockaddr* sa, int length) {
  char buf[NI_MAXHOST] = {};
  if (::getnameinfo(sa, length, buf, sizeof buf, nullptr, 0, NI_NUMERICHOST) != 0) return "?";
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
    a.length = static_cast<int>(ai->ai_addrlen);
    a.family = ai->ai_family;
    a.text = address_text(ai->ai_addr, a.length);
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
    case WSAHOST_NOT_FOUND:
    case WSANO_DATA:
    case WSATRY_AGAIN:
    case WSANO_RECOVERY:
      return core::unexpected{NetError{NetError::Kind::not_resolved, error_text(static_cast<unsigned long>(pending->rc)), {}, 0}};
    default:
      return core::unexpected{NetError{NetError::Kind::failure, error_text(static_cast<unsigned long>(pending->rc)), {}, 0}};
  }
  if (pending->addresses.empty()) {
    return core::unexpected{NetError{NetError::Kind::not_resolved, "no IPv4 or IPv6 address", {}, 0}};
  }
  return std::move(pending->addresses);
}

NetError::Kind kind_of(int err) {
  switch (err) {
    case WSAECONNREFUSED:
      return NetError::Kind::refused;
    case WSAENETUNREACH:
    case WSAEHOSTUNREACH:
    case WSAEHOSTDOWN:
    case WSAENETDOWN:
      return NetError::Kind::no_route;
    case WSAETIMEDOUT:
      return NetError::Kind::timeout;
    default:
      return NetError::Kind::failure;
  }
}

// As in the POSIX adapter: a refusal proves the host is there, a missing route names the interface
// problem, a timeout says least.
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
  SOCKET socket = INVALID_SOCKET;
  NetError::Kind kind = NetError::Kind::failure;
  std::string message;
};

Attempt connect_one(const Address& a, const core::Deadline& deadline, const core::CancelToken& cancel) {
  Attempt at;
  // WSA_FLAG_NO_HANDLE_INHERIT: the counterpart of SOCK_CLOEXEC.
  const SOCKET s = ::WSASocketW(a.family, SOCK_STREAM, IPPROTO_TCP, nullptr, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (s == INVALID_SOCKET) {
    at.message = error_text(static_cast<unsigned long>(::WSAGetLastError()));
    return at;
  }
  u_long non_blocking = 1;
  (void)::ioctlsocket(s, FIONBIO, &non_blocking);
  const BOOL one = TRUE;
  // SSH sends many small packets in lock step: Nagle would add delays.
  (void)::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
  if (::connect(s, reinterpret_cast<const sockaddr*>(&a.storage), a.length) == 0) {
    at.socket = s;
    return at;
  }
  const int started = ::WSAGetLastError();
  if (started != WSAEWOULDBLOCK) {
    at.kind = kind_of(started);
    at.message = error_text(static_cast<unsigned long>(started));
    ::closesocket(s);
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
    // A failed connect shows in the except set on Windows, not in the write set.
    fd_set writable, failed;
    FD_ZERO(&writable);
    FD_ZERO(&failed);
    FD_SET(s, &writable);
    FD_SET(s, &failed);
    const auto slice = deadline.slice().count();
    timeval tv{static_cast<long>(slice / 1000), static_cast<long>((slice % 1000) * 1000)};
    if (::select(0, nullptr, &writable, &failed, &tv) <= 0) continue;
    int err = 0;
    int len = sizeof err;
    if (::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&err), &len) != 0) err = ::WSAGetLastError();
    if (err == 0 && FD_ISSET(s, &writable)) {
      at.socket = s;
      return at;
    }
    at.kind = kind_of(err);
    at.message = error_text(static_cast<unsigned long>(err));
    break;
  }
  ::closesocket(s);
  return at;
}

std::int64_t ms_since(core::SteadyClock::time_point t) {
  return std::chrono::duration_cast<core::Millis>(core::SteadyClock::now() - t).count();
}

}  // namespace

core::expected<ports::TcpConnection, NetError> WinsockNetwork::connect(const std::string& host, int port,
                                                                       const core::Deadline& deadline,
                                                                       const core::CancelToken& cancel) {
  ensure_winsock();
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
    // Each remaining address gets an equal share of the time left.
    const auto share = deadline.remaining() / static_cast<long>(addresses.size() - i);
    const Attempt at = connect_one(addresses[i], deadline.within(share), cancel);
    if (at.socket != INVALID_SOCKET) {
      conn.stream = std::make_shared<WinsockTcpStream>(at.socket);
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

}  // namespace stm32mp::adapters::windows
