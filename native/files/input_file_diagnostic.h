#pragma once
// The diagnostics every reader of a user-named file shares: CFG006 (not a regular file) and CFG007 (too large).
// A file that is plainly unreadable (missing, permission, path too long, symlink loop) keeps its reader's own
// code, which says what the file was for.
#include <optional>
#include <string>
#include <string_view>

#include "core/diagnostic.h"
#include "files/input_file.h"

namespace stm32mp::files {

[[nodiscard]] std::optional<core::Diagnostic> input_file_diagnostic(std::string_view option, const std::string& path,
                                                                    const InputFileError& error);

}  // namespace stm32mp::files
