#include "remote/kernel_log_classifier.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

namespace stm32mp::remote {
namespace {

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
    case LogCause::busy: return 4;
    case LogCause::firmware_not_found: return 5;
    case LogCause::bad_phdr: return 6;
    case LogCause::tee_rejected: return 7;
    case LogCause::bad_magic: return 8;
    case LogCause::tee_unavailable: return 9;
    case LogCause::wrong_instance: return 10;
    case LogCause::firewall_panic: return 11;
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
  }
  return "none";
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
  // stm32_rproc,tee_remoteproc}.c and drivers/base/firmware_loader/main.c (facts §b.3).
  static const std::regex powering(R"(powering up (\S+))");
  static const std::regex boot_failed(R"(Boot failed: (-?\d+))");
  static const std::regex tee_err(R"(TA_RPROC_FW_CMD_\w+ invoke failed TEE err: ([0-9a-fA-F]+))");
  static const std::regex phdr(R"(bad phdr da (0x[0-9a-fA-F]+) mem (0x[0-9a-fA-F]+))");
  static const std::regex direct(R"(Direct firmware load for .* failed with error (-?\d+))");
  static const std::regex request(R"(request_firmware failed: (-?\d+))");
  static const std::regex loading(R"(loading (.*) failed with error (-?\d+))");
  LogVerdict v;
  std::smatch m;
  for (const auto& line : lines) {
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
    if (contains(line, "Image is corrupted (bad magic)")) {
      propose(v, LogCause::bad_magic, line);
    } else if (std::regex_search(line, m, tee_err)) {
      v.tee_error = static_cast<std::uint32_t>(std::strtoul(m[1].str().c_str(), nullptr, 16));
      propose(v, LogCause::tee_rejected, line);
    } else if (contains(line, "tee_client_open_session failed") || contains(line, "signed firmware not supported by TEE")) {
      propose(v, LogCause::tee_unavailable, line);
    } else if (std::regex_search(line, m, phdr)) {
      v.bad_phdr_da = m[1].str();
      v.bad_phdr_mem = m[2].str();
      propose(v, LogCause::bad_phdr, line);
    } else if (contains(line, "Failed to load program segments")) {
      add_evidence(v, line);
    } else if (std::regex_search(line, m, direct) || std::regex_search(line, m, request)) {
      if (m[1].str() == "-2") {
        propose(v, LogCause::firmware_not_found, line);
      } else {
        v.detail = line;
        propose(v, LogCause::firmware_unreadable, line);
      }
    } else if (std::regex_search(line, m, loading)) {
      v.detail = line;
      propose(v, LogCause::firmware_unreadable, line);
    } else if (contains(line, "can't change firmware while running")) {
      propose(v, LogCause::busy, line);
    } else if ((contains(line, "E/TC:") && (contains(line, "Panic") || contains(line, "panic"))) ||
               contains(line, "IAC exception") || contains(line, "stm32_iac") || contains(line, "RISAF")) {
      propose(v, LogCause::firewall_panic, line);
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
               contains(line, "failed to set hold boot") || contains(line, "Failed to process resources") ||
               contains(line, "Failed to allocate associated carveouts")) {
      if (v.detail.empty()) v.detail = line;
      propose(v, LogCause::start_failed, line);
    }
  }
  return v;
}

}  // namespace stm32mp::remote
