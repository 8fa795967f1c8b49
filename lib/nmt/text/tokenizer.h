// Tokenizer: a loaded SentencePiece model, the only way text becomes ids in nmt and back.
//
// Every status SentencePiece returns is checked (its convenience calls silently return empty
// results on error). A model is accepted only if its pad/unk/bos/eos ids are nmt's reserved ids
// (special_ids.h), so ids mean the same thing in the corpus, the model and the decoder.
//
// Round trip: decode(encode(s)) == s for every s that is already in SentencePiece's normal form
// (the model's normalization rule, nmt_nfkc by default: NFKC, single spaces, no leading or
// trailing space) and whose characters are all in the vocabulary (or byte_fallback is on).
// All const methods are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace nmt::spm {
class Processor;
}

namespace nmt {

class Tokenizer {
 public:
  // Loads a SentencePiece .model file. Throws DataError naming the file when it is missing or not
  // a SentencePiece model, ConfigError when its special ids are not the reserved ones.
  explicit Tokenizer(const std::string& model_path);
  // From the bytes of a .model file (e.g. stored in a checkpoint); `origin` names it in errors.
  static Tokenizer from_bytes(const std::string& bytes, const std::string& origin);
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;

  // Text -> piece ids (no BOS/EOS added: the corpus and decoder add them where they belong).
  std::vector<int32_t> encode(std::string_view text) const;
  // Text -> piece strings, for display and debugging.
  std::vector<std::string> encode_pieces(std::string_view text) const;
  // Subword regularization: one segmentation sampled from the full lattice (unigram; smoothing
  // alpha in (0, 1]) or BPE-dropout (bpe; alpha = merge dropout probability). Draws from
  // SentencePiece's per-thread generator, so results differ between calls; see sample_encode_all.
  std::vector<int32_t> sample_encode(std::string_view text, double alpha) const;
  // Samples segmentations of all `texts` reproducibly: the same (texts, alpha, seed) always gives
  // the same result, whatever thread calls and whatever was sampled before. Runs on a fresh thread
  // whose SentencePiece generator is seeded from `seed`.
  std::vector<std::vector<int32_t>> sample_encode_all(const std::vector<std::string_view>& texts,
                                                      double alpha, uint64_t seed) const;

  // Ids -> text. Control ids (pad, bos, eos) decode to nothing, unk to " ⁇ ". Throws
  // std::out_of_range naming the id when one is outside [0, vocab_size).
  std::string decode(const std::vector<int32_t>& ids) const;
  std::string decode(const std::vector<int64_t>& ids) const;

  // The piece of an id (throws std::out_of_range outside the vocabulary) and the id of a piece
  // (kUnkId when it is not in the vocabulary).
  std::string id_to_piece(int64_t id) const;
  int32_t piece_to_id(std::string_view piece) const;
  int64_t vocab_size() const;

  // Where the model came from (its path, or the origin given to from_bytes).
  const std::string& path() const { return path_; }
  // The serialized model, to store it next to a checkpoint or in an exported model directory.
  std::string bytes() const;

 private:
  Tokenizer() = default;
  void check_special_ids() const;

  std::unique_ptr<spm::Processor> sp_;  // SentencePiece, through the shim (sentencepiece_api.h)
  std::string path_;
};

}  // namespace nmt
