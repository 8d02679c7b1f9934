// `stm32mp-prelaunch sign`: writes a signed remoteproc image in the current OP-TEE format, as
// sign_rproc_fw.py does (ST's TLV order by default, upstream's on request), without Python,
// pyelftools or pycryptodomex. A pass phrase comes from an environment variable or a file, never
// from the command line (it would show in ps and shell history) and never reaches the report.
#include <cstdlib>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "adapters/openssl/openssl_cipher.h"
#include "adapters/openssl/openssl_crypto.h"
#include "cli/command.h"
#include "core/render/json_renderer.h"
#include "core/render/text_renderer.h"
#include "files/input_file.h"
#include "image/inspection.h"
#include "image/signer.h"
#include "ports/platform.h"

namespace stm32mp::cli {
namespace {

namespace ossl = adapters::openssl;

struct SignOptions {
  std::vector<std::string> in;
  std::string out;
  std::string key;
  std::string key_type = "rsa";
  std::string tlv_order = "st";
  std::string key_info;
  std::string enc_key;
  std::string key_pass_env;
  std::string key_pass_file;
  std::vector<std::pair<std::string, std::string>> plat_tlvs;
  bool json = false;
  bool no_color = false;
};

// A small binary input (key info, AES key) or the reason it cannot be read.
core::expected<std::vector<std::uint8_t>, std::string> read_small_file(const std::string& path) {
  auto content = files::read_input_file(path, files::kMaxKeyFileBytes);
  if (!content) return core::unexpected{content.error().reason};
  return std::vector<std::uint8_t>(content->begin(), content->end());
}

// The pass phrase of an encrypted key: nullopt when none was asked for; an error names the source,
// never the content.
core::expected<std::optional<std::string>, std::string> pass_phrase(const SignOptions& o) {
  if (!o.key_pass_env.empty()) {
    const char* v = std::getenv(o.key_pass_env.c_str());
    if (v == nullptr) return core::unexpected{"the environment variable " + o.key_pass_env + " (--key-pass-env) is not set"};
    return std::optional<std::string>(v);
  }
  if (!o.key_pass_file.empty()) {
    auto content = files::read_input_file(o.key_pass_file, files::kMaxKeyFileBytes);
    if (!content) return core::unexpected{"the pass-phrase file " + o.key_pass_file + ": " + content.error().reason};
    // One line, as `openssl … -passin file:` reads it.
    std::string line = content->substr(0, content->find('\n'));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return std::optional<std::string>(line);
  }
  return std::optional<std::string>();
}

core::StepReport sign(const SignOptions& o) {
  core::StepReport r("sign", "Sign firmware image");
  for (std::size_t i = 0; i < o.in.size(); ++i) r.observed.set(o.in.size() == 1 ? "in" : fmt::format("in{}", i), o.in[i]);
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
  std::vector<std::vector<std::uint8_t>> elfs;
  for (const auto& path : o.in) {
    auto elf = image::read_image_file(path);
    if (!elf) {
      r.add(core::Code::ImageUnreadable, {{"path", path}, {"reason", elf.error()}});
      return r;
    }
    elfs.push_back(std::move(*elf));
  }
  image::SignRequest request;
  request.order = o.tlv_order == "upstream" ? image::TlvOrder::upstream : image::TlvOrder::st;
  if (!o.key_info.empty()) {
    auto info = read_small_file(o.key_info);
    if (!info || info->empty()) {
      r.add(core::Code::KeyUnusable, {{"key", o.key_info}, {"reason", info ? std::string("the --key-info file is empty") : info.error()}});
      return r;
    }
    request.key_info = std::move(*info);
  }
  if (!o.enc_key.empty()) {
    auto aes = read_small_file(o.enc_key);
    if (aes && aes->size() != 16 && aes->size() != 24 && aes->size() != 32) {
      aes = core::unexpected{fmt::format("{} bytes; an AES key file holds 16, 24 or 32 raw bytes (ST's script: 32 for AES-256)", aes->size())};
    }
    if (!aes) {
      r.add(core::Code::KeyUnusable, {{"key", o.enc_key}, {"reason", aes.error()}});
      return r;
    }
    request.enc_key = std::move(*aes);
  }
  auto phrase = pass_phrase(o);
  if (!phrase) {
    r.add(core::Code::KeyUnusable, {{"key", o.key}, {"reason", phrase.error()}});
    return r;
  }
  auto key = ossl::load_private_key(o.key, *phrase);
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
  request.sign_type = wanted == ossl::KeyKind::rsa ? image::SignType::rsa_pkcs1_sha256 : image::SignType::ecdsa_p256_sha256;
  request.signature_size = key->signature_size();
  request.platform_tlvs = tlvs;
  const auto& k = *key;
  std::vector<image::Bytes> inputs(elfs.begin(), elfs.end());
  const image::SignCrypto crypto{[](image::Bytes b) { return ossl::sha256(b); },
                                 [&k](image::Bytes b) { return ossl::sign_sha256(k, b); },
                                 [](image::Bytes aes, std::span<const std::uint8_t, 16> iv, image::Bytes plain) {
                                   return ossl::aes_cbc_encrypt(aes, iv, plain);
                                 },
                                 [] { return ossl::random_iv(); }};
  auto out = image::build_signed_image(inputs, request, crypto);
  if (!out) {
    if (out.error().format) r.add(image::format_diagnostic(o.in[out.error().input], *out.error().format));
    else r.add(core::Code::KeyUnusable, {{"key", o.enc_key.empty() ? o.key : o.enc_key}, {"reason", out.error().reason}});
    return r;
  }
  if (auto failure = ports::write_file_atomically(o.out, *out)) {
    r.add(core::Code::SignOutputFailed, {{"out", o.out}, {"reason", *failure}});
    return r;
  }
  r.observed.set("sign_type", image::sign_type_name(request.sign_type));
  r.observed.set("tlv_order", request.order == image::TlvOrder::st ? "st (ST's sign_rproc_fw.py)" : "upstream (OP-TEE's sign_rproc_fw.py)");
  if (request.enc_key) r.observed.set("encryption", fmt::format("AES-{}-CBC, a random IV per segment", request.enc_key->size() * 8));
  if (!request.key_info.empty()) r.observed.set("key_info", fmt::format("PKEYINFO, {} bytes from {}", request.key_info.size(), o.key_info));
  for (const auto& t : tlvs) r.observed.set(fmt::format("plat_tlv {}", image::tlv_name(t.type)), fmt::format("{} bytes", t.value.size()));
  r.observed.set("out_size", std::to_string(out->size()));
  r.observed.set("out_sha256", ossl::to_hex(ossl::sha256(*out)));
  return r;
}

}  // namespace

void add_sign_command(CLI::App& app, CommandOutcome& outcome) {
  auto o = std::make_shared<SignOptions>();
  auto* cmd = app.add_subcommand("sign", "Sign a Cortex-M ELF for OP-TEE's remoteproc (the format of sign_rproc_fw.py).");
  cmd->add_option("--in", o->in, "ELF to sign (usually <P>_CM33_NonSecure_stripped.elf); repeat it for several images in one file")
      ->required()
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--out", o->out, "Signed image to write (<P>_CM33_NonSecure_sign.bin)")->required();
  cmd->add_option("--key", o->key, "PEM private key (RSA, or EC P-256 with --key-type ecc)")->required();
  cmd->add_option("--key-type", o->key_type, "rsa (PKCS#1 v1.5 SHA-256, default) or ecc (ECDSA P-256 SHA-256)")
      ->transform(CLI::IsMember({"rsa", "ecc"}, CLI::ignore_case))
      ->capture_default_str();
  cmd->add_option("--tlv-order", o->tlv_order, "st (ST's sign_rproc_fw.py, default) or upstream (OP-TEE's); both load")
      ->transform(CLI::IsMember({"st", "upstream"}, CLI::ignore_case))
      ->capture_default_str();
  cmd->add_option("--key-info", o->key_info, "File stored as the PKEYINFO TLV (ST: the DER public key, openssl pkey -pubout -outform DER)");
  cmd->add_option("--enc-key", o->enc_key, "Raw AES key file (16, 24 or 32 bytes): encrypt each segment with AES-CBC, as ST's --enc_key");
  auto* pass_env = cmd->add_option("--key-pass-env", o->key_pass_env, "Environment variable holding the pass phrase of an encrypted --key");
  cmd->add_option("--key-pass-file", o->key_pass_file, "File whose first line is the pass phrase of an encrypted --key")->excludes(pass_env);
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
