#pragma once
// A firmware file read where it lies, by positioned reads: the image step decodes and hashes a 64 MiB image
// without holding it (issue 12). Opened through the same checks as read_input_file (a regular file only,
// within its cap, a UTF-8 path on every OS). No mmap: a file truncated while mapped raises SIGBUS, which
// inside the IDE (JNI) would take Eclipse down; a read here comes back short instead, and that is reported.
#include <cstdint>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/expected.h"
#include "files/input_file.h"
#include "image/source.h"

namespace stm32mp::files {

class InputFileSource final : public image::Source {
 public:
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  // A read inside size() that the file no longer holds (it shrank, or grew past its size when a read reaches
  // its end) fails with failure() = "the file changed while it was read (…)".
  [[nodiscard]] std::optional<std::vector<std::uint8_t>> read(std::uint64_t offset, std::uint64_t length) const override;
  [[nodiscard]] std::optional<std::string> failure() const override { return failure_; }

 private:
  friend core::expected<std::unique_ptr<InputFileSource>, InputFileError> open_input_file_source(const std::string&, std::uintmax_t);
  InputFileSource(std::ifstream in, std::uint64_t size) : in_(std::move(in)), size_(size) {}
  void fail(std::string reason) const;

  // Reads move the stream's position: a source is used by one thread at a time (one check's image step).
  mutable std::ifstream in_;
  std::uint64_t size_;
  mutable std::optional<std::string> failure_;
};

// Opens `path` when it is a regular file of at most `max_bytes` bytes; its size is taken once, here.
[[nodiscard]] core::expected<std::unique_ptr<InputFileSource>, InputFileError> open_input_file_source(const std::string& path,
                                                                                                      std::uintmax_t max_bytes);

}  // namespace stm32mp::files
