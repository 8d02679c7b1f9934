#include "api/request.h"
#include "core/code_registry.h"

#include <gtest/gtest.h>

namespace stm32mp::api {
namespace {

TEST(Request, ReadsTheCliOptionNames) {
  const auto s = parse_request(R"({"serial":"/dev/ttyACM0","host":"10.0.0.2","port":2222,"only":["devices","serial-port"],
                                  "password":"x","signed":"a_sign.bin","timeout_ms":5000})");
  EXPECT_EQ(s.serial, "/dev/ttyACM0");
  EXPECT_EQ(s.port, 2222);
  EXPECT_EQ(s.only, (std::vector<std::string>{"devices", "serial-port"}));
  EXPECT_EQ(s.signed_image, "a_sign.bin");
  EXPECT_EQ(s.user, "root");
  EXPECT_EQ(s.timeout_ms, 5000);
  EXPECT_EQ(s.diagnose_since_ms, 0);
  EXPECT_EQ(parse_request(R"({"diagnose_since_ms":12000})").diagnose_since_ms, 12000);
}

TEST(Request, ErrorsSayWhichFieldAndWhatWasExpected) {
  try {
    (void)parse_request(R"({"port":"22"})");
    FAIL() << "a string port was accepted";
  } catch (const RequestError& e) {
    EXPECT_EQ(e.registry_code(), core::Code::RequestWrongType);
    EXPECT_STREQ(e.what(), "Request field 'port' must be an integer");
  }
  try {
    (void)parse_request(R"({"hots":"x"})");
    FAIL() << "an unknown key was accepted";
  } catch (const RequestError& e) {
    EXPECT_STREQ(e.what(), "Unknown request field 'hots'");
  }
}

TEST(Request, CarriesTheUploadPathAndTheSshConfiguration) {
  // --no-exec-upload and --ssh-config in the bridge's request (issue 11).
  const auto plain = parse_request(R"({"host":"board"})");
  EXPECT_TRUE(plain.exec_upload);
  EXPECT_EQ(plain.ssh_config, "");
  EXPECT_FALSE(plain.port_given);
  EXPECT_FALSE(plain.user_given);
  const auto s = parse_request(R"({"host":"board","exec_upload":false,"ssh_config":"/tmp/cfg","port":22,"user":"root"})");
  EXPECT_FALSE(s.exec_upload);
  EXPECT_EQ(s.ssh_config, "/tmp/cfg");
  EXPECT_TRUE(s.port_given);  // explicitly given, even equal to the default: it wins over the configuration
  EXPECT_TRUE(s.user_given);
  EXPECT_TRUE(parse_request(R"({"exec_upload":true})").exec_upload);
  EXPECT_THROW((void)parse_request(R"({"exec_upload":"no"})"), RequestError);
  EXPECT_THROW((void)parse_request(R"({"exec_upload":0})"), RequestError);
}

TEST(Request, AMissingHostKeyPolicyIsStrictAndNotGiven) {
  // The plug-in leaves host_key_policy out unless the user chose one (issue 11): the engine's default is strict, and
  // "not given" lets an SSH configuration's StrictHostKeyChecking accept-new apply, as from the CLI.
  const auto plain = parse_request(R"({"host":"board"})");
  EXPECT_EQ(plain.host_key_policy, "strict");
  EXPECT_FALSE(plain.host_key_policy_given);
  const auto given = parse_request(R"({"host":"board","host_key_policy":"accept-new"})");
  EXPECT_EQ(given.host_key_policy, "accept-new");
  EXPECT_TRUE(given.host_key_policy_given);
  EXPECT_TRUE(parse_request(R"({"host_key_policy":"strict"})").host_key_policy_given);
}

TEST(Request, RefusesMalformedInputWithACode) {
  const auto code_of = [](const char* json) {
    try {
      (void)parse_request(json);
    } catch (const RequestError& e) {
      return e.code();
    }
    return std::string("none");
  };
  // The registry's REQ codes (request.def): Code::RequestNotJson, RequestUnknownKey, RequestWrongType,
  // RequestUnknownStep, RequestBadValue.
  EXPECT_EQ(code_of("{"), core::info(core::Code::RequestNotJson).id);
  EXPECT_EQ(code_of("[]"), "REQ001");
  EXPECT_EQ(code_of(R"({"hots":"x"})"), core::info(core::Code::RequestUnknownKey).id);
  EXPECT_EQ(code_of(R"({"port":"22"})"), core::info(core::Code::RequestWrongType).id);
  EXPECT_EQ(code_of(R"({"only":["devicez"]})"), core::info(core::Code::RequestUnknownStep).id);
  EXPECT_EQ(code_of(R"({"timeout_ms":0})"), core::info(core::Code::RequestBadValue).id);
  EXPECT_EQ(code_of(R"({"diagnose_since_ms":-1})"), "REQ005");
  // A number too large for a double is nlohmann's out_of_range, not a parse_error (found by fuzz_request).
  EXPECT_EQ(code_of(R"({"timeout_ms":777E777777777})"), "REQ001");
}

}  // namespace
}  // namespace stm32mp::api
