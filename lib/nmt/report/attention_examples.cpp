#include "nmt/report/attention_examples.h"

#include "nmt/decoding/translator.h"
#include "nmt/util/error.h"

namespace nmt::report {
namespace {

std::vector<int64_t> encode(const Tokenizer& t, const std::string& text) {
  const std::vector<int32_t> ids = t.encode(text);
  return {ids.begin(), ids.end()};
}

std::vector<std::string> pieces(const Tokenizer& t, const std::vector<int64_t>& ids) {
  std::vector<std::string> out;
  out.reserve(ids.size());
  for (const int64_t id : ids) out.push_back(t.id_to_piece(id));
  return out;
}

}  // namespace

std::vector<AttentionSentence> attention_sentences(DecodingModel& m,
                                                   const std::vector<std::string>& sources,
                                                   const std::vector<std::string>& targets,
                                                   const AttentionExampleOptions& o) {
  if (!targets.empty() && targets.size() != sources.size())
    throw std::invalid_argument("attention_sentences: targets must be empty or one per source");
  std::vector<std::vector<int64_t>> src_ids;
  src_ids.reserve(sources.size());
  for (const auto& s : sources) src_ids.push_back(encode(*m.source, s));

  // Translate only the sentences without a given target, in one batched call.
  std::vector<std::vector<int64_t>> tgt_ids(sources.size());
  std::vector<std::vector<int64_t>> to_translate;
  std::vector<size_t> translated_index;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (!targets.empty() && !targets[i].empty()) {
      tgt_ids[i] = encode(*m.target, targets[i]);
    } else {
      to_translate.push_back(src_ids[i]);
      translated_index.push_back(i);
    }
  }
  if (!to_translate.empty()) {
    TranslatorOptions topt = TranslatorOptions::from_config(m.config.decode);
    topt.sample = false;
    if (o.beam > 0) topt.search.beam = o.beam;
    topt.search.nbest = 1;
    Translator translator(m.model, topt, torch::Device(torch::kCPU));
    const std::vector<NBestList> results = translator.translate(to_translate, "attention input");
    for (size_t k = 0; k < results.size(); ++k)
      if (!results[k].empty()) tgt_ids[translated_index[k]] = results[k].front().output_tokens();
  }

  std::vector<AttentionSentence> out;
  out.reserve(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) {
    AttentionSentence s;
    s.source = sources[i];
    s.translation = m.target->decode(tgt_ids[i]);
    if (!targets.empty() && !targets[i].empty())
      s.notes.push_back("target given (forced), not translated");
    s.figures = attention_figures(*m.model, src_ids[i], tgt_ids[i], pieces(*m.source, src_ids[i]),
                                  pieces(*m.target, tgt_ids[i]), o.request, &s.notes);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nmt::report
