#pragma once
// A fake of the network port (native/ports/network.h): every connect reaches 10.0.0.7 in 3 ms over a stream that never
// has data, or fails with `error`. Shared by the network, ssh and pipeline tests; the real adapter: network_adapter_test.
#include <memory>
#include <optional>
#include <string>

#include "ports/network.h"

namespace stm32mp::testing {

class FakeStream final : public ports::TcpStream {
 public:
  [[nodiscard]] std::intptr_t native_handle() const override { return -1; }
  bool wait(bool, bool, core::Millis) override { return false; }
  void shutdown() override {}
};

class FakeNetwork final : public ports::Network {
 public:
  int connects = 0;
  std::string asked_host;                // the host of the last connect
  std::optional<ports::NetError> error;  // set: every connect fails so
  core::expected<ports::TcpConnection, ports::NetError> connect(const std::string& host, int, const core::Deadline&,
                                                                const core::CancelToken&) override {
    ++connects;
    asked_host = host;
    if (error) return core::unexpected{*error};
    ports::TcpConnection c;
    c.stream = std::make_shared<FakeStream>();
    c.addresses = {"10.0.0.7"};
    c.address = "10.0.0.7";
    c.connect_ms = 3;
    return c;
  }
};

}  // namespace stm32mp::testing
