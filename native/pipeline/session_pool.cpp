#include "pipeline/session_pool.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "files/input_file.h"

namespace stm32mp::pipeline {
namespace {

using ports::RemoteError;

std::string home_file(const char* name) {
  const char* home = std::getenv("HOME");
  return home != nullptr && *home != '\0' ? std::string(home) + "/.ssh/" + name : std::string();
}

// The bytes of `path` (capped like every key / known_hosts read); "" when it cannot be read, which is
// itself a state: a file that appears later changes the key.
std::string bytes_of(const std::string& path, std::uintmax_t cap) {
  if (path.empty()) return {};
  auto content = files::read_input_file(path, cap);
  return content ? std::move(*content) : std::string();
}

// Kinds that leave the connection in doubt: a reply half read, a channel half open, a link gone.
bool leaves_doubt(RemoteError::Kind kind) {
  return kind == RemoteError::Kind::timeout || kind == RemoteError::Kind::cancelled ||
         kind == RemoteError::Kind::disconnected || kind == RemoteError::Kind::failure;
}

}  // namespace

std::string SessionKey::endpoint() const { return user + "@" + host + ":" + std::to_string(port); }

SessionKey session_key(const core::Settings& s, const std::string& route) {
  SessionKey k;
  k.host = s.host;
  k.port = s.port;
  k.user = s.user;
  k.identity = s.identity;
  // Without --identity the login tries the default key files (libssh2 adapter): each is a credential.
  const std::vector<std::string> keys =
      s.identity.empty() ? std::vector<std::string>{home_file("id_ed25519"), home_file("id_ecdsa"), home_file("id_rsa")}
                         : std::vector<std::string>{s.identity};
  for (const auto& path : keys) k.identity_bytes += bytes_of(path, files::kMaxKeyFileBytes) + '\0';
  k.password = s.password;
  k.known_hosts = s.known_hosts;
  k.known_hosts_bytes =
      bytes_of(s.known_hosts.empty() ? home_file("known_hosts") : s.known_hosts, files::kMaxKnownHostsBytes);
  k.host_key_policy = s.host_key_policy;
  const char* agent = std::getenv("SSH_AUTH_SOCK");
  k.agent_socket = !s.agent_socket.empty() ? s.agent_socket : agent != nullptr ? agent : "";
  k.use_agent = s.use_agent;
  for (const auto& path : s.global_known_hosts) {
    k.global_known_hosts_bytes += path + '\0' + bytes_of(path, files::kMaxKnownHostsBytes) + '\0';
  }
  k.route = route;
  return k;
}

std::string changed_setting(const SessionKey& a, const SessionKey& b) {
  if (a.host != b.host || a.port != b.port || a.user != b.user) return "host, port or user";
  if (a.identity != b.identity || a.identity_bytes != b.identity_bytes) return "identity (key file)";
  if (a.password != b.password) return "password";
  if (a.known_hosts != b.known_hosts || a.known_hosts_bytes != b.known_hosts_bytes) return "known_hosts";
  if (a.host_key_policy != b.host_key_policy) return "host key policy";
  if (a.agent_socket != b.agent_socket || a.use_agent != b.use_agent) return "ssh-agent (SSH_AUTH_SOCK, IdentityAgent)";
  if (a.global_known_hosts_bytes != b.global_known_hosts_bytes) return "GlobalKnownHostsFile";
  if (a.route != b.route) return "the route the SSH configuration gives (ProxyJump, ProxyCommand, HostKeyAlias)";
  return {};
}

void GuardedSession::note(const std::optional<RemoteError>& error) {
  if (error && leaves_doubt(error->kind) && broken_reason_.empty()) {
    broken_reason_ = error->message.empty() ? "an operation failed" : error->message;
  }
}

core::expected<ports::ExecResult, RemoteError> GuardedSession::exec(const std::string& command,
                                                                    const core::Deadline& deadline,
                                                                    const core::CancelToken& cancel) {
  auto r = inner_->exec(command, deadline, cancel);
  if (!r) note(r.error());
  return r;
}

std::optional<RemoteError> GuardedSession::upload(const std::string& local_path, const std::string& remote_path,
                                                  const ports::UploadProgress& progress, const core::Deadline& deadline,
                                                  const core::CancelToken& cancel) {
  auto e = inner_->upload(local_path, remote_path, progress, deadline, cancel);
  note(e);
  return e;
}

core::expected<ports::ExecResult, RemoteError> GuardedSession::exec_with_input(
    const std::string& command, const std::string& header, const std::string& local_path,
    const ports::UploadProgress& progress, const core::Deadline& deadline, const core::CancelToken& cancel) {
  auto r = inner_->exec_with_input(command, header, local_path, progress, deadline, cancel);
  if (!r) note(r.error());
  return r;
}

core::expected<ports::RemoteFileInfo, RemoteError> GuardedSession::stat(const std::string& remote_path,
                                                                        const core::Deadline& deadline,
                                                                        const core::CancelToken& cancel) {
  auto r = inner_->stat(remote_path, deadline, cancel);
  if (!r) note(r.error());
  return r;
}

std::optional<RemoteError> GuardedSession::remove(const std::string& remote_path, const core::Deadline& deadline,
                                                  const core::CancelToken& cancel) {
  auto e = inner_->remove(remote_path, deadline, cancel);
  note(e);
  return e;
}

std::optional<RemoteError> GuardedSession::rename(const std::string& from, const std::string& to,
                                                  const core::Deadline& deadline, const core::CancelToken& cancel) {
  auto e = inner_->rename(from, to, deadline, cancel);
  note(e);
  return e;
}

core::expected<SessionLease, std::string> SessionPool::take(const SessionKey& key, const core::Deadline& deadline,
                                                            const core::CancelToken& cancel) {
  Kept kept;
  {
    std::lock_guard lock(mutex_);
    auto it = kept_.find(key.endpoint());
    if (it == kept_.end()) return core::unexpected{std::string("none kept")};
    kept = std::move(it->second);
    kept_.erase(it);  // from here on this run holds it, or it is dropped (closed with its last owner)
  }
  const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(core::SteadyClock::now() - kept.last_used);
  if (idle > idle_limit_) {
    return core::unexpected{"the kept one was idle " + age_text(idle.count()) + " (limit " +
                            age_text(idle_limit_.count()) + ")"};
  }
  if (auto what = changed_setting(kept.lease.key, key); !what.empty()) {
    return core::unexpected{"settings changed since the kept one was opened: " + what};
  }
  auto& session = *kept.lease.session;
  if (session.broken()) return core::unexpected{"the kept one failed in its last run: " + session.broken_reason()};
  // One short request: SFTP stat of "/" (no process on the board), else an empty command.
  const auto check = deadline.within(core::Millis{2000});
  auto answer = session.stat("/", check, cancel);
  if (!answer && answer.error().kind == RemoteError::Kind::no_sftp) {
    auto ran = session.exec("exit 0", check, cancel);
    if (!ran) answer = core::unexpected{ran.error()};
    else answer = ports::RemoteFileInfo{};
  }
  if (!answer) return core::unexpected{"the kept one did not answer: " + answer.error().message};
  kept.lease.checks += 1;
  kept.lease.reused = true;
  return std::move(kept.lease);
}

SessionLease SessionPool::lease_new(SessionKey key, std::shared_ptr<ports::BoardSession> session,
                                    core::Facts login) {
  SessionLease lease;
  lease.key = std::move(key);
  lease.session = std::make_shared<GuardedSession>(std::move(session));
  lease.login = std::move(login);
  lease.opened = core::SteadyClock::now();
  return lease;
}

void SessionPool::give_back(SessionLease lease) {
  if (!lease.session || lease.session->broken()) return;  // dropped: closed with its last owner
  std::lock_guard lock(mutex_);
  const auto slot = lease.key.endpoint();
  kept_[slot] = Kept{std::move(lease), core::SteadyClock::now()};  // a newer session replaces an older one
}

std::size_t SessionPool::size() const {
  std::lock_guard lock(mutex_);
  return kept_.size();
}

std::string age_text(std::int64_t ms) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f s", static_cast<double>(ms) / 1000.0);
  return b;
}

}  // namespace stm32mp::pipeline
