#include "adapters/windows/loopback_proxy_stream.h"

#include <ws2tcpip.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <system_error>
#include <thread>

#include "adapters/windows/win_process.h"
#include "adapters/windows/win_text.h"
#include "adapters/windows/winsock_tcp_stream.h"

namespace stm32mp::adapters::windows {

using ports::ProcessError;
using EKind = ports::ProcessError::Kind;

namespace {

constexpr std::size_t kStderrKept = 4096;      // the end of a proxy's complaints
constexpr core::Millis kProxyExitGrace{200};   // a proxy whose input closed ends by itself
constexpr core::Millis kAcceptWait{5000};      // a loopback connect is accepted at once; bounded all the same
constexpr core::Millis kPumpEndWait{2000};     // after the child ended, its pipes break at once

class Socket {
 public:
  explicit Socket(SOCKET s = INVALID_SOCKET) : s_(s) {}
  ~Socket() { reset(); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  Socket(Socket&& o) noexcept : s_(o.release()) {}
  Socket& operator=(Socket&& o) noexcept {
    if (this != &o) {
      reset();
      s_ = o.release();
    }
    return *this;
  }
  [[nodiscard]] SOCKET get() const { return s_; }
  SOCKET release() { return std::exchange(s_, INVALID_SOCKET); }
  void reset() {
    if (s_ != INVALID_SOCKET) ::closesocket(s_);
    s_ = INVALID_SOCKET;
  }

 private:
  SOCKET s_;
};

std::string wsa_error(const char* what) { return std::string(what) + ": " + error_text(WSAGetLastError()); }

void no_delay(SOCKET s) {
  // SSH sends small packets and waits for answers: Nagle's delay would cost every round trip.
  const int one = 1;
  (void)::setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&one), sizeof one);
}

bool send_all(SOCKET s, const char* data, int size) {
  while (size > 0) {
    const int n = ::send(s, data, size, 0);
    if (n == SOCKET_ERROR || n == 0) return false;
    data += n;
    size -= n;
  }
  return true;
}

bool write_all(HANDLE h, const char* data, DWORD size) {
  while (size > 0) {
    DWORD n = 0;
    if (!WriteFile(h, data, size, &n, nullptr) || n == 0) return false;
    data += n;
    size -= n;
  }
  return true;
}

// What the pump threads share; kept alive by them, so a pump that could not be stopped can be left to
// end on its own without touching a freed stream.
struct Bridge {
  Socket socket;     // the accepted end, pumped
  Handle to_child;   // the child's stdin, our write end
  Handle from_child; // the child's stdout, our read end
  std::mutex mutex;
  Handle reader;     // the stdout pump's thread, for CancelSynchronousIo
  std::atomic<bool> reader_done{false};
};

// stream → the child's stdin, until the stream's end closes; then the child's stdin closes (its EOF).
void pump_to_child(const std::shared_ptr<Bridge>& b) {
  char buf[65536];
  for (;;) {
    const int n = ::recv(b->socket.get(), buf, sizeof buf, 0);
    if (n <= 0 || !write_all(b->to_child.get(), buf, static_cast<DWORD>(n))) break;
  }
  b->to_child.reset();
}

// the child's stdout → the stream, until the child's stdout ends; then the stream sees end-of-file.
void pump_from_child(const std::shared_ptr<Bridge>& b) {
  {
    HANDLE self = nullptr;
    (void)DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &self, 0, FALSE,
                          DUPLICATE_SAME_ACCESS);
    const std::lock_guard lock(b->mutex);
    b->reader = Handle(self);
  }
  char buf[65536];
  for (;;) {
    DWORD n = 0;
    if (!ReadFile(b->from_child.get(), buf, sizeof buf, &n, nullptr) || n == 0) break;
    if (!send_all(b->socket.get(), buf, static_cast<int>(n))) break;
  }
  (void)::shutdown(b->socket.get(), SD_SEND);
  b->reader_done = true;
}

