# Toolchain file: Cortex-M33 (Armv8-M Mainline, no FPU use) with
# arm-none-eabi-gcc and newlib + semihosting, test binaries running on QEMU's
# mps2-an505 board.
#
#   cmake -S . -B build/m33 -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi-m33.cmake \
#         -DCMAKE_BUILD_TYPE=MinSizeRel
#   cmake --build build/m33 && ctest --test-dir build/m33
#
# Executables link ports/qemu-m33 (vector table, reset handler, linker
# script); CTest runs them through scripts/qemu-run.sh.
#
# SPDX-License-Identifier: Apache-2.0

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR cortex-m33)

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
# ar, ranlib, nm, objdump: CMake finds the arm-none-eabi- ones itself
# (scripts/check-lib-symbols.sh reads CMAKE_NM from the cache).

# Compiler checks build a static library: nothing needs to link or run.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(DFU_M33_CPU_FLAGS "-mcpu=cortex-m33 -mthumb -mfloat-abi=soft")
set(CMAKE_C_FLAGS_INIT "${DFU_M33_CPU_FLAGS} -ffunction-sections -fdata-sections")
# newlib (full, not nano: nano's printf has no %lld, which the test harness
# uses) with semihosting: rdimon.specs adds rdimon-crt0.o, -lc and -lrdimon.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=rdimon.specs -Wl,--gc-sections")

# The top-level CMakeLists.txt reads these: the startup code linked into
# every executable and its linker script.
get_filename_component(DFU_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
# printf_c99.c adds %zu/%td/%jd, which Debian's newlib lacks, by wrapping
# the printf family (see the file).
set(DFU_TARGET_STARTUP_SOURCES "${DFU_SOURCE_ROOT}/ports/qemu-m33/startup.c"
    "${DFU_SOURCE_ROOT}/ports/qemu-m33/printf_c99.c")
set(DFU_TARGET_LINKER_SCRIPT "${DFU_SOURCE_ROOT}/ports/qemu-m33/qemu-m33.ld")
set(DFU_TARGET_LINK_OPTIONS "-T${DFU_TARGET_LINKER_SCRIPT}"
    "-Wl,--wrap=printf,--wrap=vprintf,--wrap=fprintf,--wrap=vfprintf"
    "-Wl,--wrap=snprintf,--wrap=vsnprintf,--wrap=sprintf,--wrap=vsprintf")

# CTest runs target binaries through QEMU. The wrapper stops a hung QEMU
# itself (exit status 124) a little before CTest's per-test timeout would.
# The whole suite takes seconds, so both are far from normal run times.
set(DFU_TEST_TIMEOUT 300 CACHE STRING "Per-test timeout in seconds")
set(DFU_QEMU_TIMEOUT 280 CACHE STRING "Seconds before qemu-run.sh stops QEMU")
set(CMAKE_CROSSCOMPILING_EMULATOR
    "${DFU_SOURCE_ROOT}/scripts/qemu-run.sh;--timeout;${DFU_QEMU_TIMEOUT}")

# Find programs on the host, libraries and headers only in the toolchain.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
