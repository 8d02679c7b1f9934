#pragma once
#include "ports/network.h"

namespace stm32mp::adapters::posix {

// Owns a connected, non-blocking TCP socket.
class PosixTcpStream final : public ports::TcpStream {
 public:
  explicit PosixTcpStream(int fd) : fd_(fd) {}
  ~PosixTcpStream() override;
  PosixTcpStream(const PosixTcpStream&) = delete;
  PosixTcpStream& operator=(const PosixTcpStream&) = delete;

  [[nodiscard]] std::intptr_t native_handle() const override { return fd_; }
  bool wait(bool want_read, bool want_write, core::Millis timeout) override;
  void shutdown() override;
  void abort() override;

 private:
  int fd_;
};

}  // namespace stm32mp::adapters::posix