class LoopbackProxyStream final : public ports::ProxyStream {
 public:
  LoopbackProxyStream(SOCKET ours, WinProcess child, Handle err, std::shared_ptr<Bridge> bridge, std::string name)
      : tcp_(ours), child_(std::move(child)), err_(std::move(err)), bridge_(std::move(bridge)), name_(std::move(name)) {
    to_child_ = std::thread(pump_to_child, bridge_);
    try {
      from_child_ = std::thread(pump_from_child, bridge_);
    } catch (...) {
      (void)::shutdown(bridge_->socket.get(), SD_BOTH);  // the first pump's recv ends
      to_child_.join();
      throw;  // the members end the child; start_loopback_proxy says why
    }
  }
  ~LoopbackProxyStream() override {
    tcp_.shutdown();  // the pump's recv ends, then the program's stdin: ssh -W, nc and socat exit by themselves
    child_.end(kProxyExitGrace);
    // The child and its job are gone, so both pipes are broken and both pumps end at once; a stdout pump
    // still blocked (a handle held outside the job) has its read cancelled, and is left to end by itself
    // (it holds its own share of the bridge) rather than hang the caller.
    const auto until = std::chrono::steady_clock::now() + kPumpEndWait;
    while (!bridge_->reader_done && std::chrono::steady_clock::now() < until) {
      {
        const std::lock_guard lock(bridge_->mutex);
        if (bridge_->reader.valid()) (void)CancelSynchronousIo(bridge_->reader.get());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (bridge_->reader_done) {
      from_child_.join();
    } else {
      from_child_.detach();
    }
    (void)::shutdown(bridge_->socket.get(), SD_BOTH);
    to_child_.join();
  }
  LoopbackProxyStream(const LoopbackProxyStream&) = delete;
  LoopbackProxyStream& operator=(const LoopbackProxyStream&) = delete;

  [[nodiscard]] std::intptr_t native_handle() const override { return tcp_.native_handle(); }
  bool wait(bool want_read, bool want_write, core::Millis timeout) override {
    (void)stderr_text();  // keeps the program from blocking on a full stderr pipe
    return tcp_.wait(want_read, want_write, timeout);
  }
  void shutdown() override { tcp_.shutdown(); }
  Incoming peek(core::Millis timeout) override {
    if (!wait(true, false, timeout)) return Incoming::nothing_yet;
    char byte = 0;
    const int n = ::recv(static_cast<SOCKET>(tcp_.native_handle()), &byte, 1, MSG_PEEK);
    if (n > 0) return Incoming::data;
    if (n == 0) return Incoming::end_of_file;
    return WSAGetLastError() == WSAEWOULDBLOCK ? Incoming::nothing_yet : Incoming::end_of_file;
  }
  std::optional<int> exit_status() override {
    if (!status_) status_ = child_.exited();
    return status_;
  }
  std::string stderr_text() override {
    bool got = false;
    if (err_open_) err_open_ = drain_pipe(err_.get(), stderr_, kStderrKept, true, got);
    return stderr_;
  }

 protected:
  [[nodiscard]] std::string program() const override { return name_; }

 private:
  WinsockTcpStream tcp_;
  WinProcess child_;
  Handle err_;
  bool err_open_ = true;
  std::string stderr_;
  std::optional<int> status_;
  std::shared_ptr<Bridge> bridge_;
  std::string name_;
  std::thread to_child_;
  std::thread from_child_;
};

bool same_address(const sockaddr_in& a, const sockaddr_in& b) {
  return a.sin_family == b.sin_family && a.sin_port == b.sin_port && a.sin_addr.s_addr == b.sin_addr.s_addr;
}

}  // namespace

core::expected<std::pair<SOCKET, SOCKET>, std::string> loopback_pair() {
  ensure_winsock();
  Socket listener(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  if (listener.get() == INVALID_SOCKET) return core::unexpected{wsa_error("socket")};
  // Exclusive: no other program can bind this port beside us and take the connection.
  const BOOL yes = TRUE;
  (void)::setsockopt(listener.get(), SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&yes), sizeof yes);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof addr;
  if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener.get(), 1) != 0 || ::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return core::unexpected{wsa_error("loopback listen")};
  }
  Socket client(::socket(AF_INET, SOCK_STREAM, IPPROTO_TCP));
  if (client.get() == INVALID_SOCKET) return core::unexpected{wsa_error("socket")};
  if (::connect(client.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return core::unexpected{wsa_error("loopback connect")};
  }
  sockaddr_in ours{};
  len = sizeof ours;
  if (::getsockname(client.get(), reinterpret_cast<sockaddr*>(&ours), &len) != 0) return core::unexpected{wsa_error("getsockname")};
  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(listener.get(), &readable);
  timeval tv{static_cast<long>(kAcceptWait.count() / 1000), 0};
  if (::select(0, &readable, nullptr, nullptr, &tv) <= 0) return core::unexpected{std::string("loopback accept: no connection")};
  sockaddr_in peer{};
  len = sizeof peer;
  Socket accepted(::accept(listener.get(), reinterpret_cast<sockaddr*>(&peer), &len));
  if (accepted.get() == INVALID_SOCKET) return core::unexpected{wsa_error("loopback accept")};
  // Another local program could have connected first: only our own connecting socket is the bridge.
  if (!same_address(peer, ours)) return core::unexpected{std::string("loopback accept: a connection that is not ours came first")};
  no_delay(client.get());
  no_delay(accepted.get());
  return std::pair{client.release(), accepted.release()};
}

core::expected<std::shared_ptr<ports::ProxyStream>, ProcessError> start_loopback_proxy(const std::wstring& program,
                                                                                     const std::wstring& line,
                                                                                     const std::string& name) {
  auto pair = loopback_pair();
  if (!pair) return core::unexpected{ProcessError{EKind::start_failed, pair.error()}};
  Socket ours(pair->first);
  auto bridge = std::make_shared<Bridge>();
  bridge->socket = Socket(pair->second);
  auto in = make_pipe(true);
  if (!in) return core::unexpected{in.error()};
  auto out = make_pipe(false);
  if (!out) return core::unexpected{out.error()};
  auto err = make_pipe(false);
  if (!err) return core::unexpected{err.error()};
  auto child = WinProcess::start(program, line, in->theirs.get(), out->theirs.get(), err->theirs.get());
  if (!child) return core::unexpected{child.error()};
  in->theirs.reset();
  out->theirs.reset();
  err->theirs.reset();
  bridge->to_child = std::move(in->ours);
  bridge->from_child = std::move(out->ours);
  u_long non_blocking = 1;  // libssh2 runs the socket non-blocking and waits with wait()
  (void)::ioctlsocket(ours.get(), FIONBIO, &non_blocking);
  try {
    return std::shared_ptr<ports::ProxyStream>(std::make_shared<LoopbackProxyStream>(
        ours.release(), std::move(*child), std::move(err->ours), std::move(bridge), name));
  } catch (const std::system_error& e) {  // no thread for a pump: nothing may escape to a JNI caller
    return core::unexpected{ProcessError{EKind::start_failed, std::string("proxy pump thread: ") + e.what()}};
  }
}

}  // namespace stm32mp::adapters::windows
