#include "adapters/libssh2/ssh_authenticator.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include <openssl/crypto.h>

#include "adapters/libssh2/known_hosts.h"
#include "adapters/libssh2/private_key_file.h"
#include "files/input_file.h"
#include "files/utf8_path.h"
#include "adapters/posix/ssh_agent_client.h"
#include "ports/platform.h"

namespace stm32mp::adapters::libssh2 {
namespace {

using Kind = ports::SshFailure::Kind;

// Handed to the keyboard-interactive callback through the session's abstract pointer.
struct KbdContext {
  const std::string* password = nullptr;
  int rounds = 0;
};

void kbd_callback(const char* /*name*/, int /*name_len*/, const char* /*instruction*/, int /*instruction_len*/,
                  int num_prompts, const LIBSSH2_USERAUTH_KBDINT_PROMPT* prompts,
                  LIBSSH2_USERAUTH_KBDINT_RESPONSE* responses, void** abstract) {
  auto* ctx = abstract != nullptr ? static_cast<KbdContext*>(*abstract) : nullptr;
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

std::string key_type_of_blob(const unsigned char* blob, std::size_t len) {
  if (blob == nullptr || len < 4) return "unknown";
  const std::size_t n = (std::size_t{blob[0]} << 24) | (std::size_t{blob[1]} << 16) | (std::size_t{blob[2]} << 8) | blob[3];
  if (n > len - 4) return "unknown";
  return std::string(reinterpret_cast<const char*>(blob + 4), n);
}

class Attempts {
 public:
  Attempts(SshSession& ssh, const ports::SshOptions& o, ports::SshFacts& f, const core::Deadline& d,
           const core::CancelToken& c)
      : ssh_(ssh), o_(o), facts_(f), deadline_(d), cancel_(c) {}

  std::optional<ports::SshFailure> run();

 private:
  enum class Outcome { success, refused, denied_after_accept, unusable, stop };

  Outcome classify_key(long long rc, const std::string& type, const std::string& what);
  Outcome try_file(const std::string& path, bool explicit_identity);
  Outcome try_agent(const std::string& socket);
  // A failed agent exchange: unreachable or unusable agents are skipped, a silent one ends the login.
  Outcome agent_failed(const posix::AgentError& e, const std::string& socket, core::SteadyClock::time_point asked);
  Outcome try_password();
  Outcome try_keyboard_interactive();
  void note(const std::string& text) {
    if (!facts_.auth_tried.empty()) facts_.auth_tried += "; ";
    facts_.auth_tried += text;
  }
  ports::SshFailure fail(Kind kind, std::string message) const { return ports::SshFailure{kind, std::move(message), facts_}; }
  [[nodiscard]] ports::SshFailure verdict() const;

  SshSession& ssh_;
  const ports::SshOptions& o_;
  ports::SshFacts& facts_;
  const core::Deadline& deadline_;
  const core::CancelToken& cancel_;
  std::optional<ports::SshFailure> stopped_;  // interrupt or lost connection
  bool denied_after_accept_ = false;
  bool rsa_refused_ = false;
  bool other_key_refused_ = false;
  bool password_refused_ = false;
  std::string identity_problem_;
  bool tried_something_ = false;
};

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
  void** abstract = libssh2_session_abstract(ssh_.get());
  *abstract = &ctx;
  const auto rc = ssh_.pump(
      [&] {
        return libssh2_userauth_keyboard_interactive_ex(ssh_.get(), o_.user.c_str(),
                                                        static_cast<unsigned>(o_.user.size()), kbd_callback);
      },
      deadline_, cancel_);
  *abstract = nullptr;  // ctx dies here; no callback may reach it later
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

ports::SshFailure Attempts::verdict() const {
  const std::string who = o_.user + "@" + o_.host;
  if (denied_after_accept_) {
    if (o_.user == "root") {
      return fail(Kind::root_login_refused, "the server accepted the key but does not allow root to log in");
    }
    return fail(Kind::key_rejected, "the server accepted the key but refused the login of " + o_.user);
  }
  if (!identity_problem_.empty()) return fail(Kind::identity_unusable, identity_problem_);
  if (rsa_refused_ && !other_key_refused_ && !password_refused_) {
    const int version = openssh_version(facts_.server_banner);
    if (version == 0 || version >= 88) {
      return fail(Kind::rsa_sha1_rejected,
                  "the RSA key was refused; libssh2 " LIBSSH2_VERSION " signs RSA only with ssh-rsa (SHA-1), which "
                  "OpenSSH 8.8 and later reject by default");
    }
  }
  if (password_refused_) return fail(Kind::password_rejected, "the server refused the password for " + who);
  if (rsa_refused_ || other_key_refused_) return fail(Kind::key_rejected, "the server refused every key offered for " + who);
  // Say which side lacks something: a password was given but the server takes none, or nothing was given.
  const bool takes_passwords = facts_.auth_methods_offered.find("password") != std::string::npos ||
                               facts_.auth_methods_offered.find("keyboard-interactive") != std::string::npos;
  std::string why;
  if (!o_.password.empty() && !takes_passwords) {
    why = "; a password was given, but the server does not accept password logins";
  } else if (!tried_something_) {
    why = o_.password.empty() ? "; no key file, no ssh-agent key and no password to offer"
                              : "; no key file and no ssh-agent key to offer";
  }
  return fail(Kind::no_method, "no authentication method left: the server offers " + facts_.auth_methods_offered + why);
}

std::optional<ports::SshFailure> Attempts::run() {
  const auto started = core::SteadyClock::now();
  const auto finish = [&] {
    facts_.auth_ms = std::chrono::duration_cast<core::Millis>(core::SteadyClock::now() - started).count();
  };
  std::string methods;
  const auto listed = ssh_.pump(
      [&] {
        const char* list = libssh2_userauth_list(ssh_.get(), o_.user.c_str(), static_cast<unsigned>(o_.user.size()));
        if (list != nullptr) {
          methods = list;
          return 0;
        }
        if (libssh2_userauth_authenticated(ssh_.get()) != 0) return 1;
        const int e = ssh_.last_errno();
        return e == 0 ? LIBSSH2_ERROR_PROTO : e;
      },
      deadline_, cancel_);
  if (!listed) {
    finish();
    return fail(listed.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout,
                "the server did not list its authentication methods in time");
  }
  if (listed.value() == 1) {
    // The server accepted "none": a development board with an empty root password.
    facts_.auth_methods_offered = "none";
    facts_.auth_method = "none";
    finish();
    return std::nullopt;
  }
  if (listed.value() != 0) {
    finish();
    return fail(is_transport_error(listed.value()) ? Kind::disconnected : Kind::failure,
                "asking the server for its authentication methods failed: " + ssh_.last_error());
  }
  facts_.auth_methods_offered = methods;

  const auto done = [&](Outcome r) { return r == Outcome::success || r == Outcome::stop; };
  Outcome r = Outcome::unusable;
  if (offers(methods, "publickey")) {
    // SSH_AUTH_SOCK first, as OpenSSH does; Windows' agent otherwise listens on its named pipe.
    const char* agent_env = std::getenv("SSH_AUTH_SOCK");
    const std::string agent_socket =
        agent_env != nullptr && *agent_env != '\0' ? std::string(agent_env) : ports::default_agent_address();
    const bool agent = o_.use_agent && !agent_socket.empty();
    if (!o_.identity.empty()) {
      r = try_file(o_.identity, true);
      if (!done(r) && agent) r = try_agent(agent_socket);
    } else {
      if (agent) r = try_agent(agent_socket);
      const auto home = ports::home_directory();
      for (const char* name : {"id_ed25519", "id_ecdsa", "id_rsa"}) {
        if (done(r) || home.empty()) break;
        const std::string path = home + "/.ssh/" + name;
        std::error_code ec;
        if (std::filesystem::exists(files::utf8_path(path), ec)) r = try_file(path, false);
      }
    }
  }
  if (!done(r) && !o_.password.empty() && offers(methods, "password")) r = try_password();
  if (!done(r) && !o_.password.empty() && offers(methods, "keyboard-interactive")) r = try_keyboard_interactive();
  finish();
  if (r == Outcome::success) return std::nullopt;
  if (r == Outcome::stop && stopped_) {
    // A server that hangs up after refusals (MaxAuthTries) is diagnosed by the refusals.
    if (stopped_->kind == Kind::disconnected && tried_something_ &&
        (denied_after_accept_ || rsa_refused_ || other_key_refused_ || password_refused_)) {
      return verdict();
    }
    stopped_->facts = facts_;
    return stopped_;
  }
  return verdict();
}

}  // namespace

int openssh_version(const std::string& banner) {
  static const std::regex kVersion(R"(OpenSSH_(\d+)\.(\d+))");
  std::smatch m;
  if (!std::regex_search(banner, m, kVersion)) return 0;
  return std::stoi(m[1].str()) * 10 + std::min(9, std::stoi(m[2].str()));
}

std::optional<ports::SshFailure> authenticate(SshSession& ssh, const ports::SshOptions& options, ports::SshFacts& facts,
                                              const core::Deadline& deadline, const core::CancelToken& cancel) {
  Attempts attempts(ssh, options, facts, deadline, cancel);
  return attempts.run();
}

}  // namespace stm32mp::adapters::libssh2
