#include "nmt/model/model_file.h"

#include <sys/stat.h>

#include "nmt/util/atomic_file.h"
#include "nmt/util/error.h"

namespace nmt {

namespace {

// Reads `module`'s own parameters and buffers from `archive`, then recurses into its children
// (the layout Module::save writes), checking every shape: Module::load would silently accept a
// tensor of another shape.
void load_module(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                 const std::string& prefix, const std::string& origin) {
  torch::NoGradGuard no_grad;
  auto load = [&](const std::string& key, torch::Tensor& target, bool is_buffer) {
    torch::Tensor stored;
    if (!archive.try_read(key, stored, is_buffer))
      throw CheckpointError(origin + ": " + (is_buffer ? "buffer '" : "parameter '") + prefix +
                            key + "' is missing (the file does not match its config)");
    if (stored.sizes() != target.sizes()) {
      std::ostringstream msg;
      msg << origin << ": parameter '" << prefix << key << "' has shape " << stored.sizes()
          << ", the config implies " << target.sizes();
      throw CheckpointError(msg.str());
    }
    target.copy_(stored);
  };
  for (auto& item : module.named_parameters(/*recurse=*/false))
    load(item.key(), item.value(), false);
  for (auto& item : module.named_buffers(/*recurse=*/false)) load(item.key(), item.value(), true);
  for (const auto& child : module.named_children()) {
    torch::serialize::InputArchive sub;
    if (!archive.try_read(child.key(), sub))
      throw CheckpointError(origin + ": module '" + prefix + child.key() +
                            "' is missing (the file does not match its config)");
    load_module(*child.value(), sub, prefix + child.key() + ".", origin);
  }
}

int64_t read_int(torch::serialize::InputArchive& archive, const std::string& key,
                 const std::string& origin) {
  c10::IValue value;
  if (!archive.try_read(key, value) || !value.isInt())
    throw CheckpointError(origin + ": not an nmt model file (no integer '" + key + "')");
  return value.toInt();
}

}  // namespace

void write_model(torch::serialize::OutputArchive& archive, const Seq2SeqImpl& model,
                 const Config& config) {
  Config resolved = config;
  resolved.model = model.config();
  torch::serialize::OutputArchive params;
  model.save(params);
  archive.write("model", params);
  archive.write("config", c10::IValue(to_json(resolved).dump()));
  archive.write("src_vocab", c10::IValue(model.src_vocab_size()));
  archive.write("tgt_vocab", c10::IValue(model.tgt_vocab_size()));
  archive.write("format_version", c10::IValue(kModelFormatVersion));
  if (model.is_int8()) archive.write("quantization", c10::IValue(std::string("int8")));
}

LoadedModel read_model(torch::serialize::InputArchive& archive, const std::string& origin) {
  const auto version = read_int(archive, "format_version", origin);
  if (version != kModelFormatVersion)
    throw CheckpointError(origin + ": model format version " + std::to_string(version) +
                          " is not supported (expected " + std::to_string(kModelFormatVersion) +
                          ")");
  c10::IValue text;
  if (!archive.try_read("config", text) || !text.isString())
    throw CheckpointError(origin + ": not an nmt model file (no 'config')");
  LoadedModel loaded;
  try {
    loaded.config =
        config_from_json(nlohmann::json::parse(text.toStringRef()), origin + " (stored config)");
  } catch (const std::exception& e) {
    throw CheckpointError(origin + ": its stored config is invalid: " + e.what());
  }
  const auto src_vocab = read_int(archive, "src_vocab", origin),
             tgt_vocab = read_int(archive, "tgt_vocab", origin);
  try {
    loaded.model = make_model(loaded.config.model, src_vocab, tgt_vocab);
  } catch (const std::exception& e) {
    throw CheckpointError(origin + ": cannot build the model its config describes: " + e.what());
  }
  torch::serialize::InputArchive params;
  if (!archive.try_read("model", params))
    throw CheckpointError(origin + ": not an nmt model file (no 'model')");
  c10::IValue quantization;
  const bool int8 = archive.try_read("quantization", quantization);
  if (int8 && (!quantization.isString() || quantization.toStringRef() != "int8"))
    throw CheckpointError(origin + ": unknown quantization '" +
                          (quantization.isString() ? quantization.toStringRef() : "?") +
                          "' (this nmt reads int8)");
  if (int8) {
    try {
      loaded.model->prepare_int8();
    } catch (const ConfigError& e) {
      throw CheckpointError(origin + " is an int8 model (nmt quantize), but " + e.what());
    }
  }
  load_module(*loaded.model, params, "", origin);
  if (int8) loaded.model->finish_int8();
  return loaded;
}

void save_model_file(const std::string& path, const Seq2SeqImpl& model, const Config& config) {
  torch::serialize::OutputArchive archive;
  write_model(archive, model, config);
  try {
    atomic_write(path, [&](const std::string& tmp) { archive.save_to(tmp); });
  } catch (const std::exception& e) {
    throw CheckpointError("cannot write model file '" + path + "': " + e.what());
  }
}

LoadedModel load_model_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw CheckpointError("model file '" + path + "' does not exist");
  if (!S_ISREG(st.st_mode))
    throw CheckpointError("model file '" + path + "' is not a regular file");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path);
  } catch (const std::exception& e) {
    // The first line of c10 messages is the useful part; the rest is a C++ stack trace.
    std::string what = e.what();
    what = what.substr(0, what.find('\n'));
    throw CheckpointError("model file '" + path + "' is truncated, corrupt or not a model file (" +
                          what + ")");
  }
  return read_model(archive, "model file '" + path + "'");
}

}  // namespace nmt
