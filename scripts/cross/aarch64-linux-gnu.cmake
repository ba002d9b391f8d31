# CMake toolchain for building ringtap for arm64 on an x86_64 Debian host:
# gcc-aarch64-linux-gnu plus Debian multiarch :arm64 -dev packages
# (scripts/cross/install-arm64-deps.sh). The BPF objects need an arm64
# vmlinux.h: pass -DRINGTAP_VMLINUX_H=FILE (scripts/kernels/build-arm64.sh
# dumps one from a Debian arm64 kernel's BTF).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++) # src/codec/json_simd.cpp (simdjson)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER) # clang, bpftool, protoc-c run on the host
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# pkg-config answers for the arm64 libraries, not the host's.
set(ENV{PKG_CONFIG_LIBDIR} /usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig)
set(ENV{PKG_CONFIG_SYSROOT_DIR} /)
