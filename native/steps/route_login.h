#pragma once
// The login settings the user's SSH configuration may change (StrictHostKeyChecking, GlobalKnownHostsFile,
// IdentitiesOnly, IdentityAgent, CertificateFile), applied under our own policy: the host-key check never
// gets laxer than ours, and an option given to us explicitly wins.
#include <string>
#include <vector>

#include "core/settings.h"
#include "core/step_report.h"
#include "remote/ssh_route.h"

namespace stm32mp::steps {

// Rewrites `s` from `route`; what was not applied and why goes to `r` (facts, CFG013/CFG014), the options
// given to us that won over the configuration to `kept`.
void apply_route_login(const remote::SshRoute& route, const std::string& alias, core::Settings& s,
                       core::StepReport& r, std::vector<std::string>& kept);

}  // namespace stm32mp::steps
