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
# SSH servers other than a full OpenSSH (issue 11): Dropbear with/without sftp-server, OpenSSH without sftp.
prelaunch_test(ssh_servers_e2e_tests
  e2e/e2e_support.cpp
  e2e/ssh_servers_test.cpp)
target_link_libraries(ssh_servers_e2e_tests PRIVATE board_sim_fixture nlohmann_json::nlohmann_json)
target_compile_definitions(ssh_servers_e2e_tests PRIVATE PRELAUNCH_FIRMWARE_DIR="${_e2e_fw}")
if(TARGET prelaunch_firmware)
  add_dependencies(ssh_servers_e2e_tests prelaunch_firmware)
endif()
# Sessions kept across checks in one process, and the board's process count (issue 12).
prelaunch_test(session_reuse_e2e_tests
  e2e/e2e_support.cpp
  e2e/session_reuse_test.cpp)
target_link_libraries(session_reuse_e2e_tests PRIVATE board_sim_fixture nlohmann_json::nlohmann_json)
target_compile_definitions(session_reuse_e2e_tests PRIVATE PRELAUNCH_FIRMWARE_DIR="${_e2e_fw}")
if(TARGET prelaunch_firmware)
  add_dependencies(session_reuse_e2e_tests prelaunch_firmware)
endif()
