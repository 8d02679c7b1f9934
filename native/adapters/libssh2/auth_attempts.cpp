#include "adapters/libssh2/auth_attempts.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include <openssl/crypto.h>

#include "adapters/libssh2/private_key_file.h"
#include "files/input_file.h"

namespace stm32mp::adapters::libssh2::detail {
namespace {


using Kind = ports::SshFailure::Kind;

// Handed to the keyboard-interactive callback through the session's CallbackContext.
struct KbdContext {
  const std::string* password = nullptr;
  int rounds = 0;
};

void kbd_callback(const char* /*name*/, int /*name_len*/, const char* /*instruction*/, int /*instruction_len*/,
                  int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT* prompts,
                  LIBSSH2_USERAUTH_KBDINT_RESPONSE* responses, void** abstract) {
  auto* callbacks = abstract != nullptr ? static_cast<CallbackContext*>(*abstract) : nullptr;
  auto* ctx = callbacks != nullptr ? static_cast<KbdContext*>(callbacks->keyboard_interactive) : nullptr;
  if (ctx != nullptr) ++ctx->rounds;
  for (int i = 0; i < num_prompts; ++i) {
    // Only hidden prompts get the password, and only in the first rounds: a server that keeps asking
    // gets empty answers instead of the secret over and over.
    const bool answer = ctx != nullptr && ctx->password != nullptr && prompts[i].echo == 0 && ctx->rounds <= 2;
    const std::string& text = answer ? *ctx->password : std::string();
    // libssh2 frees the responses with its free function (the default: free()).
    auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
    if (copy == nullptr) {
      responses[i].text = nullptr;
      responses[i].length = 0;
      continue;
    }
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    responses[i].text = copy;
    responses[i].length = static_cast<unsigned int>(text.size());
  }
}

// Handed to agent_sign through libssh2_userauth_publickey's abstract pointer: which key to sign with,
// the bounds of the wait, and what went wrong (libssh2 keeps only "callback returned error").
struct AgentSigner {
  posix::SshAgentClient* client = nullptr;
  const std::vector<unsigned char>* blob = nullptr;
  const core::Deadline* deadline = nullptr;
  const core::CancelToken* cancel = nullptr;
  std::optional<posix::AgentError> error;
};

// libssh2 1.10's publickey sign callback: it wants the bare signature bytes (it writes the format
// string, the key type, itself) in memory its session allocator can free. Our sessions use the
// default allocator (libssh2_session_init_ex with null functions), which is malloc/free.
int agent_sign(LIBSSH2_SESSION* /*session*/, unsigned char** sig, std::size_t* sig_len, const unsigned char* data,
               std::size_t data_len, void** abstract) {
  auto* signer = static_cast<AgentSigner*>(*abstract);
  auto signature = signer->client->sign(*signer->blob, std::span<const unsigned char>(data, data_len), 0,
                                        *signer->deadline, *signer->cancel);
  if (!signature) {
    signer->error = signature.error();
    return LIBSSH2_ERROR_AGENT_PROTOCOL;
  }
  const auto& bytes = signature.value().bytes;
  auto* copy = static_cast<unsigned char*>(std::malloc(bytes.size()));
  if (copy == nullptr) {
    signer->error = posix::AgentError{posix::AgentError::Kind::protocol, "out of memory for the signature"};
    return LIBSSH2_ERROR_ALLOC;
  }
  std::memcpy(copy, bytes.data(), bytes.size());
  *sig = copy;
  *sig_len = bytes.size();
  return 0;
}


std::string key_type_of_blob(const unsigned char* blob, std::size_t len) {
  if (blob == nullptr || len < 4) return "unknown";
  const std::size_t n = (std::size_t{blob[0]} << 24) | (std::size_t{blob[1]} << 16) | (std::size_t{blob[2]} << 8) | blob[3];
  if (n > len - 4) return "unknown";
  return std::string(reinterpret_cast<const char*>(blob + 4), n);
}

}  // namespace

bool offers(const std::string& methods, const std::string& method) {
  std::size_t pos = 0;
  while (pos <= methods.size()) {
    const auto comma = methods.find(',', pos);
    const auto token = methods.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (token == method) return true;
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return false;
}

Attempts::Outcome Attempts::classify_key(long long rc, const std::string& type, const std::string& what) {
  tried_something_ = true;
  switch (rc) {
    case 0:
      note(what + " (" + type + "): accepted");
      return Outcome::success;
    case LIBSSH2_ERROR_PUBLICKEY_UNVERIFIED:
      // The server answered PK_OK to the key, then refused the signed request: the key is authorised
      // but the login is not (OpenSSH: PermitRootLogin no, or a forced restriction).
      denied_after_accept_ = true;
      note(what + " (" + type + "): key accepted, login refused");
      return Outcome::denied_after_accept;
    case LIBSSH2_ERROR_AUTHENTICATION_FAILED:
      (type == "ssh-rsa" ? rsa_refused_ : other_key_refused_) = true;
      note(what + " (" + type + "): refused");
      return Outcome::refused;
    case LIBSSH2_ERROR_FILE:
      note(what + ": unusable (" + ssh_.last_error() + ")");
      return Outcome::unusable;
    default:
      if (is_transport_error(rc)) {
        note(what + ": connection closed by the server");
        stopped_ = fail(Kind::disconnected, "the server closed the connection during authentication: " + ssh_.last_error());
        return Outcome::stop;
      }
      note(what + " (" + type + "): " + ssh_.last_error());
      other_key_refused_ = true;
      return Outcome::refused;
  }
}

Attempts::Outcome Attempts::try_file(const std::string& path, bool explicit_identity) {
  const PrivateKeyInfo info = inspect_private_key(path);
  if (facts_.identity.empty() || explicit_identity) {
    facts_.identity = path;
    facts_.identity_type = info.readable ? info.type : "";
  }
  if (!info.readable) {
    note("key file " + path + ": unusable (" + info.problem + ")");
    if (explicit_identity) identity_problem_ = info.problem;
    return Outcome::unusable;
  }
  if (info.encrypted) {
    const std::string why = path + " is protected by a passphrase; load it into ssh-agent (ssh-add " + path + ")";
    note("key file " + path + ": skipped (passphrase)");
    if (explicit_identity) identity_problem_ = why;
    return Outcome::unusable;
  }
  // From memory, not libssh2's fromfile: libssh2 would fopen() the UTF-8 name, which Windows takes in the
  // ANSI code page (the DLL runs in the JVM's). The public key is derived from the private one, as fromfile
  // does without a .pub; the text must stay NUL-terminated and alive until the exchange ends.
  auto key_text = files::read_input_file(path, files::kMaxKeyFileBytes);
  if (!key_text) {
    note("key file " + path + ": unusable (" + key_text.error().reason + ")");
    if (explicit_identity) identity_problem_ = "cannot read " + path + ": " + key_text.error().reason;
    return Outcome::unusable;
  }
  const auto rc = ssh_.pump(
      [&] {
        return libssh2_userauth_publickey_frommemory(ssh_.get(), o_.user.c_str(), o_.user.size(), nullptr, 0,
                                                     key_text->c_str(), key_text->size(), "");
      },
      deadline_, cancel_);
  OPENSSL_cleanse(key_text->data(), key_text->size());
  if (!rc) {
    stopped_ = fail(rc.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout,
                    "authentication with " + path + " did not finish");
    return Outcome::stop;
  }
  const auto outcome = classify_key(rc.value(), info.type, "key file " + path);
  if (outcome == Outcome::unusable && explicit_identity) identity_problem_ = ssh_.last_error();
  if (outcome == Outcome::success) {
    facts_.identity = path;
    facts_.identity_type = info.type;
    facts_.auth_method = "publickey (" + path + ")";
  }
  return outcome;
}

Attempts::Outcome Attempts::agent_failed(const posix::AgentError& e, const std::string& socket,
                                         core::SteadyClock::time_point asked) {
  using AgentKind = posix::AgentError::Kind;
  if (e.kind == AgentKind::unreachable) {
    note("ssh-agent: not reachable (" + e.message + ")");
    return Outcome::unusable;
  }
  if (e.kind == AgentKind::refused || e.kind == AgentKind::protocol) {
    note("ssh-agent: unusable (" + e.message + ")");
    return Outcome::unusable;
  }
  // The run stops here. Skip the session's polite goodbye: it is bounded, but it would spend what is
  // left of a cancel's half second or run past the deadline.
  ssh_.mark_broken(e.kind == AgentKind::cancelled ? "cancelled while waiting for the ssh-agent"
                                                  : "the ssh-agent did not answer in time");
  if (e.kind == AgentKind::cancelled) {
    stopped_ = fail(Kind::cancelled, "cancelled while waiting for the ssh-agent");
    return Outcome::stop;
  }
  const auto waited = std::chrono::duration_cast<core::Millis>(core::SteadyClock::now() - asked).count();
  facts_.agent_wait_ms = waited;
  note("ssh-agent: no answer within " + std::to_string(waited) + " ms");
  stopped_ = fail(Kind::agent_timeout, "the ssh-agent at " + socket + " did not answer within " + std::to_string(waited) +
                                           " ms (" + e.message + ")");
  return Outcome::stop;
}

Attempts::Outcome Attempts::try_agent(const std::string& socket) {
  // Our own bounded agent client instead of libssh2_agent_*: those use blocking I/O on the agent's
  // socket, so a stuck agent (or one waiting for an `ssh-add -c` confirmation) would hang the run
  // past its deadline and ignore a cancel.
  facts_.agent_socket = socket;
  const auto asked = core::SteadyClock::now();
  auto client = posix::SshAgentClient::connect(socket, deadline_, cancel_);
  if (!client) return agent_failed(client.error(), socket, asked);
  auto keys = client.value().list_identities(deadline_, cancel_);
  if (!keys) return agent_failed(keys.error(), socket, asked);
  if (keys.value().empty()) {
    note("ssh-agent: no keys");
    return Outcome::unusable;
  }
  Outcome last = Outcome::unusable;
  for (const auto& key : keys.value()) {
    const std::string type = key_type_of_blob(key.blob.data(), key.blob.size());
    const std::string what = "ssh-agent key " + key.comment;
    AgentSigner signer{&client.value(), &key.blob, &deadline_, &cancel_, std::nullopt};
    void* abstract = &signer;
    const auto signed_at = core::SteadyClock::now();
    const auto rc = ssh_.pump(
        [&] {
          return libssh2_userauth_publickey(ssh_.get(), o_.user.c_str(), key.blob.data(), key.blob.size(), agent_sign,
                                            &abstract);
        },
        deadline_, cancel_);
    if (!rc) {
      stopped_ = fail(rc.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout,
                      "authentication with the ssh-agent key did not finish");
      return Outcome::stop;
    }
    if (signer.error) {
      // libssh2 reports any sign-callback failure as PUBLICKEY_UNVERIFIED; what the agent did is ours.
      const auto agent_kind = signer.error->kind;
      if (agent_kind == posix::AgentError::Kind::timeout || agent_kind == posix::AgentError::Kind::cancelled) {
        return agent_failed(*signer.error, socket, signed_at);
      }
      tried_something_ = true;
      note(what + " (" + type + "): not signed (" + signer.error->message + ")");
      if (agent_kind == posix::AgentError::Kind::refused) continue;  // the agent may still sign with the next key
      return Outcome::unusable;  // the connection to the agent is out of step: no further key
    }
    last = classify_key(rc.value(), type, what);
    if (last == Outcome::success) {
      facts_.auth_method = "publickey (ssh-agent)";
      facts_.identity_type = type;
      return last;
    }
    if (last == Outcome::stop) return last;
  }
  return last;
}

Attempts::Outcome Attempts::try_password() {
  tried_something_ = true;
  const auto rc = ssh_.pump(
      [&] {
        return libssh2_userauth_password_ex(ssh_.get(), o_.user.c_str(), static_cast<unsigned>(o_.user.size()),
                                            o_.password.c_str(), static_cast<unsigned>(o_.password.size()), nullptr);
      },
      deadline_, cancel_);
  if (!rc) {
    stopped_ = fail(rc.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout,
                    "password authentication did not finish");
    return Outcome::stop;
  }
  if (rc.value() == 0) {
    note("password: accepted");
    facts_.auth_method = "password";
    return Outcome::success;
  }
  if (is_transport_error(rc.value())) {
    stopped_ = fail(Kind::disconnected, "the server closed the connection during authentication: " + ssh_.last_error());
    return Outcome::stop;
  }
  note(rc.value() == LIBSSH2_ERROR_PASSWORD_EXPIRED ? "password: expired" : "password: refused");
  password_refused_ = true;
  return Outcome::refused;
}

Attempts::Outcome Attempts::try_keyboard_interactive() {
  tried_something_ = true;
  KbdContext ctx{&o_.password, 0};
  ssh_.callbacks().keyboard_interactive = &ctx;
  const auto rc = ssh_.pump(
      [&] {
        return libssh2_userauth_keyboard_interactive_ex(ssh_.get(), o_.user.c_str(),
                                                        static_cast<unsigned>(o_.user.size()), kbd_callback);
      },
      deadline_, cancel_);
  ssh_.callbacks().keyboard_interactive = nullptr;  // ctx dies here; no callback may reach it later
  if (!rc) {
    stopped_ = fail(rc.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout,
                    "keyboard-interactive authentication did not finish");
    return Outcome::stop;
  }
  if (rc.value() == 0) {
    note("keyboard-interactive: accepted");
    facts_.auth_method = "keyboard-interactive";
    return Outcome::success;
  }
  if (is_transport_error(rc.value())) {
    stopped_ = fail(Kind::disconnected, "the server closed the connection during authentication: " + ssh_.last_error());
    return Outcome::stop;
  }
  note("keyboard-interactive: refused");
  password_refused_ = true;
  return Outcome::refused;
}

}  // namespace stm32mp::adapters::libssh2::detail
