// libnmt_sentencepiece.so: SentencePiece behind nmt::spm's abstract interface (see
// ../sentencepiece_api.h for why it is a separate library, opened with RTLD_DEEPBIND).
// Built with hidden visibility: the only exported symbol is nmt_sentencepiece_library().
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <unistd.h>

#include <ostream>
#include <streambuf>
#include <unordered_map>

#include "nmt/text/sentencepiece_api.h"

// std::cerr and std::cout for SentencePiece's log lines. Executables copy-relocate these two
// objects into their own data segment, and libstdc++ constructs only those copies; RTLD_DEEPBIND
// would bind SentencePiece to libstdc++'s never-constructed originals and crash on its first log
// line. Defining the symbols here puts them first in SentencePiece's (deep-bound) lookup scope.
namespace {
class FdStreambuf final : public std::streambuf {
 public:
  explicit FdStreambuf(int fd) : fd_(fd) {}

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return ::write(fd_, &ch, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::streamsize done = 0;
    while (done < n) {
      const ssize_t w = ::write(fd_, s + done, static_cast<size_t>(n - done));
      if (w <= 0) break;
      done += w;
    }
    return done;
  }

 private:
  int fd_;
};
FdStreambuf g_err_buf(2);
FdStreambuf g_out_buf(1);
}  // namespace
__attribute__((visibility("default"))) std::ostream nmt_shim_cerr asm("_ZSt4cerr")(&g_err_buf);
__attribute__((visibility("default"))) std::ostream nmt_shim_cout asm("_ZSt4cout")(&g_out_buf);

namespace sentencepiece::logging {
void SetMinLogLevel(int v);  // exported by libsentencepiece but not declared in its headers
}

namespace nmt::spm {
namespace {

std::string message(const sentencepiece::util::Status& status) {
  return status.ok() ? std::string() : status.ToString();
}

class ShimProcessor final : public Processor {
 public:
  std::string load_file(const std::string& path) override { return message(sp_.Load(path)); }
  std::string load_bytes(const std::string& bytes) override {
    return message(sp_.LoadFromSerializedProto(bytes));
  }
  std::string encode(std::string_view text, std::vector<int>* ids) const override {
    return message(sp_.Encode(text, ids));
  }
  std::string encode_pieces(std::string_view text,
                            std::vector<std::string>* pieces) const override {
    return message(sp_.Encode(text, pieces));
  }
  std::string sample_encode(std::string_view text, float alpha,
                            std::vector<int>* ids) const override {
    // nbest_size -1: sample from the whole lattice (forward-filtering backward-sampling).
    return message(sp_.SampleEncode(text, /*nbest_size=*/-1, alpha, ids));
  }
  std::string decode(const std::vector<int>& ids, std::string* text) const override {
    return message(sp_.Decode(ids, text));
  }
  int piece_size() const override { return sp_.GetPieceSize(); }
  std::string id_to_piece(int id) const override { return sp_.IdToPiece(id); }
  int piece_to_id(std::string_view piece) const override { return sp_.PieceToId(piece); }
  int pad_id() const override { return sp_.pad_id(); }
  int unk_id() const override { return sp_.unk_id(); }
  int bos_id() const override { return sp_.bos_id(); }
  int eos_id() const override { return sp_.eos_id(); }
  std::string serialized() const override { return sp_.serialized_model_proto(); }

 private:
  sentencepiece::SentencePieceProcessor sp_;
};

class SentencesIterator final : public sentencepiece::SentenceIterator {
 public:
  explicit SentencesIterator(Sentences& sentences) : sentences_(sentences) { Next(); }
  bool done() const override { return done_; }
  void Next() override { done_ = done_ || !sentences_.next(&value_); }
  const std::string& value() const override { return value_; }
  sentencepiece::util::Status status() const override { return {}; }

 private:
  Sentences& sentences_;
  std::string value_;
  bool done_ = false;
};

class ShimLibrary final : public Library {
 public:
  std::unique_ptr<Processor> new_processor() const override {
    return std::make_unique<ShimProcessor>();
  }
  void set_random_seed(unsigned int seed) const override {
    sentencepiece::SetRandomGeneratorSeed(seed);
  }
  std::string train(const std::vector<std::pair<std::string, std::string>>& flags,
                    Sentences& sentences, int min_log_level) const override {
    // Train() logs its command line before it parses --minloglevel, so set the level first.
    sentencepiece::logging::SetMinLogLevel(min_log_level);
    std::unordered_map<std::string, std::string> args(flags.begin(), flags.end());
    args["minloglevel"] = std::to_string(min_log_level);
    SentencesIterator iterator(sentences);
    return message(sentencepiece::SentencePieceTrainer::Train(args, &iterator));
  }
};

}  // namespace
}  // namespace nmt::spm

extern "C" __attribute__((visibility("default"))) const nmt::spm::Library*
nmt_sentencepiece_library() {
  static const nmt::spm::ShimLibrary library;
  return &library;
}
