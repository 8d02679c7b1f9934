// The image step on a 64 MiB image (issue 12: the CLI's peak RSS < 20 MB). Its own executable, so that the
// process's high-water mark (VmHWM) is this test's: before the step it holds only the test's own set-up, and
// the step may add its tables and a chunk or two, never the file. On main's code (the whole file read into
// Inspection::content, then hashed) the growth was the file's size, 64 MiB, and more with a signed image.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/code_registry.h"
#include "image/image_facts.h"
#include "image/image_test_support.h"
#include "image/inspection.h"
#include "steps/image_step.h"

namespace stm32mp::steps {
namespace {

namespace fs = std::filesystem;
using stm32mp::testing::firmware;
using stm32mp::testing::firmware_key;

// False in a sanitizer build (image_tests.cmake): the peak then reflects the sanitizer's quarantine and shadow
// memory, and only what the streamed reads found is checked.
constexpr bool kPeakRssMeaningful = PRELAUNCH_PEAK_RSS_MEANINGFUL != 0;

// Growth of the peak RSS by less than `limit_kib`, where the peak means something.
void expect_peak_growth_below(std::uint64_t before, std::uint64_t after, std::uint64_t limit_kib) {
  if (!kPeakRssMeaningful) return;
  EXPECT_LT(after - before, limit_kib) << "peak RSS grew from " << before << " KiB to " << after << " KiB";
}

// Peak resident set of this process so far, in KiB (Linux: /proc/self/status).
std::uint64_t peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6));
  }
  ADD_FAILURE() << "no VmHWM in /proc/self/status";
  return 0;
}

// A directory under /tmp (never the user's home, whatever TMPDIR says), removed at the end.
struct TmpDir {
  TmpDir() {
    std::string pattern = "/tmp/prelaunch-stream-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path = pattern;
  }
  ~TmpDir() {
    std::error_code ec;
    if (!path.empty()) fs::remove_all(path, ec);
  }
  fs::path path;
};

// A real arm-none-eabi-gcc ELF padded with zeros to `size` bytes (as bench/run.sh does with truncate): the
// loader ignores what follows the sections, every byte is still read and hashed.
std::string padded_elf(const fs::path& dir, const std::string& name, std::uint64_t size) {
  const auto path = dir / name;
  fs::copy_file(firmware("m33_ns.elf"), path);
  fs::resize_file(path, size);
  return path.string();
}

TEST(ImageStream, A64MiBImageAndItsSignedCopyAreCheckedWithoutHoldingThem) {
  TmpDir dir;
  ASSERT_FALSE(dir.path.empty());
  const auto elf = padded_elf(dir.path, "big.elf", 64ULL << 20);
  // Signed from a copy padded a little less, so that the signed image stays within the 64 MiB cap; the signer
  // (which holds what it signs) runs in its own process, the CLI, so that its peak is not this process's.
  const auto to_sign = padded_elf(dir.path, "to_sign.elf", (64ULL << 20) - (64U << 10));
  const auto sig = (dir.path / "big_sign.bin").string();
  const auto signer = stm32mp::testing::cli({"sign", "--in", to_sign, "--out", sig, "--key", firmware_key("test_rsa2048.pem")});
  ASSERT_EQ(signer.exit_code, 0) << signer.out << signer.err;
  const auto digest = stm32mp::testing::openssl({"dgst", "-sha256", "-r", elf});
  ASSERT_EQ(digest.exit_code, 0) << digest.err;

  const auto before = peak_rss_kib();
  std::optional<image::ImageFacts> facts;
  const auto r = check_image({elf, sig, firmware_key("test_rsa2048.pub.pem"), "m33"}, facts);
  const auto after = peak_rss_kib();

  // Every check ran on the whole of both files: sizes, whole-file hash, segment hashes, signature, stale check.
  for (const auto& d : r.diagnostics) ADD_FAILURE() << core::info(d.code).id << ": " << d.message;
  EXPECT_EQ(r.observed.get("elf.size"), std::to_string(64ULL << 20));
  EXPECT_EQ(r.observed.get("elf.sha256"), digest.out.substr(0, 64));
  EXPECT_EQ(r.observed.get("signed.size"), std::to_string(fs::file_size(sig)));
  EXPECT_EQ(r.observed.get("signed.segment_hashes"), "all match the embedded ELF");
  EXPECT_EQ(r.observed.get("signed.signature").value_or("").rfind("verified with ", 0), 0U) << r.observed.get("signed.signature").value_or("");
  EXPECT_EQ(r.observed.get("stale_check"), "the signed image holds the ELF's segments");
  ASSERT_TRUE(facts.has_value());
  EXPECT_EQ(facts->upload_size, fs::file_size(sig));

  // 12 MiB: the tables and 1 MiB chunks fit many times over; one copy of either file does not.
  expect_peak_growth_below(before, after, 12U << 10);
  std::printf("peak RSS: %llu KiB before the step, %llu KiB after\n", static_cast<unsigned long long>(before), static_cast<unsigned long long>(after));
}

TEST(ImageStream, FactsWithoutTheStepOfA64MiBImageAreReadWithoutHoldingIt) {
  TmpDir dir;
  ASSERT_FALSE(dir.path.empty());
  const auto elf = padded_elf(dir.path, "big.elf", 64ULL << 20);
  const auto before = peak_rss_kib();
  const auto facts = image::read_image_facts(elf, elf);  // --skip image
  const auto after = peak_rss_kib();
  ASSERT_TRUE(facts.has_value()) << facts.error();
  EXPECT_EQ(facts->upload_size, 64ULL << 20);
  EXPECT_EQ(facts->segments.size(), 3U);
  expect_peak_growth_below(before, after, 12U << 10);
}

// The peak RSS of a child process, in KiB (wait4's ru_maxrss), or 0 when it did not exit with status 0.
std::uint64_t child_peak_rss_kib(std::vector<std::string> argv) {
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);  // the report itself is not looked at here
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return 0;
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss);
}

// The CLI as a user runs it (issue 12's figure is the CLI's peak RSS, < 20 MB): `inspect` of a 64 MiB ELF.
TEST(ImageStream, TheCliInspectsA64MiBImageInLessThan20MB) {
  TmpDir dir;
  ASSERT_FALSE(dir.path.empty());
  const auto elf = padded_elf(dir.path, "big.elf", 64ULL << 20);
  const auto rss = child_peak_rss_kib({PRELAUNCH_CLI, "inspect", "--json", elf});
  ASSERT_GT(rss, 0U) << "inspect did not succeed";
  if (kPeakRssMeaningful) {
    EXPECT_LT(rss, 20000U) << "the CLI peaked at " << rss << " KiB";
  }
  std::printf("inspect of a 64 MiB ELF: peak RSS %llu KiB\n", static_cast<unsigned long long>(rss));
}

}  // namespace
}  // namespace stm32mp::steps
