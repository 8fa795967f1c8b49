// Training checkpoints: everything needed to continue a run exactly where it stopped.
//
// A checkpoint is a model file (model_file.h: "model", "config", vocabulary sizes, format version,
// written by write_model) plus
//   "checkpoint_version"  int: kCheckpointVersion
//   "optimizer"           sub-archive: Adam moments and step counts (AdamOptimizer::save)
//   "state"               sub-archive: TrainingState (step, data position, best score, ...)
//   "rng"                 sub-archive: the torch generators' states (CPU, and CUDA when used)
//   "training_weights"    sub-archive, only when train.ema is on: the raw weights training
//                         continues from ("count", "p0", "p1", ... in unique_trainable order);
//                         "model" then holds the weight average (weight_ema.h), so translating,
//                         averaging and scoring a checkpoint use the average, as in Marian
//   "digest"              int: FNV-1a of all the above (LibTorch does not check the zip CRCs on
//   read)
// so `nmt translate` and `nmt average` read checkpoints like any model file. Files are written
// atomically (PATH.tmp, fsync, rename): a kill or a full disk mid-write leaves the previous
// checkpoint as it was.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/corpus/batch.h"
#include "nmt/model/model_file.h"
#include "nmt/training/adam_optimizer.h"
#include "nmt/training/training_state.h"

namespace nmt {

constexpr int64_t kCheckpointVersion = 1;

// A loaded checkpoint. The optimizer state can only be applied once the optimizer exists (it
// wraps the model's parameters), hence restore_optimizer().
struct Checkpoint {
  std::string path;
  // The model (float32, CPU) and the run's resolved config. With a weight average in the file,
  // the model holds the raw training weights and `weight_average` the file's model weights.
  LoadedModel model;
  std::vector<torch::Tensor> weight_average;  // unique_trainable order; empty without train.ema
  TrainingState state;
  // Applies the saved Adam state; throws CheckpointError when it does not fit `optimizer`.
  void restore_optimizer(AdamOptimizer& optimizer) const;
  // Sets the torch generators (CPU, and `device`'s when it is CUDA) to their saved states, so
  // dropout continues with the masks it would have drawn.
  void restore_rng(const std::string& device) const;

  std::shared_ptr<torch::serialize::InputArchive> archive;  // the open file
};

// Writes a checkpoint atomically to `path`; `device` says which generators' states to keep.
// `training_weights` (with train.ema, when `model` holds the weight average): the raw weights, in
// unique_trainable order. Throws CheckpointError naming the file when writing fails; `path` is
// then untouched.
void save_checkpoint(const std::string& path, const Seq2SeqImpl& model, const Config& config,
                     const AdamOptimizer& optimizer, const TrainingState& state,
                     const std::string& device = "cpu",
                     const std::vector<torch::Tensor>* training_weights = nullptr);

// Throws CheckpointError naming `path` when it is missing, truncated or corrupt, is a model file
// without training state, or was written by an incompatible version.
Checkpoint load_checkpoint(const std::string& path);

// Test hook: the next checkpoint write fails after `bytes` bytes reached the temporary file, as a
// full disk or a kill would leave it (a negative value disarms it).
void fail_next_checkpoint_write_after(int64_t bytes);

}  // namespace nmt
