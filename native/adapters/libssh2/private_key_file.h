#pragma once
// What kind of private key a file holds, read from its unencrypted header only (the key material is
// never looked at or reported). Lets the ssh step tell "RSA key refused by OpenSSH >= 8.8" and
// "encrypted key without agent" from a plain wrong key.
#include <string>

namespace stm32mp::adapters::libssh2 {

struct PrivateKeyInfo {
  bool readable = false;
  std::string type;        // "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", … or "unknown"
  bool encrypted = false;  // protected by a passphrase
  std::string problem;     // why it is not usable, when !readable
};

[[nodiscard]] PrivateKeyInfo inspect_private_key(const std::string& path);

}  // namespace stm32mp::adapters::libssh2
