// Unit tests of the target step and its probe (fake session) plus the probe script run by a real
// /bin/sh on this machine, so the escaping format is checked against real od/tr output.
#include <fstream>

#include <gtest/gtest.h>

#include "remote/fake_board_session.h"
#include "remote/fake_target_board.h"
#include "remote/probe_output.h"
#include "remote/target_probe.h"
#include "steps/target_step.h"
#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using testing::FakeBoardSession;
using testing::FakeInstance;
using testing::kv_hex;
using testing::be;
using testing::Board;
using testing::elf_image;
using testing::load;

struct Run {
  core::StepReport report;
  std::optional<remote::TargetFacts> facts;
  FakeBoardSession session;
};

std::unique_ptr<Run> run(const Board& b, std::optional<image::ImageFacts> image = elf_image(), std::string wanted = "m33") {
  auto r = std::make_unique<Run>();
  r->session.expect("echo probe.version=1", b.reply());
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{5000}), progress};
  TargetInputs in{std::move(wanted), "root", "10.77.1.2", std::move(image)};
  r->report = check_target(in, r->session, control, r->facts);
  return r;
}

TEST(TargetStep, HealthyBoardGivesFactsAndOnlyTheIndexInfo) {
  auto r = run(Board{});
  EXPECT_EQ(r->report.status, core::StepStatus::ok);
  ASSERT_TRUE(r->facts);
  EXPECT_EQ(r->facts->kernel_release, "6.6.78-stm32mp-r2");
  EXPECT_EQ(r->facts->dt_model, "STMicroelectronics STM32MP257F-DK Discovery Board");
  ASSERT_EQ(r->facts->instances.size(), 2u);
  EXPECT_EQ(r->facts->instances[1].name, "m33");
  EXPECT_EQ(r->facts->fw_free_bytes, 4096u * 1024u);
  ASSERT_EQ(r->facts->reserved_memory.size(), 6u);
  EXPECT_EQ(r->facts->reserved_memory[0].start, 0x80100000u);
  EXPECT_EQ(r->facts->reserved_memory[0].size, 0x800000u);
  EXPECT_EQ(r->facts->kernel_log_lines, 42u);
  EXPECT_EQ(r->report.observed.get("instance"), "remoteproc1 (m33)");
  ASSERT_EQ(r->report.diagnostics.size(), 1u);
  EXPECT_EQ(r->report.diagnostics[0].code, Code::InstanceNotRemoteproc0);
  EXPECT_NE(r->report.diagnostics[0].message.find("would load m0"), std::string::npos);
}

TEST(TargetStep, TheProbeIsFixedWhateverTheInputs) {
  auto r = run(Board{}, elf_image(), "$(reboot)'\n");
  ASSERT_EQ(r->session.commands.size(), 1u);
  EXPECT_EQ(r->session.commands[0], remote::target_probe_script());
  EXPECT_EQ(r->session.commands[0].find("reboot"), std::string::npos);
  EXPECT_TRUE(r->report.has(Code::RemoteprocNotFound));
}

TEST(TargetStep, MissingInstanceListsTheNamesFound_F11) {
  Board b;
  b.instances = {{0, "m0"}};
  auto r = run(b);
  ASSERT_TRUE(r->report.has(Code::RemoteprocNotFound));
  EXPECT_EQ(r->report.status, core::StepStatus::error);
  EXPECT_NE(r->report.diagnostics[0].message.find("found: remoteproc0=m0"), std::string::npos);
}

// ST stm32_rproc.c stm32_rproc_probe: dev_err_probe(dev, …, "signed firmware not supported by TEE") —
// printed once at boot; the TEE-mode instance is then never registered.
TEST(TargetStep, MissingTeeInstanceIsExplainedByTheBootLog_F11) {
  Board b;
  b.instances = {{0, "m0"}};
  b.tee_boot_log = "[    2.310000] stm32-rproc 0.m33: error -22: signed firmware not supported by TEE\n";
  auto r = run(b);
  ASSERT_TRUE(r->report.has(Code::TeeRprocProbeFailed));
  EXPECT_FALSE(r->report.has(Code::RemoteprocNotFound));
  EXPECT_NE(r->report.diagnostics[0].observed.get("evidence")->find("signed firmware not supported by TEE"),
            std::string::npos);
  ASSERT_TRUE(r->facts);
  EXPECT_EQ(r->facts->tee_boot_errors.size(), 1u);
}

TEST(TargetStep, TheProbeReadsTheBootLogForTheTaSession) {
  EXPECT_NE(remote::target_probe_script().find("signed firmware not supported by TEE"), std::string::npos);
  EXPECT_NE(remote::target_probe_script().find("tee_client_open_session failed"), std::string::npos);
}

