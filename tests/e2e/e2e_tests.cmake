# End-to-end catalogue tests (tests/e2e): the real CLI against the simulated board (tests/board-sim)
# with the real test firmware (tests/firmware). Included from tests/CMakeLists.txt.
prelaunch_test(remote_e2e_tests
  e2e/e2e_support.cpp
  e2e/catalogue_elf_test.cpp
  e2e/catalogue_board_test.cpp
  e2e/catalogue_tee_test.cpp
  e2e/catalogue_fault_test.cpp
  e2e/batched_steps_test.cpp)
target_link_libraries(remote_e2e_tests PRIVATE board_sim_fixture nlohmann_json::nlohmann_json)
if(DEFINED PRELAUNCH_FIRMWARE_DIR)
  set(_e2e_fw ${PRELAUNCH_FIRMWARE_DIR})
else()
  set(_e2e_fw ${CMAKE_BINARY_DIR}/firmware)
endif()
target_compile_definitions(remote_e2e_tests PRIVATE PRELAUNCH_FIRMWARE_DIR="${_e2e_fw}")
if(TARGET prelaunch_firmware)
  add_dependencies(remote_e2e_tests prelaunch_firmware)
endif()
