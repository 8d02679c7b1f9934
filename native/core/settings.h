#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stm32mp::core {

// Every setting a run can take, whichever front end supplied it (CLI options, the JNI request, or a
// .launch file read by the config step). Empty / nullopt means "not given".
// The C++ type and default of each kind of setting in the table.
using SettingText = std::string;
using SettingInteger = int;
using SettingSteps = std::vector<std::string>;
using SettingFlag = bool;

[[nodiscard]] constexpr int setting_integer(std::string_view text) {
  int value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

// Every setting a run can take, whichever front end supplied it (CLI options, the JNI request, or a
// .launch file read by the config step). Empty / nullopt means "not given". The given settings, their types and
// defaults are the table's (core/settings.def); the password is a secret: never logged, never rendered.
struct Settings {
#define PRELAUNCH_SETTING_text(member, default_value) SettingText member = default_value;
#define PRELAUNCH_SETTING_integer(member, default_value) SettingInteger member = setting_integer(default_value);
#define PRELAUNCH_SETTING_steps(member, default_value) SettingSteps member;
#define PRELAUNCH_SETTING_flag(member, default_value) SettingFlag member = std::string_view(default_value) == "true";
#define PRELAUNCH_SETTING(member, kind, cli, request, java, default_value, doc) \
  PRELAUNCH_SETTING_##kind(member, default_value)
#include "core/settings.def"
#undef PRELAUNCH_SETTING
#undef PRELAUNCH_SETTING_text
#undef PRELAUNCH_SETTING_integer
#undef PRELAUNCH_SETTING_steps
#undef PRELAUNCH_SETTING_flag

  bool port_given = false;  // --port / "port" given explicitly: it wins over the SSH configuration's Port
  bool user_given = false;  // --user / "user" given explicitly: it wins over the configuration's User
  bool host_key_policy_given = false;  // --host-key-policy given: it wins over StrictHostKeyChecking
  // Filled by the network step from the SSH configuration only (no front end sets them).
  std::vector<std::string> global_known_hosts;  // GlobalKnownHostsFile: read-only, checked after known_hosts
  bool use_agent = true;                        // IdentitiesOnly yes / IdentityAgent none: no ssh-agent
  std::string agent_socket;                     // IdentityAgent PATH; empty: $SSH_AUTH_SOCK as usual

  // Filled by the config step from the launch file.
  std::optional<bool> production_mode;     // loadImageThruSerialDevice
  std::string program;                     // PROGRAM_NAME, resolved against the project when possible
  std::string project;                     // PROJECT_ATTR
};

}  // namespace stm32mp::core
