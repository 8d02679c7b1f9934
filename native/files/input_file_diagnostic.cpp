#include "files/input_file_diagnostic.h"

namespace stm32mp::files {

std::optional<core::Diagnostic> input_file_diagnostic(std::string_view option, const std::string& path,
                                                      const InputFileError& error) {
  switch (error.kind) {
    case InputFileError::Kind::not_regular:
      return core::make_diagnostic(core::Code::InputNotRegular,
                                   {{"option", std::string(option)}, {"path", path}, {"what", error.what}});
    case InputFileError::Kind::too_large:
      return core::make_diagnostic(core::Code::InputTooLarge, {{"option", std::string(option)},
                                                               {"path", path},
                                                               {"reason", error.reason},
                                                               {"limit", describe_size(error.limit)}});
    case InputFileError::Kind::unreadable: break;
    case InputFileError::Kind::cancelled: break;  // the runner reports the cancel (RUN003), the file is not judged
  }
  return std::nullopt;
}

}  // namespace stm32mp::files
