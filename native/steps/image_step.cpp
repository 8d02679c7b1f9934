#include "steps/image_step.h"

#include <algorithm>

#include <fmt/format.h>

#include "adapters/openssl/openssl_crypto.h"
#include "image/inspection.h"
#include "image/memory_map.h"

namespace stm32mp::steps {
namespace {

namespace ossl = adapters::openssl;
using image::Bytes;
using image::hex32;

std::string range_of(const image::Segment& s) {
  return fmt::format("paddr {}..{} memsz {:#x}", hex32(s.paddr), hex32(std::uint64_t{s.paddr} + s.memsz), s.memsz);
}

// Each hash-table entry against the segment bytes of the embedded ELF, as the TA checks them after
// copying (PTA_RPROC_LOAD_SEGMENT_SHA256). Returns whether all matched.
bool check_segment_hashes(const image::Inspection& in, core::StepReport& r) {
  bool all = true;
  for (std::size_t i = 0; i < in.signed_image->hash_table.size(); ++i) {
    const auto& h = in.signed_image->hash_table[i];
    const auto contents = image::slice(in.elf_bytes(), h.phdr.offset, h.phdr.filesz);
    if (!contents || ossl::sha256(*contents) != h.sha256) {
      r.add(core::Code::SegmentHashMismatch, {{"path", in.path}, {"segment", std::to_string(i)}, {"range", range_of(h.phdr)}});
      all = false;
    }
  }
  // Every PT_LOAD segment of the ELF needs an entry (the TA looks them up by paddr, filesz, memsz).
  for (std::size_t i = 0; i < in.elf->segments.size(); ++i) {
    const auto& s = in.elf->segments[i];
    if (s.type != image::kPtLoad) continue;
    const auto& table = in.signed_image->hash_table;
    const bool listed = std::any_of(table.begin(), table.end(), [&](const image::HashEntry& h) {
      return h.phdr.type == image::kPtLoad && h.phdr.paddr == s.paddr && h.phdr.filesz == s.filesz && h.phdr.memsz == s.memsz;
    });
    if (!listed) {
      r.add(core::Code::SegmentHashMismatch, {{"path", in.path}, {"segment", std::to_string(i) + " (no hash table entry)"}, {"range", range_of(s)}});
      all = false;
    }
  }
  r.observed.set("signed.segment_hashes", all ? "all match the embedded ELF" : "mismatch");
  return all;
}

void check_signature(const image::Inspection& in, const std::string& key_path, core::StepReport& r) {
  auto key = ossl::load_public_key(key_path);
  if (!key) {
    r.add(core::Code::KeyUnusable, {{"key", key_path}, {"reason", key.error()}});
    return;
  }
  const auto& s = *in.signed_image;
  const Bytes file(in.bytes);
  const auto signed_part = *image::slice(file, 0, s.sign_offset);
  const auto signature = *image::slice(file, s.sign_offset, s.sign_len);
  const bool type_fits = (s.sign_type == image::SignType::rsa_pkcs1_sha256) == (key->kind() == ossl::KeyKind::rsa);
  auto ok = type_fits ? ossl::verify_sha256(*key, signed_part, signature) : core::expected<bool, std::string>(false);
  if (!ok) {
    r.add(core::Code::KeyUnusable, {{"key", key_path}, {"reason", ok.error()}});
  } else if (!*ok) {
    r.add(core::Code::SignatureInvalid, {{"path", in.path}, {"key", key_path}, {"key_type", key->description() + (type_fits ? "" : ", but the image is signed with " + image::sign_type_name(s.sign_type))}});
  } else {
    r.observed.set("signed.signature", "verified with " + key_path + " (" + key->description() + ")");
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
  } else if (const auto reset = image::word_at(in.elf_bytes(), elf.segments, boot + 4); !reset) {
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
void check_stale(const image::Inspection& elf, const image::Inspection& sig, core::StepReport& r) {
  const auto& table = sig.signed_image->hash_table;
  for (std::size_t i = 0; i < elf.elf->segments.size(); ++i) {
    const auto& s = elf.elf->segments[i];
    if (s.type != image::kPtLoad) continue;
    const auto contents = image::slice(elf.elf_bytes(), s.offset, s.filesz);
    const auto digest = ossl::sha256(contents.value_or(Bytes{}));
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

void check_loaded_elf(const image::Inspection& in, const std::string& remoteproc, core::StepReport& r) {
  const auto& elf = *in.elf;
  if (elf.loadable_count() == 0) r.add(core::Code::NoLoadableSegment, {{"path", in.path}});
  if (!elf.resource_table) {
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
  for (const auto& o : image::segments_outside(elf.segments, profile->regions)) {
    r.add(core::Code::SegmentOutsideMemory, {{"path", in.path},
                                             {"segment", std::to_string(o.index)},
                                             {"range", range_of(o.segment)},
                                             {"profile", profile->name},
                                             {"region", o.nearest_region.empty() ? "none" : o.nearest_region},
                                             {"paddr", fmt::format("{:#x}", o.segment.paddr)},
                                             {"memsz", fmt::format("{:#x}", o.segment.memsz)}});
  }
  if (!elf.cpu_arch.empty() &&
      std::find(profile->cpu_archs.begin(), profile->cpu_archs.end(), elf.cpu_arch) == profile->cpu_archs.end()) {
    r.add(core::Code::CpuMismatch, {{"path", in.path}, {"cpu_arch", elf.cpu_arch}, {"remoteproc", remoteproc}, {"core", profile->core}});
  }
}

}  // namespace

core::StepReport check_image(const ImageInputs& in, std::optional<image::ImageFacts>& facts) {
  core::StepReport r;
  facts.reset();
  if (in.elf.empty() && in.signed_image.empty()) {
    r.skip("no image given (--elf or --signed)");
    return r;
  }
  std::optional<image::Inspection> elf;
  std::optional<image::Inspection> sig;
  if (!in.elf.empty()) elf = image::inspect_file(in.elf, "elf", r);
  if (!in.signed_image.empty()) sig = image::inspect_file(in.signed_image, "signed", r);

  for (auto* f : {elf ? &*elf : nullptr, sig ? &*sig : nullptr}) {
    if (f == nullptr || f->kind != image::ImageKind::signed_image || !f->elf) continue;
    check_segment_hashes(*f, r);
    if (!in.image_key.empty()) check_signature(*f, in.image_key, r);
    check_boot_addr(*f, r);
  }
  if (!in.image_key.empty() && !(sig && sig->signed_image) && !(elf && elf->signed_image)) {
    r.observed.set("image_key", in.image_key + " (not used: no signed image)");
  }
  if (elf && elf->kind == image::ImageKind::elf && sig && sig->kind == image::ImageKind::signed_image && sig->elf) {
    check_stale(*elf, *sig, r);
  }

  const auto& upload = sig ? *sig : *elf;
  if (!upload.readable) return r;
  if (upload.elf) check_loaded_elf(upload, in.remoteproc, r);
  auto f = image::facts_of(upload, in.elf);
  r.observed.set("upload", fmt::format("{} ({}, {} bytes)", f.upload_path, image::to_string(f.kind), f.upload_size));
  facts = std::move(f);
  return r;
}

}  // namespace stm32mp::steps
