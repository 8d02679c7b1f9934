#include "adapters/libssh2/private_key_file.h"

#include "files/input_file.h"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "adapters/libssh2/known_hosts.h"

namespace stm32mp::adapters::libssh2 {
namespace {

constexpr const char* kOpenSshBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
constexpr const char* kOpenSshEnd = "-----END OPENSSH PRIVATE KEY-----";

// Reads one SSH wire-format string (uint32 length + bytes) at `pos`.
bool read_string(const std::string& data, std::size_t& pos, std::string& out) {
  if (pos + 4 > data.size()) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data() + pos);
  const std::uint32_t len = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  pos += 4;
  if (len > data.size() - pos) return false;
  out = data.substr(pos, len);
  pos += len;
  return true;
}

// openssh-key-v1: magic, cipher name, kdf name, kdf options, key count, then the public key blob
// (whose first string is the key type) — all before the encrypted part.
void inspect_openssh(const std::string& text, PrivateKeyInfo& info) {
  const auto b = text.find(kOpenSshBegin);
  const auto e = text.find(kOpenSshEnd);
  std::string b64;
  for (std::size_t i = b + std::strlen(kOpenSshBegin); i < e; ++i) {
    const char c = text[i];
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') b64 += c;
  }
  const auto raw = base64_decode(b64);
  static const std::string kMagic("openssh-key-v1\0", 15);
  if (!raw || raw->compare(0, kMagic.size(), kMagic) != 0) {
    info.problem = "not a valid OpenSSH private key file";
    return;
  }
  std::size_t pos = kMagic.size();
  std::string cipher, kdf, kdf_options, pub;
  if (!read_string(*raw, pos, cipher) || !read_string(*raw, pos, kdf) || !read_string(*raw, pos, kdf_options) ||
      pos + 4 > raw->size()) {
    info.problem = "truncated OpenSSH private key file";
    return;
  }
  pos += 4;  // number of keys
  std::size_t pub_pos = 0;
  std::string type;
  if (!read_string(*raw, pos, pub) || !read_string(pub, pub_pos, type)) {
    info.problem = "truncated OpenSSH private key file";
    return;
  }
  info.readable = true;
  info.type = type;
  info.encrypted = cipher != "none";
}

}  // namespace

PrivateKeyInfo inspect_private_key(const std::string& path) {
  PrivateKeyInfo info;
  auto content = files::read_input_file(path, files::kMaxKeyFileBytes);  // never a FIFO, a device or gigabytes
  if (!content) {
    info.problem = "cannot read " + path + ": " + content.error().reason;
    return info;
  }
  const std::string text = std::move(*content);
  if (text.find(kOpenSshBegin) != std::string::npos && text.find(kOpenSshEnd) != std::string::npos) {
    inspect_openssh(text, info);
    return info;
  }
  const auto pem = [&](const char* label) { return text.find(std::string("-----BEGIN ") + label + "-----") != std::string::npos; };
  info.readable = true;
  if (pem("RSA PRIVATE KEY")) {
    info.type = "ssh-rsa";
  } else if (pem("EC PRIVATE KEY")) {
    info.type = "ecdsa";
  } else if (pem("DSA PRIVATE KEY")) {
    info.type = "ssh-dss";
  } else if (pem("ENCRYPTED PRIVATE KEY")) {
    info.type = "unknown";
    info.encrypted = true;
  } else if (pem("PRIVATE KEY")) {
    info.type = "unknown";
  } else {
    info.readable = false;
    info.problem = path + " is not a private key file (a .pub file?)";
    return info;
  }
  info.encrypted = info.encrypted || text.find("Proc-Type: 4,ENCRYPTED") != std::string::npos;
  return info;
}

}  // namespace stm32mp::adapters::libssh2
