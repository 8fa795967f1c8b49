// BLEU against values worked out by hand from sacreBLEU's definitions (bleu.py). Each test
// shows the n-gram counts and the arithmetic; the closed forms were checked to agree with the
// expected doubles to ~1e-13, so a 1e-9 tolerance leaves room only for summation order.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "nmt/metrics/bleu.h"
#include "nmt/util/error.h"

using namespace nmt::metrics;

namespace {

BleuOptions with_smoothing(Smoothing s) {
  BleuOptions o;
  o.smooth = s;
  return o;
}

// "the cat is on the mat" vs "the cat sat on the mat" (6 tokens each):
//   1-grams the,the,cat,on,mat match, "is" not             -> 5/6
//   2-grams "the cat","on the","the mat" of 5              -> 3/5
//   3-grams only "on the mat" of 4                         -> 1/4
//   4-grams none of 3                                      -> 0/3
const std::vector<std::string> kIsHyp{"the cat is on the mat"};
const std::vector<std::vector<std::string>> kSatRef{{"the cat sat on the mat"}};

}  // namespace

TEST(Bleu, PerfectMatchIs100) {
  // 13a gives 7 tokens ("." split off): every n-gram matches, BP = 1, BLEU = 100.
  const auto r = corpus_bleu({"The cat sat on the mat."}, {{"The cat sat on the mat."}});
  EXPECT_NEAR(r.score, 100.0, 1e-9);
  EXPECT_EQ(r.counts, (std::vector<std::int64_t>{7, 6, 5, 4}));
  EXPECT_EQ(r.totals, (std::vector<std::int64_t>{7, 6, 5, 4}));
  EXPECT_EQ(
      r.format(2, false),
      "BLEU = 100.00 100.0/100.0/100.0/100.0 (BP = 1.000 ratio = 1.000 hyp_len = 7 ref_len = 7)");
}

TEST(Bleu, NoMatchIsExactlyZero) {
  // No n-gram matches at all: sacreBLEU returns 0 before smoothing (#141).
  const auto r = corpus_bleu({"a b c d"}, {{"e f g h"}});
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(r.format(2, false),
            "BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 4 ref_len = 4)");
}

TEST(Bleu, PartialMatchIsTheGeometricMeanOfPrecisions) {
  // "the cat sat on the hat" vs "...mat": 5/6, 4/5, 3/4, 2/3; product 120/360 = 1/3;
  // BLEU = 100 * (1/3)^(1/4) = 75.983568565159...
  const auto r = corpus_bleu({"the cat sat on the hat"}, kSatRef);
  EXPECT_NEAR(r.score, 100.0 * std::pow(1.0 / 3.0, 0.25), 1e-9);
  EXPECT_NEAR(r.score, 75.98356856515926, 1e-9);
  EXPECT_EQ(r.format(2, false),
            "BLEU = 75.98 83.3/80.0/75.0/66.7 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)");
}

TEST(Bleu, ShortHypothesisPaysTheBrevityPenalty) {
  // "the cat sat on" (4) vs a 6-token reference: all precisions 100, BP = exp(1 - 6/4) =
  // exp(-0.5) = 0.60653..., BLEU = 60.653065971263...
  const auto r = corpus_bleu({"the cat sat on"}, kSatRef);
  EXPECT_NEAR(r.bp, std::exp(-0.5), 1e-15);
  EXPECT_NEAR(r.score, 60.653065971263345, 1e-9);
  EXPECT_EQ(
      r.format(2, false),
      "BLEU = 60.65 100.0/100.0/100.0/100.0 (BP = 0.607 ratio = 0.667 hyp_len = 4 ref_len = 6)");
}

TEST(Bleu, EmptyHypothesisLinesCountTowardsTheReferenceLength) {
  // Segment 1 matches perfectly (6 tokens); segment 2 is empty against a 2-token reference:
  // no n-grams, but ref_len = 6 + 2 = 8. BP = exp(1 - 8/6) = exp(-1/3); BLEU = 71.653131...
  const auto r = corpus_bleu({"the cat sat on the mat", ""}, {{"the cat sat on the mat", "a dog"}});
  EXPECT_EQ(r.sys_len, 6);
  EXPECT_EQ(r.ref_len, 8);
  EXPECT_NEAR(r.score, 100.0 * std::exp(-1.0 / 3.0), 1e-9);
  // All hypotheses empty: nothing matches, 0.
  EXPECT_EQ(corpus_bleu({"", ""}, {{"a b", "c"}}).score, 0.0);
}

