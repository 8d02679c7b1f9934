#pragma once
// A client for the ssh-agent protocol (draft-miller-ssh-agent) over the agent's Unix socket
// ($SSH_AUTH_SOCK), bounded by a Deadline and a CancelToken.
//
// Hand-written on purpose: libssh2 1.10's agent API (libssh2_agent_connect / _list_identities /
// _userauth) talks to the socket with blocking connect/send/recv and no timeout, so an agent that
// accepts but never answers (stuck, or waiting for an `ssh-add -c` confirmation) hangs the whole run
// and a cancel cannot interrupt it. No packaged library offers a bounded agent client; the protocol
// part we need is two requests.
//
// Every wait is a poll() of at most Deadline::slice() (<= 100 ms) followed by a cancel check, so a
// cancel is honoured within one slice. Errors are values, nothing throws.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/cancellation.h"
#include "core/expected.h"

namespace stm32mp::adapters::posix {

struct AgentError {
  enum class Kind {
    unreachable,  // no socket, refused, path too long: there is no agent to ask
    timeout,      // the deadline passed while waiting for the agent
    cancelled,    // the cancel token was set while waiting
    refused,      // the agent answered SSH_AGENT_FAILURE (unknown key, confirmation denied, locked)
    protocol,     // a closed connection, a truncated, oversized or unexpected answer
  };
  Kind kind = Kind::protocol;
  std::string message;
};

// One public key the agent holds.
struct AgentIdentity {
  std::vector<unsigned char> blob;  // the SSH wire-format public key (string key-type, ...)
  std::string comment;              // usually the key file's path or user@host
};

// The agent's signature, split into its two wire fields.
struct AgentSignature {
  std::string format;               // "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", ...
  std::vector<unsigned char> bytes;  // the signature proper (what libssh2's sign callback returns)
};

class SshAgentClient {
 public:
  // A broken agent must not make us allocate without bound; real answers are a few KiB.
  static constexpr std::size_t kMaxMessage = 256 * 1024;

  // Connects to the agent's socket. Unreachable when the path is absent, not a socket or refused.
  [[nodiscard]] static core::expected<SshAgentClient, AgentError> connect(const std::string& socket_path,
                                                                         const core::Deadline& deadline,
                                                                         const core::CancelToken& cancel);

  SshAgentClient(SshAgentClient&& other) noexcept;
  SshAgentClient& operator=(SshAgentClient&& other) noexcept;
  SshAgentClient(const SshAgentClient&) = delete;
  SshAgentClient& operator=(const SshAgentClient&) = delete;
  ~SshAgentClient();

  // SSH_AGENTC_REQUEST_IDENTITIES -> SSH_AGENT_IDENTITIES_ANSWER.
  [[nodiscard]] core::expected<std::vector<AgentIdentity>, AgentError> list_identities(const core::Deadline& deadline,
                                                                                      const core::CancelToken& cancel);

  // SSH_AGENTC_SIGN_REQUEST -> SSH_AGENT_SIGN_RESPONSE. `flags` 0 asks for the key type's own
  // signature algorithm (ssh-rsa is SHA-1, which is what libssh2 1.10 announces for RSA keys).
  [[nodiscard]] core::expected<AgentSignature, AgentError> sign(std::span<const unsigned char> key_blob,
                                                               std::span<const unsigned char> data, std::uint32_t flags,
                                                               const core::Deadline& deadline,
                                                               const core::CancelToken& cancel);

 private:
  explicit SshAgentClient(std::intptr_t handle) : handle_(handle) {}
  // Sends one request and reads one answer (without its length prefix). After a timeout, a cancel or
  // a protocol error the stream is out of step, so the client refuses further requests.
  [[nodiscard]] core::expected<std::vector<unsigned char>, AgentError> transact(std::span<const unsigned char> request,
                                                                               const core::Deadline& deadline,
                                                                               const core::CancelToken& cancel);

  std::intptr_t handle_ = -1;  // the transport's (ssh_agent_transport.h): a socket fd, a pipe HANDLE
  bool broken_ = false;
};

}  // namespace stm32mp::adapters::posix
