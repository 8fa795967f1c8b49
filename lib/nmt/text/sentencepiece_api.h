// The narrow interface through which nmt calls SentencePiece, and the loader of the shim library
// that implements it.
//
// Why a shim: Debian's libsentencepiece bundles its own protobuf-lite 3.14 and exports those
// symbols, while LibTorch links the system libprotobuf 3.21. Linked into one executable, one
// library's protobuf calls bind to the other's copy and the process dies before main() (either
// a segfault in libprotobuf's static initialisers or protobuf's version check aborting,
// depending on link order). So SentencePiece is only ever loaded through libnmt_sentencepiece.so
// (text/shim/sentencepiece_shim.cpp), opened with dlopen(RTLD_LOCAL | RTLD_DEEPBIND): its
// protobuf symbols stay out of the global scope and bind to SentencePiece's own copy. The two
// sides share only this header's abstract classes, standard-library types and plain strings;
// errors cross as messages, never as exceptions.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nmt::spm {

// One loaded model. Methods returning std::string return "" on success, else SentencePiece's
// error message.
class Processor {
 public:
  virtual ~Processor() = default;
  virtual std::string load_file(const std::string& path) = 0;
  virtual std::string load_bytes(const std::string& bytes) = 0;
  virtual std::string encode(std::string_view text, std::vector<int>* ids) const = 0;
  virtual std::string encode_pieces(std::string_view text,
                                    std::vector<std::string>* pieces) const = 0;
  virtual std::string sample_encode(std::string_view text, float alpha,
                                    std::vector<int>* ids) const = 0;
  virtual std::string decode(const std::vector<int>& ids, std::string* text) const = 0;
  virtual int piece_size() const = 0;
  virtual std::string id_to_piece(int id) const = 0;
  virtual int piece_to_id(std::string_view piece) const = 0;
  virtual int pad_id() const = 0;
  virtual int unk_id() const = 0;
  virtual int bos_id() const = 0;
  virtual int eos_id() const = 0;
  virtual std::string serialized() const = 0;
};

// Training sentences, pulled by the trainer. Must not throw (the shim's caller catches).
class Sentences {
 public:
  virtual ~Sentences() = default;
  virtual bool next(std::string* sentence) = 0;  // false at the end
};

class Library {
 public:
  virtual ~Library() = default;
  virtual std::unique_ptr<Processor> new_processor() const = 0;
  // Seeds generators that threads create from now on (SentencePiece's are thread_local).
  virtual void set_random_seed(unsigned int seed) const = 0;
  // Trains with SentencePiece's flags (name, value); "" on success. min_log_level: 0 = info,
  // 2 = errors only; applied before SentencePiece logs anything.
  virtual std::string train(const std::vector<std::pair<std::string, std::string>>& flags,
                            Sentences& sentences, int min_log_level) const = 0;
};

// The shim's one exported symbol.
using LibraryEntry = const Library* (*)();
constexpr const char* kLibraryEntryName = "nmt_sentencepiece_library";

// Opens the shim on first use, from (in order) $NMT_SENTENCEPIECE_SHIM, the running executable's
// directory, its ../lib, and the build tree. Throws std::runtime_error naming what was tried.
const Library& library();

}  // namespace nmt::spm
