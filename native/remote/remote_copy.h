#pragma once
// A file's copy on the board as the tool read it: the target step's probe (the image under its name) and the
// upload's own read-back both describe it so.
#include <cstdint>
#include <string>

namespace stm32mp::remote {

struct RemoteCopy {
  bool exists = false;
  std::uint64_t size = 0;  // the expected size when the SHA-256 matched (equal content); else 0 unless measured
  std::string sha256;      // lowercase hex; empty when the board has no sha256sum
};

}  // namespace stm32mp::remote
