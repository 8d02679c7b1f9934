#pragma once
#include <optional>
#include <string>
#include <vector>

namespace stm32mp::core {

// Every setting a run can take, whichever front end supplied it (CLI options, the JNI request, or a
// .launch file read by the config step). Empty / nullopt means "not given".
struct Settings {
  std::string launch_file;     // STM32CubeIDE .launch to read; options given explicitly win over it
  std::string serial;          // preferred serial device (serialDeviceLoader)
  std::string probe_serial;    // ST-LINK serial number the board's probe must have
  std::string elf;             // ELF being debugged (symbols)
  std::string signed_image;    // signed image to load (MP25 TEE mode)
  std::string image_key;       // public key to check the signed image's signature
  std::string host;            // board address (inetAddrLoader)
  int port = 22;
  std::string user = "root";
  std::string identity;        // private key file
  std::string password;        // secret: never logged, never rendered
  std::string known_hosts;     // OpenSSH known_hosts file
  std::string host_key_policy = "strict";  // strict | accept-new
  std::string remoteproc = "m33";          // remoteproc instance name
  std::string sysfs_root = "/sys";
  std::string dev_root = "/dev";
  std::vector<std::string> only;           // step ids to run (empty: all)
  std::vector<std::string> skip;           // step ids not to run
  int timeout_ms = 30000;                  // hard deadline of each step
  bool exec_upload = true;                 // a board without SFTP gets the image over an exec channel
  // OpenSSH client configuration to resolve `host` with (`ssh -G`): empty = none is read; "default" =
  // OpenSSH's own files (~/.ssh/config, /etc/ssh/ssh_config); else a file (`ssh -F FILE`).
  std::string ssh_config;
  bool port_given = false;  // --port / "port" given explicitly: it wins over the SSH configuration's Port
  bool user_given = false;  // --user / "user" given explicitly: it wins over the configuration's User
  bool host_key_policy_given = false;  // --host-key-policy given: it wins over StrictHostKeyChecking
  // Filled by the network step from the SSH configuration only (no front end sets them).
  std::vector<std::string> global_known_hosts;  // GlobalKnownHostsFile: read-only, checked after known_hosts
  bool use_agent = true;                        // IdentitiesOnly yes / IdentityAgent none: no ssh-agent
  std::string agent_socket;                     // IdentityAgent PATH; empty: $SSH_AUTH_SOCK as usual
  // > 0: diagnose a launch (ST's own) that failed this many ms ago. Nothing is changed on the board:
  // upload and verify are skipped and the remoteproc step reads the kernel log printed since then.
  int diagnose_since_ms = 0;

  // Filled by the config step from the launch file.
  std::optional<bool> production_mode;     // loadImageThruSerialDevice
  std::string program;                     // PROGRAM_NAME, resolved against the project when possible
  std::string project;                     // PROJECT_ATTR
};

}  // namespace stm32mp::core
