#include "adapters/libssh2/libssh2_connector.h"

#include "adapters/libssh2/known_hosts.h"
#include "adapters/libssh2/libssh2_board_session.h"
#include "adapters/libssh2/ssh_authenticator.h"
#include "adapters/libssh2/ssh_session.h"

namespace stm32mp::adapters::libssh2 {
namespace {

using Kind = ports::SshFailure::Kind;

// ed25519 first: boards generate it, and asking for the type known_hosts most likely holds keeps the
// comparison meaningful (curl does the same). ssh-rsa last: OpenSSH >= 8.8 no longer offers it.
constexpr const char* kHostKeyPreference =
    "ssh-ed25519,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,ssh-rsa";

std::int64_t ms_since(core::SteadyClock::time_point t) {
  return std::chrono::duration_cast<core::Millis>(core::SteadyClock::now() - t).count();
}

}  // namespace

core::expected<ports::SshConnection, ports::SshFailure> Libssh2Connector::open(std::shared_ptr<ports::TcpStream> stream,
                                                                               const ports::SshOptions& options,
                                                                               const core::Deadline& deadline,
                                                                               const core::CancelToken& cancel) {
  ports::SshFacts facts;
  const auto failure = [&](Kind kind, std::string message) {
    return core::unexpected{ports::SshFailure{kind, std::move(message), facts}};
  };
  if (!stream) return failure(Kind::failure, "no TCP connection to the board");
  auto ssh = std::make_unique<SshSession>(std::move(stream));
  if (!ssh->valid()) return failure(Kind::failure, "libssh2 could not create a session");
  LIBSSH2_SESSION* s = ssh->get();
  (void)libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, kHostKeyPreference);

  const auto started = core::SteadyClock::now();
  const auto shaken = ssh->pump([&] { return libssh2_session_handshake(s, ssh->socket()); }, deadline, cancel);
  facts.handshake_ms = ms_since(started);
  const BannerWatch& watch = ssh->callbacks().banner;
  // libssh2 1.10 may take any first line for the banner; only an "SSH-" line is one.
  const char* banner = libssh2_session_banner_get(s);
  if (banner != nullptr && watch.banner_seen()) facts.server_banner = banner;
  facts.pre_banner_lines = static_cast<std::int64_t>(watch.lines_before_banner());
  const bool lines_only = !watch.banner_seen() && watch.lines_before_banner() > 0;
  if (watch.flooded() || (shaken && shaken.value() != 0 && lines_only)) {
    ssh->mark_broken("the server flooded lines before its SSH banner");
    return failure(Kind::pre_banner_flood, "the server sent " + std::to_string(watch.lines_before_banner()) +
                                               " lines (" + std::to_string(watch.bytes_before_banner()) +
                                               " bytes) and no SSH banner" +
                                               (watch.flooded() ? std::string() : " (" + ssh->last_error() + ")"));
  }
  if (!shaken) {
    const bool silent = facts.server_banner.empty();
    std::string why = silent ? "the server accepted the TCP connection but sent no SSH banner"
                             : "the SSH key exchange did not finish";
    if (silent && watch.lines_before_banner() > 0) {
      why = "the server sent " + std::to_string(watch.lines_before_banner()) + " lines but no SSH banner";
    }
    return failure(shaken.error() == Interrupt::cancelled ? Kind::cancelled : Kind::timeout, why);
  }
  if (shaken.value() != 0) {
    const std::string text = ssh->last_error();
    if (is_transport_error(shaken.value())) {
      const std::string proxy = ssh->end_reason();
      return failure(Kind::disconnected, "the server closed the connection during the SSH handshake (" + text +
                                             (proxy.empty() ? "" : "; " + proxy) + ")");
    }
    return failure(Kind::handshake, text.empty() ? "SSH handshake failed" : text);
  }
  if (const char* kex = libssh2_session_methods(s, LIBSSH2_METHOD_KEX)) facts.kex = kex;
  if (const char* cipher = libssh2_session_methods(s, LIBSSH2_METHOD_CRYPT_CS)) facts.cipher = cipher;

  const auto key = session_host_key(s);
  if (!key) return failure(Kind::handshake, "the server presented no host key");
  facts.host_key_type = key->type_name;
  facts.host_key_fingerprint = sha256_fingerprint(key->blob);
  facts.known_hosts = options.known_hosts.empty() ? default_known_hosts() : options.known_hosts;
  facts.known_hosts_name = known_hosts_name(options.host, options.port);

  auto check = check_known_host(s, facts.known_hosts, options.host, options.port, *key);
  // OpenSSH's order: the user's file, then the global ones (read-only); a changed key in any is changed.
  for (const auto& global : options.global_known_hosts) {
    if (check.status != KnownHostCheck::Status::not_found) break;
    auto in_global = check_known_host(s, global, options.host, options.port, *key);
    if (in_global.status != KnownHostCheck::Status::not_found) {
      facts.known_hosts = global;
      check = std::move(in_global);
    }
  }
  switch (check.status) {
    case KnownHostCheck::Status::match:
      facts.host_key_status = "known";
      break;
    case KnownHostCheck::Status::mismatch:
      facts.host_key_status = "changed";
      facts.known_host_fingerprint = check.stored_fingerprint;
      return failure(Kind::host_key_changed, "the host key differs from the one stored in " + facts.known_hosts);
    case KnownHostCheck::Status::unreadable:
      return failure(Kind::known_hosts_unreadable, check.message);
    case KnownHostCheck::Status::not_found:
      if (!options.accept_new_host_key) {
        facts.host_key_status = "unknown";
        std::string globals;
        for (const auto& global : options.global_known_hosts) globals += ", " + global;
        return failure(Kind::host_key_unknown, "no " + key->type_name + " key for " + facts.known_hosts_name + " in " +
                                                   facts.known_hosts + globals);
      }
      if (auto error = append_known_host(facts.known_hosts, options.host, options.port, *key)) {
        facts.host_key_status = "unknown";
        return failure(Kind::host_key_not_stored, *error);
      }
      facts.host_key_status = "stored";
      break;
  }

  if (auto failed = authenticate(*ssh, options, facts, deadline, cancel)) return core::unexpected{std::move(*failed)};
  ports::SshConnection connection;
  connection.session = std::make_shared<Libssh2BoardSession>(std::move(ssh));
  connection.facts = std::move(facts);
  return connection;
}

}  // namespace stm32mp::adapters::libssh2
