#include "files/input_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "files/utf8_path.h"

namespace stm32mp::files {
namespace {

namespace fs = std::filesystem;

std::string kind_of(fs::file_type t) {
  switch (t) {
    case fs::file_type::directory: return "a directory";
    case fs::file_type::fifo: return "a FIFO (named pipe)";
    case fs::file_type::character: return "a character device";
    case fs::file_type::block: return "a block device";
    case fs::file_type::socket: return "a socket";
    default: return "not a regular file";
  }
}

InputFileError unreadable(std::string reason) { return {InputFileError::Kind::unreadable, std::move(reason), {}, 0}; }

InputFileError cancelled_read() { return {InputFileError::Kind::cancelled, "cancelled", {}, 0}; }

InputFileError too_large(std::uintmax_t limit, std::string reason) {
  return {InputFileError::Kind::too_large, std::move(reason), {}, limit};
}

}  // namespace

std::string describe_size(std::uintmax_t bytes) {
  if (bytes >= (1U << 20) && bytes % (1U << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes >= (1U << 10) && bytes % (1U << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " bytes";
}

std::optional<InputFileError> check_input_file(const std::string& utf8, std::uintmax_t max_bytes) {
  const auto path = utf8_path(utf8);
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || st.type() == fs::file_type::not_found) return std::nullopt;
  if (st.type() != fs::file_type::regular) {
    const auto what = kind_of(st.type());
    return InputFileError{InputFileError::Kind::not_regular, "it is " + what, what, 0};
  }
  const auto size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) return too_large(max_bytes, std::to_string(size) + " bytes, more than " + describe_size(max_bytes));
  return std::nullopt;
}

core::expected<std::uintmax_t, InputFileError> input_file_size(const std::string& utf8, std::uintmax_t max_bytes) {
  const auto path = utf8_path(utf8);
  std::error_code ec;
  // status() does not open the file: a FIFO is recognised without blocking. Path errors (ENAMETOOLONG, ELOOP,
  // ENOENT, EACCES on a directory) come back as error codes, never as exceptions.
  const auto st = fs::status(path, ec);
  if (ec) return core::unexpected{unreadable(ec.message())};
  if (st.type() == fs::file_type::not_found) return core::unexpected{unreadable("No such file or directory")};
  if (st.type() != fs::file_type::regular) {
    const auto what = kind_of(st.type());
    return core::unexpected{InputFileError{InputFileError::Kind::not_regular, "it is " + what, what, 0}};
  }
  const auto size = fs::file_size(path, ec);
  if (ec) return core::unexpected{unreadable(ec.message())};
  if (size > max_bytes) {
    return core::unexpected{too_large(max_bytes, std::to_string(size) + " bytes, more than " + describe_size(max_bytes))};
  }
  return size;
}

core::expected<std::string, InputFileError> read_input_file(const std::string& utf8, std::uintmax_t max_bytes,
                                                            const core::CancelToken* cancel) {
  const auto cancelled = [cancel] { return cancel != nullptr && cancel->cancelled(); };
  if (cancelled()) return core::unexpected{cancelled_read()};
  const auto size = input_file_size(utf8, max_bytes);
  if (!size) return core::unexpected{size.error()};
  const auto path = utf8_path(utf8);
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::unexpected{unreadable("cannot open it (permission denied?)")};
  // One byte more than status() said: a file that grew (or was swapped) since is noticed, still within the cap.
  std::string content(static_cast<std::size_t>(*size) + 1, '\0');
  std::size_t got = 0;
  while (got < content.size()) {
    if (cancelled()) return core::unexpected{cancelled_read()};
    const auto want = std::min(kReadChunkBytes, content.size() - got);
    in.read(content.data() + got, static_cast<std::streamsize>(want));
    if (in.bad()) return core::unexpected{unreadable("read error")};
    got += static_cast<std::size_t>(in.gcount());
    if (static_cast<std::size_t>(in.gcount()) < want) break;  // end of file
  }
  if (cancelled()) return core::unexpected{cancelled_read()};
  content.resize(got);
  if (content.size() > max_bytes) {
    return core::unexpected{too_large(max_bytes, "it grew past " + describe_size(max_bytes) + " while being read")};
  }
  return content;
}

}  // namespace stm32mp::files
