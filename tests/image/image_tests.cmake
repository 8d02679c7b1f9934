# Tests of the image area (included from tests/CMakeLists.txt). They use the firmware that
# tests/firmware builds with arm-none-eabi-gcc, and the openssl command line as an independent check.
if(NOT DEFINED PRELAUNCH_FIRMWARE_DIR)
  set(PRELAUNCH_FIRMWARE_DIR "${CMAKE_BINARY_DIR}/firmware")
endif()
find_program(PRELAUNCH_OPENSSL openssl REQUIRED)
prelaunch_test(image_tests
  image/image_test_support.cpp
  image/elf_reader_test.cpp
  image/signed_image_test.cpp
  image/memory_map_test.cpp
  image/sign_test.cpp
  image/sign_reference_test.cpp
  image/signed_formats_test.cpp
  image/image_step_test.cpp
  image/source_test.cpp)
# What image/image_test_support.cpp needs: the firmware, its keys, the test data and the openssl CLI.
function(prelaunch_image_test_inputs target)
  target_compile_definitions(${target} PRIVATE
    PRELAUNCH_FIRMWARE_DIR="${PRELAUNCH_FIRMWARE_DIR}"
    PRELAUNCH_IMAGE_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/image/data"
    PRELAUNCH_FIRMWARE_KEYS="${CMAKE_SOURCE_DIR}/tests/firmware/keys"
    PRELAUNCH_OPENSSL="${PRELAUNCH_OPENSSL}")
  if(TARGET prelaunch_firmware OR EXISTS ${CMAKE_SOURCE_DIR}/tests/firmware/CMakeLists.txt)
    add_dependencies(${target} prelaunch_firmware)
  endif()
endfunction()
prelaunch_image_test_inputs(image_tests)

# The image step's peak memory on a 64 MiB image (issue 12): its own executable, so that the process's
# high-water mark is the test's. Linux only (/proc/self/status).
if(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  prelaunch_test(image_stream_tests
    image/image_test_support.cpp
    image/image_stream_test.cpp)
  prelaunch_image_test_inputs(image_stream_tests)
  # Under AddressSanitizer the peak RSS says nothing about the code: freed chunks stay in its quarantine and its
  # shadow memory grows with every byte touched. The tests then check what the streamed reads found, not the peak.
  if(PRELAUNCH_SANITIZE)
    target_compile_definitions(image_stream_tests PRIVATE PRELAUNCH_PEAK_RSS_MEANINGFUL=0)
  else()
    target_compile_definitions(image_stream_tests PRIVATE PRELAUNCH_PEAK_RSS_MEANINGFUL=1)
  endif()
endif()
