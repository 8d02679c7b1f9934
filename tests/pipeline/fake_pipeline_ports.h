#pragma once
// Fakes of the pipeline's SSH port (native/ports/ssh_connector.h) for tests that run the whole pipeline without a
// board: a login that opens a FakeSession whose every command prints `reply` (the network: fake_network.h). The real ones against the simulated board: tests/e2e.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ports/board_session.h"
#include "pipeline/fake_network.h"
#include "ports/ssh_connector.h"

namespace stm32mp::testing {

// A board session whose answers the test sets: `stat_error` fails the liveness check, `exec_error` fails a command.
class FakeSession final : public ports::BoardSession {
 public:
  std::optional<ports::RemoteError> stat_error;
  std::optional<ports::RemoteError> exec_error;
  std::string reply;  // what every command prints
  int stats = 0;
  int execs = 0;
  core::expected<ports::ExecResult, ports::RemoteError> exec(const std::string&, const core::Deadline&,
                                                             const core::CancelToken&) override {
    ++execs;
    if (exec_error) return core::unexpected{*exec_error};
    return ports::ExecResult{0, reply, ""};
  }
  std::optional<ports::RemoteError> upload(const std::string&, const std::string&, const ports::UploadProgress&,
                                           const core::Deadline&, const core::CancelToken&) override {
    return std::nullopt;
  }
  core::expected<ports::ExecResult, ports::RemoteError> exec_with_input(const std::string&, const std::string&,
                                                                        const std::string&, const ports::UploadProgress&,
                                                                        const core::Deadline&,
                                                                        const core::CancelToken&) override {
    return ports::ExecResult{0, "", ""};
  }
  core::expected<ports::RemoteFileInfo, ports::RemoteError> stat(const std::string&, const core::Deadline&,
                                                                 const core::CancelToken&) override {
    ++stats;
    if (stat_error) return core::unexpected{*stat_error};
    return ports::RemoteFileInfo{4096, 0755};
  }
  std::optional<ports::RemoteError> remove(const std::string&, const core::Deadline&, const core::CancelToken&) override {
    return std::nullopt;
  }
  std::optional<ports::RemoteError> rename(const std::string&, const std::string&, const core::Deadline&,
                                           const core::CancelToken&) override {
    return std::nullopt;
  }
};

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

}  // namespace stm32mp::testing
