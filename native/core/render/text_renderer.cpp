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
  }
  return "?";
}

std::string_view colour_of(StepStatus s) {
  switch (s) {
    case StepStatus::ok: return "32";
    case StepStatus::warning: return "33";
    case StepStatus::error:
    case StepStatus::crashed: return "31";
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

// Multi-line values (quoted kernel log lines) continue under their key, indented.
std::string indent_continuations(std::string_view value, std::string_view indent) {
  std::string out;
  for (char ch : value) {
    out += ch;
    if (ch == '\n') out += std::string(indent) + "  ";
  }
  return out;
}

void render_facts(std::string& out, const Facts& facts, std::string_view indent) {
  for (const auto& [key, value] : facts) {
    out += fmt::format("{}{}: {}\n", indent, key, indent_continuations(value, indent));
  }
}

void render_diagnostic(std::string& out, const Diagnostic& d, const Style& style) {
  const auto head = fmt::format("{}[{}]", to_string(d.severity), info(d.code).id);
  out += fmt::format("     {}: {}\n", style.paint(head, colour_of(d.severity)), indent_continuations(d.message, "       "));
  if (!d.observed.empty()) {
    out += "       observed:\n";
    render_facts(out, d.observed, "         ");
  }
  out += fmt::format("       why: {}\n", d.why);
  out += fmt::format("       {} {}\n", style.paint("fix:", "1"), d.fix);
  out += fmt::format("       see: {}\n", d.doc);
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
  if (report.ok() && warnings == 0) {
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
