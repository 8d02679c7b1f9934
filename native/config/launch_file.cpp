#include "config/launch_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <pugixml.hpp>

namespace stm32mp::config {

std::optional<std::string> LaunchFile::attribute(const std::string& key) const {
  auto it = attributes.find(key);
  if (it == attributes.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> LaunchFile::serial_device() const { return attribute(keys::kSerialDevice); }
std::optional<std::string> LaunchFile::board_address() const { return attribute(keys::kBoardAddress); }
std::optional<std::string> LaunchFile::program() const { return attribute(keys::kProgram); }
std::optional<std::string> LaunchFile::project() const { return attribute(keys::kProject); }
std::optional<std::string> LaunchFile::connection() const { return attribute(keys::kConnection); }

std::optional<bool> LaunchFile::production_mode() const {
  auto v = attribute(keys::kThroughLinux);
  if (!v) return std::nullopt;
  return *v == "true";
}

core::expected<LaunchFile, LaunchFileError> parse_launch_xml(const std::string& xml) {
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return core::unexpected(LaunchFileError{LaunchFileError::Kind::malformed,
                                            std::string(parsed.description()) + " at byte " +
                                                std::to_string(parsed.offset)});
  }
  const auto root = doc.child("launchConfiguration");
  if (!root) {
    return core::unexpected(
        LaunchFileError{LaunchFileError::Kind::malformed, "no <launchConfiguration> root element"});
  }
  LaunchFile file;
  file.type = root.attribute("type").as_string();
  for (const auto& node : root.children()) {
    const std::string tag = node.name();
    if (tag == "stringAttribute" || tag == "booleanAttribute" || tag == "intAttribute") {
      file.attributes[node.attribute("key").as_string()] = node.attribute("value").as_string();
    }
  }
  return file;
}

core::expected<LaunchFile, LaunchFileError> read_launch_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    return core::unexpected(LaunchFileError{LaunchFileError::Kind::unreadable, std::strerror(errno)});
  }
  std::string content;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) content.append(buffer, n);
  std::fclose(f);
  return parse_launch_xml(content);
}

}  // namespace stm32mp::config
