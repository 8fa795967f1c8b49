// The one list of config keys: each section's fields with their constraints and documentation.
// Reading, writing and the reference table are all visitors over these lists, so a key is
// declared exactly once (besides its struct member and default in config.h).
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "nmt/config/config.h"

namespace nmt::config_detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Range {
  double min = -kInf, max = kInf;
};
using Choices = std::vector<std::string>;

// V must provide: operator()(const char* key, T& value, <Range|Choices|nullptr_t>, const char*
// doc).
template <class V>
void visit(V& v, ModelConfig& c) {
  v("arch", c.arch, Choices{"transformer", "rnn"},
    "Architecture: transformer or rnn (bi-LSTM/GRU encoder, attentional decoder).");
  v("d_model", c.d_model, Range{4, 65536},
    "Width of embeddings and hidden states (rnn: hidden size).");
  v("heads", c.heads, Range{1, 1024}, "Attention heads; must divide d_model.");
  v("ff", c.ff, Range{1, 1 << 20}, "Inner width of the position-wise feed-forward network.");
  v("encoder_layers", c.encoder_layers, Range{1, 128},
    "Encoder blocks (rnn: stacked bidirectional layers).");
  v("decoder_layers", c.decoder_layers, Range{1, 128}, "Decoder blocks (rnn: stacked layers).");
  v("dropout", c.dropout, Range{0, 0.95},
    "Dropout on embeddings, sublayer outputs and feed-forward.");
  v("attention_dropout", c.attention_dropout, Range{0, 0.95}, "Dropout on attention weights.");
  v("attention", c.attention, Choices{"scaled_dot", "dot", "general", "additive"},
    "Attention scoring function.");
  v("positional", c.positional, Choices{"sinusoidal", "learned", "none"}, "Positional encoding.");
  v("positional_combine", c.positional_combine, Choices{"add", "concat"},
    "Add encodings to embeddings, or concatenate then project to d_model.");
  v("positional_base", c.positional_base, Range{2, 1e9}, "Base of the sinusoids' wavelengths.");
  v("max_positions", c.max_positions, Range{1, 1 << 20},
    "Longest sequence the positional tables hold.");
  v("norm", c.norm, Choices{"pre", "post"},
    "LayerNorm before sublayers (plus a final norm) or after the residual (original paper).");
  v("activation", c.activation, Choices{"relu", "gelu"}, "Feed-forward nonlinearity.");
  v("tie_embeddings", c.tie_embeddings, nullptr,
    "Output projection shares the target embedding matrix.");
  v("share_embeddings", c.share_embeddings, nullptr,
    "Source and target share one embedding (needs a joint vocabulary).");
  v("rnn_cell", c.rnn_cell, Choices{"lstm", "gru"}, "Recurrent cell of the rnn architecture.");
}

template <class V>
void visit(V& v, DataConfig& c) {
  v("train_src", c.train_src, nullptr,
    "Training source file (plain or .gz), or a TSV file (src<TAB>tgt) with train_tgt empty.");
  v("train_tgt", c.train_tgt, nullptr, "Training target file.");
  v("valid_src", c.valid_src, nullptr, "Validation source file (empty: no validation).");
  v("valid_tgt", c.valid_tgt, nullptr, "Validation reference file.");
  v("vocab", c.vocab, nullptr,
    "Existing SentencePiece .model (with joint_vocab false: 'src.model,tgt.model'); empty: train "
    "into the run directory.");
  v("vocab_size", c.vocab_size, Range{8, 1 << 22},
    "SentencePiece vocabulary size when training one.");
  v("vocab_type", c.vocab_type, Choices{"unigram", "bpe"}, "SentencePiece model type.");
  v("joint_vocab", c.joint_vocab, nullptr,
    "One vocabulary over source+target (else one per side).");
  v("character_coverage", c.character_coverage, Range{0.5, 1.0},
    "SentencePiece character coverage.");
  v("vocab_sample", c.vocab_sample, Range{0, 1e12}, "Sentences SentencePiece trains on (0 = all).");
  v("batch_tokens", c.batch_tokens, Range{1, 1e9},
    "Token budget per batch, padding counted (max of source and target).");
  v("max_length", c.max_length, Range{1, 1 << 20},
    "Pairs with a side longer than this many pieces are dropped.");
  v("max_length_ratio", c.max_length_ratio, Range{0, 1e6},
    "Pairs whose length ratio exceeds this are dropped (0 = off).");
  v("shuffle_buffer", c.shuffle_buffer, Range{1, 1e12},
    "Pairs held in memory for shuffling and bucketing; larger corpora are streamed.");
  v("sampling_alpha", c.sampling_alpha, Range{0, 1},
    "Subword regularization: SentencePiece sampling alpha for training (0 = off).");
  v("invalid_utf8", c.invalid_utf8, Choices{"error", "skip"},
    "On invalid UTF-8: stop with an error, or skip the pair and count it.");
  v("prefetch", c.prefetch, Range{1, 1 << 16}, "Batches prepared ahead on a background thread.");
}