TEST(Bleu, MultipleReferencesClipByTheBestReference) {
  // Refs "the cat sat on the mat" and "there is a cat on the mat": "is" now matches (ref 2),
  // so 1-grams 6/6; 2-grams 3/5 ("is on" is in neither); 3-grams 1/4; 4-grams 0/3, which exp
  // smoothing turns into 1/(2*3). Closest reference length: 6 (|6-6| < |6-7|).
  // BLEU = 100 * (1 * 3/5 * 1/4 * 1/6)^(1/4) = 100 * (1/40)^(1/4) = 39.763536438352...
  const auto r = corpus_bleu(kIsHyp, {{"the cat sat on the mat"}, {"there is a cat on the mat"}});
  EXPECT_EQ(r.counts, (std::vector<std::int64_t>{6, 3, 1, 0}));
  EXPECT_EQ(r.ref_len, 6);
  EXPECT_NEAR(r.score, 100.0 / std::pow(40.0, 0.25), 1e-9);
  EXPECT_EQ(r.signature, "nrefs:2|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0");
}

TEST(Bleu, ClosestReferenceLengthPrefersTheShorterOnATie) {
  // Hypothesis length 5, references of 4 and 6 tokens: both 1 away, sacreBLEU takes 4, so
  // BP = 1 (had it taken 6, BP = exp(1 - 6/5)). Every hypothesis n-gram is in reference 2.
  const auto r = corpus_bleu({"a b c d e"}, {{"a b c d"}, {"a b c d e f"}});
  EXPECT_EQ(r.ref_len, 4);
  EXPECT_EQ(r.bp, 1.0);
  EXPECT_NEAR(r.score, 100.0, 1e-9);
}

TEST(Bleu, ExpSmoothingHalvesEachSuccessiveZeroPrecision) {
  // 5/6, 3/5, 1/4 and a zero 4-gram precision -> 1/(2*3): product 1/48,
  // BLEU = 100 * 48^(-1/4) = 37.991784282579...
  const auto r = corpus_bleu(kIsHyp, kSatRef, with_smoothing(Smoothing::exp));
  EXPECT_NEAR(r.score, 100.0 * std::pow(1.0 / 48.0, 0.25), 1e-9);
  EXPECT_NEAR(r.precisions[3], 100.0 / 6.0, 1e-12);
}

TEST(Bleu, FloorSmoothingReplacesZeroMatchesByTheValue) {
  // Default value 0.1: p4 = 0.1/3; product 5/6 * 3/5 * 1/4 * 1/30 = 1/240,
  // BLEU = 100 * 240^(-1/4) = 25.406637407730...
  const auto r = corpus_bleu(kIsHyp, kSatRef, with_smoothing(Smoothing::floor));
  EXPECT_NEAR(r.score, 100.0 * std::pow(1.0 / 240.0, 0.25), 1e-9);
  EXPECT_EQ(r.signature, "nrefs:1|case:mixed|eff:no|tok:13a|smooth:floor[0.10]|version:2.4.0");
}

TEST(Bleu, AddKSmoothingAddsKForHigherOrders) {
  // k = 1 for n > 1: 5/6, (3+1)/(5+1), (1+1)/(4+1), (0+1)/(3+1); product 1/18,
  // BLEU = 100 * 18^(-1/4) = 48.549177170732...
  const auto r = corpus_bleu(kIsHyp, kSatRef, with_smoothing(Smoothing::add_k));
  EXPECT_NEAR(r.score, 100.0 * std::pow(1.0 / 18.0, 0.25), 1e-9);
  EXPECT_EQ(r.counts[3], 0);  // reported counts are the raw ones
  // k = 2: 5/6 * 5/7 * 3/6 * 2/5 = 1/8.4 ; BLEU = 100 * (1/8.4)^(1/4).
  BleuOptions o = with_smoothing(Smoothing::add_k);
  o.smooth_value = 2.0;
  EXPECT_NEAR(corpus_bleu(kIsHyp, kSatRef, o).score, 100.0 * std::pow(1.0 / 8.4, 0.25), 1e-9);
  EXPECT_EQ(bleu_signature(o, "1"),
            "nrefs:1|case:mixed|eff:no|tok:13a|smooth:add-k[2.00]|version:2.4.0");
}

