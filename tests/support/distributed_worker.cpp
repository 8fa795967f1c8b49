// Test helper (not installed, not part of nmt): one data-parallel worker for
// tests/training/distributed_test.cpp, driving a tiny transformer through DistributedContext and
// GradientSync exactly as the trainer does, so tests can compare processes against one process
// and kill or stop workers mid-run.
//
//   distributed_worker train --steps K --global-rows G --out FILE [--sleep-ms MS] [--timeout-ms MS]
//                            [--fail-rank R --fail-step K]
//   distributed_worker launch --nproc N -- <train arguments>      (through launch_local_workers)
//   distributed_worker trainer --run-dir DIR --steps K --accumulate A --out FILE [--resume 1]
//                              ("{rank}" in FILE becomes the rank)
//                              [--valid-every N]
//
// `trainer` runs nmt::Trainer itself (the path of `nmt train`) on the reversal task of
// tests/training/reversal_task.h: 256 pairs in batches of 16, rank r of W taking global batches
// r, r+W, ... of each epoch, so W ranks with accumulate A see exactly the batches of one process
// with accumulate W*A. Dropout is off, so the two must end with the same parameters.
//
// The rendezvous comes from the environment (WORLD_SIZE, RANK, MASTER_ADDR, MASTER_PORT). Step k
// uses a global batch of G sentence pairs generated from seed k; rank r of W takes rows
// [r*G/W, (r+1)*G/W). Parameters start from seed 1000 + rank (deliberately different per rank:
// the broadcast from rank 0 must make them equal). Each step prints "step k loss L tokens N" on
// stdout; FILE receives the final parameters (torch::save of a tensor list).
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "nmt/config/config.h"
#include "nmt/config/special_ids.h"
#include "nmt/model/seq2seq.h"
#include "nmt/training/distributed.h"
#include "nmt/training/gradient_sync.h"
#include "nmt/training/launcher.h"
#include "nmt/training/trainer.h"
#include "nmt/util/log.h"
#include "training/reversal_task.h"

namespace {

constexpr int64_t kVocab = 40;

struct Args {
  int64_t steps = 3;
  int64_t global_rows = 8;
  std::string out;
  int64_t sleep_ms = 0;
  int64_t timeout_ms = 10000;
  int64_t fail_rank = -1;
  int64_t fail_step = -1;
};

struct Rows {
  torch::Tensor src, tgt_in, tgt_out;  // [rows, len] int64, padded with kPadId
};

// Rows [begin, end) of step `step`'s global batch; every row's content depends only on (step, row).
Rows make_rows(int64_t step, int64_t begin, int64_t end) {
  std::vector<std::vector<int64_t>> src, tgt;
  int64_t src_len = 0, tgt_len = 0;
  for (int64_t row = begin; row < end; ++row) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(step * 1000 + row));
    const int64_t n = torch::randint(3, 10, {1}, gen).item<int64_t>();
    const int64_t m = torch::randint(3, 10, {1}, gen).item<int64_t>();
    auto s = torch::randint(4, kVocab, {n}, gen, torch::kInt64);
    auto t = torch::randint(4, kVocab, {m}, gen, torch::kInt64);
    src.emplace_back(s.data_ptr<int64_t>(), s.data_ptr<int64_t>() + n);
    tgt.emplace_back(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + m);
    src_len = std::max(src_len, n + 1);
    tgt_len = std::max(tgt_len, m + 1);
  }
  const int64_t rows = end - begin;
  Rows out{torch::full({rows, src_len}, nmt::kPadId, torch::kInt64),
           torch::full({rows, tgt_len}, nmt::kPadId, torch::kInt64),
           torch::full({rows, tgt_len}, nmt::kPadId, torch::kInt64)};
  for (int64_t i = 0; i < rows; ++i) {
    const auto& s = src[static_cast<size_t>(i)];
    const auto& t = tgt[static_cast<size_t>(i)];
    for (size_t j = 0; j < s.size(); ++j) out.src[i][static_cast<int64_t>(j)] = s[j];
    out.src[i][static_cast<int64_t>(s.size())] = nmt::kEosId;
    out.tgt_in[i][0] = nmt::kBosId;
    for (size_t j = 0; j < t.size(); ++j) {
      out.tgt_in[i][static_cast<int64_t>(j) + 1] = t[j];
      out.tgt_out[i][static_cast<int64_t>(j)] = t[j];
    }
    out.tgt_out[i][static_cast<int64_t>(t.size())] = nmt::kEosId;
  }
  return out;
}

