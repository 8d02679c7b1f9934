#pragma once
// An in-test ssh-agent on a Unix socket, for what a real ssh-agent cannot be made to do on demand:
// answer nothing (stuck, or waiting for an `ssh-add -c` confirmation), answer FAILURE, send a truncated
// or oversized frame. A thread accepts connections and answers each complete request frame with what
// the test's function returns: the raw bytes to send (length prefix included, so broken frames are
// possible), an empty vector to close the connection, or std::nullopt to never answer.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace stm32mp::testing {

using Bytes = std::vector<unsigned char>;

inline void append_u32(Bytes& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<unsigned char>(v >> shift));
}
inline void append_string(Bytes& out, const Bytes& s) {
  append_u32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}
inline Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }
// A complete agent message: uint32 length, then the body.
inline Bytes frame(const Bytes& body) {
  Bytes out;
  append_string(out, body);
  return out;
}

class FakeSshAgent {
 public:
  using Answer = std::function<std::optional<Bytes>(const Bytes& request)>;

  // `hang_up_after_reply`: close the connection after each reply (to cut an answer short).
  FakeSshAgent(std::string path, Answer answer, bool hang_up_after_reply = false)
      : path_(std::move(path)), answer_(std::move(answer)), hang_up_(hang_up_after_reply) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof(addr.sun_path) - 1);
    ok_ = listen_fd_ >= 0 && ::bind(listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
          ::listen(listen_fd_, 8) == 0;
    if (ok_) thread_ = std::thread([this] { serve(); });
  }
  ~FakeSshAgent() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    ::unlink(path_.c_str());
  }
  FakeSshAgent(const FakeSshAgent&) = delete;
  FakeSshAgent& operator=(const FakeSshAgent&) = delete;

  [[nodiscard]] bool ok() const { return ok_; }
  [[nodiscard]] std::vector<Bytes> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  struct Client {
    int fd;
    Bytes pending;
    bool stalled = false;
  };

  void serve() {
    std::vector<Client> clients;
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (const auto& c : clients) fds.push_back({c.fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 20) <= 0) continue;
      if ((fds[0].revents & POLLIN) != 0) {
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) clients.push_back({fd, {}, false});
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        Client& c = clients[i - 1];
        if (fds[i].revents == 0) continue;
        unsigned char buf[4096];
        const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n <= 0) {
          ::close(c.fd);
          c.fd = -1;
          continue;
        }
        if (c.stalled) continue;  // a stuck agent reads on but never writes
        c.pending.insert(c.pending.end(), buf, buf + n);
        handle(c);
      }
      std::erase_if(clients, [](const Client& c) { return c.fd < 0; });
    }
    for (const auto& c : clients) ::close(c.fd);
  }

  void handle(Client& c) {
    while (c.pending.size() >= 4 && !c.stalled && c.fd >= 0) {
      const std::size_t len = (std::size_t{c.pending[0]} << 24) | (std::size_t{c.pending[1]} << 16) |
                              (std::size_t{c.pending[2]} << 8) | c.pending[3];
      if (c.pending.size() < 4 + len) return;
      const Bytes request(c.pending.begin() + 4, c.pending.begin() + 4 + static_cast<std::ptrdiff_t>(len));
      c.pending.erase(c.pending.begin(), c.pending.begin() + 4 + static_cast<std::ptrdiff_t>(len));
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      const auto reply = answer_(request);
      if (!reply) {
        c.stalled = true;
      } else if (reply->empty()) {
        ::close(c.fd);
        c.fd = -1;
      } else {
        (void)::send(c.fd, reply->data(), reply->size(), MSG_NOSIGNAL);
        if (hang_up_) {
          ::close(c.fd);
          c.fd = -1;
        }
      }
    }
  }

  std::string path_;
  Answer answer_;
  bool hang_up_ = false;
  int listen_fd_ = -1;
  bool ok_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mutex_;
  std::vector<Bytes> requests_;
};

}  // namespace stm32mp::testing
