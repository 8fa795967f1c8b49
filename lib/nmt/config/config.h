// nmt's configuration: one JSON document with sections `model`, `data`, `train`, `decode`, mapped
// onto the plain structs below. Every field has a default here; a preset (models/NAME.json), a
// config file and `--set key.path=value` overrides are layered on top, in that order, and the
// result is validated: unknown keys, wrong types and out-of-range values throw ConfigError naming
// the key and the file (or option) the value came from.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace nmt {

struct ModelConfig {
  std::string arch = "transformer";      // transformer | rnn
  int64_t d_model = 512;                 // width of embeddings and hidden states (rnn: hidden size)
  int64_t heads = 8;                     // attention heads; must divide d_model
  int64_t ff = 2048;                     // inner width of the position-wise feed-forward network
  int64_t encoder_layers = 6;            // encoder blocks (rnn: stacked bidirectional layers)
  int64_t decoder_layers = 6;            // decoder blocks (rnn: stacked layers)
  double dropout = 0.1;                  // dropout on embeddings, sublayer outputs and feed-forward
  double attention_dropout = 0.0;        // dropout on attention weights
  std::string attention = "scaled_dot";  // scaled_dot | dot | general | additive
  std::string positional = "sinusoidal";   // sinusoidal | learned | none
  std::string positional_combine = "add";  // add | concat (concat, then project back to d_model)
  double positional_base = 10000.0;        // the base of the sinusoids' wavelengths
  int64_t max_positions = 1024;            // longest sequence the learned/sinusoidal tables hold
  std::string norm = "pre";         // pre (LayerNorm before sublayers, plus a final norm) | post
  std::string activation = "relu";  // relu | gelu
  bool tie_embeddings = true;       // output projection shares the target embedding matrix
  bool share_embeddings = true;     // source and target embeddings shared (joint vocabulary)
  std::string rnn_cell = "lstm";    // lstm | gru (arch: rnn)
};

struct DataConfig {
  std::string train_src;  // training source file (plain, .gz), or a TSV with train_tgt ""
  std::string train_tgt;  // training target file
  std::string valid_src;  // validation source file ("" = no validation)
  std::string valid_tgt;  // validation reference file
  std::string vocab;      // existing SentencePiece .model ("S.model,T.model" when not joint); "" =
                          // train into the run dir
  int64_t vocab_size = 8000;           // SentencePiece vocabulary size when training one
  std::string vocab_type = "unigram";  // unigram | bpe
  bool joint_vocab = true;             // one vocabulary over source+target (else one per side)
  double character_coverage = 1.0;     // SentencePiece character coverage
  int64_t vocab_sample = 2000000;      // sentences SentencePiece trains on (0 = all)
  int64_t batch_tokens = 4096;         // token budget per batch, padding counted (max of src, tgt)
  int64_t max_length = 128;            // pairs with a side longer than this (in pieces) are dropped
  double max_length_ratio = 3.0;  // pairs whose length ratio exceeds this are dropped (0 = off)
  int64_t shuffle_buffer =
      1000000;  // pairs held in memory for shuffling/bucketing; larger corpora stream
  double sampling_alpha = 0.0;  // subword regularization: SentencePiece sampling alpha (0 = off)
  std::string invalid_utf8 = "error";  // error | skip (skipped lines are counted and reported)
  int64_t prefetch = 8;                // batches prepared ahead on a background thread
};

struct TrainConfig {
  int64_t max_steps = 100000;             // stop after this many optimizer updates (0 = no limit)
  int64_t max_epochs = 0;                 // stop after this many epochs (0 = no limit)
  double max_minutes = 0.0;               // wall-clock budget in minutes (0 = no limit)
  double lr = 7e-4;                       // peak learning rate
  int64_t warmup_steps = 4000;            // linear warm-up steps
  std::string schedule = "inverse_sqrt";  // inverse_sqrt | constant | cosine
  double min_lr = 0.0;                    // floor of the cosine schedule
  double adam_beta1 = 0.9;
  double adam_beta2 = 0.98;
  double adam_eps = 1e-9;
  double weight_decay = 0.0;            // decoupled (AdamW) weight decay
  double label_smoothing = 0.1;         // epsilon of label-smoothed cross-entropy
  double clip_norm = 1.0;               // gradient-norm clipping threshold (0 = off)
  double ema = 0.0;  // decay of the exponential moving average of the weights (0 = off)
  int64_t accumulate = 1;               // batches whose gradients are summed per update
  int64_t log_every = 100;              // steps between training log lines
  int64_t valid_every = 1000;           // steps between validations (0 = only at the end)
  int64_t save_every = 1000;            // steps between checkpoints
  int64_t keep_last = 5;                // step checkpoints kept besides best.pt and last.pt
  int64_t patience = 10;                // validations without improvement before stopping (0 = off)
  std::string early_stopping = "bleu";  // bleu | chrf | loss
  int64_t valid_beam = 1;               // beam size for validation translations (1 = greedy)
  std::string precision = "auto";  // auto (bf16 where the hardware is fast at it) | fp32 | bf16
  int64_t seed = 1234;             // seeds parameters, dropout and data order
  bool report = false;             // write report.html in the run directory at each validation
  int64_t nan_tolerance = 5;       // consecutive non-finite losses tolerated before stopping
  std::string device = "cpu";      // cpu | cuda | cuda:N
  int64_t threads = 0;             // intra-op threads (0 = the cores available)
};

struct DecodeConfig {
  int64_t beam = 5;                          // beam size (1 = greedy)
  int64_t nbest = 1;                         // hypotheses written per input (<= beam)
  double length_penalty = 0.6;               // alpha of the length normalisation
  std::string length_penalty_type = "gnmt";  // gnmt ((5+len)/6)^alpha | average (len^alpha) | none
  double max_length_a = 1.5;                 // output length limit: a * source_length + b
  int64_t max_length_b = 10;
  int64_t min_length = 0;       // EOS is forbidden before this many tokens
  int64_t batch_tokens = 6000;  // padded source tokens x hypotheses per sentence (beam) per batch
  int64_t inter_threads = 0;    // CPU batches decoded at once (0 = auto: 2 with >= 2 threads)
  bool sample = false;          // sample instead of searching (back-translation)
  double temperature = 1.0;     // sampling temperature
  int64_t top_k = 0;            // sample from the k most likely tokens (0 = all)
  double top_p = 1.0;           // nucleus sampling mass (1 = all)
  std::string precision = "auto";  // auto | fp32 | bf16 | int8
};

struct Config {
  ModelConfig model;
  DataConfig data;
  TrainConfig train;
  DecodeConfig decode;
};

// Where a config comes from, lowest priority first.
struct ConfigSources {
  std::string preset;              // name of a built-in preset ("" = none)
  std::vector<std::string> files;  // JSON files, applied in order
  std::vector<std::string>
      overrides;  // "key.path=value"; value parsed as JSON, else taken as a string
};

// Builds a validated Config from defaults + sources. Throws ConfigError naming key and origin.
Config load_config(const ConfigSources& sources);
// Parses and validates a complete or partial JSON document (origin names it in errors).
Config config_from_json(const nlohmann::json& doc, const std::string& origin);
nlohmann::json to_json(const Config& config);

// The names of the built-in presets (models/*.json), and one preset's JSON text.
std::vector<std::string> preset_names();
const std::string& preset_json(const std::string& name);

// A Markdown table of every key with its type, default and meaning (README's reference).
std::string config_reference_markdown();

}  // namespace nmt
