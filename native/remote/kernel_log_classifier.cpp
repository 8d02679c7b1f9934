#include "remote/kernel_log_classifier.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <regex>

#include "remote/tee_error.h"

namespace stm32mp::remote {
namespace {

constexpr std::size_t kMaxLine = 1024;

bool contains(const std::string& line, const char* needle) { return line.find(needle) != std::string::npos; }

void add_evidence(LogVerdict& v, const std::string& line) {
  if (std::find(v.evidence.begin(), v.evidence.end(), line) == v.evidence.end()) v.evidence.push_back(line);
}

// Ranks causes: the more specific explanation wins when several lines match (e.g. F04's
// "powering up m0" explains the "bad phdr" that follows it).
int rank(LogCause c) {
  switch (c) {
    case LogCause::none: return 0;
    case LogCause::start_failed: return 1;
    case LogCause::elf_rejected: return 2;
    case LogCause::firmware_unreadable: return 3;
    case LogCause::stop_failed: return 4;
    case LogCause::busy: return 5;
    case LogCause::firmware_not_found: return 6;
    case LogCause::subdevices_failed: return 7;
    case LogCause::prepare_failed: return 8;
    case LogCause::carveout: return 9;   // "memory region not valid" explains the "can't prepare" after it
    case LogCause::bad_phdr: return 10;
    case LogCause::tee_start_failed: return 11;
    case LogCause::tee_rejected: return 12;
    case LogCause::tee_bad_state: return 13;
    case LogCause::bad_magic: return 14;
    case LogCause::deleted: return 15;
    case LogCause::tee_unavailable: return 16;
    case LogCause::wrong_instance: return 17;
    case LogCause::firewall_panic: return 18;
  }
  return 0;
}

void propose(LogVerdict& v, LogCause c, const std::string& line) {
  if (rank(c) > rank(v.cause)) v.cause = c;
  add_evidence(v, line);
}

}  // namespace

const char* to_string(LogCause c) {
  switch (c) {
    case LogCause::none: return "none";
    case LogCause::bad_magic: return "bad_magic";
    case LogCause::tee_rejected: return "tee_rejected";
    case LogCause::tee_unavailable: return "tee_unavailable";
    case LogCause::wrong_instance: return "wrong_instance";
    case LogCause::bad_phdr: return "bad_phdr";
    case LogCause::elf_rejected: return "elf_rejected";
    case LogCause::firmware_not_found: return "firmware_not_found";
    case LogCause::firmware_unreadable: return "firmware_unreadable";
    case LogCause::busy: return "busy";
    case LogCause::firewall_panic: return "firewall_panic";
    case LogCause::start_failed: return "start_failed";
    case LogCause::tee_start_failed: return "tee_start_failed";
    case LogCause::tee_bad_state: return "tee_bad_state";
    case LogCause::carveout: return "carveout";
    case LogCause::prepare_failed: return "prepare_failed";
    case LogCause::subdevices_failed: return "subdevices_failed";
    case LogCause::deleted: return "deleted";
    case LogCause::stop_failed: return "stop_failed";
  }
  return "none";
}

std::string firmware_loader_reason(int error, bool dotdot_refused) {
  if (dotdot_refused) {
    return "the firmware name contains a '..' component, which the firmware loader refuses (error -22)";
  }
  // request_firmware → fw_get_filesystem_firmware → kernel_read_file_from_path_initns: errno per cause.
  static constexpr std::array<std::pair<int, const char*>, 8> kReasons{{
      {-2, "no such file in the firmware search path"},
      {-13, "permission denied by the kernel (an LSM or IMA policy refuses reading it)"},
      {-20, "a component of the path is a regular file, not a directory"},
      {-21, "the name is a directory"},
      {-22, "the name is not a regular file (a directory, a device or a FIFO: the loader reads regular files only)"},
      {-26, "the file is still open for writing (an upload in progress or a process holding it open)"},
      {-27, "the file is larger than the firmware loader accepts"},
      {-12, "the kernel ran out of memory while reading it"},
  }};
  for (const auto& [value, text] : kReasons) {
    if (value == error) return text;
  }
  return "the firmware loader failed with error " + std::to_string(error);
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(std::move(line));
    pos = end + 1;
  }
  return lines;
}

std::optional<double> kernel_timestamp(const std::string& line) {
  static const std::regex re(R"(^\[\s*(\d+\.\d+)\])");
  std::smatch m;
  if (!std::regex_search(line, m, re)) return std::nullopt;
  return std::strtod(m[1].str().c_str(), nullptr);
}

