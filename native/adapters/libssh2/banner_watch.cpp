#include "adapters/libssh2/banner_watch.h"

namespace stm32mp::adapters::libssh2 {

bool BannerWatch::feed(const unsigned char* data, std::size_t len) {
  static constexpr char kPrefix[] = "SSH-";
  for (std::size_t i = 0; i < len && !banner_seen_ && !flooded_; ++i) {
    const unsigned char c = data[i];
    if (column_ < 4) ssh_line_ = (column_ == 0 || ssh_line_) && c == static_cast<unsigned char>(kPrefix[column_]);
    ++column_;
    ++bytes_;
    if (c == '\n') {
      if (ssh_line_ && column_ > 4) {
        banner_seen_ = true;  // from here on the stream is the binary protocol: no more looking
        break;
      }
      ++lines_;
      column_ = 0;
      ssh_line_ = false;
    }
    if (lines_ >= kMaxLines || bytes_ >= kMaxBytes) flooded_ = true;
  }
  return !flooded_;
}

}  // namespace stm32mp::adapters::libssh2