// ST tee_remoteproc.c tee_rproc_start: "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: %x, ret:%x" as
// the last start-related line of the board's log: the TA still holds that image.
TEST(TargetStep, AFailedTaStartStillHeldIsAWarning) {
  Board b;
  b.ta_start_log = "[  300.000000] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: "
                   "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0\n";
  auto r = run(b);
  ASSERT_TRUE(r->report.has(Code::TaHoldsFailedImage));
  Board after_up;
  after_up.ta_start_log = "[  301.000000] remoteproc remoteproc1: remote processor m33 is now up\n";
  EXPECT_FALSE(run(after_up)->report.has(Code::TaHoldsFailedImage));
  EXPECT_NE(remote::target_probe_script().find("TA_RPROC_[A-Z_]*START[A-Z_]* invoke failed"), std::string::npos);
}

// remoteproc_core.c rproc_fw_boot prints "Booting fw image %s, size %zu" before ST's tee_rproc_start fails: that
// image is the one the TA holds, named in the warning and kept for the verify step (RPC038).
TEST(TargetStep, TheImageTheTaHoldsIsTheBootingLineBeforeTheFailedStart) {
  const std::string start_failed = "[  300.000000] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: "
                                   "TA_RPROC_FW_CMD_START_FW invoke failed TEE err: ffff0000, ret:0";
  const std::string booting = "[  299.900000] remoteproc remoteproc0: Booting fw image Old_sign.bin, size 70112";
  Board b;
  b.ta_start_log = booting + "\n" + start_failed + "\n";
  auto r = run(b);
  ASSERT_TRUE(r->facts);
  EXPECT_EQ(r->facts->ta_held_image, booting);
  ASSERT_TRUE(r->report.has(Code::TaHoldsFailedImage));
  for (const auto& d : r->report.diagnostics) {
    if (d.code == Code::TaHoldsFailedImage) {
      EXPECT_EQ(d.observed.get("held_image"), booting);
    }
  }
  // A failure without a Booting line before it: held, but not named.
  Board unnamed;
  unnamed.ta_start_log = start_failed + "\n";
  auto r2 = run(unnamed);
  ASSERT_TRUE(r2->facts);
  EXPECT_EQ(r2->facts->ta_failed_start, start_failed);
  EXPECT_TRUE(r2->facts->ta_held_image.empty());
}

TEST(TargetStep, M33TdBoardIsNamed_F12) {
  Board b;
  b.compatible = {"st,stm32mp257f-dk-cm33tdcid", "st,stm32mp257f-dk"};
  b.instances = {{0, "m0"}};
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::M33TdBoard));
  EXPECT_FALSE(r->report.has(Code::RemoteprocNotFound));
}

TEST(TargetStep, PlainElfOnTeeInstanceIsPredicted_F02) {
  Board b;
  b.instances[1].fw_format = "TEE";
  b.tee_ta = true;
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::PlainElfOnTeeInstance));
}

TEST(TargetStep, SignedImageOnElfInstanceIsPredicted_F01) {
  auto img = elf_image();
  img.kind = image::ImageKind::signed_image;
  auto r = run(Board{}, img);
  EXPECT_TRUE(r->report.has(Code::SignedImageOnElfInstance));
  EXPECT_FALSE(r->report.has(Code::PlainElfOnTeeInstance));
}

TEST(TargetStep, NotEnoughSpaceGivesTheNumbers_F10) {
  Board b;
  b.avail_kb = 10;
  auto r = run(b);
  ASSERT_TRUE(r->report.has(Code::FirmwareDirFull));
  const auto& d = r->report.diagnostics.back();
  EXPECT_EQ(d.observed.get("free_bytes"), "10240");
  EXPECT_EQ(d.observed.get("needed_bytes"), "100000");
}

// A cut upload leaves its temporary file; the next upload removes it first, so its bytes are not "used".
TEST(TargetStep, LeftoversOfACutUploadCountAsFreeSpace_F10) {
  Board b;
  b.avail_kb = 10;
  b.leftovers = {".fw.elf.prelaunch-tmp"};
  b.leftover_bytes = 95000;
  EXPECT_FALSE(run(b)->report.has(Code::FirmwareDirFull));
  b.leftover_bytes = 80000;  // 10240 + 80000 < 100000: still too small
  auto r = run(b);
  ASSERT_TRUE(r->report.has(Code::FirmwareDirFull));
  EXPECT_EQ(r->report.diagnostics.back().observed.get("free_bytes"), "90240");
}

