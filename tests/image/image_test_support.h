#pragma once
// Shared by the image tests: the arm-none-eabi-gcc firmware, file helpers, the openssl CLI, and an
// independent assembler of signed images (written from the format description, not from signer.cpp,
// so the reader and the signer are each checked against a second implementation).
#include <cstdint>
#include <string>
#include <vector>

#include "support/run_process.h"

namespace stm32mp::testing {

[[nodiscard]] std::string firmware(const std::string& name);  // PRELAUNCH_FIRMWARE_DIR/<name>
[[nodiscard]] std::string firmware_key(const std::string& name);
[[nodiscard]] std::vector<std::uint8_t> read_bytes(const std::string& path);
void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes);
void put_u32(std::vector<std::uint8_t>& bytes, std::size_t offset, std::uint32_t value);
[[nodiscard]] std::uint32_t get_u32(const std::vector<std::uint8_t>& bytes, std::size_t offset);
[[nodiscard]] ProcessResult openssl(const std::vector<std::string>& args);
[[nodiscard]] ProcessResult cli(const std::vector<std::string>& args);

struct RawTlv {
  std::uint32_t type;
  std::vector<std::uint8_t> value;
};
// header(magic, version, tlv_len, sign_len, img_len) ‖ TLVs ‖ signature ‖ image, each chunk padded to 8.
[[nodiscard]] std::vector<std::uint8_t> assemble_signed(const std::vector<RawTlv>& tlvs, const std::vector<std::uint8_t>& signature,
                                                        const std::vector<std::uint8_t>& image, std::uint32_t version = 1);
// The TLVs sign_rproc_fw.py writes for `elf` (hash table computed with the openssl-free reader path).
[[nodiscard]] std::vector<RawTlv> standard_tlvs(const std::vector<std::uint8_t>& elf, std::uint8_t sign_type);

}  // namespace stm32mp::testing
