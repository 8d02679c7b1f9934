#include "remote/ssh_server.h"

namespace stm32mp::remote {
namespace {

// Dropbear's compiled-in SFTPSERVER_PATH (default_options.h), when the server did not name it.
constexpr const char* kDropbearSftpServer = "/usr/lib/sftp-server";

}  // namespace

std::string SshServer::label() const {
  switch (kind) {
    case Kind::openssh: return version.empty() ? "OpenSSH" : "OpenSSH " + version;
    case Kind::dropbear: return version.empty() ? "Dropbear" : "Dropbear " + version;
    case Kind::other: break;
  }
  return version.empty() ? "unknown" : version;
}

SshServer parse_server_banner(std::string_view banner) {
  SshServer s;
  // RFC 4253 §4.2: SSH-protoversion-softwareversion SP comments
  if (banner.substr(0, 4) != "SSH-") return s;
  const auto dash = banner.find('-', 4);
  if (dash == std::string_view::npos) return s;
  std::string_view software = banner.substr(dash + 1);
  software = software.substr(0, software.find_first_of(" \r\n"));
  const auto take = [&](std::string_view prefix, SshServer::Kind kind) {
    if (software.substr(0, prefix.size()) != prefix) return false;
    s.kind = kind;
    s.version = std::string(software.substr(prefix.size()));
    return true;
  };
  if (take("OpenSSH_", SshServer::Kind::openssh) || take("dropbear_", SshServer::Kind::dropbear) ||
      take("dropbear", SshServer::Kind::dropbear)) {
    return s;
  }
  s.version = std::string(software);  // another server: its own name and version, as it says them
  return s;
}

std::string sftp_server_tried(const SshServer& server, const std::string& said) {
  for (std::size_t at = said.find('/'); at != std::string::npos; at = said.find('/', at + 1)) {
    if (at > 0 && said[at - 1] != ' ' && said[at - 1] != '\'') continue;
    const auto stop = said.find_first_of(": \n'", at);
    const std::string word = said.substr(at, stop == std::string::npos ? std::string::npos : stop - at);
    if (word.find("sftp") != std::string::npos) return word;
  }
  return server.kind == SshServer::Kind::dropbear ? kDropbearSftpServer : "";
}

std::string host_key_fingerprint_command(const SshServer& server, const std::string& host_key_type) {
  std::string type = "ed25519";
  if (host_key_type.find("rsa") != std::string::npos) type = "rsa";
  if (host_key_type.find("ecdsa") != std::string::npos) type = "ecdsa";
  if (server.kind == SshServer::Kind::dropbear) return "dropbearkey -y -f /etc/dropbear/dropbear_" + type + "_host_key";
  return "ssh-keygen -lf /etc/ssh/ssh_host_" + type + "_key.pub";
}

std::string password_login_setup(const SshServer& server) {
  if (server.kind == SshServer::Kind::dropbear) {
    return "on the board, dropbear's command line (DROPBEAR_ARGS in /etc/default/dropbear, or its service file) "
           "must not carry -s (no password logins), -g (no password logins for root) or -w (no root logins)";
  }
  return "in /etc/ssh/sshd_config on the board, `PasswordAuthentication yes` and for root `PermitRootLogin yes`";
}

std::string sftp_setup(const SshServer& server, const std::string& tried) {
  switch (server.kind) {
    case SshServer::Kind::dropbear: return "dropbear";
    case SshServer::Kind::openssh:
      return tried.empty() ? "openssh, no subsystem" : "openssh, subsystem program missing";
    case SshServer::Kind::other: break;
  }
  return "other server";
}

}  // namespace stm32mp::remote
