#pragma once
// Host-key verification against an OpenSSH known_hosts file, through libssh2's knownhost API
// (hashed |1|salt|hash entries and [host]:port entries included).
#include <libssh2.h>

#include <optional>
#include <string>
#include <string_view>

namespace stm32mp::adapters::libssh2 {

struct HostKey {
  std::string type_name;  // "ssh-ed25519", as in known_hosts
  int knownhost_type = 0;  // LIBSSH2_KNOWNHOST_KEY_*
  std::string blob;        // the raw public key blob
};

// The key the server presented in this session's handshake.
[[nodiscard]] std::optional<HostKey> session_host_key(LIBSSH2_SESSION* session);

// OpenSSH's "SHA256:<unpadded base64 of sha256(blob)>".
[[nodiscard]] std::string sha256_fingerprint(std::string_view blob);

// The name OpenSSH looks up and writes: "host" for port 22, "[host]:port" otherwise.
[[nodiscard]] std::string known_hosts_name(const std::string& host, int port);

// $HOME/.ssh/known_hosts.
[[nodiscard]] std::string default_known_hosts();

struct KnownHostCheck {
  enum class Status { match, not_found, mismatch, unreadable };
  Status status = Status::not_found;
  std::string stored_fingerprint;  // on mismatch: the fingerprint of the key in the file
  std::string message;             // on unreadable: why
  int skipped_lines = 0;           // lines libssh2 could not parse (@cert-authority, unknown key types)
};

// A key listed in an "@revoked" line is reported as a mismatch (stored fingerprint "@revoked SHA256:…").
// Always checks with the key's own type: with type 0 libssh2 reports a mismatch when the file holds a
// key of another type for the host (libssh2 issue #42).
[[nodiscard]] KnownHostCheck check_known_host(LIBSSH2_SESSION* session, const std::string& path,
                                              const std::string& host, int port, const HostKey& key);

// The same check on the file's content (what the path version reads; the fuzzer's entry point).
[[nodiscard]] KnownHostCheck check_known_host_text(LIBSSH2_SESSION* session, std::string_view content,
                                                   const std::string& host, int port, const HostKey& key);

// Appends "name type base64" to the file (created with its directory when missing). We write the line
// ourselves instead of libssh2_knownhost_writefile, which would rewrite the whole file and drop the
// lines it cannot parse. Returns the error text on failure.
[[nodiscard]] std::optional<std::string> append_known_host(const std::string& path, const std::string& host, int port,
                                                           const HostKey& key);

[[nodiscard]] std::string base64_encode(std::string_view raw);
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

}  // namespace stm32mp::adapters::libssh2