TEST(TargetStep, ReadOnlyFirmwareDir_F10) {
  Board b;
  b.ro = true;
  b.writable = false;
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::FirmwareDirReadOnly));
  EXPECT_FALSE(r->report.has(Code::FirmwareDirNotWritable));
}

TEST(TargetStep, NotWritableWithoutReadOnly) {
  Board b;
  b.writable = false;
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::FirmwareDirNotWritable));
}

TEST(TargetStep, RunningInstanceWillBeStopped_F07) {
  Board b;
  b.instances[1].state = "running";
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::InstanceWillBeStopped));
  EXPECT_NE(r->report.status, core::StepStatus::error);
}

TEST(TargetStep, CrashedWithRecoveryDisabled_F08) {
  Board b;
  b.instances[1].state = "crashed";
  b.instances[1].recovery = "disabled";
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::CrashedRecoveryDisabled));
  EXPECT_EQ(r->report.status, core::StepStatus::warning);
}

TEST(TargetStep, DemoServiceWarning_F19) {
  Board b;
  b.demo = true;
  auto r = run(b);
  EXPECT_TRUE(r->report.has(Code::DemoServiceEnabled));
}

TEST(TargetStep, SegmentsOutsideTheCarveOuts_F05) {
  auto r = run(Board{}, elf_image({load(0x80100000, 0x1000), load(0x90000000, 0x1000)}));
  ASSERT_TRUE(r->report.has(Code::SegmentsOutsideCarveOuts));
  const auto& d = r->report.diagnostics.back();
  EXPECT_EQ(d.observed.get("outside"), "0x90000000+0x1000");
  EXPECT_NE(d.observed.get("regions")->find("cm33-cube-fw@80100000 [0x80100000..0x80900000)"), std::string::npos);
  EXPECT_EQ(d.observed.get("regions")->find("op-tee"), std::string::npos);
}

TEST(TargetStep, SystemBuffersAreNoCarveOutButUnknownRegionsStayAvailable_F05) {
  // The EV1's SCMI page sits where the DK's SRAM1 begins: never a place for the M33's image.
  auto scmi = run(Board{}, elf_image({load(0x80100000, 0x1000), load(0x0a041000, 0x44)}));
  ASSERT_TRUE(scmi->report.has(Code::SegmentsOutsideCarveOuts));
  EXPECT_EQ(scmi->report.diagnostics.back().observed.get("outside"), "0xa041000+0x44");
  EXPECT_EQ(scmi->report.diagnostics.back().observed.get("regions")->find("scmi"), std::string::npos);
  // A region whose name we do not know may be a custom board's carve-out: no false error.
  auto custom = run(Board{}, elf_image({load(0x80100000, 0x1000), load(0x88000000, 0x1000)}));
  EXPECT_FALSE(custom->report.has(Code::SegmentsOutsideCarveOuts));
}

TEST(TargetStep, TheDeviceTreesMemoryRegionLinksDecideOwnership_F05) {
  Board linked;
  linked.dt_links = true;
  // board-extra is not in m33's memory-region: outside, although its name claims nothing.
  auto r = run(linked, elf_image({load(0x80100000, 0x1000), load(0x88000000, 0x1000)}));
  ASSERT_TRUE(r->report.has(Code::SegmentsOutsideCarveOuts));
  EXPECT_EQ(r->report.diagnostics.back().observed.get("outside"), "0x88000000+0x1000");
  EXPECT_EQ(r->report.diagnostics.back().observed.get("regions"),
            "cm33-cube-fw@80100000 [0x80100000..0x80900000), cm33-cube-data@80a00000 [0x80a00000..0x81200000)");
  ASSERT_TRUE(r->facts);
  EXPECT_EQ(r->facts->reserved_memory[2].owners, std::vector<std::string>{"m0"}) << "cpu-m0plus is m0 by its compatible";
  // The same image on the m0 is named as an M33 image by the links too.
  auto m0 = run(linked, elf_image(), "m0");
  EXPECT_TRUE(m0->report.has(Code::ImageForOtherCore));
}

TEST(TargetStep, M33ImageForTheM0IsNamed_F04) {
  auto r = run(Board{}, elf_image(), "m0");
  ASSERT_TRUE(r->report.has(Code::ImageForOtherCore));
  EXPECT_NE(r->report.diagnostics.back().fix.find("--remoteproc m33"), std::string::npos);
}

TEST(TargetStep, ExecFailureIsTheProbeCode) {
  FakeBoardSession s;
  s.expect_error("", ports::RemoteError::Kind::disconnected, "socket closed");
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{1000}), progress};
  std::optional<remote::TargetFacts> facts;
  auto report = check_target({"m33", "root", "h", std::nullopt}, s, control, facts);
  ASSERT_TRUE(report.has(Code::TargetProbeFailed));
  EXPECT_NE(report.diagnostics[0].message.find("connection lost (socket closed)"), std::string::npos);
  EXPECT_FALSE(facts);
}

