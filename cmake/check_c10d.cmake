# Which of LibTorch's c10d backends this build can use (lib/nmt/training/distributed.cpp).
#
# LibTorch ships ProcessGroupGloo / ProcessGroupNCCL only when it was built with them, and their
# headers compile only with USE_C10D_GLOO / USE_C10D_NCCL defined (not every LibTorch CMake config
# defines them) and, for Gloo, with gloo's own headers installed (Debian: libgloo-dev). Each check
# compiles and links a tiny program, so a "yes" means the symbols really are in the library.
# Results go to nmt/training/c10d_config.h; without Gloo, multi-process training reports that this
# build cannot do it instead of failing to compile.
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)

cmake_push_check_state(RESET)
set(CMAKE_REQUIRED_LIBRARIES torch)
set(CMAKE_REQUIRED_QUIET ON)
set(CMAKE_REQUIRED_DEFINITIONS -DUSE_C10D_GLOO)
check_cxx_source_compiles([[
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
int main() {
  c10d::TCPStoreOptions store_options;
  auto options = c10d::ProcessGroupGloo::Options::create();
  options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  return store_options.port == 0 ? 1 : 0;
}]] NMT_HAVE_C10D_GLOO)
set(CMAKE_REQUIRED_DEFINITIONS -DUSE_C10D_NCCL)
check_cxx_source_compiles([[
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
int main() {
  auto options = c10d::ProcessGroupNCCL::Options::create();
  return options ? 0 : 1;
}]] NMT_HAVE_C10D_NCCL)
cmake_pop_check_state()

foreach(backend GLOO NCCL)
  if(NMT_HAVE_C10D_${backend})
    list(APPEND NMT_C10D_BACKENDS ${backend})
  endif()
endforeach()
message(STATUS "c10d backends for distributed training: ${NMT_C10D_BACKENDS}")