std::string setup_failure_reason(LogCause cause) {
  switch (cause) {
    case LogCause::prepare_failed: return "the driver could not prepare the core (its memory regions or power domain)";
    case LogCause::subdevices_failed: return "the virtio/rpmsg subdevices could not be prepared or started";
    case LogCause::deleted: return "the instance is being removed (its driver is unbinding)";
    default: return to_string(cause);
  }
}

std::string stop_failure_reason(const LogVerdict& v, const std::string& errno_name) {
  if (v.tee_error && v.tee_command.find("STOP") != std::string::npos) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "%08x", *v.tee_error);
    return std::string("OP-TEE's remoteproc TA refused the stop: TEE err ") + hex + " (" + decode_tee_error(*v.tee_error).name + ")";
  }
  const int e = v.stop_error.value_or(0);
  if (e == -1 || (e == 0 && errno_name == "EPERM")) return "the driver does not support stopping this core (EPERM)";
  if (e == -5 || (e == 0 && errno_name == "EIO")) return "the driver's stop failed with an I/O error (EIO)";
  if (e == -110) return "the core did not acknowledge the stop in time (ETIMEDOUT)";
  return "the driver's stop failed" + (e != 0 ? " with error " + std::to_string(e) : std::string());
}

std::vector<std::string> lines_since(const std::vector<std::string>& lines, double now_s, double window_s) {
  const double from = now_s - window_s;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto t = kernel_timestamp(lines[i]);
    if (t && *t >= from) return {lines.begin() + static_cast<std::ptrdiff_t>(i), lines.end()};
  }
  return {};
}

