#include "nmt/text/tokenizer.h"

#include <exception>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "nmt/config/special_ids.h"
#include "nmt/text/sentencepiece_api.h"
#include "nmt/util/error.h"

namespace nmt {
namespace {

// Sampling calls never draw from a generator another sample_encode_all call is seeding.
std::mutex g_sampling_mutex;

template <class Int>
std::vector<int> to_sp_ids(const std::vector<Int>& ids, int64_t vocab_size) {
  std::vector<int> out;
  out.reserve(ids.size());
  for (Int id : ids) {
    if (id < 0 || static_cast<int64_t>(id) >= vocab_size)
      throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                              std::to_string(vocab_size) + ")");
    out.push_back(static_cast<int>(id));
  }
  return out;
}

std::vector<int32_t> to_ids(const std::vector<int>& ids) { return {ids.begin(), ids.end()}; }

}  // namespace

Tokenizer::Tokenizer(const std::string& model_path)
    : sp_(spm::library().new_processor()), path_(model_path) {
  // Checked first so a missing file says so, rather than SentencePiece's generic message.
  if (!std::ifstream(model_path, std::ios::binary))
    throw DataError("cannot open SentencePiece model '" + model_path + "'");
  const std::string error = sp_->load_file(model_path);
  if (!error.empty())
    throw DataError("'" + model_path + "' is not a valid SentencePiece model: " + error);
  check_special_ids();
}

Tokenizer Tokenizer::from_bytes(const std::string& bytes, const std::string& origin) {
  Tokenizer t;
  t.sp_ = spm::library().new_processor();
  t.path_ = origin;
  const std::string error = t.sp_->load_bytes(bytes);
  if (!error.empty())
    throw DataError(origin + " does not hold a valid SentencePiece model: " + error);
  t.check_special_ids();
  return t;
}

Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer&&) noexcept = default;
Tokenizer& Tokenizer::operator=(Tokenizer&&) noexcept = default;

void Tokenizer::check_special_ids() const {
  struct Expected {
    const char* name;
    int actual;
    int64_t wanted;
  };
  const Expected expected[] = {{"pad", sp_->pad_id(), kPadId},
                               {"unk", sp_->unk_id(), kUnkId},
                               {"bos", sp_->bos_id(), kBosId},
                               {"eos", sp_->eos_id(), kEosId}};
  for (const auto& e : expected) {
    if (e.actual != e.wanted)
      throw ConfigError(
          "SentencePiece model '" + path_ + "' has " + e.name + " id " + std::to_string(e.actual) +
          ", but nmt reserves pad=0 unk=1 bos=2 eos=3; " +
          "train it with `nmt vocab` (or spm_train --pad_id=0 --unk_id=1 --bos_id=2 " +
          "--eos_id=3)");
  }
}

std::vector<int32_t> Tokenizer::encode(std::string_view text) const {
  std::vector<int> ids;
  const std::string error = sp_->encode(text, &ids);
  if (!error.empty()) throw DataError("SentencePiece (" + path_ + ") cannot encode text: " + error);
  return to_ids(ids);
}

std::vector<std::string> Tokenizer::encode_pieces(std::string_view text) const {
  std::vector<std::string> pieces;
  const std::string error = sp_->encode_pieces(text, &pieces);
  if (!error.empty()) throw DataError("SentencePiece (" + path_ + ") cannot encode text: " + error);
  return pieces;
}

std::vector<int32_t> Tokenizer::sample_encode(std::string_view text, double alpha) const {
  std::vector<int> ids;
  const std::string error = sp_->sample_encode(text, static_cast<float>(alpha), &ids);
  if (!error.empty())
    throw DataError("SentencePiece (" + path_ + ") cannot sample-encode text: " + error);
  return to_ids(ids);
}

std::vector<std::vector<int32_t>> Tokenizer::sample_encode_all(
    const std::vector<std::string_view>& texts, double alpha, uint64_t seed) const {
  // SentencePiece samples from a thread_local std::mt19937 created, on a thread's first sample,
  // from the global seed. A fresh thread started right after setting the seed therefore draws a
  // reproducible sequence; the mutex keeps other sampling calls from re-seeding meanwhile.
  std::vector<std::vector<int32_t>> out(texts.size());
  std::exception_ptr error;
  std::lock_guard<std::mutex> lock(g_sampling_mutex);
  // The seed value -1 is reserved by SentencePiece for "seed from std::random_device".
  auto seed32 = static_cast<unsigned int>(seed ^ (seed >> 32));
  if (seed32 == static_cast<unsigned int>(-1)) seed32 = 0;
  spm::library().set_random_seed(seed32);
  std::thread worker([&] {
    try {
      for (size_t i = 0; i < texts.size(); ++i) out[i] = sample_encode(texts[i], alpha);
    } catch (...) {
      error = std::current_exception();
    }
  });
  worker.join();
  if (error) std::rethrow_exception(error);
  return out;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids) const {
  std::string text;
  const std::string error = sp_->decode(to_sp_ids(ids, vocab_size()), &text);
  if (!error.empty()) throw DataError("SentencePiece (" + path_ + ") cannot decode: " + error);
  return text;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
  std::string text;
  const std::string error = sp_->decode(to_sp_ids(ids, vocab_size()), &text);
  if (!error.empty()) throw DataError("SentencePiece (" + path_ + ") cannot decode: " + error);
  return text;
}

std::string Tokenizer::id_to_piece(int64_t id) const {
  if (id < 0 || id >= vocab_size())
    throw std::out_of_range("token id " + std::to_string(id) + " is outside the vocabulary [0, " +
                            std::to_string(vocab_size()) + ")");
  return sp_->id_to_piece(static_cast<int>(id));
}

int32_t Tokenizer::piece_to_id(std::string_view piece) const { return sp_->piece_to_id(piece); }

int64_t Tokenizer::vocab_size() const { return sp_->piece_size(); }

std::string Tokenizer::bytes() const { return sp_->serialized(); }

}  // namespace nmt
