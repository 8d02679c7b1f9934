#include "core/render/text_renderer.h"

#include <fmt/format.h>

namespace stm32mp::core::render {
namespace {

struct Style {
  bool color;
  [[nodiscard]] std::string paint(std::string_view text, std::string_view ansi) const {
    if (!color) return std::string(text);
    return fmt::format("\x1b[{}m{}\x1b[0m", ansi, text);
  }
};

std::string_view mark(StepStatus s) {
  switch (s) {
    case StepStatus::ok: return "✓";
    case StepStatus::warning: return "!";
    case StepStatus::error: return "✗";
    case StepStatus::skipped: return "–";
    case StepStatus::crashed: return "✗";
    case StepStatus::cancelled: return "⊘";
  }
  return "?";
}

std::string_view colour_of(StepStatus s) {
  switch (s) {
    case StepStatus::ok: return "32";
    case StepStatus::warning: return "33";
    case StepStatus::error:
    case StepStatus::crashed:
    case StepStatus::cancelled: return "31";
    case StepStatus::skipped: return "2";
  }
  return "0";
}

std::string_view colour_of(Severity s) {
  switch (s) {
    case Severity::error: return "31;1";
    case Severity::warning: return "33;1";
    case Severity::info: return "36;1";
  }
  return "0";
}

// Length of the well-formed UTF-8 sequence at text[i] (lead byte >= 0x80), 0 when it is not one. A byte outside
// a sequence reaches an 8-bit terminal as a C1 control (a raw 0x9b is CSI there): the caller escapes it.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto c = static_cast<unsigned char>(text[i]);
  const std::size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) return 0;
  return n;
}

// Text from the board or from a file is data, never terminal control: every C0 control but the line break, DEL,
// the C1 controls (UTF-8 C2 80..C2 9F, which some terminals obey as ESC [) and any byte that is not part of
// well-formed UTF-8 (a raw 0x9b is CSI on an 8-bit terminal) are shown escaped, as JSON does.
// A board that names its state "\x1b]0;title\x07" prints that, not a new window title.
std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n' || c == '\t') {
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      out += fmt::format("\\u00{:02x}", static_cast<unsigned char>(text[++i]));
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (const std::size_t n = utf8_sequence(text, i); n != 0) {
      out.append(text.substr(i, n));
      i += n - 1;
    } else {
      out += fmt::format("\\x{:02x}", c);
    }
  }
  return out;
}

// Multi-line values (quoted kernel log lines) continue under their key, indented.
std::string indent_continuations(std::string_view value, std::string_view indent) {
  std::string out;
  for (char ch : printable(value)) {
    out += ch;
    if (ch == '\n') out += std::string(indent) + "  ";
  }
  return out;
}

void render_facts(std::string& out, const Facts& facts, std::string_view indent) {
  for (const auto& [key, value] : facts) {
    out += fmt::format("{}{}: {}\n", indent, printable(key), indent_continuations(value, indent));
  }
}

void render_diagnostic(std::string& out, const Diagnostic& d, const Style& style) {
  const auto head = fmt::format("{}[{}]", to_string(d.severity), info(d.code).id);
  out += fmt::format("     {}: {}\n", style.paint(head, colour_of(d.severity)), indent_continuations(d.message, "       "));
  if (!d.observed.empty()) {
    out += "       observed:\n";
    render_facts(out, d.observed, "         ");
  }
  out += fmt::format("       why: {}\n", indent_continuations(d.why, "       "));
  out += fmt::format("       {} {}\n", style.paint("fix:", "1"), indent_continuations(d.fix, "       "));
  out += fmt::format("       see: {}\n", printable(d.doc));
}

}  // namespace

std::string render_text(const Report& report, const TextOptions& options) {
  const Style style{options.color};
  std::string out;
  int errors = 0;
  int warnings = 0;
  std::string first_error;
  std::string first_warning;
  for (const auto& step : report.steps) {
    std::string line = fmt::format(" {} {:<12} {}", style.paint(mark(step.status), colour_of(step.status)),
                                   step.id, step.title);
    if (step.status == StepStatus::crashed) line += " (internal error)";
    if (step.status == StepStatus::cancelled) line += " (cancelled)";
    if (options.show_durations && step.status != StepStatus::skipped) {
      line += fmt::format(" ({} ms)", step.duration_ms);
    }
    out += line + "\n";
    render_facts(out, step.observed, "       ");
    for (const auto& d : step.diagnostics) {
      render_diagnostic(out, d, style);
      if (d.severity == Severity::error) ++errors;
      if (d.severity == Severity::warning) ++warnings;
      if (d.severity == Severity::error && first_error.empty()) first_error = std::string(info(d.code).id);
      if (d.severity == Severity::warning && first_warning.empty()) first_warning = std::string(info(d.code).id);
    }
  }
  if (!options.verdict) return out;
  out += "\n";
  if (report.cancelled()) {
    out += style.paint("Cancelled: the check did not finish, nothing was verified after the cancel.", "31;1") + "\n";
  } else if (report.ok() && warnings == 0) {
    out += style.paint("Ready to debug: every step passed.", "32;1") + "\n";
  } else {
    const auto summary = fmt::format("{} error{}, {} warning{}.", errors, errors == 1 ? "" : "s", warnings,
                                     warnings == 1 ? "" : "s");
    out += (report.ok() ? style.paint("Ready to debug, with ", "33;1") : style.paint("Not ready to debug: ", "31;1")) +
           summary + "\n";
    const auto& first_code = first_error.empty() ? first_warning : first_error;
    if (!first_code.empty()) {
      out += fmt::format("Run `stm32mp-prelaunch explain {}` for the full explanation of a code.\n", first_code);
    }
  }
  return out;
}

std::string render_explanation(Code code) {
  const auto& c = info(code);
  std::string out = fmt::format("{} ({}, {})\n\n", c.id, c.name, to_string(c.severity));
  out += fmt::format("Message:\n  {}\n\nWhy it matters:\n  {}\n\nHow to fix:\n  {}\n\nMore: {}\n", c.message, c.why,
                     c.fix, doc_path(code));
  return out;
}

}  // namespace stm32mp::core::render
