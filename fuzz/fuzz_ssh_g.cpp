// libFuzzer target: remote::route_from_ssh_g on arbitrary bytes (`ssh -G` prints whatever the user's
// configuration says, Match exec and Include included), then the proxy argv built from the route. The
// input is the user-configured output, a NUL byte, then the baseline (`-F /dev/null`) output.
// Invariants: a refusal has a message; a route has a host name and a valid port; a ProxyJump never gives
// ssh an option where a destination belongs; a ProxyCommand is always run through `/bin/sh -c "exec …"`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "remote/ssh_route.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace stm32mp;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto nul = input.find('\0');
  const std::string_view resolved = input.substr(0, nul);
  const std::string_view baseline = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  const auto route = remote::route_from_ssh_g(resolved, baseline, "/home/fuzz");
  if (!route) {
    if (route.error().empty()) std::abort();
    return 0;
  }
  if (route->hostname.empty() || route->port < 0 || route->port > 65535) std::abort();
  const bool any = route->port != 0 || !route->user.empty() || !route->identity_files.empty() ||
                   !route->known_hosts.empty() || !route->host_key_alias.empty() || !route->proxy_command.empty() ||
                   !route->proxy_jump.empty() || !route->strict_host_key_checking.empty() ||
                   !route->global_known_hosts.empty() || route->identities_only || !route->certificate_files.empty() ||
                   !route->identity_agent.empty();
  if (any && route->from_config.empty()) std::abort();
  if (remote::describe_proxy(*route).empty()) return 0;
  const auto argv = remote::proxy_argv(*route, "alias", 22, "root", "");
  if (!argv) {
    if (argv.error().empty()) std::abort();
    return 0;
  }
  if (argv->empty()) std::abort();
  if (!route->proxy_jump.empty()) {
    // ["ssh", …, "-W", "host:port", "--", destination]: the destination follows "--" and is no option.
    if (argv->size() < 4 || (*argv)[0] != "ssh" || (*argv)[argv->size() - 2] != "--") std::abort();
    if (argv->back().empty() || argv->back().front() == '-') std::abort();
  } else if (argv->size() != 3 || (*argv)[0] != "/bin/sh" || (*argv)[2].rfind("exec ", 0) != 0) {
    std::abort();
  }
  return 0;
}
