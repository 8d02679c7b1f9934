#include "files/input_file_source.h"

#include "files/utf8_path.h"

namespace stm32mp::files {

core::expected<std::unique_ptr<InputFileSource>, InputFileError> open_input_file_source(const std::string& utf8,
                                                                                        std::uintmax_t max_bytes) {
  // The kind and the cap are checked before the open: a FIFO would block the open itself.
  if (auto checked = input_file_size(utf8, max_bytes); !checked) return core::unexpected{checked.error()};
  std::ifstream in(utf8_path(utf8), std::ios::binary);
  if (!in) return core::unexpected{InputFileError{InputFileError::Kind::unreadable, "cannot open it (permission denied?)", {}, 0}};
  // The size of what was opened (the path may name another file by now), measured once.
  in.seekg(0, std::ios::end);
  const auto end = static_cast<std::streamoff>(in.tellg());
  if (!in || end < 0) return core::unexpected{InputFileError{InputFileError::Kind::unreadable, "cannot tell its size", {}, 0}};
  const auto size = static_cast<std::uint64_t>(end);
  if (size > max_bytes) {
    return core::unexpected{InputFileError{InputFileError::Kind::too_large,
                                           "it grew past " + describe_size(max_bytes) + " while being opened", {}, max_bytes}};
  }
  return std::unique_ptr<InputFileSource>(new InputFileSource(std::move(in), size));
}

void InputFileSource::fail(std::string reason) const {
  if (!failure_) failure_ = "the file changed while it was read (" + std::move(reason) + ")";
}

std::optional<std::vector<std::uint8_t>> InputFileSource::read(std::uint64_t offset, std::uint64_t length) const {
  if (!image::fits(*this, offset, length)) return std::nullopt;
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(length));
  in_.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(length));
  if (in_.bad()) {
    if (!failure_) failure_ = "read error";
    return std::nullopt;
  }
  if (static_cast<std::uint64_t>(in_.gcount()) < length) {
    fail("it is now shorter than the " + std::to_string(size_) + " bytes it had when opened");
    return std::nullopt;
  }
  // A read that reaches the end looks one byte further: a file that grew since it was opened (a rebuild under
  // way) would otherwise be judged and hashed by its first size_ bytes.
  if (offset + length == size_ && in_.peek() != std::ifstream::traits_type::eof()) {
    fail("it grew past the " + std::to_string(size_) + " bytes it had when opened");
    return std::nullopt;
  }
  return bytes;
}

}  // namespace stm32mp::files
