#pragma once
// SSH sessions that outlive one check (issue 12): a process that runs checks one after another (the IDE
// through the JNI bridge, the bench driver) gives each session back after its run, and the next run with
// exactly the same connection settings and credentials takes it instead of connecting and logging in again.
//
// A kept session is used again only when
//  - every setting it was opened with is equal (host, port, user, policy, agent socket), and so are the bytes
//    of the credentials (the key file, the password) and of the known_hosts file its host key was checked
//    against: a changed file or password is another credential, never served by an older session;
//  - it has not been idle longer than the pool's idle limit;
//  - no operation on it ended in a transport error, a timeout or a cancel (GuardedSession marks it);
//  - it answers one short request now (an SFTP stat of "/", else an empty command).
// Anything else drops it (closing the connection) and the run connects as before.
// One run at a time holds a session (take removes it from the pool), so two runs never share one.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"
#include "core/facts.h"
#include "core/settings.h"
#include "ports/board_session.h"
#include "remote/board_fingerprint.h"

namespace stm32mp::pipeline {

// Everything a session was opened with. Holds secrets (password, key bytes): compared, never reported.
struct SessionKey {
  std::string host;
  int port = 22;
  std::string user;
  std::string identity;          // the path as given (empty: the default key files)
  std::string identity_bytes;    // the bytes of every key file the login may use
  std::string password;
  std::string known_hosts;       // the path as given
  std::string known_hosts_bytes; // the file the host key was verified against, as it was then
  std::string host_key_policy;
  std::string agent_socket;      // IdentityAgent, else $SSH_AUTH_SOCK: another agent holds other keys
  bool use_agent = true;         // IdentitiesOnly / IdentityAgent none turn the agent off
  std::string global_known_hosts_bytes;  // GlobalKnownHostsFile (from the SSH configuration), as it was then
  std::string route;             // what the SSH configuration resolved the host to (proxy, HostKeyAlias); "" direct

  [[nodiscard]] bool operator==(const SessionKey&) const = default;
  [[nodiscard]] std::string endpoint() const;  // user@host:port, the pool's slot
};

// The key of a run's settings, reading the credential files now (each capped; unreadable = empty). `route` is
// steps::route_identity of the route the SSH configuration gave (the settings then hold what it resolved).
[[nodiscard]] SessionKey session_key(const core::Settings& settings, const std::string& route = "");
// The first setting that differs ("identity", "password", "known_hosts", …), never a value; empty if equal.
[[nodiscard]] std::string changed_setting(const SessionKey& kept, const SessionKey& now);

// A BoardSession that remembers whether an operation failed in a way that leaves the connection in doubt.
class GuardedSession final : public ports::BoardSession {
 public:
  explicit GuardedSession(std::shared_ptr<ports::BoardSession> inner) : inner_(std::move(inner)) {}
  [[nodiscard]] bool broken() const { return !broken_reason_.empty(); }
  [[nodiscard]] const std::string& broken_reason() const { return broken_reason_; }

  core::expected<ports::ExecResult, ports::RemoteError> exec(const std::string& command, const core::Deadline& deadline,
                                                             const core::CancelToken& cancel) override;
  std::optional<ports::RemoteError> upload(const std::string& local_path, const std::string& remote_path,
                                           const ports::UploadProgress& progress, const core::Deadline& deadline,
                                           const core::CancelToken& cancel) override;
  core::expected<ports::ExecResult, ports::RemoteError> exec_with_input(const std::string& command,
                                                                        const std::string& header,
                                                                        const std::string& local_path,
                                                                        const ports::UploadProgress& progress,
                                                                        const core::Deadline& deadline,
                                                                        const core::CancelToken& cancel) override;
  core::expected<ports::RemoteFileInfo, ports::RemoteError> stat(const std::string& remote_path,
                                                                 const core::Deadline& deadline,
                                                                 const core::CancelToken& cancel) override;
  std::optional<ports::RemoteError> remove(const std::string& remote_path, const core::Deadline& deadline,
                                           const core::CancelToken& cancel) override;
  std::optional<ports::RemoteError> rename(const std::string& from, const std::string& to,
                                           const core::Deadline& deadline, const core::CancelToken& cancel) override;

 private:
  void note(const std::optional<ports::RemoteError>& error);
  std::shared_ptr<ports::BoardSession> inner_;
  std::string broken_reason_;
};

// A session in the hands of one run.
struct SessionLease {
  SessionKey key;
  std::shared_ptr<GuardedSession> session;
  core::Facts login;                              // what its login showed (the ssh step's facts: banner, host key…)
  core::SteadyClock::time_point opened;
  int checks = 1;                                 // runs that used it, this one included
  bool reused = false;
  // The board facts its last run left, as the board was at that run's end (pipeline/kept_facts.h); they
  // live and die with this session: never seen by a run holding another one.
  std::optional<remote::KeptBoardFacts> board;
};

class SessionPool {
 public:
  static constexpr std::chrono::seconds kDefaultIdleLimit{300};
  explicit SessionPool(std::chrono::milliseconds idle_limit = kDefaultIdleLimit) : idle_limit_(idle_limit) {}

  // The kept session for `key`'s endpoint, checked as the header says; else why there is none
  // ("none kept", "idle 412 s (limit 300 s)", "settings changed: identity", "not alive: …").
  [[nodiscard]] core::expected<SessionLease, std::string> take(const SessionKey& key, const core::Deadline& deadline,
                                                               const core::CancelToken& cancel);
  // A session just opened by a run's login.
  [[nodiscard]] static SessionLease lease_new(SessionKey key, std::shared_ptr<ports::BoardSession> session,
                                              core::Facts login);
  // Keeps the run's session for the next run unless an operation left it in doubt.
  void give_back(SessionLease lease);
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::chrono::milliseconds idle_limit() const { return idle_limit_; }

 private:
  struct Kept {
    SessionLease lease;
    core::SteadyClock::time_point last_used;
  };
  std::chrono::milliseconds idle_limit_;
  mutable std::mutex mutex_;
  std::map<std::string, Kept> kept_;  // by endpoint
};

// "12.3 s", the age of a session as the report shows it.
[[nodiscard]] std::string age_text(std::int64_t ms);

}  // namespace stm32mp::pipeline
