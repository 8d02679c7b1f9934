# Tests of the network and ssh steps and the libssh2 BoardSession (included from tests/CMakeLists.txt).
prelaunch_test(ssh_tests
  remote/ssh_board_test.cpp)
target_link_libraries(ssh_tests PRIVATE board_sim_fixture)
