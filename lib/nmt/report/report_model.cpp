#include "nmt/report/report_model.h"

#include <sys/stat.h>

#include "nmt/model/model_file.h"
#include "nmt/util/error.h"

namespace nmt::report {
namespace {

bool is_file(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string parent_dir(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

// The vocabulary files in `dir`: {joint, joint} or {src, tgt}; empty when there are none.
std::pair<std::string, std::string> vocab_in(const std::string& dir) {
  if (is_file(dir + "/spm.model")) return {dir + "/spm.model", dir + "/spm.model"};
  if (is_file(dir + "/spm.src.model") && is_file(dir + "/spm.tgt.model"))
    return {dir + "/spm.src.model", dir + "/spm.tgt.model"};
  return {};
}

void check_vocab(const Tokenizer& t, int64_t model_vocab, const std::string& side, const std::string& model_file) {
  if (t.vocab_size() != model_vocab)
    throw CheckpointError(t.path() + ": " + std::to_string(t.vocab_size()) + " pieces, but the " + side +
                          " embedding of " + model_file + " has " + std::to_string(model_vocab) + " rows");
}

}  // namespace

std::string resolve_model_file(const std::string& path, const std::string& checkpoint) {
  if (!checkpoint.empty()) {
    if (is_file(checkpoint)) return checkpoint;
    for (const std::string& name : {checkpoint, checkpoint + ".pt"})
      if (is_file(path + "/checkpoints/" + name)) return path + "/checkpoints/" + name;
    throw CheckpointError("checkpoint " + checkpoint + ": neither a file nor in " + path + "/checkpoints/");
  }
  if (is_file(path)) return path;
  if (!is_dir(path)) throw CheckpointError(path + ": no such model file or run directory");
  for (const char* name : {"checkpoints/best.pt", "checkpoints/last.pt", "model.pt"})
    if (is_file(path + "/" + name)) return path + "/" + name;
  throw CheckpointError(path + ": no model (looked for checkpoints/best.pt, checkpoints/last.pt, model.pt)");
}

ReportModel load_report_model(const std::string& path, const std::string& checkpoint) {
  ReportModel r;
  r.model_file = resolve_model_file(path, checkpoint);
  const std::string dir = parent_dir(r.model_file);
  auto vocab = vocab_in(dir);
  if (vocab.first.empty()) vocab = vocab_in(parent_dir(dir));
  if (vocab.first.empty())
    throw CheckpointError(r.model_file + ": no vocabulary (spm.model, or spm.src.model + spm.tgt.model) in " + dir +
                          " or " + parent_dir(dir));
  LoadedModel loaded = load_model_file(r.model_file);
  r.model = loaded.model;
  r.config = std::move(loaded.config);
  r.model->eval();
  r.source = std::make_shared<const Tokenizer>(vocab.first);
  r.target = vocab.second == vocab.first ? r.source : std::make_shared<const Tokenizer>(vocab.second);
  check_vocab(*r.source, r.model->src_vocab_size(), "source", r.model_file);
  check_vocab(*r.target, r.model->tgt_vocab_size(), "target", r.model_file);
  return r;
}

}  // namespace nmt::report
