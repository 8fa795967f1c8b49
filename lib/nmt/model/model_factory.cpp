// make_model (declared in seq2seq.h): the one place that maps model.arch to a class.
#include "nmt/model/seq2seq.h"
#include "nmt/model/rnn.h"
#include "nmt/model/transformer.h"
#include "nmt/util/error.h"

namespace nmt {

Seq2Seq make_model(const ModelConfig& config, int64_t src_vocab, int64_t tgt_vocab) {
  if (config.arch == "transformer") return make_transformer(config, src_vocab, tgt_vocab);
  if (config.arch == "rnn") return make_rnn(config, src_vocab, tgt_vocab);
  throw ConfigError("config key 'model.arch': unknown architecture '" + config.arch +
                    "' (expected transformer or rnn)");
}

}  // namespace nmt
