#include "config/launch_file.h"

#include <algorithm>

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

namespace {

LaunchFileError too_large(std::string reason) {
  files::InputFileError e{files::InputFileError::Kind::too_large, reason, {}, kMaxLaunchFileBytes};
  return {LaunchFileError::Kind::input, std::move(reason), std::move(e)};
}

}  // namespace

core::expected<LaunchFile, LaunchFileError> parse_launch_xml(const std::string& xml) {
  // Counted before parsing: the parser's nodes cost far more memory than the text that makes them.
  if (const auto tags = static_cast<std::size_t>(std::count(xml.begin(), xml.end(), '<'));
      tags > kMaxLaunchFileElements) {
    return core::unexpected{too_large(std::to_string(tags) + " XML tags, more than " +
                                      std::to_string(kMaxLaunchFileElements))};
  }
  pugi::xml_document doc;
  const auto parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return core::unexpected{LaunchFileError{LaunchFileError::Kind::malformed,
                                            std::string(parsed.description()) + " at byte " +
                                                std::to_string(parsed.offset)}};
  }
  const auto root = doc.child("launchConfiguration");
  if (!root) {
    return core::unexpected{
        LaunchFileError{LaunchFileError::Kind::malformed, "no <launchConfiguration> root element"}};
  }
  LaunchFile file;
  file.type = root.attribute("type").as_string();
  for (const auto& node : root.children()) {
    const std::string tag = node.name();
    if (tag == "stringAttribute" || tag == "booleanAttribute" || tag == "intAttribute") {
      const std::string key = node.attribute("key").as_string();
      const std::string value = node.attribute("value").as_string();
      if (key.size() > kMaxLaunchAttributeBytes || value.size() > kMaxLaunchAttributeBytes) {
        return core::unexpected{too_large("attribute " + key.substr(0, 80) + " is " +
                                          std::to_string(std::max(key.size(), value.size())) + " bytes, more than " +
                                          files::describe_size(kMaxLaunchAttributeBytes))};
      }
      file.attributes[key] = value;
    }
  }
  return file;
}

core::expected<LaunchFile, LaunchFileError> read_launch_file(const std::string& path, const core::CancelToken* cancel) {
  auto content = files::read_input_file(path, kMaxLaunchFileBytes, cancel);
  if (!content) {
    const auto& e = content.error();
    if (e.kind == files::InputFileError::Kind::unreadable) {
      return core::unexpected{LaunchFileError{LaunchFileError::Kind::unreadable, e.reason}};
    }
    return core::unexpected{LaunchFileError{LaunchFileError::Kind::input, e.reason, e}};
  }
  return parse_launch_xml(*content);
}

}  // namespace stm32mp::config
