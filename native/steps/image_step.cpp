#include "steps/image_step.h"

#include <algorithm>

#include <fmt/format.h>

#include "adapters/openssl/openssl_crypto.h"
#include "image/inspection.h"
#include "image/memory_map.h"
#include "image/source_digest.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

namespace ossl = adapters::openssl;
using image::Bytes;
using image::hex32;

// RSA-16384 signs in 2048 bytes; the images here use RSA-2048..4096 (256..512) or ECDSA P-256 (64).
constexpr std::uint64_t kMaxSignatureBytes = 2048;

std::string range_of(const image::Segment& s) {
  return fmt::format("paddr {}..{} memsz {:#x}", hex32(s.paddr), hex32(std::uint64_t{s.paddr} + s.memsz), s.memsz);
}

// Each PT_LOAD segment of every embedded ELF against the table, as ST's and upstream's TAs look it
// up after copying (get_hash_seg_info: the first entry with that p_paddr, then type and sizes, then
// the SHA-256 of the bytes as stored, ciphertext when encrypted). Returns whether all matched.
bool check_segment_hashes(const image::Inspection& in, core::StepReport& r, const core::CancelToken* cancel) {
  bool all = true;
  const auto& table = in.signed_image->hash_table;
  for (std::size_t n = 0; n < in.images.size(); ++n) {
    const auto& img = in.images[n];
    const image::SliceSource bytes(*in.source, img.offset, img.size);
    for (std::size_t i = 0; i < img.elf.segments.size(); ++i) {
      const auto& s = img.elf.segments[i];
      if (s.type != image::kPtLoad) continue;
      const std::string name = in.images.size() == 1 ? std::to_string(i) : fmt::format("{} of image {}", i, n);
      const auto h = std::find_if(table.begin(), table.end(), [&](const image::HashEntry& e) { return e.phdr.paddr == s.paddr; });
      if (h == table.end() || h->phdr.type != image::kPtLoad || h->phdr.filesz != s.filesz || h->phdr.memsz != s.memsz) {
        r.add(core::Code::SegmentHashMismatch, {{"path", in.path}, {"segment", name + " (no hash table entry)"}, {"range", range_of(s)}});
        all = false;
        continue;
      }
      // Read in chunks from the file: a segment is never held whole.
      const auto digest = image::sha256_of(bytes, s.offset, s.filesz, cancel);
      if (cancel != nullptr && cancel->cancelled()) return false;  // no verdict: the caller says the run was cancelled
      if (!digest || *digest != h->sha256) {
        r.add(core::Code::SegmentHashMismatch, {{"path", in.path}, {"segment", name}, {"range", range_of(s)}});
        all = false;
      }
    }
  }
  r.observed.set("signed.segment_hashes", all ? (in.signed_image->encrypted() ? "all match the embedded ELFs' encrypted segments"
                                                                              : "all match the embedded ELF")
                                              : "mismatch");
  return all;
}

void check_signature(const image::Inspection& in, const std::string& key_path, core::StepReport& r) {
  auto key = ossl::load_public_key(key_path);
  if (!key) {
    r.add(core::Code::KeyUnusable, {{"key", key_path}, {"reason", key.error()}});
    return;
  }
  const auto& s = *in.signed_image;
  const bool type_fits = (s.sign_type == image::SignType::rsa_pkcs1_sha256) == (key->kind() == ossl::KeyKind::rsa);
  core::expected<bool, std::string> ok(false);
  if (type_fits) {
    // No key makes a signature longer than kMaxSignatureBytes, so a longer one is wrong without being read.
    const auto signature = s.sign_len <= kMaxSignatureBytes ? in.source->read(s.sign_offset, s.sign_len) : std::vector<std::uint8_t>{};
    auto verify = ossl::VerifyStream::start(*key);
    // The signed part (header and TLV area) is fed in chunks; a file that changed meanwhile is reported by the
    // caller (report_if_changed), not judged here.
    if (verify && (!signature || !image::feed(*in.source, 0, s.sign_offset, *verify))) return;
    ok = verify ? verify->finish(*signature) : core::expected<bool, std::string>(core::unexpected{verify.error()});
  }
  if (!ok) {
    r.add(core::Code::KeyUnusable, {{"key", key_path}, {"reason", ok.error()}});
  } else if (!*ok) {
    r.add(core::Code::SignatureInvalid, {{"path", in.path}, {"key", key_path}, {"key_type", key->description() + (type_fits ? "" : ", but the image is signed with " + image::sign_type_name(s.sign_type))}});
  } else {
    r.observed.set("signed.signature", "verified with " + key_path + " (" + key->description() + ")");
  }
  // PKEYINFO must carry the signing key's own public half (ST's PTA verifies with it).
  if (const auto* k = s.find_tlv(image::kTlvPkeyInfo); k != nullptr && ok && *ok) {
    if (k->value != ossl::public_key_der(*key)) r.add(core::Code::PkeyInfoOtherKey, {{"path", in.path}, {"key", key_path}});
  }
}

