#pragma once
// Which SSH server the board runs, read from its banner, and the advice that fits it: OpenSSH and
// Dropbear are configured in different places (sshd_config vs dropbear's command line), so a fix text
// that names the wrong one sends the user to a file the board does not have.
#include <string>
#include <string_view>

namespace stm32mp::remote {

struct SshServer {
  enum class Kind { openssh, dropbear, other };
  Kind kind = Kind::other;
  std::string version;  // "9.2p1", "2022.83"; "" when the banner has none
  // "OpenSSH 9.2p1", "Dropbear 2022.83", or the banner's software field; "unknown" without a banner.
  [[nodiscard]] std::string label() const;
};

// "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3" → OpenSSH 9.2p1; "SSH-2.0-dropbear_2022.83" → Dropbear 2022.83.
[[nodiscard]] SshServer parse_server_banner(std::string_view banner);

// The program the server ran for the sftp subsystem: the first absolute path naming an sftp program in
// what it said (a shell's "sh: 1: /usr/lib/sftp-server: not found"), else Dropbear's built-in path,
// else "".
[[nodiscard]] std::string sftp_server_tried(const SshServer& server, const std::string& said);

// The command that prints the board's host key fingerprint on its console, for the key type the
// server presented ("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256").
[[nodiscard]] std::string host_key_fingerprint_command(const SshServer& server, const std::string& host_key_type);

// Where that server turns password logins (and root's) on or off.
[[nodiscard]] std::string password_login_setup(const SshServer& server);

// Which way of giving that server an SFTP subsystem applies (the fact "sftp_setup" that picks UPL011's and UPL012's
// fix variant in upload.def): "dropbear", "openssh, subsystem program missing", "openssh, no subsystem" or
// "other server". `tried`: sftp_server_tried's answer.
[[nodiscard]] std::string sftp_setup(const SshServer& server, const std::string& tried);

}  // namespace stm32mp::remote
