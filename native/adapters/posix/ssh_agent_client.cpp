#include "adapters/posix/ssh_agent_client.h"

#include <optional>

#include "adapters/posix/ssh_agent_transport.h"

namespace stm32mp::adapters::posix {
namespace {

using Kind = AgentError::Kind;

// Message numbers of draft-miller-ssh-agent.
constexpr unsigned char kFailure = 5;
constexpr unsigned char kRequestIdentities = 11;
constexpr unsigned char kIdentitiesAnswer = 12;
constexpr unsigned char kSignRequest = 13;
constexpr unsigned char kSignResponse = 14;

AgentError err(Kind kind, std::string message) { return AgentError{kind, std::move(message)}; }

void put_u32(std::vector<unsigned char>& out, std::uint32_t v) {
  out.push_back(static_cast<unsigned char>(v >> 24));
  out.push_back(static_cast<unsigned char>(v >> 16));
  out.push_back(static_cast<unsigned char>(v >> 8));
  out.push_back(static_cast<unsigned char>(v));
}

void put_string(std::vector<unsigned char>& out, std::span<const unsigned char> s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.insert(out.end(), s.begin(), s.end());
}

std::uint32_t get_u32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
}

// Bounds-checked reading of the wire types; every length comes from the (untrusted) agent.
class Reader {
 public:
  explicit Reader(std::span<const unsigned char> data) : data_(data) {}
  bool u32(std::uint32_t& v) {
    if (data_.size() - pos_ < 4) return false;
    v = get_u32(data_.data() + pos_);
    pos_ += 4;
    return true;
  }
  bool string(std::span<const unsigned char>& s) {
    std::uint32_t n = 0;
    if (!u32(n) || n > data_.size() - pos_) return false;
    s = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  [[nodiscard]] std::size_t left() const { return data_.size() - pos_; }

 private:
  std::span<const unsigned char> data_;
  std::size_t pos_ = 0;
};

}  // namespace

core::expected<SshAgentClient, AgentError> SshAgentClient::connect(const std::string& socket_path,
                                                                   const core::Deadline& deadline,
                                                                   const core::CancelToken& cancel) {
  auto handle = agent_transport::open(socket_path, deadline, cancel);
  if (!handle) return core::unexpected{handle.error()};
  return SshAgentClient(*handle);
}

SshAgentClient::SshAgentClient(SshAgentClient&& other) noexcept : handle_(other.handle_), broken_(other.broken_) {
  other.handle_ = agent_transport::kNone;
}

SshAgentClient& SshAgentClient::operator=(SshAgentClient&& other) noexcept {
  if (this != &other) {
    if (handle_ != agent_transport::kNone) agent_transport::close(handle_);
    handle_ = other.handle_;
    broken_ = other.broken_;
    other.handle_ = agent_transport::kNone;
  }
  return *this;
}

SshAgentClient::~SshAgentClient() {
  if (handle_ != agent_transport::kNone) agent_transport::close(handle_);
}

core::expected<std::vector<unsigned char>, AgentError> SshAgentClient::transact(std::span<const unsigned char> request,
                                                                               const core::Deadline& deadline,
                                                                               const core::CancelToken& cancel) {
  if (broken_ || handle_ == agent_transport::kNone) {
    return core::unexpected{err(Kind::protocol, "the connection to the ssh-agent was abandoned after an earlier error")};
  }
  if (request.size() > kMaxMessage) {
    return core::unexpected{err(Kind::protocol, "request of " + std::to_string(request.size()) + " bytes is too large")};
  }
  std::vector<unsigned char> frame;
  frame.reserve(4 + request.size());
  put_string(frame, request);
  // Any failure below leaves a half-sent request or a half-read answer on the stream.
  broken_ = true;
  if (auto stop = agent_transport::send_all(handle_, frame, deadline, cancel)) return core::unexpected{*stop};
  unsigned char length[4];
  if (auto stop = agent_transport::recv_exact(handle_, length, sizeof length, deadline, cancel)) return core::unexpected{*stop};
  const std::uint32_t size = get_u32(length);
  if (size == 0 || size > kMaxMessage) {
    return core::unexpected{err(Kind::protocol, "the ssh-agent announced an answer of " + std::to_string(size) +
                                                    " bytes (at most " + std::to_string(kMaxMessage) + " accepted)")};
  }
  std::vector<unsigned char> answer(size);
  if (auto stop = agent_transport::recv_exact(handle_, answer.data(), answer.size(), deadline, cancel)) return core::unexpected{*stop};
  broken_ = false;
  return answer;
}

core::expected<std::vector<AgentIdentity>, AgentError> SshAgentClient::list_identities(const core::Deadline& deadline,
                                                                                      const core::CancelToken& cancel) {
  const unsigned char request[] = {kRequestIdentities};
  auto answer = transact(request, deadline, cancel);
  if (!answer) return core::unexpected{answer.error()};
  const auto& a = answer.value();
  if (a[0] == kFailure) return core::unexpected{err(Kind::refused, "the ssh-agent refused to list its keys")};
  if (a[0] != kIdentitiesAnswer) {
    return core::unexpected{err(Kind::protocol, "unexpected answer type " + std::to_string(a[0]) + " to a key listing")};
  }
  Reader r(std::span<const unsigned char>(a).subspan(1));
  std::uint32_t count = 0;
  // Each key takes at least two length fields: a count beyond that is a lie, not a reason to reserve.
  if (!r.u32(count) || count > r.left() / 8) {
    return core::unexpected{err(Kind::protocol, "the ssh-agent's key listing is truncated")};
  }
  std::vector<AgentIdentity> keys;
  keys.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::span<const unsigned char> blob;
    std::span<const unsigned char> comment;
    if (!r.string(blob) || !r.string(comment) || blob.empty()) {
      return core::unexpected{err(Kind::protocol, "the ssh-agent's key listing is truncated")};
    }
    keys.push_back(AgentIdentity{{blob.begin(), blob.end()}, {comment.begin(), comment.end()}});
  }
  return keys;
}