// BOOTADDR must be where the vector table is: word 1 there is the reset handler = e_entry.
void check_boot_addr(const image::Inspection& in, core::StepReport& r) {
  const auto& s = *in.signed_image;
  if (!s.boot_addr) return;
  const auto boot = *s.boot_addr;
  const auto& elf = *in.elf;
  const std::string vt = elf.vector_table ? hex32(*elf.vector_table) : "unknown (no .isr_vector section)";
  std::string detail;
  if (elf.vector_table && *elf.vector_table != boot) {
    detail = ".isr_vector is at " + vt;
  } else if (s.encrypted()) {
    // The words at BOOTADDR are ciphertext in the file: only the section address can be compared.
    r.observed.set("signed.boot_addr", hex32(boot) + (elf.vector_table ? " (the vector table's address; its content is encrypted)"
                                                                        : " (not checked: no vector-table section, content encrypted)"));
    return;
  } else if (const auto reset = image::word_at(in.elf_source(), elf.segments, boot + 4); !reset) {
    detail = "no loaded segment holds a vector table at " + hex32(boot);
  } else if ((*reset | 1U) != (elf.entry | 1U)) {
    detail = "the reset vector there is " + hex32(*reset) + ", the ELF entry point is " + hex32(elf.entry);
  }
  if (detail.empty()) {
    r.observed.set("signed.boot_addr", hex32(boot) + " (vector table, reset vector = entry point)");
    return;
  }
  r.add(core::Code::BootAddrMismatch, {{"path", in.path}, {"boot_addr", hex32(boot)}, {"vector_table", vt}, {"detail", detail}});
}

// The signed image must hold the code of the ELF being debugged: compare loaded segments by
// address, sizes and SHA-256 (offsets may differ between the ELF and its stripped copy).
void check_stale(const image::Inspection& elf, const image::Inspection& sig, core::StepReport& r, const core::CancelToken* cancel) {
  if (sig.signed_image->encrypted()) {
    r.observed.set("stale_check", "not done: the signed image's segments are encrypted (its table hashes the ciphertext)");
    return;
  }
  const auto& table = sig.signed_image->hash_table;
  for (std::size_t i = 0; i < elf.elf->segments.size(); ++i) {
    const auto& s = elf.elf->segments[i];
    if (s.type != image::kPtLoad) continue;
    const auto read = image::sha256_of(elf.elf_source(), s.offset, s.filesz, cancel);
    if (cancel != nullptr && cancel->cancelled()) return;  // no verdict: the caller says the run was cancelled
    const auto digest = read.value_or(ossl::sha256(Bytes{}));
    const bool same = std::any_of(table.begin(), table.end(), [&](const image::HashEntry& h) {
      return h.phdr.type == image::kPtLoad && h.phdr.paddr == s.paddr && h.phdr.filesz == s.filesz && h.phdr.memsz == s.memsz &&
             h.sha256 == digest;
    });
    if (!same) {
      r.add(core::Code::StaleSignedImage, {{"signed", sig.path}, {"elf", elf.path}, {"segment", std::to_string(i)}, {"range", range_of(s)}});
      return;  // one is enough to say "stale"; the others would repeat it
    }
  }
  r.observed.set("stale_check", "the signed image holds the ELF's segments");
}

