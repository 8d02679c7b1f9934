// `stm32mp-prelaunch sign`: writes a signed remoteproc image in the current OP-TEE format, as
// OP-TEE's scripts/sign_rproc_fw.py does, without Python, pyelftools or pycryptodomex.
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "adapters/openssl/openssl_crypto.h"
#include "cli/command.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "image/inspection.h"
#include "image/signer.h"
#include "ports/platform.h"

namespace stm32mp::cli {
namespace {

namespace ossl = adapters::openssl;

struct SignOptions {
  std::string in;
  std::string out;
  std::string key;
  std::string key_type = "rsa";
  std::vector<std::pair<std::string, std::string>> plat_tlvs;
  bool json = false;
  bool no_color = false;
};

core::StepReport sign(const SignOptions& o) {
  core::StepReport r("sign", "Sign firmware image");
  r.observed.set("in", o.in);
  r.observed.set("out", o.out);
  std::vector<image::PlatformTlv> tlvs;
  for (const auto& [id, value] : o.plat_tlvs) {
    auto t = image::parse_platform_tlv(id, value);
    if (!t) throw CLI::ValidationError("--plat-tlv", t.error());
    // sign_rproc_fw.py keeps one value per id (a dict); a repeated id is a mistake, not an override.
    for (const auto& earlier : tlvs) {
      if (earlier.type == t->type) throw CLI::ValidationError("--plat-tlv", "TLV " + id + " given twice");
    }
    tlvs.push_back(std::move(*t));
  }
  auto elf = image::read_image_file(o.in);
  if (!elf) {
    r.add(core::Code::ImageUnreadable, {{"path", o.in}, {"reason", elf.error()}});
    return r;
  }
  auto key = ossl::load_private_key(o.key);
  if (!key) {
    r.add(core::Code::KeyUnusable, {{"key", o.key}, {"reason", key.error()}});
    return r;
  }
  const auto wanted = o.key_type == "ecc" ? ossl::KeyKind::ec_p256 : ossl::KeyKind::rsa;
  r.observed.set("key", o.key + " (" + key->description() + ")");
  if (key->kind() != wanted) {
    r.add(core::Code::KeyUnusable, {{"key", o.key},
                                    {"reason", key->description() + " does not fit --key-type " + o.key_type +
                                                   " (rsa: an RSA key; ecc: an EC P-256 key)"}});
    return r;
  }
  image::SignRequest request;
  request.sign_type = wanted == ossl::KeyKind::rsa ? image::SignType::rsa_pkcs1_sha256 : image::SignType::ecdsa_p256_sha256;
  request.signature_size = key->signature_size();
  request.platform_tlvs = tlvs;
  const auto& k = *key;
  auto out = image::build_signed_image(
      *elf, request, [](image::Bytes b) { return ossl::sha256(b); },
      [&k](image::Bytes b) { return ossl::sign_sha256(k, b); });
  if (!out) {
    if (out.error().format) r.add(image::format_diagnostic(o.in, *out.error().format));
    else r.add(core::Code::KeyUnusable, {{"key", o.key}, {"reason", out.error().reason}});
    return r;
  }
  if (auto failure = ports::write_file_atomically(o.out, *out)) {
    r.add(core::Code::SignOutputFailed, {{"out", o.out}, {"reason", *failure}});
    return r;
  }
  r.observed.set("sign_type", image::sign_type_name(request.sign_type));
  for (const auto& t : tlvs) r.observed.set(fmt::format("plat_tlv {}", image::tlv_name(t.type)), fmt::format("{} bytes", t.value.size()));
  r.observed.set("out_size", std::to_string(out->size()));
  r.observed.set("out_sha256", ossl::to_hex(ossl::sha256(*out)));
  return r;
}

}  // namespace

void add_sign_command(CLI::App& app, CommandOutcome& outcome) {
  auto o = std::make_shared<SignOptions>();
  auto* cmd = app.add_subcommand("sign", "Sign a Cortex-M ELF for OP-TEE's remoteproc (the format of sign_rproc_fw.py).");
  cmd->add_option("--in", o->in, "ELF to sign (usually <P>_CM33_NonSecure_stripped.elf)")->required();
  cmd->add_option("--out", o->out, "Signed image to write (<P>_CM33_NonSecure_sign.bin)")->required();
  cmd->add_option("--key", o->key, "PEM private key (RSA, or EC P-256 with --key-type ecc)")->required();
  cmd->add_option("--key-type", o->key_type, "rsa (PKCS#1 v1.5 SHA-256, default) or ecc (ECDSA P-256 SHA-256)")
      ->transform(CLI::IsMember({"rsa", "ecc"}, CLI::ignore_case))
      ->capture_default_str();
  cmd->add_option("--plat-tlv", o->plat_tlvs, "Platform TLV: NAME|ID VALUE, e.g. BOOTADDR 0x80100000 (repeatable)");
  cmd->add_flag("--json", o->json, "Print the report as JSON (schema_version 1) on stdout");
  cmd->add_flag("--no-color", o->no_color, "Never colour the output");
  cmd->callback([o, &outcome] {
    core::Report report;
    report.steps.push_back(sign(*o));
    std::cout << (o->json ? core::render::render_json(report) : core::render::render_text(report, {colour_wanted(o->no_color), true}));
    std::cout.flush();
    outcome.exit_code = report.ok() ? kExitOk : kExitStepError;
  });
}

}  // namespace stm32mp::cli