template <class V>
void visit(V& v, TrainConfig& c) {
  v("max_steps", c.max_steps, Range{0, 1e15}, "Stop after this many updates (0 = no limit).");
  v("max_epochs", c.max_epochs, Range{0, 1e9}, "Stop after this many epochs (0 = no limit).");
  v("max_minutes", c.max_minutes, Range{0, 1e9}, "Wall-clock budget in minutes (0 = no limit).");
  v("lr", c.lr, Range{0, 10}, "Peak learning rate.");
  v("warmup_steps", c.warmup_steps, Range{0, 1e12}, "Linear warm-up steps.");
  v("schedule", c.schedule, Choices{"inverse_sqrt", "constant", "cosine"},
    "Learning-rate schedule after warm-up.");
  v("min_lr", c.min_lr, Range{0, 10}, "Floor of the cosine schedule.");
  v("adam_beta1", c.adam_beta1, Range{0, 0.999999}, "Adam beta1.");
  v("adam_beta2", c.adam_beta2, Range{0, 0.999999999}, "Adam beta2.");
  v("adam_eps", c.adam_eps, Range{0, 1}, "Adam epsilon.");
  v("weight_decay", c.weight_decay, Range{0, 1}, "Decoupled (AdamW) weight decay.");
  v("label_smoothing", c.label_smoothing, Range{0, 0.99},
    "Epsilon of the label-smoothed cross-entropy.");
  v("clip_norm", c.clip_norm, Range{0, 1e9}, "Gradient-norm clipping threshold (0 = off).");
  v("ema", c.ema, Range{0, 0.999999999},
    "Decay of an exponential moving average of the weights (e.g. 0.999; 0 = off); when on, "
    "validation, best.pt and every checkpoint's model are the average (training resumes from "
    "the raw weights, kept beside it).");
  v("accumulate", c.accumulate, Range{1, 1 << 20},
    "Batches whose gradients are summed per update.");
  v("log_every", c.log_every, Range{1, 1e12}, "Steps between training log lines.");
  v("valid_every", c.valid_every, Range{0, 1e12},
    "Steps between validations (0 = only at the end).");
  v("save_every", c.save_every, Range{0, 1e12}, "Steps between checkpoints (0 = only at the end).");
  v("keep_last", c.keep_last, Range{0, 1e9}, "Step checkpoints kept besides best.pt and last.pt.");
  v("patience", c.patience, Range{0, 1e9},
    "Validations without improvement before stopping (0 = off).");
  v("early_stopping", c.early_stopping, Choices{"bleu", "chrf", "loss"},
    "Metric that picks best.pt and drives early stopping.");
  v("valid_beam", c.valid_beam, Range{1, 64}, "Beam size of validation translations (1 = greedy).");
  v("precision", c.precision, Choices{"auto", "fp32", "bf16"},
    "Compute precision; auto = bf16 autocast where the hardware is fast at it.");
  v("seed", c.seed, Range{0, 1e15}, "Seeds parameters, dropout and data order.");
  v("report", c.report, nullptr, "Write report.html into the run directory at each validation.");
  v("nan_tolerance", c.nan_tolerance, Range{1, 1e9},
    "Consecutive non-finite losses tolerated (updates skipped) before stopping.");
  v("device", c.device, nullptr, "cpu, cuda or cuda:N.");
  v("threads", c.threads, Range{0, 4096},
    "Intra-op threads (0 = the cores available, re-checked every 5 s: fewer while other "
    "processes keep cores busy).");
}

template <class V>
void visit(V& v, DecodeConfig& c) {
  v("beam", c.beam, Range{1, 1024}, "Beam size (1 = greedy).");
  v("nbest", c.nbest, Range{1, 1024}, "Hypotheses written per input (at most beam).");
  v("length_penalty", c.length_penalty, Range{0, 10}, "Alpha of the length normalisation.");
  v("length_penalty_type", c.length_penalty_type, Choices{"gnmt", "average", "none"},
    "gnmt: score / ((5+len)/6)^alpha; average: score / len^alpha.");
  v("max_length_a", c.max_length_a, Range{0, 1e3}, "Output length limit: a * source_length + b.");
  v("max_length_b", c.max_length_b, Range{0, 1e6}, "Output length limit: a * source_length + b.");
  v("min_length", c.min_length, Range{0, 1e6},
    "End of sentence is forbidden before this many tokens.");
  v("batch_tokens", c.batch_tokens, Range{1, 1e9},
    "Decoding batch budget: padded source tokens times the hypotheses each sentence keeps (beam "
    "size; 1 for greedy), shared by the batches decoded in parallel (inter_threads).");
  v("inter_threads", c.inter_threads, Range{0, 256},
    "Batches decoded in parallel on the CPU, each on threads / inter_threads cores (0 = auto: 2 "
    "when there are 2 or more threads; sampling decodes one at a time).");
  v("sample", c.sample, nullptr, "Sample translations instead of searching (back-translation).");
  v("temperature", c.temperature, Range{1e-6, 1e6}, "Sampling temperature.");
  v("top_k", c.top_k, Range{0, 1e9}, "Sample among the k most likely tokens (0 = all).");
  v("top_p", c.top_p, Range{1e-6, 1}, "Nucleus sampling probability mass (1 = all).");
  v("precision", c.precision, Choices{"auto", "fp32", "bf16", "int8"},
    "Compute precision of decoding; int8 quantizes every Linear (CPU).");
}

// Calls f(section_name, section_struct) for each section of a Config.
template <class F>
void for_each_section(Config& c, F&& f) {
  f("model", c.model);
  f("data", c.data);
  f("train", c.train);
  f("decode", c.decode);
}

}  // namespace nmt::config_detail
