#pragma once
// What earlier steps learned that later steps use (e.g. `target` predicts a TEE/ELF mismatch from
// the image kind found by `image`). Each step writes its own member only.
#include "core/settings.h"

namespace stm32mp::pipeline {

struct RunState {
  core::Settings settings;  // effective settings, written by `config`
};

}  // namespace stm32mp::pipeline
