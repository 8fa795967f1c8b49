// TEMPORARY: the default Seq2SeqImpl::reorder (and with it the class's vtable) lives in
// lib/nmt/model/seq2seq.cpp, which the model branch has not landed yet. Removed when it does.
#include "nmt/model/seq2seq.h"

namespace nmt {

void Seq2SeqImpl::reorder(DecoderCache& cache, EncoderOutput& encoded, const torch::Tensor& indices) {
  const auto idx = indices.to(torch::kLong);
  for (auto& [name, tensor] : cache.tensors) tensor = tensor.index_select(0, idx.to(tensor.device()));
  encoded.memory = encoded.memory.index_select(0, idx.to(encoded.memory.device()));
  encoded.src_pad_mask = encoded.src_pad_mask.index_select(0, idx.to(encoded.src_pad_mask.device()));
  if (cache.attention.defined()) cache.attention = cache.attention.index_select(0, idx);
}

}  // namespace nmt
