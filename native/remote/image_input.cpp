#include "remote/image_input.h"

#include "files/input_file.h"
#include "files/utf8_path.h"
#include "image/inspection.h"

#include <openssl/evp.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

namespace stm32mp::remote {
namespace {

std::uint64_t le(const std::string& d, std::uint64_t off, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(d[off + static_cast<std::uint64_t>(i)]);
  return v;
}

// Only what the remote steps predict from (PT_LOAD addresses, the .resource_table section); the
// image step owns the full ELF analysis. Bounds-checked: a malformed file yields no segments.
void read_elf(const std::string& d, ImageInput& img) {
  if (d.size() < 52 || std::memcmp(d.data(), "\x7f" "ELF", 4) != 0 || d[5] != 1) return;
  const bool is64 = d[4] == 2;
  if (is64 && d.size() < 64) return;
  const std::uint64_t phoff = is64 ? le(d, 32, 8) : le(d, 28, 4);
  const std::uint64_t shoff = is64 ? le(d, 40, 8) : le(d, 32, 4);
  const std::uint64_t phentsize = le(d, is64 ? 54 : 42, 2);
  const std::uint64_t phnum = le(d, is64 ? 56 : 44, 2);
  const std::uint64_t shentsize = le(d, is64 ? 58 : 46, 2);
  const std::uint64_t shnum = le(d, is64 ? 60 : 48, 2);
  const std::uint64_t shstrndx = le(d, is64 ? 62 : 50, 2);
  for (std::uint64_t i = 0; i < phnum; ++i) {
    const std::uint64_t b = phoff + i * phentsize;
    if (b + (is64 ? 56 : 32) > d.size()) break;
    if (le(d, b, 4) != 1) continue;
    const std::uint64_t paddr = is64 ? le(d, b + 24, 8) : le(d, b + 12, 4);
    const std::uint64_t memsz = is64 ? le(d, b + 40, 8) : le(d, b + 20, 4);
    if (memsz > 0) img.segments.push_back({paddr, memsz});
  }
  if (shnum == 0 || shstrndx >= shnum || shoff + shnum * shentsize > d.size()) return;
  const auto sh = [&](std::uint64_t i, std::uint64_t off32, std::uint64_t off64) {
    return is64 ? le(d, shoff + i * shentsize + off64, 8) : le(d, shoff + i * shentsize + off32, 4);
  };
  const std::uint64_t strtab = sh(shstrndx, 16, 24);
  bool found = false;
  for (std::uint64_t i = 0; i < shnum; ++i) {
    const std::uint64_t name = le(d, shoff + i * shentsize, 4);
    static constexpr char kName[] = ".resource_table";
    if (strtab + name + sizeof kName <= d.size() && std::memcmp(d.data() + strtab + name, kName, sizeof kName) == 0) {
      found = true;
    }
  }
  img.has_resource_table = found;
}

std::uint64_t round8(std::uint64_t v) { return (v + 7) & ~std::uint64_t{7}; }

struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

}  // namespace

const char* to_string(ImageKind k) {
  switch (k) {
    case ImageKind::elf: return "elf";
    case ImageKind::signed_image: return "signed";
    case ImageKind::unknown: return "unknown";
  }
  return "unknown";
}

core::expected<ImageInput, std::string> read_image_input(const std::string& path) {
  // The image step's cap and kind check here too: this reader must never read what that step refused.
  auto content = files::read_input_file(path, image::kMaxImageSize);
  if (!content) return core::unexpected{"cannot read " + path + ": " + content.error().reason};
  const std::string data = std::move(*content);
  ImageInput img;
  img.local_path = path;
  img.name = files::utf8_string(files::utf8_path(path).filename());
  img.size = data.size();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 || EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
    return core::unexpected{std::string("SHA-256 computation failed (OpenSSL)")};
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned int i = 0; i < len; ++i) {
    img.sha256.push_back(kHex[digest[i] >> 4]);
    img.sha256.push_back(kHex[digest[i] & 15]);
  }
  if (data.size() >= 4 && std::memcmp(data.data(), "\x7f" "ELF", 4) == 0) {
    img.kind = ImageKind::elf;
    read_elf(data, img);
  } else if (data.size() >= 20 && std::memcmp(data.data(), "\x68\xa4\x43\x35", 4) == 0) {
    img.kind = ImageKind::signed_image;
    // The embedded ELF follows the header, the TLV area and the signature (each 8-byte aligned).
    const std::uint64_t off = 20 + round8(le(data, 8, 4)) + round8(le(data, 12, 4));
    if (off < data.size()) read_elf(data.substr(off), img);
  }
  return img;
}

}  // namespace stm32mp::remote
