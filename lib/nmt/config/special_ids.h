// The reserved token ids every vocabulary, model and decoder in nmt agrees on. `nmt vocab`
// trains SentencePiece models with exactly these ids, and loading a model with other ids fails.
#pragma once

#include <cstdint>

namespace nmt {

constexpr int64_t kPadId = 0;  // padding; never predicted, ignored by the loss
constexpr int64_t kUnkId = 1;  // unknown piece
constexpr int64_t kBosId = 2;  // begin of sentence: the decoder's first input
constexpr int64_t kEosId = 3;  // end of sentence: appended to sources and targets

}  // namespace nmt
