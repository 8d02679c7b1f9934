#include "api/request.h"

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

TEST(Request, RefusesMalformedInputWithACode) {
  const auto code_of = [](const char* json) {
    try {
      (void)parse_request(json);
    } catch (const RequestError& e) {
      return e.code();
    }
    return std::string("none");
  };
  EXPECT_EQ(code_of("{"), "REQUEST_JSON");
  EXPECT_EQ(code_of("[]"), "REQUEST_JSON");
  EXPECT_EQ(code_of(R"({"hots":"x"})"), "REQUEST_KEY");
  EXPECT_EQ(code_of(R"({"port":"22"})"), "REQUEST_TYPE");
  EXPECT_EQ(code_of(R"({"only":["devicez"]})"), "REQUEST_STEP");
  EXPECT_EQ(code_of(R"({"timeout_ms":0})"), "REQUEST_VALUE");
  EXPECT_EQ(code_of(R"({"diagnose_since_ms":-1})"), "REQUEST_VALUE");
  // A number too large for a double is nlohmann's out_of_range, not a parse_error (found by fuzz_request).
  EXPECT_EQ(code_of(R"({"timeout_ms":777E777777777})"), "REQUEST_JSON");
}

}  // namespace
}  // namespace stm32mp::api
