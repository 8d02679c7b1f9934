// `stm32mp-prelaunch log`: a saved capture diagnosed like the live board (exit codes, JSON, stdin).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>

#include "support/run_process.h"
#include "support/temp_dir.h"

namespace stm32mp::testing {
namespace {

ProcessResult cli(std::vector<std::string> args) {
  args.insert(args.begin(), PRELAUNCH_CLI);
  return run_process(args, {}, 60000);
}

std::string save(const TempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir.file(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// A user's dmesg of a signed image refused by ST's OP-TEE (ST tee_remoteproc.c format "%x, ret:%x"),
// with serial-console noise and CRLF line ends around it.
const std::string kRefused =
    "root@stm32mp2:~# dmesg | tail\r\n"
    "[  412.301000] remoteproc remoteproc0: powering up m33\r\n"
    "[  412.301180] tee_remoteproc optee-ta-80a4c275-0a47-4905-8285-1486a9771a08: TA_RPROC_FW_CMD_LOAD_FW invoke failed TEE err: ffff3072, ret:0\r\n"
    "[  412.301200] remoteproc remoteproc0: Boot failed: -5\r\n"
    "root@stm32mp2:~# \r\n";

TEST(LogCommand, RefusedSignedImageExitsOneWithTheRemoteprocCode) {
  TempDir dir;
  const auto r = cli({"log", save(dir, "dmesg.txt", kRefused), "--image-kind", "signed", "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  const auto& d = j["steps"][0]["diagnostics"][0];
  EXPECT_EQ(d["code"], "RPC003");
  EXPECT_EQ(d["observed"]["tee_name"], "TEE_ERROR_SIGNATURE_INVALID");
  EXPECT_NE(d["message"].get<std::string>().find("remoteproc0 (m33)"), std::string::npos);
}

TEST(LogCommand, HealthyLogFromStandardInputExitsZero) {
  TempDir dir;
  const auto path = save(dir, "ok.txt",
                         "[  200.100000] remoteproc remoteproc0: powering up m33\n"
                         "[  200.102000] remoteproc remoteproc0: Booting fw image Blink.elf, size 70000\n"
                         "[  200.135500] remoteproc remoteproc0: remote processor m33 is now up\n");
  const auto r = run_process({"/bin/sh", "-c", "exec \"$0\" log - < \"$1\"", PRELAUNCH_CLI, path}, {}, 60000);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("log"), std::string::npos) << r.out;
}

TEST(LogCommand, MisalignedBootAddressIsAFailureDespiteTheUpLine) {
  // ST stm32_rproc.c stm32_rproc_start: "Boot address is %#llx no aligned on mask %#x", then "is now up".
  TempDir dir;
  const auto r = cli({"log", "--json",
                      save(dir, "up.txt",
                           "[ 1.0] remoteproc remoteproc0: powering up m33\n"
                           "[ 1.0] remoteproc remoteproc0: Boot address is 0x80100040 no aligned on mask 0xffffff80\n"
                           "[ 1.0] remoteproc remoteproc0: remote processor m33 is now up\n")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(nlohmann::json::parse(r.out)["steps"][0]["diagnostics"][0]["code"], "VFY005");
}

TEST(LogCommand, UnreadableFileIsADiagnosticNotACrash) {
  TempDir dir;
  const auto r = cli({"log", "--json", dir.file("missing.txt")});
  EXPECT_EQ(r.exit_code, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["steps"][0]["diagnostics"][0]["code"], "RPC024");
  EXPECT_NE(j["steps"][0]["diagnostics"][0]["message"].get<std::string>().find("No such file"), std::string::npos);
}

}  // namespace
}  // namespace stm32mp::testing
