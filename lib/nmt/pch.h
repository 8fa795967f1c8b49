// Precompiled for every LibTorch-using layer (see lib/CMakeLists.txt). Only heavy, stable headers.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
