#include "steps/network_step.h"

#include "devices/console_addresses.h"
#include "core/step_report_of.h"

namespace stm32mp::steps {
namespace {

using core::Code;
using Kind = ports::NetError::Kind;

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

bool is_usb_gadget_address(const std::string& host) { return host.rfind("192.168.7.", 0) == 0; }

namespace {

// The board's own word on its addresses (F17: DHCP gave it another one; F18: usb0 is not up).
void add_console_addresses(core::StepReport& r, const NetworkInputs& in) {
  std::string suggested;
  for (const auto& a : in.console_addresses) {
    if (a.address != in.host) {
      suggested = a.address;
      break;
    }
  }
  if (suggested.empty()) return;  // the board does have the configured address: nothing better to offer
  r.add(Code::BoardAddressFromConsole,
        {{"host", in.host}, {"console_addresses", devices::describe(in.console_addresses)}, {"suggested_host", suggested}});
}

void add_failure_kind(core::StepReport& r, const ports::NetError& e, const NetworkInputs& in) {
  core::Facts facts{{"host", in.host}, {"port", std::to_string(in.port)}, {"reason", e.message},
                    {"elapsed_ms", std::to_string(e.elapsed_ms)}};
  if (!e.addresses.empty()) facts.set("addresses", joined(e.addresses));
  switch (e.kind) {
    case Kind::cancelled:
      r.skip("the run was cancelled while connecting");
      return;
    case Kind::not_resolved:
      r.add(Code::HostNotResolved, std::move(facts));
      return;
    case Kind::refused:
      r.add(Code::ConnectionRefused, std::move(facts));
      return;
    case Kind::no_route:
    case Kind::timeout:
      // On the USB gadget address both mean the same thing: the usb0 link is not up.
      if (is_usb_gadget_address(in.host)) {
        r.add(Code::UsbGadgetLinkDown, std::move(facts));
      } else {
        r.add(e.kind == Kind::no_route ? Code::NoRouteToBoard : Code::ConnectTimeout, std::move(facts));
      }
      return;
    case Kind::failure:
      r.add(Code::ConnectFailed, std::move(facts));
      return;
  }
}

}  // namespace

void add_network_failure(core::StepReport& r, const ports::NetError& e, const NetworkInputs& in) {
  add_failure_kind(r, e, in);
  if (e.kind != Kind::cancelled) add_console_addresses(r, in);
}

core::StepReport check_network(const NetworkInputs& in, ports::Network& network, core::StepControl& control,
                               std::shared_ptr<ports::TcpStream>& connection) {
  auto r = core::report_of(core::StepId::Network);
  if (in.host.empty()) {
    r.skip("no board address (--host)");
    return r;
  }
  r.observed.set("host", in.host);
  r.observed.set("port", std::to_string(in.port));
  auto connected = network.connect(in.host, in.port, control.deadline, control.cancel);
  if (!connected) {
    if (!connected.error().addresses.empty()) r.observed.set("addresses", joined(connected.error().addresses));
    add_network_failure(r, connected.error(), in);
    return r;
  }
  const auto& c = connected.value();
  r.observed.set("addresses", joined(c.addresses));
  r.observed.set("address", c.address);
  r.observed.set("resolve_ms", std::to_string(c.resolve_ms));
  r.observed.set("connect_ms", std::to_string(c.connect_ms));
  connection = c.stream;
  return r;
}

}  // namespace stm32mp::steps