TEST(TargetStep, CutShortReplyIsTheProbeCode) {
  FakeBoardSession s;
  s.expect("", "probe.version=1\nfw.dir=yes\n");
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{1000}), progress};
  std::optional<remote::TargetFacts> facts;
  auto report = check_target({"m33", "root", "h", std::nullopt}, s, control, facts);
  ASSERT_TRUE(report.has(Code::TargetProbeFailed));
  EXPECT_NE(report.diagnostics[0].message.find("cut short"), std::string::npos);
}

TEST(ProbeOutput, DecodesHexAndKeepsRepeatedKeys) {
  auto p = remote::ProbeOutput::parse("a=1\nb#=6d33330a\nc#=61\nc#=62\n\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->get("a"), "1");
  EXPECT_EQ(p->get("b"), "m33\n");
  EXPECT_EQ(p->get_all("c"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(remote::ProbeOutput::parse("novalue\n"));
  EXPECT_FALSE(remote::ProbeOutput::parse("k#=6\n"));
  EXPECT_FALSE(remote::ProbeOutput::parse("k#=zz\n"));
}

TEST(ProbeOutput, RealShellEscapingRoundTripsHostileBytes) {
  // The prelude's h function, run by the real /bin/sh with od and tr, on a value holding a newline,
  // quotes, $() and a NUL.
  const std::string hostile = std::string("a b'c\"$(echo no)\n`x`\\") + '\0' + "end";
  std::string script(remote::probe_shell_prelude());
  script += "printf 'v#='; printf 'a b'\\''c\"$(echo no)\\n`x`\\\\\\000end' | h; echo\n";
  auto r = testing::run_process({"/bin/sh", "-c", script});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = remote::ProbeOutput::parse(r.out);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->get("v"), hostile);
}

TEST(ProbeOutput, TheRealProbeScriptRunsAndParsesOnThisMachine) {
  // No remoteproc here, but every line the script prints must parse and the end marker must come.
  auto r = testing::run_process({"/bin/sh", "-c", remote::target_probe_script()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto p = remote::ProbeOutput::parse(r.out);
  ASSERT_TRUE(p) << p.error() << "\n" << r.out;
  auto f = remote::parse_target_facts(*p);
  ASSERT_TRUE(f) << f.error();
  EXPECT_FALSE(f->kernel_release.empty());
}

// The image's name reaches the probe on stdin, never in the command: a plain name is read (here: no such file),
// a path or a dot name is not looked at, and no name at all leaves the copy unread.
TEST(ProbeOutput, TheImageNameOnStdinIsTheOnlyFileThatIsRead) {
  testing::TempDir dir;
  const auto script = dir.file("probe.sh");
  std::ofstream(script) << remote::target_probe_script();
  const auto probe = [&](const std::string& input) {
    auto r = testing::run_process({"/bin/sh", "-c", "printf '%s' \"$1\" | /bin/sh \"$2\"", "sh", input, script});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto p = remote::ProbeOutput::parse(r.out);
    EXPECT_TRUE(p) << r.out;
    auto f = remote::parse_target_facts(*p);
    EXPECT_TRUE(f) << r.out;
    return f ? f->image_copy : std::nullopt;
  };
  const auto missing = probe(remote::probe_input("prelaunch-no-such-image.elf"));
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->exists);
  EXPECT_FALSE(probe("../../etc/passwd\n"));
  EXPECT_FALSE(probe("..\n"));
  EXPECT_FALSE(probe(""));
  EXPECT_EQ(remote::probe_input("a/b.elf"), "");
  EXPECT_EQ(remote::probe_input("two\nlines.elf"), "");
  EXPECT_EQ(remote::probe_input("fw 'x' $(id).elf"), "fw 'x' $(id).elf\n");
}

TEST(ParseReg, OneAndTwoCellLayouts) {
  auto two = remote::parse_reg("n", be(0x80100000, 8) + be(0x800000, 8), 2, 2);
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0].start, 0x80100000u);
  auto one = remote::parse_reg("n", be(0x10000000, 4) + be(0x1000, 4) + be(0x20000000, 4) + be(0x2000, 4), 1, 1);
  ASSERT_EQ(one.size(), 2u);
  EXPECT_EQ(one[1].start, 0x20000000u);
  EXPECT_EQ(one[1].size, 0x2000u);
}

}  // namespace
}  // namespace stm32mp::steps
