# End-to-end catalogue tests (tests/e2e): the real CLI against the simulated board (tests/board-sim)
# with the real test firmware (tests/firmware). Included from tests/CMakeLists.txt.
if(DEFINED PRELAUNCH_FIRMWARE_DIR)
  set(_e2e_fw ${PRELAUNCH_FIRMWARE_DIR})
else()
  set(_e2e_fw ${CMAKE_BINARY_DIR}/firmware)
endif()

# prelaunch_e2e_test(NAME src…): a prelaunch_test with the board fixture, e2e_support and the test firmware.
function(prelaunch_e2e_test name)
  prelaunch_test(${name} e2e/e2e_support.cpp ${ARGN})
  target_link_libraries(${name} PRIVATE board_sim_fixture nlohmann_json::nlohmann_json)
  target_compile_definitions(${name} PRIVATE PRELAUNCH_FIRMWARE_DIR="${_e2e_fw}")
  if(TARGET prelaunch_firmware)
    add_dependencies(${name} prelaunch_firmware)
  endif()
endfunction()

prelaunch_e2e_test(remote_e2e_tests
  e2e/catalogue_elf_test.cpp
  e2e/catalogue_board_test.cpp
  e2e/catalogue_tee_test.cpp
  e2e/catalogue_fault_test.cpp
  e2e/batched_steps_test.cpp
  e2e/old_image_test.cpp)
# Issue 10's kernel-log classifications produced by the board's fault knobs, and issue 15's hostile board.
prelaunch_e2e_test(kernel_e2e_tests
  e2e/catalogue_kernel_test.cpp
  e2e/tee_ta_board_test.cpp
  e2e/hostile_board_test.cpp)
# SSH servers other than a full OpenSSH (issue 11): Dropbear with/without sftp-server, OpenSSH without sftp.
prelaunch_e2e_test(ssh_servers_e2e_tests
  e2e/ssh_servers_test.cpp)
# The user's SSH configuration (--ssh-config: alias, ProxyJump, ProxyCommand) and the SSH parts of issue 15.
prelaunch_e2e_test(ssh_config_e2e_tests
  e2e/ssh_config_test.cpp
  e2e/ssh_config_login_test.cpp
  e2e/ssh_config_jump_test.cpp
  e2e/ssh_config_home_test.cpp)
# Sessions kept across checks in one process, and the board's process count (issue 12).
prelaunch_e2e_test(session_reuse_e2e_tests
  e2e/session_reuse_test.cpp)
# Issue 15: a signal while a board step is under way (target, remoteproc).
prelaunch_e2e_test(cancel_e2e_tests
  e2e/cancel_board_test.cpp)
