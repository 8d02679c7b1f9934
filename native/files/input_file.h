#pragma once
// Reading a file the user named (launch file, image, key, known_hosts): only a regular file, and never more
// than a cap. A FIFO would block the open or the read forever, a device (/dev/zero, /dev/urandom) never ends,
// a directory is a mistake: each is refused by its kind before any byte is read, and a file larger than its cap
// is refused before it is read, so a hostile input costs neither time nor memory.
#include <cstdint>
#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/expected.h"

namespace stm32mp::files {

struct InputFileError {
  enum class Kind {
    unreadable,   // missing, permission denied, a path too long or a symlink loop: `reason` says which
    not_regular,  // `what` names the kind: "a FIFO (named pipe)", "a directory", "a character device", …
    too_large,    // larger than `limit` bytes
    cancelled,    // the run was cancelled between two chunks: no verdict on the file
  };
  Kind kind;
  std::string reason;  // one line for the message
  std::string what;    // not_regular: the file's kind
  std::uintmax_t limit = 0;
};

// Caps of the small text inputs (a real key is < 4 KiB, a busy known_hosts < 1 MiB). Images: image::kMaxImageSize,
// launch files: config::kMaxLaunchFileBytes.
inline constexpr std::uintmax_t kMaxKeyFileBytes = 64U << 10;
inline constexpr std::uintmax_t kMaxKnownHostsBytes = 4U << 20;

// What read_input_file would refuse, found without opening the file; nullopt when it is a regular file within
// the cap, and also when it is missing or its path is unusable (its reader reports that with its own code).
[[nodiscard]] std::optional<InputFileError> check_input_file(const std::string& path, std::uintmax_t max_bytes);

// The size of `path` when it is a regular file (symlinks followed) of at most `max_bytes` bytes, found without
// opening it; else why not (missing, not a regular file, too large). What read_input_file checks before it reads.
[[nodiscard]] core::expected<std::uintmax_t, InputFileError> input_file_size(const std::string& path, std::uintmax_t max_bytes);

// The whole content of `path` if it is a regular file (symlinks followed) of at most `max_bytes` bytes. It is read
// in chunks of kReadChunkBytes, and `cancel` (when given) is honoured between two of them: a 64 MiB image on a slow
// share is stopped after the chunk under way, not after the whole file. (One read() the kernel does not interrupt
// still runs to its end: that is the bound.)
[[nodiscard]] core::expected<std::string, InputFileError> read_input_file(const std::string& path,
                                                                          std::uintmax_t max_bytes,
                                                                          const core::CancelToken* cancel = nullptr);

inline constexpr std::size_t kReadChunkBytes = 1U << 20;

// "2 MiB", "64 KiB", "123 bytes": a cap as a user reads it.
[[nodiscard]] std::string describe_size(std::uintmax_t bytes);

}  // namespace stm32mp::files