void check_loaded_elf(const image::Inspection& in, const image::ElfInfo& elf, const steps::ImageInputs& inputs, core::StepReport& r,
                      bool resource_table_expected) {
  const auto& remoteproc = inputs.remoteproc;
  if (elf.loadable_count() == 0) r.add(core::Code::NoLoadableSegment, {{"path", in.path}});
  if (resource_table_expected && !elf.resource_table) {
    // An empty section is a different mistake from a missing one: the linker script keeps the
    // section but no object puts the table in it.
    const auto size = elf.undersized_resource_table;
    r.add(core::Code::NoResourceTable,
          {{"path", in.path},
           {"what", !size ? std::string("no .resource_table section")
                          : *size == 0 ? std::string("an empty .resource_table section (0 bytes)")
                                       : fmt::format(".resource_table section of {} bytes, smaller than the table's 16-byte header", *size)}});
  }
  const auto* profile = image::find_profile_by_remoteproc(remoteproc);
  if (profile == nullptr) {
    r.observed.set("memory_map", "no built-in memory map for remoteproc '" + remoteproc + "'; the target step checks the board's own");
    return;
  }
  r.observed.set("memory_map", profile->name + " (" + profile->source + ")");
  // A segment outside the built-in map is a certain refusal unless the board's own reserved-memory
  // says otherwise; when the board will be read, the target step decides (TGT codes) and this is a
  // warning.
  const auto severity = inputs.board_map_follows ? core::Severity::warning : core::Severity::error;
  for (const auto& o : image::segments_outside(elf.segments, profile->regions)) {
    r.add(core::make_diagnostic(core::Code::SegmentOutsideMemory, severity, {{"path", in.path},
                                             {"segment", std::to_string(o.index)},
                                             {"range", range_of(o.segment)},
                                             {"profile", profile->name},
                                             {"region", o.nearest_region.empty() ? "none" : o.nearest_region},
                                             {"paddr", fmt::format("{:#x}", o.segment.paddr)},
                                             {"memsz", fmt::format("{:#x}", o.segment.memsz)}}));
  }
  if (in.kind == image::ImageKind::elf && profile->remoteproc == "m33" && elf.vector_table_section == ".isr_vector") {
    r.add(core::Code::VectorTableSectionName, {{"path", in.path}});
  }
  if (!elf.cpu_arch.empty() &&
      std::find(profile->cpu_archs.begin(), profile->cpu_archs.end(), elf.cpu_arch) == profile->cpu_archs.end()) {
    r.add(core::Code::CpuMismatch, {{"path", in.path}, {"cpu_arch", elf.cpu_arch}, {"remoteproc", remoteproc}, {"core", profile->core}});
  }
}

}  // namespace

core::StepReport check_image(const ImageInputs& in, std::optional<image::ImageFacts>& facts,
                             const core::CancelToken* cancel) {
  auto r = core::report_of(core::StepId::Image);
  facts.reset();
  if (in.elf.empty() && in.signed_image.empty()) {
    r.skip("no image given (--elf or --signed)");
    return r;
  }
  std::optional<image::Inspection> elf;
  std::optional<image::Inspection> sig;
  if (!in.elf.empty()) elf = image::inspect_file(in.elf, "elf", r, cancel);
  if (!in.signed_image.empty()) sig = image::inspect_file(in.signed_image, "signed", r, cancel);
  // The checks below read the files again (segments, signed part), a 64 MiB image included: a cancel stops them
  // between two chunks as it stops the first read.
  const auto cancelled = [&] {
    if (cancel == nullptr || !cancel->cancelled()) return false;
    r.observed.set("image", "not judged: the run was cancelled while it was read");  // the runner says RUN003
    return true;
  };
  if (cancelled()) return r;

  for (auto* f : {elf ? &*elf : nullptr, sig ? &*sig : nullptr}) {
    if (f == nullptr || f->kind != image::ImageKind::signed_image || !f->elf) continue;
    check_segment_hashes(*f, r, cancel);
    if (cancelled()) return r;
    if (!in.image_key.empty()) {
      check_signature(*f, in.image_key, r);
    } else {
      r.observed.set("signed.signature", "not checked (no --image-key: give the public key the board's OP-TEE embeds)");
    }
    check_boot_addr(*f, r);
  }
  if (!in.image_key.empty() && !(sig && sig->signed_image) && !(elf && elf->signed_image)) {
    r.observed.set("image_key", in.image_key + " (not used: no signed image)");
  }
  if (elf && elf->kind == image::ImageKind::elf && sig && sig->kind == image::ImageKind::signed_image && sig->elf) {
    check_stale(*elf, *sig, r, cancel);
  }
  if (cancelled()) return r;
  // The checks above read the files again: one that changed meanwhile was judged on bytes of two versions.
  for (auto* f : {elf ? &*elf : nullptr, sig ? &*sig : nullptr}) {
    if (f != nullptr) image::report_if_changed(*f, r);
  }

  const auto& upload = sig ? *sig : *elf;
  if (!upload.readable) return r;
  auto f = image::facts_of(upload, in.elf);
  if (upload.elf) {
    if (upload.images.size() > 1) {
      // Several images in one file: all their segments are loaded, one of them may hold the table.
      for (const auto& e : upload.images) check_loaded_elf(upload, e.elf, in, r, /*resource_table_expected=*/false);
      if (!f.has_resource_table) r.add(core::Code::NoResourceTable, {{"path", upload.path}, {"what", "no .resource_table section in any of its images"}});
    } else {
      check_loaded_elf(upload, *upload.elf, in, r, true);
    }
  }
  r.observed.set("upload", fmt::format("{} ({}, {} bytes)", f.upload_path, image::to_string(f.kind), f.upload_size));
  facts = std::move(f);
  return r;
}

}  // namespace stm32mp::steps