TEST(Bleu, NoSmoothingLetsOneZeroPrecisionZeroTheScore) {
  const auto r = corpus_bleu(kIsHyp, kSatRef, with_smoothing(Smoothing::none));
  EXPECT_EQ(r.score, 0.0);
  EXPECT_EQ(r.format(1, false),
            "BLEU = 0.0 83.3/60.0/25.0/0.0 (BP = 1.000 ratio = 1.000 hyp_len = 6 ref_len = 6)");
}

TEST(Bleu, LowercaseMakesCaseIrrelevant) {
  // Without lowercasing "THE CAT" shares no n-gram with "the cat": 0. With it: 100
  // (sentence BLEU, effective order 2).
  EXPECT_EQ(sentence_bleu("THE CAT", {"the cat"}).score, 0.0);
  BleuOptions o = sentence_bleu_options();
  o.lowercase = true;
  const auto r = sentence_bleu("THE CAT", {"the cat"}, o);
  EXPECT_NEAR(r.score, 100.0, 1e-9);
  EXPECT_EQ(r.signature, "nrefs:1|case:lc|eff:yes|tok:13a|smooth:exp|version:2.4.0");
}

TEST(Bleu, TokenizerChangesTheScore) {
  // 13a keeps "a-b" whole (no digit before '-'): 1 token vs 3 in the reference, no match.
  // intl splits '-' (Pd): "a - b" matches the reference exactly.
  BleuOptions intl = sentence_bleu_options();
  intl.tokenize = Tokenizer::intl;
  EXPECT_EQ(sentence_bleu("a-b", {"a - b"}).score, 0.0);
  EXPECT_NEAR(sentence_bleu("a-b", {"a - b"}, intl).score, 100.0, 1e-9);
  // char: "ab" vs "a b" are both the tokens a, b.
  BleuOptions chars = sentence_bleu_options();
  chars.tokenize = Tokenizer::character;
  EXPECT_NEAR(sentence_bleu("ab", {"a b"}, chars).score, 100.0, 1e-9);
  EXPECT_EQ(bleu_signature(intl, "1"),
            "nrefs:1|case:mixed|eff:yes|tok:intl|smooth:exp|version:2.4.0");
}

TEST(Bleu, SentenceLevelUsesEffectiveOrder) {
  // "the cat" has only 1- and 2-grams. Effective order averages over those two: 100.
  // Corpus BLEU (no effective order) averages four logs, two of them log(0) -> 0.
  EXPECT_NEAR(sentence_bleu("the cat", {"the cat"}).score, 100.0, 1e-9);
  EXPECT_EQ(corpus_bleu({"the cat"}, {{"the cat"}}).score, 0.0);
  // "the cat sat" vs "the cat sat down": orders 1..3 all 100, BP = exp(1 - 4/3) -> 71.653131...
  EXPECT_NEAR(sentence_bleu("the cat sat", {"the cat sat down"}).score,
              100.0 * std::exp(-1.0 / 3.0), 1e-9);
}

TEST(Bleu, StatisticsSumOverSegments) {
  // Corpus BLEU is not the mean of sentence BLEUs: counts are summed first.
  const std::vector<std::string> hyps{"the cat sat on the hat", "the cat is on the mat"};
  const std::vector<std::vector<std::string>> refs{
      {"the cat sat on the mat", "the cat sat on the mat"}};
  // Counts (5+5)/(6+6), (4+3)/(5+5), (3+1)/(4+4), (2+0)/(3+3): product 10/12*7/10*4/8*2/6.
  const double expected = 100.0 * std::pow(10.0 / 12 * 7.0 / 10 * 4.0 / 8 * 2.0 / 6, 0.25);
  EXPECT_NEAR(corpus_bleu(hyps, refs).score, expected, 1e-9);
}

TEST(Bleu, SignatureDefaults) {
  EXPECT_EQ(corpus_bleu({"a"}, {{"a"}}).signature,
            "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0");
  EXPECT_EQ(corpus_bleu({"a", "b"}, {{"a", "b"}, {"", "c"}}).signature,
            "nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.4.0");
}

TEST(Bleu, BadInputIsReported) {
  EXPECT_THROW(corpus_bleu({"a", "b"}, {{"a"}}), std::invalid_argument);
  EXPECT_THROW(corpus_bleu({"a"}, {{""}}), nmt::DataError);
  EXPECT_THROW(corpus_bleu({"bad \xff"}, {{"a"}}), nmt::DataError);
  EXPECT_THROW(parse_smoothing("add-n"), nmt::ConfigError);
}
