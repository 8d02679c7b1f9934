#pragma once
#include <optional>
#include <string>

#include "core/cancellation.h"
#include "core/step_report.h"
#include "image/image_facts.h"

namespace stm32mp::steps {

struct ImageInputs {
  std::string elf;           // ELF being debugged (--elf)
  std::string signed_image;  // signed image to load (--signed)
  std::string image_key;     // public key for the signature (--image-key)
  std::string remoteproc;    // remoteproc instance name: picks the built-in memory map ("m33", "m4")
  // A board will be read (the target step checks the segments against its own reserved-memory, the
  // authority): a segment outside the built-in map is then a warning here, else an error (IMG010).
  bool board_map_follows = false;
};

// Step `image`: decodes the ELF and/or the signed image, checks them against each other, against
// the key and against the built-in memory map of the remote core, and says which file must be
// uploaded. `facts` receives what later steps need (see image/image_facts.h); it stays empty when
// there is no usable image.
// A cancel (`cancel`, when given) stops the read between two chunks: the step then judges nothing.
[[nodiscard]] core::StepReport check_image(const ImageInputs& in, std::optional<image::ImageFacts>& facts,
                                           const core::CancelToken* cancel = nullptr);

}  // namespace stm32mp::steps
