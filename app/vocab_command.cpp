// `nmt vocab`: train a SentencePiece model with nmt's reserved ids (pad=0 unk=1 bos=2 eos=3)
// from plain or .gz text files. Joint over all inputs by default; for one vocabulary per side,
// run it once per side (and set data.vocab = "src.model,tgt.model", data.joint_vocab = false).
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "nmt/corpus/vocab_inputs.h"
#include "nmt/util/system.h"

namespace nmt::app {
namespace {

struct VocabCommandOptions {
  VocabInputs inputs;  // -i (repeatable), --sample, --seed, --column
  VocabOptions vocab;  // -o, --vocab-size, --type, --character-coverage, ...
  std::string column = "all";
};

void run_vocab(VocabCommandOptions& o) {
  o.inputs.column = o.column == "src" ? 0 : o.column == "tgt" ? 1 : -1;
  train_vocab_on_files(o.inputs, o.vocab);
}

}  // namespace

void add_vocab_command(CLI::App& app) {
  auto* cmd =
      app.add_subcommand("vocab", "Train a SentencePiece vocabulary (PREFIX.model, PREFIX.vocab)");
  cmd->footer(
      "Inputs may be plain or gzip text (detected from the content). Lines holding a TAB are\n"
      "TSV pairs: every field is a sentence (or one column, with --column).\n"
      "Examples:\n"
      "  nmt vocab -i train.en.gz -i train.de.gz --vocab-size 8000 -o runs/en-de/spm    # joint\n"
      "  nmt vocab -i train.en.gz --vocab-size 8000 -o spm.src                          # per "
      "side:\n"
      "  nmt vocab -i train.de.gz --vocab-size 8000 -o spm.tgt                          #  run "
      "twice\n"
      "  nmt vocab -i train.tsv --column src --vocab-size 8000 -o spm.src");
  auto o = std::make_shared<VocabCommandOptions>();
  o->vocab.vocab_size = 8000;
  cmd->add_option("-i,--input", o->inputs.files,
                  "Training text, plain or .gz (repeatable; joint over all)")
      ->required()
      ->type_name("FILE");
  cmd->add_option("-o,--output", o->vocab.prefix,
                  "Output prefix: writes PREFIX.model and PREFIX.vocab")
      ->required()
      ->type_name("PREFIX");
  cmd->add_option("--vocab-size", o->vocab.vocab_size,
                  "Pieces in the vocabulary, the 4 reserved ones included")
      ->check(CLI::Range(int64_t{8}, int64_t{1} << 22))
      ->capture_default_str();
  cmd->add_option("--type", o->vocab.type, "Model type")
      ->check(CLI::IsMember({"unigram", "bpe"}))
      ->capture_default_str();
  cmd->add_option("--character-coverage", o->vocab.character_coverage,
                  "Share of characters covered (0.9995 suits large character sets such as CJK)")
      ->check(CLI::Range(0.5, 1.0))
      ->capture_default_str();
  cmd->add_option("--sample", o->inputs.sample,
                  "Sentences drawn uniformly from the inputs (0 = all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 40))
      ->capture_default_str();
  cmd->add_option("--seed", o->inputs.seed, "Seed of the sample")->capture_default_str();
  cmd->add_option("--column", o->column, "For TSV lines: all fields, or only the src or tgt column")
      ->check(CLI::IsMember({"all", "src", "tgt"}))
      ->capture_default_str();
  cmd->add_option("--normalization", o->vocab.normalization, "SentencePiece normalization rule")
      ->check(CLI::IsMember({"nmt_nfkc", "nfkc", "nmt_nfkc_cf", "nfkc_cf", "identity"}))
      ->capture_default_str();
  cmd->add_flag(
      "--byte-fallback", o->vocab.byte_fallback,
      "Unknown characters become UTF-8 byte pieces instead of <unk> (needs --vocab-size > 260)");
  cmd->add_option("--threads", o->vocab.threads, "Trainer threads (0 = the cores available)")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  cmd->add_flag("-v,--verbose", o->vocab.verbose, "Show SentencePiece's own training log");
  cmd->callback([o] { run_vocab(*o); });
}

}  // namespace nmt::app
