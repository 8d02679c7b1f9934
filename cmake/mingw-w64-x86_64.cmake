# Cross build for Windows x86-64 with Debian's mingw-w64 (posix threads: std::thread and std::mutex
# need winpthreads; the win32 flavour of gcc 12 has no std::thread). The third-party libraries come
# from the sysroot scripts/windows/build-deps.sh builds; tests run under wine through ctest.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

if(NOT PRELAUNCH_WIN_SYSROOT AND DEFINED ENV{PRELAUNCH_WIN_SYSROOT})
  set(PRELAUNCH_WIN_SYSROOT $ENV{PRELAUNCH_WIN_SYSROOT})
endif()
set(PRELAUNCH_WIN_SYSROOT "${PRELAUNCH_WIN_SYSROOT}" CACHE PATH "Sysroot from scripts/windows/build-deps.sh")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES PRELAUNCH_WIN_SYSROOT)

set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 ${PRELAUNCH_WIN_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# ctest runs each test .exe through wine (gtest_discover_tests too), in a wine prefix of the build
# tree's own (not the user's ~/.wine). WINEDEBUG=-all keeps wine's
# own fixme lines out of the test output.
set(CMAKE_CROSSCOMPILING_EMULATOR env WINEDEBUG=-all WINEPREFIX=${CMAKE_BINARY_DIR}/wineprefix wine)
