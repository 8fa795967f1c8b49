// A training or validation batch, and the interface the trainer pulls batches from.
// Shapes: B = pairs in the batch, S = longest source (pieces + EOS), T = longest target + 1.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <vector>

namespace nmt {

struct Batch {
  torch::Tensor src;         // [B, S] int64: source pieces + kEosId, right-padded with kPadId
  torch::Tensor tgt_in;      // [B, T] int64: kBosId + target pieces, right-padded with kPadId
  torch::Tensor tgt_out;     // [B, T] int64: target pieces + kEosId, right-padded with kPadId
  std::vector<int64_t> ids;  // each row's pair index in its corpus (0-based), for order restore
  int64_t src_tokens = 0;    // real (non-pad) source tokens
  int64_t tgt_tokens = 0;    // real target tokens (non-pad entries of tgt_out)
  int64_t size() const { return static_cast<int64_t>(ids.size()); }
};

// Where a reader stands in the data: enough to resume exactly.
struct DataPosition {
  int64_t epoch = 1;         // 1-based epoch
  int64_t batches_done = 0;  // batches of this epoch already handed out
};

// What the trainer pulls batches from. Implementations fix each epoch's order from (seed, epoch),
// so the same position always yields the same following batches.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  // Positions the source at `position` (start of an epoch, or mid-epoch when resuming).
  virtual void seek(const DataPosition& position) = 0;
  // The next batch of the current epoch, or nullopt when the epoch is over; the caller then
  // seeks to {epoch + 1, 0}.
  virtual std::optional<Batch> next() = 0;
  virtual DataPosition position() const = 0;
};

}  // namespace nmt
