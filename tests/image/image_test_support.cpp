#include "image/image_test_support.h"

#include <fstream>
#include <iterator>
#include <stdexcept>

#include "adapters/openssl/openssl_crypto.h"
#include "image/elf_reader.h"

namespace stm32mp::testing {

std::string firmware(const std::string& name) { return std::string(PRELAUNCH_FIRMWARE_DIR) + "/" + name; }
std::string firmware_key(const std::string& name) { return std::string(PRELAUNCH_FIRMWARE_KEYS) + "/" + name; }

std::vector<std::uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path);
}

void put_u32(std::vector<std::uint8_t>& b, std::size_t o, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.at(o + i) = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t get_u32(const std::vector<std::uint8_t>& b, std::size_t o) {
  return static_cast<std::uint32_t>(b.at(o)) | (static_cast<std::uint32_t>(b.at(o + 1)) << 8) |
         (static_cast<std::uint32_t>(b.at(o + 2)) << 16) | (static_cast<std::uint32_t>(b.at(o + 3)) << 24);
}

ProcessResult openssl(const std::vector<std::string>& args) {
  std::vector<std::string> argv{PRELAUNCH_OPENSSL};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv);
}

ProcessResult cli(const std::vector<std::string>& args) {
  std::vector<std::string> argv{PRELAUNCH_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, {"NO_COLOR=1"});
}

namespace {
void append_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void pad(std::vector<std::uint8_t>& b, std::size_t chunk) { b.insert(b.end(), (8 - chunk % 8) % 8, 0); }
}  // namespace

std::vector<std::uint8_t> assemble_signed(const std::vector<RawTlv>& tlvs, const std::vector<std::uint8_t>& signature,
                                          const std::vector<std::uint8_t>& image, std::uint32_t version) {
  std::vector<std::uint8_t> area;
  for (const auto& t : tlvs) {
    append_u32(area, t.type);
    append_u32(area, static_cast<std::uint32_t>(t.value.size()));
    area.insert(area.end(), t.value.begin(), t.value.end());
    pad(area, t.value.size());
  }
  std::vector<std::uint8_t> out;
  append_u32(out, 0x3543A468);
  append_u32(out, version);
  append_u32(out, static_cast<std::uint32_t>(area.size()));
  append_u32(out, static_cast<std::uint32_t>(signature.size()));
  append_u32(out, static_cast<std::uint32_t>((image.size() + 7) / 8 * 8));
  out.insert(out.end(), area.begin(), area.end());
  out.insert(out.end(), signature.begin(), signature.end());
  pad(out, signature.size());
  out.insert(out.end(), image.begin(), image.end());
  pad(out, image.size());
  return out;
}

std::vector<RawTlv> standard_tlvs(const std::vector<std::uint8_t>& elf, std::uint8_t sign_type) {
  const auto info = image::read_elf(elf);
  if (!info) throw std::runtime_error("standard_tlvs: not an ELF");
  std::vector<std::uint8_t> table;
  for (const auto& s : info->segments) {
    for (auto v : {s.type, s.offset, s.vaddr, s.paddr, s.filesz, s.memsz, s.flags, s.align}) append_u32(table, v);
    const auto d = adapters::openssl::sha256(std::span(elf).subspan(s.offset, s.filesz));
    table.insert(table.end(), d.begin(), d.end());
  }
  std::vector<std::uint8_t> size;
  append_u32(size, static_cast<std::uint32_t>((elf.size() + 7) / 8 * 8));
  return {{1, {sign_type}}, {3, {1}}, {4, {1}}, {5, size}, {2, {1}}, {0x10, table}};
}

}  // namespace stm32mp::testing