LogVerdict classify_kernel_log(const std::vector<std::string>& lines, const std::string& wanted) {
  // Formats from drivers/remoteproc/{remoteproc_core,remoteproc_sysfs,remoteproc_elf_loader,
  // stm32_rproc}.c, ST's tee_remoteproc.c ("…TEE err: %x, ret:%x"), the upstream TEE series
  // (remoteproc_tee.c: "%#x, ret:%d", TA_RPROC_CMD_* in 2025) and drivers/base/firmware_loader/main.c.
  static const std::regex powering(R"(powering up (\S+))");
  static const std::regex boot_failed(R"(Boot failed: (-?\d+))");
  static const std::regex tee_err(R"(TA_RPROC_(?:FW_)?CMD_(\w+) invoke failed TEE err: (?:0x)?([0-9a-fA-F]+))");
  static const std::regex session(R"(tee_client_open_session failed, err: (?:0x)?([0-9a-fA-F]+))");
  static const std::regex phdr(R"(bad phdr da (0x[0-9a-fA-F]+) mem (0x[0-9a-fA-F]+))");
  static const std::regex direct(R"(Direct firmware load for .* failed with error (-?\d+))");
  static const std::regex request(R"(request_firmware failed: (-?\d+))");
  static const std::regex loading(R"(loading (.*) failed with error (-?\d+))");
  static const std::regex cant_stop(R"(can't stop rproc: (-?\d+))");
  LogVerdict v;
  std::smatch m;
  // The first TA failure is the cause; a RELEASE_FW failing after it is a consequence.
  auto tee_failure = [&](const std::string& command, std::uint32_t code) {
    if (v.tee_error) return;
    v.tee_error = code;
    v.tee_command = command;
  };
  auto loader_failure = [&](const std::string& line, int error) {
    if (!v.loader_error) v.loader_error = error;
    if (error == -2 && !v.dotdot_refused) {
      propose(v, LogCause::firmware_not_found, line);
      return;
    }
    if (v.detail.empty()) v.detail = line;
    propose(v, LogCause::firmware_unreadable, line);
  };
  for (const auto& raw : lines) {
    // printk records are at most 1024 bytes: a longer "line" is not the kernel's, and bounding it
    // keeps std::regex (recursive in libstdc++) off pathological input from a saved capture.
    const std::string line = raw.size() > kMaxLine ? raw.substr(0, kMaxLine) : raw;
    if (std::regex_search(line, m, powering)) {
      v.powered_up = m[1].str();
      add_evidence(v, line);
      if (v.powered_up != wanted) propose(v, LogCause::wrong_instance, line);
      continue;
    }
    if (contains(line, "remote processor ") && contains(line, " is now up")) {
      if (contains(line, ("remote processor " + wanted + " is now up").c_str())) v.up = true;
      add_evidence(v, line);
      continue;
    }
    if (contains(line, "Booting fw image")) {
      add_evidence(v, line);
      continue;
    }
    if (contains(line, "no resource table found for this firmware")) {
      v.no_resource_table = true;
      add_evidence(v, line);
      continue;
    }
    if (std::regex_search(line, m, boot_failed)) {
      v.boot_error = std::atoi(m[1].str().c_str());
      add_evidence(v, line);
      continue;
    }
    // ST's stm32_rproc_start returns 0 after this line: "is now up" follows, the core never ran.
    if (contains(line, "Boot address is ") && contains(line, "no aligned on mask")) {
      if (v.boot_addr_misaligned.empty()) v.boot_addr_misaligned = line;
      add_evidence(v, line);
      continue;
    }
    if (contains(line, "Image is corrupted (bad magic)")) {
      propose(v, LogCause::bad_magic, line);
    } else if (std::regex_search(line, m, tee_err)) {
      const std::string command = m[1].str();
      const auto code = static_cast<std::uint32_t>(std::strtoul(m[2].str().c_str(), nullptr, 16));
      tee_failure(command, code);
      if (command.find("START") != std::string::npos) {
        propose(v, LogCause::tee_start_failed, line);
      } else if (command.find("STOP") != std::string::npos) {
        propose(v, LogCause::stop_failed, line);
      } else if (command.find("LOAD") != std::string::npos && code == 0xFFFF0007) {
        propose(v, LogCause::tee_bad_state, line);
      } else {
        propose(v, LogCause::tee_rejected, line);
      }
    } else if (std::regex_search(line, m, session)) {
      tee_failure("OPEN_SESSION", static_cast<std::uint32_t>(std::strtoul(m[1].str().c_str(), nullptr, 16)));
      propose(v, LogCause::tee_unavailable, line);
    } else if (contains(line, "tee_client_open_session failed") || contains(line, "signed firmware not supported by TEE")) {
      propose(v, LogCause::tee_unavailable, line);
    } else if (std::regex_search(line, m, phdr)) {
      v.bad_phdr_da = m[1].str();
      v.bad_phdr_mem = m[2].str();
      propose(v, LogCause::bad_phdr, line);
    } else if (contains(line, "Failed to load program segments")) {
      add_evidence(v, line);
    } else if (contains(line, "refused, path contains '..' component")) {
      v.dotdot_refused = true;
      loader_failure(line, -22);
    } else if (std::regex_search(line, m, direct) || std::regex_search(line, m, request)) {
      loader_failure(line, std::atoi(m[1].str().c_str()));
    } else if (std::regex_search(line, m, loading)) {
      loader_failure(line, std::atoi(m[2].str().c_str()));
    } else if (contains(line, "can't change firmware while running")) {
      propose(v, LogCause::busy, line);
    } else if (std::regex_search(line, m, cant_stop)) {
      if (!v.stop_error) v.stop_error = std::atoi(m[1].str().c_str());
      propose(v, LogCause::stop_failed, line);
    } else if ((contains(line, "E/TC:") && (contains(line, "Panic") || contains(line, "panic"))) ||
               contains(line, "IAC exception") || contains(line, "stm32_iac") || contains(line, "RISAF")) {
      propose(v, LogCause::firewall_panic, line);
    } else if (contains(line, "can't boot deleted rproc")) {
      propose(v, LogCause::deleted, line);
    } else if (contains(line, "Registered carveout doesn't fit") ||
               contains(line, "Carveout already associated to resource table") ||
               contains(line, "Unable to allocate carveout") || contains(line, "memory region not valid") ||
               contains(line, "unable to acquire memory-region") ||
               contains(line, "Failed to allocate associated carveouts")) {
      if (v.detail.empty()) v.detail = line;
      propose(v, LogCause::carveout, line);
    } else if (contains(line, "can't prepare rproc")) {
      if (v.detail.empty()) v.detail = line;
      propose(v, LogCause::prepare_failed, line);
    } else if (contains(line, "failed to prepare subdevices") || contains(line, "failed to probe subdevices")) {
      if (v.detail.empty()) v.detail = line;
      propose(v, LogCause::subdevices_failed, line);
    } else if (contains(line, "Image is too small") || contains(line, "Unsupported class") ||
               contains(line, "Unsupported firmware endianness") || contains(line, "No loadable segments") ||
               contains(line, "Firmware size is too small") || contains(line, "bad phdr filesz") ||
               contains(line, "truncated fw") || contains(line, "header is too small") ||
               contains(line, "header-less resource table") || contains(line, "unsupported fw ver") ||
               contains(line, "resource table truncated") || contains(line, "resource table incomplete") ||
               contains(line, "non zero reserved bytes")) {
      if (v.detail.empty()) v.detail = line;
      propose(v, LogCause::elf_rejected, line);
    } else if (contains(line, "can't start rproc") || contains(line, "Start of the firmware not supported") ||
               contains(line, "failed to set hold boot") || contains(line, "Failed to process resources")) {
      if (v.detail.empty()) v.detail = line;
      propose(v, LogCause::start_failed, line);
    }
  }
  return v;
}

}  // namespace stm32mp::remote
