#include "steps/route_login.h"

namespace stm32mp::steps {

void apply_route_login(const remote::SshRoute& route, const std::string& alias, core::Settings& s,
                       core::StepReport& r, std::vector<std::string>& kept) {
  const std::string& strict = route.strict_host_key_checking;
  if (strict == "accept-new") {
    // The one value we share with OpenSSH that stores an unknown key; a changed key is refused all the same.
    if (s.host_key_policy_given && s.host_key_policy != "accept-new") {
      kept.push_back("host_key_policy " + s.host_key_policy + " (the configuration says accept-new)");
    } else {
      s.host_key_policy = "accept-new";
    }
  } else if (strict == "false" || strict == "no" || strict == "off") {
    // OpenSSH would connect to an unknown or changed key; a pre-launch check on a board must not.
    r.observed.set("strict_host_key_checking", "the configuration says no; not applied, the host key is checked");
    r.add(core::Code::SshConfigLaxHostKey, core::Facts{{"host", alias}, {"value", strict}, {"policy", s.host_key_policy}});
  }
  if (!route.global_known_hosts.empty()) s.global_known_hosts = route.global_known_hosts;
  if (route.identity_agent == "none") {
    s.use_agent = false;
    r.observed.set("ssh_agent", "not used (IdentityAgent none)");
  } else if (route.identities_only) {
    // OpenSSH would still take an agent key matching an IdentityFile; we sign with the file itself.
    s.use_agent = false;
    r.observed.set("ssh_agent", "not used (IdentitiesOnly yes)");
  } else if (!route.identity_agent.empty() && route.identity_agent != "SSH_AUTH_SOCK") {
    s.agent_socket = route.identity_agent;
  }
  if (!route.certificate_files.empty()) {
    r.add(core::Code::SshConfigCertificateUnused,
          core::Facts{{"host", alias},
                      {"certificate", route.certificate_files.front()},
                      {"identity", s.identity.empty() ? "~/.ssh/id_ed25519" : s.identity}});
  }
}

}  // namespace stm32mp::steps
