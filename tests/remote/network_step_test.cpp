// The network step's diagnoses, with a fake Network (every kind of failure) — the real adapter is
// tested against loopback in network_adapter_test.cpp and against the simulated board in ssh_board_test.cpp.
#include <gtest/gtest.h>

#include "core/progress.h"
#include "steps/network_step.h"
#include "pipeline/fake_network.h"

namespace stm32mp::testing {
namespace {

using core::Code;
using Kind = ports::NetError::Kind;

struct Run {
  core::StepReport report;
  std::shared_ptr<ports::TcpStream> stream;
};

Run run(FakeNetwork& net, const std::string& host) {
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{1000}), progress};
  Run r;
  r.report = steps::check_network({host, 22}, net, control, r.stream);
  return r;
}

TEST(NetworkStep, SkippedWithoutHost) {
  FakeNetwork net;
  const auto r = run(net, "");
  EXPECT_EQ(r.report.status, core::StepStatus::skipped);
  EXPECT_TRUE(net.asked_host.empty());
}

TEST(NetworkStep, KeepsTheConnectionForTheSshStep) {
  FakeNetwork net;
  const auto r = run(net, "board");
  EXPECT_EQ(r.report.status, core::StepStatus::ok);
  EXPECT_NE(r.stream, nullptr);
  EXPECT_EQ(r.report.observed.get("address"), "10.0.0.7");
}

struct Case {
  Kind kind;
  std::string host;
  Code code;
};

TEST(NetworkStep, EachFailureHasItsOwnCode) {
  const Case cases[] = {
      {Kind::not_resolved, "board.invalid", Code::HostNotResolved},
      {Kind::no_route, "10.1.2.3", Code::NoRouteToBoard},
      {Kind::refused, "10.1.2.3", Code::ConnectionRefused},
      {Kind::timeout, "10.1.2.3", Code::ConnectTimeout},
      {Kind::failure, "10.1.2.3", Code::ConnectFailed},
      // On the USB gadget address, no route and no answer both mean the gadget link is down (F18).
      {Kind::no_route, "192.168.7.1", Code::UsbGadgetLinkDown},
      {Kind::timeout, "192.168.7.1", Code::UsbGadgetLinkDown},
      // A refusal proves the gadget link works: the SSH server is the problem.
      {Kind::refused, "192.168.7.1", Code::ConnectionRefused},
  };
  for (const auto& c : cases) {
    FakeNetwork net;
    net.error = ports::NetError{c.kind, "what the OS said", {c.host}, 42};
    const auto r = run(net, c.host);
    ASSERT_EQ(r.report.diagnostics.size(), 1u) << c.host;
    EXPECT_EQ(r.report.diagnostics[0].code, c.code) << c.host << " kind " << static_cast<int>(c.kind);
    EXPECT_EQ(r.report.status, core::StepStatus::error);
    EXPECT_EQ(r.stream, nullptr);
    EXPECT_EQ(r.report.diagnostics[0].message.find('{'), std::string::npos) << r.report.diagnostics[0].message;
    EXPECT_EQ(r.report.diagnostics[0].fix.find('{'), std::string::npos) << r.report.diagnostics[0].fix;
  }
}

TEST(NetworkStep, GadgetFixNamesTheConnectorAndTheInterface) {
  FakeNetwork net;
  net.error = ports::NetError{Kind::no_route, "Network is unreachable", {"192.168.7.1"}, 0};
  const auto r = run(net, "192.168.7.1");
  ASSERT_TRUE(r.report.has(Code::UsbGadgetLinkDown));
  const auto& fix = r.report.diagnostics[0].fix;
  EXPECT_NE(fix.find("CN15"), std::string::npos);
  EXPECT_NE(fix.find("usb0"), std::string::npos);
  EXPECT_NE(fix.find("DHCP"), std::string::npos);
}

TEST(NetworkStep, CancelIsNotAFailure) {
  FakeNetwork net;
  net.error = ports::NetError{Kind::cancelled, "cancelled", {}, 0};
  const auto r = run(net, "board");
  EXPECT_EQ(r.report.status, core::StepStatus::skipped);
  EXPECT_TRUE(r.report.diagnostics.empty());
}

}  // namespace
}  // namespace stm32mp::testing

namespace stm32mp::testing {
namespace {

core::StepReport run_with_console(FakeNetwork& net, const std::string& host,
                                  const std::vector<devices::ConsoleAddress>& console) {
  core::CancelToken cancel;
  core::NullProgress progress;
  core::StepControl control{cancel, core::Deadline(core::Millis{1000}), progress};
  std::shared_ptr<ports::TcpStream> stream;
  return steps::check_network({host, 22, console}, net, control, stream);
}

TEST(NetworkStep, OffersTheAddressTheBoardsConsoleReports) {
  FakeNetwork net;
  net.error = ports::NetError{Kind::timeout, "no answer", {"10.1.2.3"}, 1000};
  const auto r = run_with_console(net, "10.1.2.3", {{"end0", "10.1.2.9"}, {"usb0", "192.168.7.1"}});
  ASSERT_TRUE(r.has(Code::ConnectTimeout));
  ASSERT_TRUE(r.has(Code::BoardAddressFromConsole));
  const auto& d = r.diagnostics.back();
  EXPECT_EQ(d.observed.get("suggested_host"), "10.1.2.9");
  EXPECT_EQ(d.observed.get("console_addresses"), "end0 10.1.2.9, usb0 192.168.7.1");
  EXPECT_NE(d.fix.find("--host 10.1.2.9"), std::string::npos) << d.fix;
  EXPECT_EQ(d.severity, core::Severity::info);
}

TEST(NetworkStep, OffersNothingWhenTheBoardHasTheConfiguredAddressOrNoConsoleAnswered) {
  FakeNetwork net;
  net.error = ports::NetError{Kind::refused, "refused", {"10.1.2.3"}, 5};
  EXPECT_FALSE(run_with_console(net, "10.1.2.3", {{"end0", "10.1.2.3"}}).has(Code::BoardAddressFromConsole));
  EXPECT_FALSE(run_with_console(net, "10.1.2.3", {}).has(Code::BoardAddressFromConsole));
  net.error.reset();
  EXPECT_FALSE(run_with_console(net, "10.1.2.3", {{"end0", "10.1.2.9"}}).has(Code::BoardAddressFromConsole))
      << "a connection that works needs no other address";
}

}  // namespace
}  // namespace stm32mp::testing
