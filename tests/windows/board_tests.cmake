# The Windows CLI under wine against the simulated board (board_check_under_wine.sh). It is a test of the
# Linux build, which makes what it needs beside the .exe: the board's rprocfs and the test firmware. The .exe
# comes from the Windows build (preset "windows"; scripts/test.sh builds it first); without it the test
# says so and is skipped (exit 77). Included from tests/CMakeLists.txt.
set(PRELAUNCH_WINDOWS_CLI ${PROJECT_SOURCE_DIR}/build-windows/native/stm32mp-prelaunch.exe
    CACHE FILEPATH "stm32mp-prelaunch.exe of the Windows build, run under wine against the simulated board")
add_test(NAME windows_check_on_board
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/board_check_under_wine.sh ${PRELAUNCH_WINDOWS_CLI}
                 ${PROJECT_SOURCE_DIR}/tests/board-sim/board-sim $<TARGET_FILE:rprocfs> ${_e2e_fw}/m33_ns.elf
                 ${CMAKE_CURRENT_LIST_DIR})
set_tests_properties(windows_check_on_board PROPERTIES TIMEOUT 900 SKIP_RETURN_CODE 77 LABELS "windows;board-sim")
