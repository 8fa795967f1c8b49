// TER against edit counts worked out by hand: shifts + insertions + deletions + substitutions,
// divided by the (average) reference length, times 100.
#include <gtest/gtest.h>

#include "nmt/metrics/ter.h"
#include "nmt/metrics/translation_edit_rate.h"

using namespace nmt::metrics;

TEST(Ter, IdenticalIsZeroAndCaseIsIgnoredByDefault) {
  EXPECT_EQ(sentence_ter("the cat", {"the cat"}).score, 0.0);
  EXPECT_EQ(sentence_ter("The Cat", {"the cat"}).score, 0.0);
  // Case-sensitive: two substitutions over two words.
  TerOptions cased;
  cased.case_sensitive = true;
  const auto r = sentence_ter("The Cat", {"the cat"}, cased);
  EXPECT_EQ(r.score, 100.0);
  EXPECT_EQ(r.signature, "nrefs:1|case:mixed|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0");
}

TEST(Ter, OneSubstitution) {
  // "a b d" -> "a b c": 1 substitution / 3 words.
  const auto r = sentence_ter("a b d", {"a b c"});
  EXPECT_EQ(r.num_edits, 1.0);
  EXPECT_EQ(r.ref_length, 3.0);
  EXPECT_NEAR(r.score, 100.0 / 3.0, 1e-12);
}

TEST(Ter, AShiftCountsAsOneEdit) {
  // "b c a" -> "a b c": Levenshtein needs 2 (insert a, delete a); one shift of a block fixes
  // everything, so TER = 1/3.
  EXPECT_EQ(translation_edit_rate({"b", "c", "a"}, {"a", "b", "c"}).edits, 1);
  EXPECT_NEAR(sentence_ter("b c a", {"a b c"}).score, 100.0 / 3.0, 1e-12);
  // A three-word block: "on the mat the cat sat" -> "the cat sat on the mat" is one shift
  // (Levenshtein alone needs 6), TER = 1/6.
  EXPECT_EQ(translation_edit_rate({"on", "the", "mat", "the", "cat", "sat"},
                                  {"the", "cat", "sat", "on", "the", "mat"})
                .edits,
            1);
  EXPECT_NEAR(sentence_ter("on the mat the cat sat", {"the cat sat on the mat"}).score, 100.0 / 6.0,
              1e-12);
}

TEST(Ter, EmptyHypothesisAndEmptyReference) {
  // Empty hypothesis: every reference word is inserted, 2/2.
  EXPECT_EQ(sentence_ter("", {"a b"}).score, 100.0);
  // translation_edit_rate's special case for an empty reference: all hypothesis words.
  const auto c = translation_edit_rate({"x", "y"}, {});
  EXPECT_EQ(c.edits, 2);
  EXPECT_EQ(c.ref_length, 0);
}

TEST(Ter, MultipleReferencesTakeTheFewestEditsAndTheMeanLength) {
  // "a b c": 1 edit to "a b c d", 3 to "x y" (2 substitutions + 1 deletion); the length is
  // the mean (4 + 2) / 2 = 3, so TER = 1/3.
  const auto r = sentence_ter("a b c", {"a b c d", "x y"});
  EXPECT_EQ(r.num_edits, 1.0);
  EXPECT_EQ(r.ref_length, 3.0);
  EXPECT_NEAR(r.score, 100.0 / 3.0, 1e-12);
  EXPECT_EQ(r.signature, "nrefs:2|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0");
}

TEST(Ter, CorpusSumsEditsAndLengths) {
  // 1 shift + 1 substitution over 3 + 3 words: 2/6.
  const auto r = corpus_ter({"b c a", "a b d"}, {{"a b c", "a b c"}});
  EXPECT_EQ(r.num_edits, 2.0);
  EXPECT_EQ(r.ref_length, 6.0);
  EXPECT_NEAR(r.score, 100.0 / 3.0, 1e-12);
  EXPECT_EQ(r.format(1),
            "TER|nrefs:1|case:lc|tok:tercom|norm:no|punct:yes|asian:no|version:2.4.0 = 33.3");
}

TEST(Ter, OptionsChangeTheWords) {
  // Normalized splits "cat." into "cat ."; the reference is already split: 0 edits.
  TerOptions norm;
  norm.normalized = true;
  EXPECT_EQ(sentence_ter("the cat.", {"the cat ."}, norm).score, 0.0);
  // Default: "cat." vs "cat" "." -> 1 substitution + 1 insertion over 3 words.
  EXPECT_NEAR(sentence_ter("the cat.", {"the cat ."}).score, 200.0 / 3.0, 1e-12);
  // no_punct deletes the period from both: 0.
  TerOptions np;
  np.no_punct = true;
  EXPECT_EQ(sentence_ter("the cat.", {"the cat ."}, np).score, 0.0);
  EXPECT_EQ(ter_signature(np, "1"),
            "nrefs:1|case:lc|tok:tercom|norm:no|punct:no|asian:no|version:2.4.0");
}