int train(const Args& args) {
  nmt::DistributedOptions options = nmt::distributed_options_from_env();
  options.timeout = std::chrono::milliseconds(args.timeout_ms);
  nmt::DistributedContext context(options);
  const int64_t rank = context.rank(), world = context.world_size();
  std::cout << "rank 0 says: "
            << context.broadcast_bytes(rank == 0 ? "hello from rank 0" : "not rank 0", "greeting")
            << std::endl;

  nmt::ModelConfig config;
  config.d_model = 32;
  config.heads = 2;
  config.ff = 64;
  config.encoder_layers = 1;
  config.decoder_layers = 1;
  config.dropout = 0.0;
  torch::manual_seed(static_cast<uint64_t>(1000 + rank));
  nmt::Seq2Seq model = nmt::make_model(config, kVocab, kVocab);
  model->train();
  nmt::GradientSync sync(context, model->parameters());
  sync.broadcast_parameters(model->buffers());
  // eps well above the gradients' rounding noise, so Adam's g / sqrt(v) cannot amplify it.
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3).eps(1e-6));

  const int64_t begin = rank * args.global_rows / world,
                end = (rank + 1) * args.global_rows / world;
  for (int64_t step = 1; step <= args.steps; ++step) {
    if (rank == args.fail_rank && step == args.fail_step) {
      std::cerr << "worker: rank " << rank << " fails on purpose at step " << step << std::endl;
      return 3;
    }
    const Rows rows = make_rows(step, begin, end);
    const int64_t local_tokens = rows.tgt_out.ne(nmt::kPadId).sum().item<int64_t>();
    const int64_t tokens = context.sum(local_tokens, "target tokens");
    optimizer.zero_grad();
    auto logits = model->forward(rows.src, rows.tgt_in);  // [rows, T, V]
    auto loss_sum = torch::nn::functional::cross_entropy(
        logits.reshape({-1, kVocab}), rows.tgt_out.reshape({-1}),
        torch::nn::functional::CrossEntropyFuncOptions()
            .ignore_index(nmt::kPadId)
            .reduction(torch::kSum));
    (loss_sum / static_cast<double>(tokens)).backward();
    std::vector<double> stats{loss_sum.item<double>()};
    sync.all_reduce(&stats);
    optimizer.step();
    std::cout << "step " << step << " loss " << stats[0] / static_cast<double>(tokens) << " tokens "
              << tokens << std::endl;
    if (args.sleep_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(args.sleep_ms));
  }
  context.barrier("end of training");
  if (!args.out.empty()) {
    std::vector<torch::Tensor> params;
    for (const auto& p : model->parameters()) params.push_back(p.detach().clone());
    torch::save(params, args.out);
  }
  return 0;
}

// Rank r of W's share of `all`: global batches r, r+W, r+2W, ... of each epoch. Its positions
// count this rank's batches, as the TokenBatcher's shards do.
class ShardedBatches : public nmt::BatchSource {
 public:
  ShardedBatches(nmt::BatchSource& all, int64_t rank, int64_t world)
      : all_(all), rank_(rank), world_(world) {}
  void seek(const nmt::DataPosition& position) override { position_ = position; }
  std::optional<nmt::Batch> next() override {
    all_.seek({position_.epoch, position_.batches_done * world_ + rank_});
    auto batch = all_.next();
    if (batch) position_.batches_done += 1;
    return batch;
  }
  nmt::DataPosition position() const override { return position_; }

 private:
  nmt::BatchSource& all_;
  int64_t rank_, world_;
  nmt::DataPosition position_;
};

