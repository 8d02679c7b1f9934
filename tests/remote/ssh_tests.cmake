# Tests of the network and ssh steps and the libssh2 BoardSession (included from tests/CMakeLists.txt).
prelaunch_test(network_tests
  remote/network_step_test.cpp
  remote/network_adapter_test.cpp
  remote/ssh_route_test.cpp
  remote/ssh_config_test.cpp
  remote/ssh_config_login_test.cpp)
prelaunch_test(ssh_tests
  remote/ssh_step_test.cpp
  remote/ssh_banner_flood_test.cpp
  remote/ssh_board_test.cpp
  remote/ssh_board_faults_test.cpp
  remote/ssh_measure_test.cpp
  remote/ssh_agent_client_test.cpp
  remote/ssh_agent_board_test.cpp
  remote/known_hosts_test.cpp)
target_link_libraries(ssh_tests PRIVATE board_sim_fixture)
