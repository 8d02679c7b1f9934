// The remoteproc step's round trips: each fixed command run (or its reply taken from the upload's command, which
// ran the load plan_load planned), its key=value reply parsed, a failure reported.
#include "remote/remote_error_text.h"
#include "steps/remoteproc_internal.h"

namespace stm32mp::steps::rproc {

using core::Code;

std::optional<remote::ProbeOutput> BoardCommands::run(const std::string& command, const char* what, bool after_start,
                                                      const std::string& note) {
  return accept(board.exec(command, control.deadline, control.cancel), what, after_start, note);
}

std::optional<remote::ProbeOutput> BoardCommands::accept(const core::expected<ports::ExecResult, ports::RemoteError>& reply,
                                                         const char* what, bool after_start, const std::string& note) {
  if (!reply) {
    const auto kind = reply.error().kind;
    // A cancel is no failure of the board: the runner reports it (RUN003), the state after it is read apart.
    if (kind == ports::RemoteError::Kind::cancelled) {
      report.observed.set("interrupted", std::string(what) + ": cancelled before the board answered");
      return std::nullopt;
    }
    if (after_start && (kind == ports::RemoteError::Kind::disconnected || kind == ports::RemoteError::Kind::timeout)) {
      report.add(Code::RprocFirewallPanic,
                 {{"instance", instance}, {"image", image}, {"reason", remote::describe(reply.error()) + note}});
    } else {
      report.add(Code::RprocCommandFailed, {{"reason", std::string(what) + ": " + remote::describe(reply.error())},
                                            {"instance", instance}});
    }
    return std::nullopt;
  }
  auto parsed = remote::ProbeOutput::parse(reply->out);
  if (!parsed || parsed->get("probe.version") != "1" || !parsed->has("probe.end")) {
    report.add(Code::RprocCommandFailed,
               {{"reason", std::string(what) + ": unexpected reply (" + (parsed ? "cut short" : parsed.error()) + ")"},
                {"instance", instance},
                {"stderr", reply->err.substr(0, 300)}});
    return std::nullopt;
  }
  return std::move(*parsed);
}

std::optional<remote::WriteOutcome> BoardCommands::write(int index, remote::RprocAttr attr, const std::string& value) {
  auto out = run(remote::write_attr_command(index, attr, value, instance), remote::to_string(attr));
  if (!out) return std::nullopt;
  auto w = remote::parse_write_outcome(*out, index);
  if (!w) {
    report.add(Code::RprocCommandFailed, {{"reason", w.error()}, {"instance", instance}});
    return std::nullopt;
  }
  return std::move(*w);
}

std::optional<remote::LoadStartOutcome> BoardCommands::load_and_start(
    int index, const std::string& firmware, int max_stops, bool may_stop,
    const core::expected<ports::ExecResult, ports::RemoteError>* ran) {
  // The reply is lost with the connection: say so when the same command also stopped the instance.
  const std::string note = may_stop ? "; the same command first stopped the running instance, a drop during that stop "
                                      "cannot be told apart"
                                    : "";
  const char* what = "stop, firmware and start";
  auto out = ran != nullptr ? accept(*ran, what, true, note)
                            : run(remote::load_and_start_command(index, instance, firmware, max_stops), what, true, note);
  if (!out) return std::nullopt;
  auto o = remote::parse_load_start_outcome(*out, index);
  if (!o) {
    report.add(Code::RprocCommandFailed, {{"reason", o.error()}, {"instance", instance}});
    return std::nullopt;
  }
  return std::move(*o);
}

}  // namespace stm32mp::steps::rproc

namespace stm32mp::steps {

std::optional<LoadPlan> plan_load(const RemoteprocInputs& in) {
  if (!in.instances) return std::nullopt;
  // As LoadMachine::resolve and settle see the listing: the first instance of that name, in a state the load
  // command handles from the live state on the board.
  for (const auto& i : *in.instances) {
    if (i.name != in.remoteproc) continue;
    if (!rproc::stoppable_or_offline(i.state)) return std::nullopt;
    return LoadPlan{i.index, in.firmware_name, in.max_stops,
                    remote::load_and_start_body(i.index, i.name, in.firmware_name, in.max_stops)};
  }
  return std::nullopt;
}

}  // namespace stm32mp::steps
