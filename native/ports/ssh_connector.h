#pragma once
// Turns a connected TCP stream into an authenticated BoardSession: SSH handshake, host-key check
// against an OpenSSH known_hosts file, user authentication. The libssh2 adapter implements it.
#include <cstdint>
#include <memory>
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"
#include "ports/board_session.h"
#include "ports/network.h"

namespace stm32mp::ports {

struct SshOptions {
  std::string host;  // as the user wrote it: the name looked up in known_hosts
  int port = 22;
  std::string user = "root";
  std::string identity;     // private key file; empty: ~/.ssh/id_ed25519, id_ecdsa, id_rsa
  std::string password;     // secret: used for password and keyboard-interactive, never reported
  std::string known_hosts;  // empty: ~/.ssh/known_hosts
  bool accept_new_host_key = false;  // accept-new: store an unknown key; a changed key is never accepted
  bool use_agent = true;             // try the keys of ssh-agent (SSH_AUTH_SOCK) too
  std::string agent_socket{};        // the agent's socket; empty: $SSH_AUTH_SOCK, else the platform's agent
  // Checked read-only after `known_hosts` when it does not list the host (OpenSSH's GlobalKnownHostsFile);
  // an unknown key is still stored into `known_hosts` only.
  std::vector<std::string> global_known_hosts{};
};

// What the handshake and authentication showed. Never holds a secret.
struct SshFacts {
  std::string server_banner;           // "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
  std::string kex;                     // negotiated key exchange
  std::string cipher;                  // negotiated client→server cipher
  std::string host_key_type;           // "ssh-ed25519"
  std::string host_key_fingerprint;    // "SHA256:…" as OpenSSH prints it
  std::string known_host_fingerprint;  // the stored key's fingerprint when it differs
  std::string known_hosts;             // the file checked
  std::string known_hosts_name;        // "host" or "[host]:port", as OpenSSH writes it
  std::string host_key_status;         // known | stored | unknown | changed
  std::string auth_methods_offered;    // what the server offers ("publickey,password")
  std::string auth_method;             // what succeeded: publickey (agent|file) | password | keyboard-interactive | none
  std::string auth_tried;              // what was tried, in order, with each outcome
  std::string identity;                // key file used or tried
  std::string identity_type;           // its key type ("ssh-ed25519", "ssh-rsa", …)
  std::string agent_socket;            // $SSH_AUTH_SOCK when the ssh-agent was asked
  std::int64_t agent_wait_ms = 0;      // how long the ssh-agent was waited for when it did not answer
  std::int64_t handshake_ms = 0;
  std::int64_t auth_ms = 0;
  std::int64_t pre_banner_lines = 0;   // lines the server sent before its SSH banner (RFC 4253 §4.2)
};

struct SshFailure {
  enum class Kind {
    timeout,                 // the deadline passed during handshake or authentication
    cancelled,               // the cancel token was set
    disconnected,            // the server closed the connection (MaxStartups, killed, not SSH)
    handshake,               // key exchange failed (no common algorithm, protocol error)
    known_hosts_unreadable,  // the known_hosts file exists but cannot be read
    host_key_unknown,        // no key of this type for the host (policy strict)
    host_key_changed,        // a different key of the same type is stored: never continue
    host_key_not_stored,     // accept-new could not write the known_hosts file
    identity_unusable,       // the key file is missing, unreadable, encrypted or not a key
    rsa_sha1_rejected,       // an RSA key refused by OpenSSH >= 8.8 (libssh2 1.10 signs only ssh-rsa/SHA-1)
    root_login_refused,      // the key/password was accepted but the server does not let root log in
    key_rejected,            // the server does not accept the key(s) for this user
    password_rejected,       // password / keyboard-interactive refused
    no_method,               // nothing we hold matches a method the server offers
    agent_timeout,           // the ssh-agent (SSH_AUTH_SOCK) accepted but did not answer before the deadline
    pre_banner_flood,        // the server sent more lines before its banner than OpenSSH accepts (1024)
    failure,                 // anything else
  };
  Kind kind = Kind::failure;
  std::string message;  // library / server text
  SshFacts facts;       // what was learned before the failure (banner, fingerprints, tries)
};

struct SshConnection {
  std::shared_ptr<BoardSession> session;
  SshFacts facts;
};

class SshConnector {
 public:
  virtual ~SshConnector() = default;
  // Takes over `stream` (closed when the session ends or on failure).
  [[nodiscard]] virtual core::expected<SshConnection, SshFailure> open(std::shared_ptr<TcpStream> stream,
                                                                       const SshOptions& options,
                                                                       const core::Deadline& deadline,
                                                                       const core::CancelToken& cancel) = 0;
};

}  // namespace stm32mp::ports
