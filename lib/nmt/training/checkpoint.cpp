#include "nmt/training/checkpoint.h"

#include <ATen/Context.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <sstream>

#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"

namespace nmt {
namespace {

std::atomic<int64_t> g_fail_after_bytes{-1};

using torch::serialize::InputArchive;
using torch::serialize::OutputArchive;

// LibTorch's zip reader does not verify the stored CRCs, so flipped bytes inside tensor data load
// silently. A checkpoint therefore carries its own digest of everything else in it.
constexpr const char* kDigestKey = "digest";
constexpr const char* kTrainingWeightsKey = "training_weights";

// With train.ema the file's model is the weight average: the model gets the raw weights back
// from "training_weights" and the average moves to checkpoint.weight_average.
void read_training_weights(InputArchive& archive, Checkpoint& checkpoint) {
  InputArchive weights;
  if (!archive.try_read(kTrainingWeightsKey, weights)) return;
  const std::vector<torch::Tensor> params = unique_trainable(checkpoint.model.model->parameters());
  c10::IValue count;
  weights.read("count", count);
  if (!count.isInt() || count.toInt() != static_cast<int64_t>(params.size()))
    throw CheckpointError("checkpoint '" + checkpoint.path + "': its training weights hold " +
                          (count.isInt() ? std::to_string(count.toInt()) : "?") +
                          " tensors, the model has " + std::to_string(params.size()) +
                          " parameters");
  torch::NoGradGuard no_grad;
  for (size_t i = 0; i < params.size(); ++i) {
    torch::Tensor raw;
    weights.read("p" + std::to_string(i), raw, /*is_buffer=*/true);
    if (raw.sizes() != params[i].sizes())
      throw CheckpointError("checkpoint '" + checkpoint.path + "': training weight " +
                            std::to_string(i) + " has shape " + c10::str(raw.sizes()) +
                            ", the model's is " + c10::str(params[i].sizes()));
    checkpoint.weight_average.push_back(params[i].detach().clone());
    params[i].detach().copy_(raw);
  }
}

uint64_t fnv1a(uint64_t h, const void* data, size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

// FNV-1a over every key, tensor's bytes and value of `archive`, sub-archives included, in the
// archive's own key order (the same for a file and its in-memory twin).
uint64_t archive_digest(InputArchive& archive, uint64_t h = 1469598103934665603ull) {
  for (const std::string& key : archive.keys()) {
    if (key == kDigestKey) continue;
    h = fnv1a(h, key.data(), key.size());
    torch::Tensor tensor;
    InputArchive sub;
    c10::IValue value;
    if (archive.try_read(key, tensor)) {
      const torch::Tensor t = tensor.contiguous();
      h = fnv1a(h, t.data_ptr(), t.nbytes());
    } else if (archive.try_read(key, sub)) {
      h = archive_digest(sub, h);
    } else if (archive.try_read(key, value) && !value.isObject()) {
      std::ostringstream text;
      text << value;
      const std::string s = text.str();
      h = fnv1a(h, s.data(), s.size());
    }
  }
  return h;
}

// First line of a LibTorch error: its backtraces say nothing to a user.
std::string short_what(const std::exception& e) {
  std::string what = e.what();
  const auto newline = what.find('\n');
  return newline == std::string::npos ? what : what.substr(0, newline);
}

// Streams `archive` into a new file at `path`. LibTorch's zip writer calls `sink` chunk by chunk.
// A failure is recorded and the rest of the archive swallowed (the sink still reports every byte
// written): a short count makes the writer throw from its destructor, which terminates the
// process (LibTorch 1.13), and an exception must never cross the zip library either.
void write_archive(OutputArchive& archive, const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(std::string("cannot create: ") + std::strerror(errno));
  int64_t budget = g_fail_after_bytes.exchange(-1);
  std::string failure;
  auto sink = [&](const void* data, size_t size) -> size_t {
    if (!failure.empty()) return size;
    size_t done = 0;
    while (done < size) {
      size_t chunk = size - done;
      if (budget >= 0 && static_cast<int64_t>(chunk) > budget) chunk = static_cast<size_t>(budget);
      if (chunk == 0) {
        failure = "simulated write failure (test hook)";
        return size;
      }
      const ssize_t n = ::write(fd, static_cast<const char*>(data) + done, chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        failure = n < 0 ? std::strerror(errno) : "write returned 0 bytes";
        return size;
      }
      done += static_cast<size_t>(n);
      if (budget >= 0) budget -= n;
    }
    return size;
  };
  try {
    archive.save_to(sink);
  } catch (const std::exception& e) {
    ::close(fd);
    throw std::runtime_error(failure.empty() ? short_what(e) : failure);
  }
  if (::close(fd) != 0)
    throw std::runtime_error(std::string("close failed: ") + std::strerror(errno));
  if (!failure.empty()) throw std::runtime_error(failure);
}

c10::IValue read_value(InputArchive& archive, const std::string& key) {
  c10::IValue value;
  archive.read(key, value);
  return value;
}

OutputArchive state_archive(const TrainingState& s) {
  OutputArchive out;
  out.write("step", c10::IValue(s.step));
  out.write("epoch", c10::IValue(s.data.epoch));
  out.write("batches_done", c10::IValue(s.data.batches_done));
  out.write("tgt_tokens", c10::IValue(s.tgt_tokens));
  out.write("elapsed_seconds", c10::IValue(s.elapsed_seconds));
  out.write("best_score", c10::IValue(s.best_score));
  out.write("best_step", c10::IValue(s.best_step));
  out.write("bad_validations", c10::IValue(s.bad_validations));
  return out;
}

TrainingState read_state(InputArchive& in) {
  TrainingState s;
  s.step = read_value(in, "step").toInt();
  s.data.epoch = read_value(in, "epoch").toInt();
  s.data.batches_done = read_value(in, "batches_done").toInt();
  s.tgt_tokens = read_value(in, "tgt_tokens").toInt();
  s.elapsed_seconds = read_value(in, "elapsed_seconds").toDouble();
  s.best_score = read_value(in, "best_score").toDouble();
  s.best_step = read_value(in, "best_step").toInt();
  s.bad_validations = read_value(in, "bad_validations").toInt();
  return s;
}

bool is_cuda(const std::string& device) { return device.rfind("cuda", 0) == 0; }

torch::Tensor generator_state(at::Generator generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  return generator.get_state();
}

}  // namespace

void fail_next_checkpoint_write_after(int64_t bytes) { g_fail_after_bytes = bytes; }

void save_checkpoint(const std::string& path, const Seq2SeqImpl& model, const Config& config,
                     const AdamOptimizer& optimizer, const TrainingState& state,
                     const std::string& device,
                     const std::vector<torch::Tensor>* training_weights) {
  try {
    OutputArchive archive;
    write_model(archive, model, config);
    archive.write("checkpoint_version", c10::IValue(kCheckpointVersion));
    OutputArchive optimizer_archive;
    optimizer.save(optimizer_archive);
    archive.write("optimizer", optimizer_archive);
    OutputArchive state_out = state_archive(state);
    archive.write("state", state_out);
    OutputArchive rng;
    rng.write("cpu", generator_state(at::detail::getDefaultCPUGenerator()), /*is_buffer=*/true);
    if (is_cuda(device))
      rng.write("cuda",
                generator_state(at::globalContext().defaultGenerator(torch::Device(device))),
                /*is_buffer=*/true);
    archive.write("rng", rng);
    if (training_weights != nullptr) {
      OutputArchive weights;
      weights.write("count", c10::IValue(static_cast<int64_t>(training_weights->size())));
      for (size_t i = 0; i < training_weights->size(); ++i)
        weights.write("p" + std::to_string(i), (*training_weights)[i].detach().cpu(),
                      /*is_buffer=*/true);
      archive.write(kTrainingWeightsKey, weights);
    }
    {
      // The digest is taken from the archive as a reader will see it (an in-memory round trip).
      std::ostringstream memory;
      archive.save_to(memory);
      const std::string bytes = memory.str();
      InputArchive twin;
      twin.load_from(bytes.data(), bytes.size());
      archive.write(kDigestKey, c10::IValue(static_cast<int64_t>(archive_digest(twin))));
    }
    atomic_write(path, [&](const std::string& tmp) { write_archive(archive, tmp); });
  } catch (const CheckpointError&) {
    throw;
  } catch (const std::exception& e) {
    throw CheckpointError("cannot write checkpoint '" + path + "': " + short_what(e));
  }
}

Checkpoint load_checkpoint(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
    throw CheckpointError("checkpoint '" + path + "' does not exist or is not a file");
  Checkpoint checkpoint;
  checkpoint.path = path;
  checkpoint.archive = std::make_shared<InputArchive>();
  try {
    checkpoint.archive->load_from(path);
  } catch (const std::exception& e) {
    throw CheckpointError("cannot read checkpoint '" + path +
                          "': the file is truncated, corrupt or not a checkpoint (" +
                          short_what(e) + ")");
  }
  InputArchive& archive = *checkpoint.archive;
  c10::IValue digest;
  if (archive.try_read(kDigestKey, digest)) {
    uint64_t actual = 0;
    try {
      actual = archive_digest(archive);
    } catch (const std::exception& e) {
      throw CheckpointError("cannot read checkpoint '" + path + "': corrupt (" + short_what(e) +
                            ")");
    }
    if (!digest.isInt() || static_cast<uint64_t>(digest.toInt()) != actual)
      throw CheckpointError("checkpoint '" + path +
                            "' is corrupt: its content does not match its digest "
                            "(damaged on disk or in transfer); resume from another checkpoint");
  }
  c10::IValue version;
  if (!archive.try_read("checkpoint_version", version))
    throw CheckpointError("'" + path +
                          "' holds a model but no training state (optimizer, data "
                          "position); it can be translated with or averaged, not resumed");
  if (!version.isInt() || version.toInt() < 1 || version.toInt() > kCheckpointVersion)
    throw CheckpointError("checkpoint '" + path + "' has format version " +
                          (version.isInt() ? std::to_string(version.toInt()) : version.tagKind()) +
                          " this nmt does not know (it reads version " +
                          std::to_string(kCheckpointVersion) + ")");
  checkpoint.model = read_model(archive, path);  // throws CheckpointError itself
  try {
    InputArchive state;
    archive.read("state", state);
    checkpoint.state = read_state(state);
    read_training_weights(archive, checkpoint);
  } catch (const c10::Error& e) {
    throw CheckpointError("checkpoint '" + path + "': training state unreadable (" + short_what(e) +
                          ")");
  }
  return checkpoint;
}

void Checkpoint::restore_optimizer(AdamOptimizer& optimizer) const {
  try {
    InputArchive in;
    archive->read("optimizer", in);
    optimizer.load(in);
  } catch (const CheckpointError& e) {
    throw CheckpointError("checkpoint '" + path + "': " + e.what());
  } catch (const c10::Error& e) {
    throw CheckpointError("checkpoint '" + path + "': optimizer state unreadable (" +
                          short_what(e) + ")");
  }
}

void Checkpoint::restore_rng(const std::string& device) const {
  try {
    InputArchive rng;
    archive->read("rng", rng);
    torch::Tensor cpu;
    rng.read("cpu", cpu, /*is_buffer=*/true);
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    {
      std::lock_guard<std::mutex> lock(generator.mutex());
      generator.set_state(cpu);
    }
    torch::Tensor cuda;
    if (is_cuda(device) && rng.try_read("cuda", cuda, /*is_buffer=*/true)) {
      at::Generator g = at::globalContext().defaultGenerator(torch::Device(device));
      std::lock_guard<std::mutex> lock(g.mutex());
      g.set_state(cuda);
    }
  } catch (const c10::Error& e) {
    throw CheckpointError("checkpoint '" + path + "': random generator state unreadable (" +
                          short_what(e) + ")");
  }
}

}  // namespace nmt
