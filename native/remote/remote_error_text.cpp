#include "remote/remote_error_text.h"

namespace stm32mp::remote {

const char* kind_name(ports::RemoteError::Kind k) {
  using K = ports::RemoteError::Kind;
  switch (k) {
    case K::timeout: return "timeout";
    case K::cancelled: return "cancelled";
    case K::disconnected: return "disconnected";
    case K::no_space: return "no_space";
    case K::read_only: return "read_only";
    case K::permission_denied: return "permission_denied";
    case K::no_such_file: return "no_such_file";
    case K::no_sftp: return "no_sftp";
    case K::failure: return "failure";
  }
  return "failure";
}

std::string describe(const ports::RemoteError& e) {
  using K = ports::RemoteError::Kind;
  std::string words;
  switch (e.kind) {
    case K::timeout: words = "timed out"; break;
    case K::cancelled: words = "cancelled"; break;
    case K::disconnected: words = "connection lost"; break;
    case K::no_space: words = "no space left on device"; break;
    case K::read_only: words = "read-only file system"; break;
    case K::permission_denied: words = "permission denied"; break;
    case K::no_such_file: words = "no such file"; break;
    case K::no_sftp: words = "no SFTP subsystem"; break;
    case K::failure: words = "failed"; break;
  }
  if (!e.message.empty()) words += " (" + e.message + ")";
  return words;
}

std::string detail(const ports::RemoteError& e) {
  using K = ports::RemoteError::Kind;
  const char* words = e.kind == K::permission_denied ? ": permission denied"
                      : e.kind == K::read_only       ? ": read-only file system"
                      : e.kind == K::no_space        ? ": no space left on device"
                                                     : nullptr;
  std::string text = e.message;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  if (words == nullptr) return text;
  const std::string tail(words);
  if (text.size() < tail.size()) return text;
  for (std::size_t i = 0; i < tail.size(); ++i) {
    const char c = text[text.size() - tail.size() + i];
    if (static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != tail[i]) return text;
  }
  text.resize(text.size() - tail.size());
  return text;
}

}  // namespace stm32mp::remote