int run_trainer(const std::vector<std::string>& a) {
  std::string run_dir, out;
  int64_t steps = 4, accumulate = 1, valid_every = 0;
  bool resume = false;
  for (size_t i = 1; i + 1 < a.size(); i += 2) {
    if (a[i] == "--run-dir")
      run_dir = a[i + 1];
    else if (a[i] == "--out")
      out = a[i + 1];
    else if (a[i] == "--steps")
      steps = std::stoll(a[i + 1]);
    else if (a[i] == "--accumulate")
      accumulate = std::stoll(a[i + 1]);
    else if (a[i] == "--valid-every")
      valid_every = std::stoll(a[i + 1]);
    else if (a[i] == "--resume")
      resume = a[i + 1] == "1";
    else
      throw std::invalid_argument("unknown option " + a[i]);
  }
  torch::set_num_threads(1);  // reproducible float sums
  nmt::DistributedOptions options = nmt::distributed_options_from_env();
  options.timeout = std::chrono::milliseconds(20000);
  nmt::DistributedContext context(options);
  if (!context.is_primary()) nmt::log::set_level(nmt::log::Level::warn);

  nmt::Config config = nmt::test::tiny_config();
  config.model.dropout = 0.0;
  config.model.attention_dropout = 0.0;
  config.train.max_steps = steps;
  config.train.accumulate = accumulate;
  config.train.log_every = 1;
  config.train.valid_every = valid_every;
  config.train.adam_eps = 1e-6;  // well above the rounding noise of summing gradients differently

  nmt::test::ReversalBatches all(256, 16);
  ShardedBatches mine(all, context.rank(), context.world_size());
  std::optional<nmt::Checkpoint> checkpoint;
  nmt::Seq2Seq model;
  if (resume) {
    checkpoint = nmt::load_checkpoint(run_dir + "/checkpoints/last.pt");
    model = checkpoint->model.model;
  } else {
    torch::manual_seed(static_cast<uint64_t>(1 + context.rank()));  // different: rank 0's must win
    model = nmt::make_model(config.model, nmt::test::kReversalVocab, nmt::test::kReversalVocab);
  }
  nmt::Trainer trainer(config, run_dir, model, mine, &context);
  if (checkpoint) trainer.resume(*checkpoint);
  int validations = 0;
  if (valid_every > 0)
    trainer.set_validation([&](const nmt::Seq2Seq&) {
      ++validations;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // rank 0 busy: others must wait
      nmt::ValidationResult r;
      r.loss = 1.0;
      r.ppl = 2.7;
      r.bleu = 10.0 + validations;
      return r;
    });
  const nmt::TrainResult result = trainer.train();
  std::cout << "rank " << context.rank() << " stopped at step " << result.state.step << " epoch "
            << result.state.data.epoch << " batch " << result.state.data.batches_done
            << " validations " << validations << std::endl;
  std::vector<torch::Tensor> params;
  for (const auto& p : trainer.model()->parameters()) params.push_back(p.detach().clone());
  if (const auto at = out.find("{rank}"); at != std::string::npos)  // one --out for all ranks
    out.replace(at, 6, std::to_string(context.rank()));
  torch::save(params, out);
  return 0;
}

int launch(int nproc, const std::vector<std::string>& train_args) {
  nmt::LaunchOptions options;
  options.nproc = nproc;
  options.args = train_args;
  options.kill_grace = std::chrono::milliseconds(3000);
  const auto result = nmt::launch_local_workers(options);
  if (result.ok()) return 0;
  std::cerr << "error: distributed: " << result.describe() << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  try {
    if (!a.empty() && a[0] == "launch" && a.size() >= 4 && a[1] == "--nproc" && a[3] == "--")
      return launch(std::stoi(a[2]), std::vector<std::string>(a.begin() + 4, a.end()));
    if (!a.empty() && a[0] == "trainer") return run_trainer(a);
    if (a.empty() || a[0] != "train")
      throw std::invalid_argument("usage: distributed_worker train|launch ...");
    Args args;
    for (size_t i = 1; i + 1 < a.size(); i += 2) {
      const std::string& key = a[i];
      const std::string& value = a[i + 1];
      if (key == "--steps")
        args.steps = std::stoll(value);
      else if (key == "--global-rows")
        args.global_rows = std::stoll(value);
      else if (key == "--out")
        args.out = value;
      else if (key == "--sleep-ms")
        args.sleep_ms = std::stoll(value);
      else if (key == "--timeout-ms")
        args.timeout_ms = std::stoll(value);
      else if (key == "--fail-rank")
        args.fail_rank = std::stoll(value);
      else if (key == "--fail-step")
        args.fail_step = std::stoll(value);
      else
        throw std::invalid_argument("unknown option " + key);
    }
    return train(args);
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << std::endl;
    return 1;
  }
}
