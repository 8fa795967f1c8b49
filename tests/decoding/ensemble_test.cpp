// Ensemble decoding (model/ensemble.h) over real tiny transformers: a model ensembled with itself
// decodes exactly as alone; an ensemble's scores are the mean of its members' forced scores; a
// sentence's result does not depend on its batch; mismatched vocabularies are refused.
#include "nmt/model/ensemble.h"

#include <gtest/gtest.h>

#include <cmath>

#include "decoding/random_transformer.h"
#include "decoding/test_sources.h"
#include "nmt/decoding/beam_search.h"
#include "nmt/decoding/forced_decoding.h"
#include "nmt/decoding/greedy_search.h"
#include "nmt/decoding/search.h"
#include "nmt/util/error.h"
#include "support/tiny_config.h"

using namespace nmt;
using namespace nmt::test;

namespace {

constexpr int64_t kVocab = 24;

}  // namespace

TEST(Ensemble, AModelWithItselfDecodesAsTheModelAlone) {
  Seq2Seq model = random_model(1, kVocab);
  Seq2Seq twice = make_ensemble({model, model});
  const torch::Tensor src = batch_of(random_sources(10, kVocab, 2, 12));
  SearchOptions o;
  o.beam = 4;
  o.nbest = 2;
  o.keep_attention = true;
  const auto alone = beam_search(*model, src, o);
  const auto ensembled = beam_search(*twice, src, o);
  for (size_t i = 0; i < alone.size(); ++i) {
    ASSERT_EQ(alone[i].size(), ensembled[i].size());
    for (size_t n = 0; n < alone[i].size(); ++n) {
      EXPECT_EQ(alone[i][n].tokens, ensembled[i][n].tokens) << i;
      EXPECT_EQ(alone[i][n].token_log_probs, ensembled[i][n].token_log_probs) << i;
      EXPECT_EQ(alone[i][n].score, ensembled[i][n].score) << i;
      EXPECT_TRUE(alone[i][n].attention.equal(ensembled[i][n].attention)) << i;
    }
  }
  const auto greedy_alone = greedy_search(*model, src, o);
  const auto greedy_ensembled = greedy_search(*twice, src, o);
  for (size_t i = 0; i < greedy_alone.size(); ++i) {
    EXPECT_EQ(greedy_alone[i].tokens, greedy_ensembled[i].tokens) << i;
    EXPECT_EQ(greedy_alone[i].log_prob, greedy_ensembled[i].log_prob) << i;
  }
}

TEST(Ensemble, BeamScoresAreTheMeanOfTheMembersForcedScores) {
  Seq2Seq a = random_model(3, kVocab), b = random_model(4, kVocab);
  ModelConfig bigger = tiny_model_shape();
  bigger.decoder_layers += 1;  // members may differ in shape
  torch::manual_seed(5);
  Seq2Seq c = make_model(bigger, kVocab, kVocab);
  c->eval();
  Seq2Seq ensemble = make_ensemble({a, b, c});
  SearchOptions o;
  o.beam = 3;
  o.nbest = 3;
  const auto sources = random_sources(8, kVocab, 6, 10);
  const auto beam = beam_search(*ensemble, batch_of(sources), o);
  std::vector<std::vector<int64_t>> rows, targets;
  std::vector<const Hypothesis*> hyps;
  for (size_t i = 0; i < sources.size(); ++i)
    for (const auto& h : beam[i]) {
      rows.push_back(sources[i]);
      targets.push_back(h.tokens);
      hyps.push_back(&h);
    }
  std::vector<std::vector<ForcedScore>> members;
  for (const Seq2Seq& m : {a, b, c}) members.push_back(score_targets(*m, batch_of(rows), targets));
  for (size_t n = 0; n < hyps.size(); ++n) {
    const double mean =
        (members[0][n].log_prob + members[1][n].log_prob + members[2][n].log_prob) / 3.0;
    EXPECT_NEAR(hyps[n]->log_prob, mean, 2e-3) << n;
    EXPECT_NEAR(hyps[n]->score, o.length_penalty.normalize(mean, targets[n].size()), 2e-3) << n;
  }
  // And it is not just one member's search: the members disagree on some sentence.
  const auto first = beam_search(*a, batch_of(sources), o);
  bool differs = false;
  for (size_t i = 0; i < sources.size(); ++i) differs |= first[i][0].tokens != beam[i][0].tokens;
  EXPECT_TRUE(differs);
}

TEST(Ensemble, SentenceAloneEqualsSentenceInABatch) {
  Seq2Seq ensemble = make_ensemble({random_model(7, kVocab), random_model(8, kVocab)});
  SearchOptions o;
  o.beam = 3;
  auto sources = random_sources(12, kVocab, 9, 30);
  const auto together = beam_search(*ensemble, batch_of(sources), o);
  for (size_t i = 0; i < sources.size(); i += 3) {
    const auto alone = beam_search(*ensemble, batch_of({sources[i]}), o);
    EXPECT_EQ(alone[0][0].tokens, together[i][0].tokens) << i;
    // float32 rounding differs between batch shapes: ~1e-5 of these random models' large scores.
    EXPECT_NEAR(alone[0][0].log_prob, together[i][0].log_prob,
                2e-3 + 1e-4 * std::abs(alone[0][0].log_prob))
        << i;
  }
}

TEST(Ensemble, RefusesMembersWithOtherVocabularies) {
  EXPECT_THROW(make_ensemble({random_model(1, kVocab), random_model(2, kVocab + 1)}), ConfigError);
  EXPECT_THROW(make_ensemble({random_model(1, kVocab)}), ConfigError);
}
