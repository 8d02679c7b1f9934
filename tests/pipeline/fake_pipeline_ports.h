#pragma once
// Fakes of the pipeline's SSH port (native/ports/ssh_connector.h) for tests that run the whole pipeline without a
// board: a login that opens a FakeSession whose every command prints `reply` (the network: fake_network.h), and one whole
// check over them (check_with_fakes). The real ones against the simulated board: tests/e2e.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/progress.h"
#include "pipeline/pipeline.h"
#include "pipeline/session_pool.h"
#include "ports/board_session.h"
#include "pipeline/fake_board_session_basic.h"
#include "pipeline/fake_network.h"
#include "ports/ssh_connector.h"

namespace stm32mp::testing {

class FakeConnector final : public ports::SshConnector {
 public:
  std::vector<std::shared_ptr<FakeSession>> opened;
  std::string reply;  // what the sessions it opens print
  core::expected<ports::SshConnection, ports::SshFailure> open(std::shared_ptr<ports::TcpStream>,
                                                               const ports::SshOptions&, const core::Deadline&,
                                                               const core::CancelToken&) override {
    opened.push_back(std::make_shared<FakeSession>());
    opened.back()->reply = reply;
    ports::SshFacts f;
    f.server_banner = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3";
    f.host_key_type = "ssh-ed25519";
    f.host_key_fingerprint = "SHA256:board";
    f.host_key_status = "known";
    f.auth_method = "publickey (file)";
    return ports::SshConnection{opened.back(), f};
  }
};

// One whole check over the fakes, with the process's session pool.
inline core::Report check_with_fakes(const core::Settings& settings, FakeNetwork& net, FakeConnector& ssh,
                                     pipeline::SessionPool& pool) {
  pipeline::Ports ports;
  ports.network = std::shared_ptr<ports::Network>(&net, [](auto*) {});
  ports.ssh = std::shared_ptr<ports::SshConnector>(&ssh, [](auto*) {});
  core::CancelToken cancel;
  core::NullProgress progress;
  return pipeline::run_check(settings, ports, cancel, progress, &pool);
}

}  // namespace stm32mp::testing
