// chrF and chrF++ against values worked out by hand from sacreBLEU's chrf.py. Per order the
// statistics are [hyp n-grams, ref n-grams, matches]; P and R are averaged over the orders
// both sides have (effective order), then F = (1 + b^2) P R / (b^2 P + R) with b = 2.
#include <gtest/gtest.h>

#include "nmt/metrics/chrf.h"

using namespace nmt::metrics;

TEST(Chrf, IdenticalStringsScore100) {
  EXPECT_NEAR(sentence_chrf("The cat sat.", {"The cat sat."}).score, 100.0, 1e-12);
  EXPECT_EQ(sentence_chrf("abc", {"xyz"}).score, 0.0);
}

TEST(Chrf, SmallStringByHand) {
  // "ab" vs "abc": order 1 [2,3,2], order 2 [1,2,1], order 3 [0,1,0] (the hypothesis has no
  // 3-gram, so the order is not effective), orders 4-6 empty. Effective orders 1 and 2:
  // P = (1 + 1)/2 = 1, R = (2/3 + 1/2)/2 = 7/12; F = 5 * 7/12 / (4 + 7/12) = 35/55 = 7/11.
  const auto r = sentence_chrf("ab", {"abc"});
  EXPECT_NEAR(r.score, 700.0 / 11.0, 1e-9);
  EXPECT_EQ(r.stats,
            (std::vector<std::int64_t>{2, 3, 2, 1, 2, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(r.name, "chrF2");
  EXPECT_EQ(r.signature, "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0");
}

TEST(Chrf, WhitespaceIsRemovedUnlessAskedFor) {
  // "a b" loses its space: the same 63.63... as "ab".
  EXPECT_NEAR(sentence_chrf("a b", {"abc"}).score, 700.0 / 11.0, 1e-9);
  // With whitespace kept: order 1 [3,3,2] (a, ' ', b vs a, b, c), order 2 [2,2,0], order 3
  // [1,1,0]. P = R = (2/3)/3 = 2/9, F = 5 (2/9)^2 / (5 * 2/9) = 2/9 -> 22.22...
  ChrfOptions o;
  o.whitespace = true;
  const auto r = sentence_chrf("a b", {"abc"}, o);
  EXPECT_NEAR(r.score, 200.0 / 9.0, 1e-9);
  EXPECT_EQ(r.signature, "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:yes|version:2.4.0");
}

TEST(Chrf, CorpusSumsStatisticsBeforeTheFScore) {
  // Segment "ab"/"abc" plus "abc"/"abc": order 1 [2+3, 3+3, 2+3], order 2 [1+2, 2+2, 1+2],
  // order 3 [0+1, 1+1, 0+1]. P = 1, R = (5/6 + 3/4 + 1/2)/3 = 25/36;
  // F = 5 * 25/36 / (4 + 25/36) = 125/169 -> 73.9644...
  EXPECT_NEAR(corpus_chrf({"ab", "abc"}, {{"abc", "abc"}}).score, 12500.0 / 169.0, 1e-9);
}

TEST(Chrf, ChrfPlusPlusAddsWordNgrams) {
  // "the cat" vs "the cat!": characters "thecat" vs "thecat!", orders 1..6:
  // [6,7,6] [5,6,5] [4,5,4] [3,4,3] [2,3,2] [1,2,1]. Words: the trailing '!' is split off, so
  // [the, cat] vs [the, cat, !]: 1-grams [2,3,2], 2-grams [1,2,1]. Every precision is 1;
  // chrF:   R = (6/7+5/6+4/5+3/4+2/3+1/2)/6 = 1851/2520, F = 5R/(4+R) = 9255/11931
  // chrF++: R = (that sum + 2/3 + 1/2)/8 = 2341/3360,  F = 5R/(4+R) = 11705/15781
  EXPECT_NEAR(sentence_chrf("the cat", {"the cat!"}).score, 100.0 * 9255.0 / 11931.0, 1e-9);
  ChrfOptions pp;
  pp.word_order = 2;
  const auto r = sentence_chrf("the cat", {"the cat!"}, pp);
  EXPECT_NEAR(r.score, 100.0 * 11705.0 / 15781.0, 1e-9);
  EXPECT_EQ(r.name, "chrF2++");
  EXPECT_EQ(r.signature, "nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.4.0");
}

TEST(Chrf, WordNgramsSplitOnePunctuationCharacter) {
  ChrfOptions pp;
  pp.word_order = 2;
  // "cat." becomes [cat, .], equal to the reference's words: 100 (unsplit it would not match).
  EXPECT_NEAR(sentence_chrf("cat.", {"cat ."}, pp).score, 100.0, 1e-12);
  // Only one character is split, the last one first: "(hi)" -> ["(hi", ")"], while the
  // reference "(hi )" gives ["(", "hi", ")"] (sacreBLEU issue #124). Characters "(hi)" match
  // on orders 1-4; words 1-grams [2,3,1], 2-grams [1,2,0].
  // P = (4 + 1/2 + 0)/6 = 3/4, R = (4 + 1/3 + 0)/6 = 13/18,
  // F = 5 * 3/4 * 13/18 / (3 + 13/18) = 195/268 -> 72.76...
  EXPECT_NEAR(sentence_chrf("(hi)", {"(hi )"}, pp).score, 100.0 * 195.0 / 268.0, 1e-9);
}

TEST(Chrf, EpsilonSmoothingAveragesPerOrderFScores) {
  // "ab" vs "abc": F1 = 5*(2/3)/(4+2/3) = 5/7, F2 = 5*(1/2)/(4+1/2) = 5/9, order 3 gives
  // 5*eps*0/(4 eps) = 0, orders 4-6 give eps = 1e-16 each (lost in rounding).
  // chrF = 100 * (5/7 + 5/9) / 6 = 8000/378 -> 21.164...
  ChrfOptions o;
  o.eps_smoothing = true;
  const auto r = sentence_chrf("ab", {"abc"}, o);
  EXPECT_NEAR(r.score, 8000.0 / 378.0, 1e-9);
  EXPECT_EQ(r.signature, "nrefs:1|case:mixed|eff:no|nc:6|nw:0|space:no|version:2.4.0");
}

TEST(Chrf, LowercaseAndMultipleReferences) {
  ChrfOptions lc;
  lc.lowercase = true;
  EXPECT_NEAR(sentence_chrf("AB", {"abc"}, lc).score, 700.0 / 11.0, 1e-9);
  EXPECT_EQ(sentence_chrf("AB", {"abc"}).score, 0.0);
  // The best-scoring reference is used: "ab" matches the second one exactly.
  const auto r = sentence_chrf("ab", {"xyz", "ab"});
  EXPECT_NEAR(r.score, 100.0, 1e-12);
  EXPECT_EQ(r.signature, "nrefs:2|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.4.0");
}

TEST(Chrf, EmptyHypothesisScoresZero) { EXPECT_EQ(corpus_chrf({""}, {{"abc"}}).score, 0.0); }
