#pragma once
#include <memory>

#include "core/runner.h"
#include "core/settings.h"
#include "core/step_report.h"
#include "ports/board_session.h"
#include "ports/network.h"
#include "ports/ssh_connector.h"

namespace stm32mp::steps {

// Step `ssh`: logs in on the board over the connection the network step opened (or a new one when
// `connection` is empty), checking the host key against known_hosts first. The authenticated session
// goes to `session`, shared by every remote step.
[[nodiscard]] core::StepReport check_ssh(const core::Settings& settings, std::shared_ptr<ports::TcpStream> connection,
                                         ports::Network& network, ports::SshConnector& connector,
                                         core::StepControl& control, std::shared_ptr<ports::BoardSession>& session);

// The login the ssh step makes for these settings (user, key, password, known_hosts, host-key policy).
[[nodiscard]] ports::SshOptions login_options(const core::Settings& settings);

}  // namespace stm32mp::steps
