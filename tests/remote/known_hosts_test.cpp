// The known_hosts reader on file contents (no server needed: the knownhost API only needs an unconnected
// libssh2 session). The two malformed lines below were found by fuzz_known_hosts.
#include <gtest/gtest.h>
#include <libssh2.h>

#include <memory>
#include <string>

#include "adapters/libssh2/known_hosts.h"

namespace stm32mp::adapters::libssh2 {
namespace {

constexpr const char* kKey = "AAAAC3NzaC1lZDI1NTE5AAAAIFpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpaWlpa";
// HMAC-SHA1 of "192.168.7.1" with a salt of twenty 0x01 bytes, as `ssh-keygen -H` writes it.
constexpr const char* kHashed = "|1|AQEBAQEBAQEBAQEBAQEBAQEBAQE=|Zft5UfVZTkdUgU5PAQPSc+kJxtE=";

struct SessionFree {
  void operator()(LIBSSH2_SESSION* s) const { libssh2_session_free(s); }
};

class KnownHostsText : public ::testing::Test {
 protected:
  std::unique_ptr<LIBSSH2_SESSION, SessionFree> session{libssh2_session_init()};
  HostKey key{"ssh-ed25519", LIBSSH2_KNOWNHOST_KEY_ED25519, *base64_decode(kKey)};

  KnownHostCheck check(const std::string& content) {
    return check_known_host_text(session.get(), content, "192.168.7.1", 22, key);
  }
};

TEST(Base64, PaddingIsAtMostTwoCharactersAndNeverMoreThanTheData) {
  EXPECT_EQ(std::optional<std::string>("A"), base64_decode("QQ=="));
  EXPECT_EQ(std::optional<std::string>("AB"), base64_decode("QUI="));
  EXPECT_EQ(std::optional<std::string>("ABC"), base64_decode("QUJD"));
  EXPECT_EQ(std::nullopt, base64_decode("===="));  // took the length below zero: std::length_error
  EXPECT_EQ(std::nullopt, base64_decode("Q==="));
  EXPECT_EQ(std::nullopt, base64_decode("QQ="));
}

TEST_F(KnownHostsText, PlainAndHashedEntriesMatch) {
  ASSERT_NE(nullptr, session);
  EXPECT_EQ(KnownHostCheck::Status::match, check(std::string("192.168.7.1 ssh-ed25519 ") + kKey + "\n").status);
  const auto hashed = check(std::string(kHashed) + " ssh-ed25519 " + kKey + "\n");
  EXPECT_EQ(KnownHostCheck::Status::match, hashed.status);
  EXPECT_EQ(0, hashed.skipped_lines);
}

TEST_F(KnownHostsText, ARevokedLineOfPaddingOnlyIsNoKeyAndNoCrash) {
  const auto r = check(std::string("@revoked * ssh-ed25519 ====\n192.168.7.1 ssh-ed25519 ") + kKey + "\n");
  EXPECT_EQ(KnownHostCheck::Status::match, r.status);
}

TEST_F(KnownHostsText, AHashedNameThatIsNoSha1DigestIsSkippedBeforeLibssh2LeaksOnIt) {
  // A hash of 21 bytes and one with '=' inside: libssh2 1.10 would leak its HMAC context on both.
  const auto r = check(std::string("|1|AQEBAQEBAQEBAQEBAQEBAQEBAQE=|Zft5UfVZTkdUgU5PAQPSc+kJxtE9 ssh-ed25519 ") + kKey +
                       "\n|1|AQEBAQEBAQEBAQEBAQEBAQEBAQE=|Zft=UfVZTkdUgU5PAQPSc+kJxtE= ssh-ed25519 " + kKey + "\n");
  EXPECT_EQ(KnownHostCheck::Status::not_found, r.status);
  EXPECT_EQ(2, r.skipped_lines);
}

TEST_F(KnownHostsText, AnotherKeyForTheHostIsAMismatchNamingTheStoredKey) {
  const auto r = check("192.168.7.1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBERERERERERERERERERERERERERERERERERERERERER\n");
  EXPECT_EQ(KnownHostCheck::Status::mismatch, r.status);
  EXPECT_EQ(0u, r.stored_fingerprint.rfind("SHA256:", 0));
}

}  // namespace
}  // namespace stm32mp::adapters::libssh2
