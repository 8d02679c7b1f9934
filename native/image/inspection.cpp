#include "image/inspection.h"

#include <cctype>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "adapters/openssl/openssl_crypto.h"
#include "files/input_file.h"
#include "files/input_file_diagnostic.h"
#include "files/input_file_source.h"
#include "image/source_digest.h"
#include "image/st_tee_rules.h"

namespace stm32mp::image {
namespace {

core::Code code_for(FormatProblem p) {
  switch (p) {
    case FormatProblem::truncated: return core::Code::ImageTruncated;
    case FormatProblem::wrong_class: return core::Code::ElfWrongClass;
    case FormatProblem::wrong_endian: return core::Code::ElfWrongEndian;
    case FormatProblem::wrong_machine: return core::Code::ElfWrongMachine;
    case FormatProblem::wrong_type: return core::Code::ElfWrongType;
    case FormatProblem::bad_segment: return core::Code::ElfBadHeader;
    case FormatProblem::not_an_image: return core::Code::NotAnImage;
    case FormatProblem::signed_header: return core::Code::SignedHeaderInvalid;
    case FormatProblem::signed_tlv: return core::Code::SignedTlvInvalid;
    case FormatProblem::signed_legacy: return core::Code::SignedLegacyFormat;
    case FormatProblem::signed_beta: return core::Code::SignedBetaFormat;
  }
  return core::Code::NotAnImage;
}

bool looks_like_intel_hex(Bytes f) {
  if (f.empty() || f[0] != ':') return false;
  const auto n = std::min<std::size_t>(f.size(), 64);
  for (std::size_t i = 1; i < n; ++i) {
    const auto c = f[i];
    if (c == '\r' || c == '\n') return i >= 11;
    if (!std::isxdigit(c)) return false;
  }
  return n >= 11;
}

void add_elf_facts(const ElfInfo& elf, const std::string& prefix, core::StepReport& r) {
  r.observed.set(prefix + "entry", hex32(elf.entry));
  std::size_t n = 0;
  for (std::size_t i = 0; i < elf.segments.size(); ++i) {
    if (elf.segments[i].type != kPtLoad) continue;
    r.observed.set(fmt::format("{}segment{}", prefix, i), describe(elf.segments[i]));
    ++n;
  }
  r.observed.set(prefix + "loadable_segments", std::to_string(n));
  r.observed.set(prefix + "resource_table", elf.resource_table ? fmt::format("{} size {:#x}", hex32(elf.resource_table->addr), elf.resource_table->size) : "absent");
  if (elf.vector_table) r.observed.set(prefix + "vector_table", hex32(*elf.vector_table));
  r.observed.set(prefix + "symbols", elf.has_symbols ? "yes" : "no (stripped)");
  if (!elf.cpu_arch.empty()) r.observed.set(prefix + "cpu_arch", elf.cpu_arch);
}

void add_signed_facts(const SignedImage& s, const std::string& prefix, core::StepReport& r) {
  r.observed.set(prefix + "header", fmt::format("version {} tlv_len {} sign_len {} img_len {}", s.version, s.tlv_len, s.sign_len, s.img_len));
  r.observed.set(prefix + "sign_type", sign_type_name(s.sign_type));
  r.observed.set(prefix + "images", fmt::format("{} ({})", s.images.size(), s.encrypted() ? "ELF with AES-CBC encrypted segments" : "ELF"));
  if (s.encrypted()) {
    // ST's extension: the PTA decrypts with the AES key fused in OTP (oem_rproc_enc_key), or its test key
    // with CFG_REMOTEPROC_ENC_TESTKEY; upstream OP-TEE's TA takes IMGTYPE 1 only.
    r.observed.set(prefix + "encryption", "AES-CBC (ENCTYPE 1): loads on ST's OP-TEE only, which decrypts with the key in OTP oem_rproc_enc_key");
  }
  if (s.boot_sec) r.observed.set(prefix + "secure_boot", "yes: BOOTSEC present (ST's PTA enables secure boot whatever its value)");
  if (const auto* k = s.find_tlv(kTlvPkeyInfo)) {
    const auto info = decode_pkey_info(k->value);
    r.observed.set(prefix + "pkey_info", describe(info));
    if (info.kind != PkeyInfo::Kind::unreadable) {
      // What ST's PTA compares with the OTP word oem_rproc_pkh (CFG_REMOTEPROC_PUB_KEY_VERIFY=y).
      r.observed.set(prefix + "pkey_info_otp_hash", adapters::openssl::to_hex(adapters::openssl::sha256(info.hash_input)));
    }
  }
  for (const auto& t : s.tlvs) {
    std::string value;
    if (t.type == kTlvHashTable) {
      value = fmt::format("{} entries", t.value.size() / 64);
    } else if (t.type == kTlvEncTable) {
      value = fmt::format("{} entries (phdr, SHA-256 of the ciphertext, IV)", t.value.size() / 80);
    } else if (t.value.size() == 4) {
      value = hex32(static_cast<std::uint32_t>(t.value[0]) | (static_cast<std::uint32_t>(t.value[1]) << 8) |
                    (static_cast<std::uint32_t>(t.value[2]) << 16) | (static_cast<std::uint32_t>(t.value[3]) << 24));
    } else if (t.value.size() == 1) {
      value = std::to_string(t.value[0]);
    } else {
      value = fmt::format("{} bytes", t.value.size());
    }
    r.observed.set(fmt::format("{}tlv@{:#x}", prefix, t.offset), tlv_name(t.type) + " = " + value);
  }
}

// ST's TA keeps one resource table: a second one among the images fails the load.
void check_resource_tables(const Inspection& in, core::StepReport& r) {
  std::vector<std::string> with;
  for (std::size_t i = 0; i < in.images.size(); ++i) {
    if (in.images[i].elf.resource_table) with.push_back(std::to_string(i));
  }
  if (with.size() > 1) r.add(core::Code::SeveralResourceTables, {{"path", in.path}, {"images", fmt::format("{}", fmt::join(with, ", "))}});
}

}  // namespace

core::expected<std::vector<std::uint8_t>, std::string> read_image_file(const std::string& path) {
  auto content = files::read_input_file(path, kMaxImageSize);
  if (!content) {
    const auto& e = content.error();
    if (e.kind == files::InputFileError::Kind::too_large) {
      return core::unexpected{e.reason + ": more than any Cortex-M image fits in"};
    }
    return core::unexpected{e.reason};
  }
  return std::vector<std::uint8_t>(content->begin(), content->end());
}

std::string describe_other_format(const Source& file) {
  // Intel HEX is told by its first line (64 bytes), the rest by 8 bytes: that is all this reads.
  const auto head = file.read(0, std::min<std::uint64_t>(file.size(), 64)).value_or(std::vector<std::uint8_t>{});
  const Bytes f(head);
  if (f.empty()) return "empty file (0 bytes)";
  if (looks_like_intel_hex(f)) return "Intel HEX text (starts with ':'), the output of objcopy -O ihex";
  if (f.size() >= 2 && f[0] == 'S' && f[1] >= '0' && f[1] <= '9') return "Motorola S-record text (starts with 'S0'), the output of objcopy -O srec";
  if (f.size() >= 4 && f[0] == 0x7F && f[1] == 'E' && f[2] == 'L' && f[3] == 'F') return "ELF";
  const auto sp = read_u32(f, 0);
  const auto reset = read_u32(f, 4);
  if (sp && reset && (*reset & 1U) == 1U && (*sp & 3U) == 0U) {
    return fmt::format("raw binary (objcopy -O binary) starting with a Cortex-M vector table: stack {} reset {}; the first 4 bytes at offset 0 are {} instead of the ELF magic 7f 45 4c 46",
                       hex32(*sp), hex32(*reset), fmt::format("{:02x} {:02x} {:02x} {:02x}", f[0], f[1], f[2], f[3]));
  }
  if (f.size() >= 4) {
    return fmt::format("unknown format: the first 4 bytes at offset 0 are {:02x} {:02x} {:02x} {:02x}, neither the ELF magic 7f 45 4c 46 nor the signed-image magic 68 a4 43 35",
                       f[0], f[1], f[2], f[3]);
  }
  return fmt::format("unknown format: only {} bytes", file.size());
}

bool report_if_changed(Inspection& in, core::StepReport& r) {
  if (!in.source) return false;
  const auto failure = in.source->failure();
  if (!failure) return false;
  in.readable = false;
  if (!in.change_reported) r.add(core::Code::ImageUnreadable, {{"path", in.path}, {"reason", *failure}});
  in.change_reported = true;
  return true;
}

core::Diagnostic format_diagnostic(const std::string& path, const FormatError& e) {
  return core::make_diagnostic(code_for(e.problem), {{"path", path},
                                                     {"field", e.field},
                                                     {"offset", fmt::format("{} ({:#x})", e.offset, e.offset)},
                                                     {"found", e.found},
                                                     {"expected", e.expected}});
}

Inspection inspect_file(const std::string& path, const std::string& role, core::StepReport& r,
                        const core::CancelToken* cancel) {
  Inspection in;
  in.path = path;
  const std::string prefix = role + ".";
  r.observed.set(role, path);
  if (cancel != nullptr && cancel->cancelled()) return in;
  auto opened = files::open_input_file_source(path, kMaxImageSize);
  if (!opened) {
    if (auto d = files::input_file_diagnostic("--" + role, path, opened.error())) {
      r.add(std::move(*d));
    } else {
      r.add(core::Code::ImageUnreadable, {{"path", path}, {"reason", opened.error().reason}});
    }
    return in;
  }
  in.source = std::shared_ptr<const Source>(std::move(*opened));
  in.size = in.source->size();
  const Source& file = *in.source;
  // Read once from end to end in chunks, the cancel honoured between two of them (as read_input_file did).
  const auto digest = sha256_of(file, 0, file.size(), cancel);
  if (cancel != nullptr && cancel->cancelled()) return in;
  in.readable = true;
  if (!digest) {
    if (!report_if_changed(in, r)) {
      in.readable = false;
      r.add(core::Code::ImageUnreadable, {{"path", path}, {"reason", "read error"}});
    }
    return in;
  }
  in.sha256 = adapters::openssl::to_hex(*digest);
  r.observed.set(prefix + "size", std::to_string(file.size()));
  r.observed.set(prefix + "sha256", in.sha256);

  if (has_signed_magic(file)) {
    in.kind = is_legacy_signed(file) ? ImageKind::signed_legacy : ImageKind::signed_image;
    auto s = read_signed_image(file);
    r.observed.set(prefix + "kind", std::string(to_string(in.kind)));
    if (report_if_changed(in, r)) return in;
    if (!s) {
      if (s.error().problem == FormatProblem::signed_beta) in.kind = ImageKind::signed_legacy;  // an older signed layout too
      if (s.error().problem != FormatProblem::signed_legacy && s.error().problem != FormatProblem::signed_beta) in.kind = ImageKind::other;
      r.add(format_diagnostic(path, s.error()));
      return in;
    }
    add_signed_facts(*s, prefix, r);
    for (const auto* t : s->unknown_tlvs()) {
      r.add(core::Code::UnknownTlv, {{"path", path}, {"type", hex32(t->type)}, {"offset", fmt::format("{} ({:#x})", t->offset, t->offset)}});
    }
    for (auto& d : judge_for_st_tee(*s, path)) r.add(std::move(d));
    in.signed_image = std::move(*s);
    for (std::size_t i = 0; i < in.signed_image->images.size(); ++i) {
      const auto& embedded = in.signed_image->images[i];
      auto elf = read_elf(SliceSource(file, embedded.offset, embedded.size));
      if (report_if_changed(in, r)) return in;
      if (!elf) {
        auto e = elf.error();
        e.field = fmt::format("embedded image {}: {}", i, e.field);
        e.offset += embedded.offset;
        r.add(format_diagnostic(path, e));
        return in;
      }
      add_elf_facts(*elf, fmt::format("{}image{}.", prefix, i), r);
      in.images.push_back(EmbeddedElf{std::move(*elf), embedded.offset, embedded.size});
    }
    check_resource_tables(in, r);
    in.elf_offset = in.images.front().offset;
    in.elf_size = in.images.front().size;
    in.elf = in.images.front().elf;
    return in;
  }

  static constexpr std::uint8_t kElfMagic[] = {0x7F, 'E', 'L', 'F'};
  const auto magic = file.read(0, 4);
  const bool elf_magic = magic && std::equal(magic->begin(), magic->end(), std::begin(kElfMagic));
  if (!elf_magic) {
    const auto format = describe_other_format(file);
    if (report_if_changed(in, r)) return in;
    r.observed.set(prefix + "kind", "other");
    r.add(core::Code::NotAnImage, {{"path", path},
                                   {"format", format},
                                   {"field", "magic"},
                                   {"offset", "0 (0x0)"}});
    return in;
  }
  auto elf = read_elf(file);
  if (report_if_changed(in, r)) return in;
  if (!elf) {
    r.observed.set(prefix + "kind", "other");
    r.add(format_diagnostic(path, elf.error()));
    return in;
  }
  in.kind = ImageKind::elf;
  r.observed.set(prefix + "kind", "elf");
  in.elf_offset = 0;
  in.elf_size = file.size();
  in.elf = std::move(*elf);
  add_elf_facts(*in.elf, prefix, r);
  return in;
}

ImageFacts facts_of(const Inspection& upload, const std::string& elf_path) {
  ImageFacts f;
  f.kind = upload.kind;
  f.upload_path = upload.path;
  f.upload_size = upload.size;
  f.upload_sha256 = upload.sha256;
  f.elf_path = elf_path;
  if (upload.signed_image) f.boot_addr = upload.signed_image->boot_addr;
  if (upload.elf) {
    f.entry = upload.elf->entry;
    f.cpu_arch = upload.elf->cpu_arch;
    if (upload.images.size() > 1) {
      // Several images in one file: all their segments are loaded, one of them may hold the table.
      bool any_table = false;
      for (const auto& e : upload.images) {
        f.segments.insert(f.segments.end(), e.elf.segments.begin(), e.elf.segments.end());
        any_table = any_table || e.elf.resource_table.has_value();
      }
      f.has_resource_table = any_table;
    } else {
      f.segments = upload.elf->segments;
      f.has_resource_table = upload.elf->resource_table.has_value();
    }
  }
  return f;
}

core::expected<ImageFacts, std::string> read_image_facts(const std::string& path, const std::string& elf_path) {
  core::StepReport scratch;  // the image step reports format problems; here only the facts count
  const auto upload = inspect_file(path, "image", scratch);
  if (!upload.readable) {
    std::string reason = "cannot be read";
    if (!scratch.diagnostics.empty()) {
      const auto& d = scratch.diagnostics.front();
      reason = d.observed.get("reason").value_or(d.message);
    }
    return core::unexpected{"cannot read " + path + ": " + reason};
  }
  return facts_of(upload, elf_path);
}

}  // namespace stm32mp::image