core::expected<AgentSignature, AgentError> SshAgentClient::sign(std::span<const unsigned char> key_blob,
                                                                std::span<const unsigned char> data, std::uint32_t flags,
                                                                const core::Deadline& deadline,
                                                                const core::CancelToken& cancel) {
  std::vector<unsigned char> request;
  request.reserve(1 + 4 + key_blob.size() + 4 + data.size() + 4);
  request.push_back(kSignRequest);
  put_string(request, key_blob);
  put_string(request, data);
  put_u32(request, flags);
  auto answer = transact(request, deadline, cancel);
  if (!answer) return core::unexpected{answer.error()};
  const auto& a = answer.value();
  if (a[0] == kFailure) {
    return core::unexpected{err(Kind::refused, "the ssh-agent refused to sign (key removed, agent locked or "
                                               "confirmation denied)")};
  }
  if (a[0] != kSignResponse) {
    return core::unexpected{err(Kind::protocol, "unexpected answer type " + std::to_string(a[0]) + " to a sign request")};
  }
  // string signature { string format, string signature-bytes }: libssh2 writes the format itself
  // (the key type) and wants only the inner bytes from its sign callback.
  Reader outer(std::span<const unsigned char>(a).subspan(1));
  std::span<const unsigned char> blob;
  if (!outer.string(blob)) return core::unexpected{err(Kind::protocol, "the ssh-agent's signature is truncated")};
  Reader inner(blob);
  std::span<const unsigned char> format;
  std::span<const unsigned char> bytes;
  if (!inner.string(format) || !inner.string(bytes) || bytes.empty()) {
    return core::unexpected{err(Kind::protocol, "the ssh-agent's signature is malformed")};
  }
  return AgentSignature{{format.begin(), format.end()}, {bytes.begin(), bytes.end()}};
}

}  // namespace stm32mp::adapters::posix
