#include "pipeline/ports.h"

namespace stm32mp::pipeline {

Ports make_system_ports() {
  Ports ports;
  return ports;
}

}  // namespace stm32mp::pipeline
