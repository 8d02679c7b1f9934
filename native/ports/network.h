#pragma once
// Reaching the board over TCP: name resolution and connect, both bounded by a deadline and the run's
// cancel token. The POSIX adapter lives in native/adapters/posix/.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "core/expected.h"

namespace stm32mp::ports {

// A connected TCP stream. It owns the OS socket; the SSH adapter takes it over, so the connection the
// network step opened is the one the ssh step authenticates on (no second connect).
class TcpStream {
 public:
  virtual ~TcpStream() = default;
  [[nodiscard]] virtual std::intptr_t native_handle() const = 0;  // the fd on POSIX
  // Waits at most `timeout` until the socket is readable (want_read) or writable (want_write), or
  // has an error/hang-up pending. Returns false when the time ran out first.
  virtual bool wait(bool want_read, bool want_write, core::Millis timeout) = 0;
  // Shuts both directions down so that any pending or later send/recv fails at once.
  virtual void shutdown() = 0;
  // Like shutdown, and what is still queued to send is dropped (a TCP reset): the bytes of a broken
  // SSH session must not hold a slow link that the recovery's new session needs. The handle stays
  // valid (libssh2 still holds it). Where the platform cannot drop them, a shutdown.
  virtual void abort() { shutdown(); }
  // Why the far end went away, when the stream knows more than "connection lost" (a proxy program
  // that exited, with its complaint); "" otherwise.
  [[nodiscard]] virtual std::string end_reason() { return {}; }
};

struct TcpConnection {
  std::shared_ptr<TcpStream> stream;
  std::vector<std::string> addresses;  // what the name resolved to, in the order tried
  std::string address;                 // the address the stream is connected to
  std::int64_t resolve_ms = 0;
  std::int64_t connect_ms = 0;
};

struct NetError {
  enum class Kind {
    not_resolved,  // the resolver has no address for the name
    no_route,      // ENETUNREACH / EHOSTUNREACH: no interface or no neighbour answers
    refused,       // ECONNREFUSED: the host answered, nothing listens on the port
    timeout,       // no answer before the deadline (packets dropped, link down behind a router)
    cancelled,     // the cancel token was set
    failure,       // anything else the OS reported
  };
  Kind kind = Kind::failure;
  std::string message;                 // resolver / OS text, for the observed facts
  std::vector<std::string> addresses;  // addresses tried (empty when not resolved)
  std::int64_t elapsed_ms = 0;
};

class Network {
 public:
  virtual ~Network() = default;
  [[nodiscard]] virtual core::expected<TcpConnection, NetError> connect(const std::string& host, int port,
                                                                        const core::Deadline& deadline,
                                                                        const core::CancelToken& cancel) = 0;
};

}  // namespace stm32mp::ports
