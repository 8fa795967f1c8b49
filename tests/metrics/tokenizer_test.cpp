// The BLEU and TER tokenizers against outputs worked out by hand from sacreBLEU's rules
// (tokenizer_13a.py / tokenizer_re.py, tokenizer_intl.py, tokenizer_char.py,
// tokenizer_ter.py); each comment names the rule that produces the split.
#include <gtest/gtest.h>

#include "nmt/metrics/tokenizer.h"
#include "nmt/metrics/tokenizer_ter.h"
#include "nmt/metrics/utf8.h"
#include "nmt/util/error.h"

using namespace nmt::metrics;

namespace {

std::string tok(Tokenizer t, const std::string& line) {
  return u32_to_utf8(tokenize(t, utf8_to_u32(line)));
}

std::string tercom(const std::string& line, TercomOptions o = {}) {
  return u32_to_utf8(tokenize_tercom(utf8_to_u32(line), o));
}

}  // namespace

TEST(Tokenizer13a, SplitsAsciiPunctuation) {
  // '!' is in the symbol class (padded); "o," is split by the period/comma-after-non-digit rule.
  EXPECT_EQ(tok(Tokenizer::v13a, "Hello, world!"), "Hello , world !");
  // Quotes, brackets, '/', '@', '#', '%' are all in the class [{-~[-` -&(-+:-@/].
  EXPECT_EQ(tok(Tokenizer::v13a, "\"Yes\" (she said) [ok] {x} a/b @c #d 100%"),
            "\" Yes \" ( she said ) [ ok ] { x } a / b @ c # d 100 %");
}

TEST(Tokenizer13a, KeepsDecimalAndThousandsSeparatorsBetweenDigits) {
  // '$' is padded; "3.14" and "1,000" have digits on both sides of the separator, so neither
  // comma/period rule matches; ", " and "s." are split.
  EXPECT_EQ(tok(Tokenizer::v13a, "It costs $3.14, not 1,000 dollars."),
            "It costs $ 3.14 , not 1,000 dollars .");
  // Abbreviations are split at every period (each is next to a non-digit).
  EXPECT_EQ(tok(Tokenizer::v13a, "U.S.A. e.g. 5."), "U . S . A . e . g . 5 .");
  // The line is padded with spaces first, so a final period after a digit is split too.
  EXPECT_EQ(tok(Tokenizer::v13a, "in 2023."), "in 2023 .");
}

TEST(Tokenizer13a, SplitsHyphensOnlyAfterDigits) {
  // Rule ([0-9])(-) -> "\1 \2 ": "3-4" and "2-x" split, "x-1" and "well-known" do not.
  EXPECT_EQ(tok(Tokenizer::v13a, "well-known 3-4 x-1 2-x"), "well-known 3 - 4 x-1 2 - x");
  EXPECT_EQ(tok(Tokenizer::v13a, "1.5-2.5"), "1.5 - 2.5");
}

TEST(Tokenizer13a, LeavesNonAsciiPunctuationAndSymbolsAttached) {
  // 13a's classes are ASCII only: German quotes, the en dash and the euro sign stay put.
  EXPECT_EQ(tok(Tokenizer::v13a, "„Quote“ – 5€"), "„Quote“ – 5€");
  // '+' and '=' are ASCII symbols and get padded; the emoji is not.
  EXPECT_EQ(tok(Tokenizer::v13a, "5+3=8 😀"), "5 + 3 = 8 😀");
}

TEST(Tokenizer13a, UnescapesXmlOncePerEntityInOrder) {
  // &amp; is replaced before &lt;, so "&amp;lt;" becomes "&lt;" and then "<"; "<skipped>" is
  // deleted; the resulting '&', '<', '>' are padded.
  EXPECT_EQ(tok(Tokenizer::v13a, "A &amp; B &lt;tag&gt; &amp;lt; <skipped>x"), "A & B < tag > < x");
  EXPECT_EQ(tok(Tokenizer::v13a, "say &quot;hi&quot;"), "say \" hi \"");
}

TEST(Tokenizer13a, CollapsesUnicodeWhitespaceLikePythonSplit) {
  // U+00A0 and U+3000 are str.isspace() in Python, U+200B is not.
  EXPECT_EQ(tok(Tokenizer::v13a, "a\u00a0b\u3000c\u200bd  \t"), "a b c\u200bd");
}

TEST(TokenizerIntl, SplitsUnicodePunctuationAndSymbols) {
  // „ (Ps) is followed by a non-number (rule 2), “ and – follow non-numbers (rule 1), € is
  // a symbol Sc (rule 3).
  EXPECT_EQ(tok(Tokenizer::intl, "„Quote“ – 5€"), "„ Quote “ – 5 €");
  // '+', '=' (Sm) and the emoji (So) are symbols; '-' is punctuation (Pd) between letters.
  EXPECT_EQ(tok(Tokenizer::intl, "5+3=8 😀 a-b"), "5 + 3 = 8 😀 a - b");
  EXPECT_EQ(tok(Tokenizer::intl, "«Salut», dit-il… ¿Qué? 10°C ±2"),
            "« Salut » , dit - il … ¿ Qué ? 10 ° C ± 2");
}

TEST(TokenizerIntl, KeepsSeparatorsBetweenNumbersAndAFinalPeriodAfterANumber) {
  EXPECT_EQ(tok(Tokenizer::intl, "3.14 1,000"), "3.14 1,000");
  // mteval-v14's known quirk: no padding around the line, so "2023." at the end has no
  // non-number after the '.', and (\P{N})(\p{P}) does not match "3.".
  EXPECT_EQ(tok(Tokenizer::intl, "in 2023."), "in 2023.");
  EXPECT_EQ(tok(Tokenizer::intl, "Hello, world!"), "Hello , world !");
}

TEST(TokenizerChar, EveryNonSpaceCodePointIsAToken) {
  // " ".join("ab c") = "a b   c"; the metrics then split on whitespace.
  EXPECT_EQ(tok(Tokenizer::character, "ab c"), "a b   c");
  EXPECT_EQ(tok(Tokenizer::character, "日本"), "日 本");
}

TEST(TokenizerNone, ReturnsTheLine) { EXPECT_EQ(tok(Tokenizer::none, "a,b  c."), "a,b  c."); }

TEST(Tokenizer, NamesRoundTripAndUnknownNamesAreConfigErrors) {
  for (const auto& name : tokenizer_names()) EXPECT_EQ(tokenizer_name(parse_tokenizer(name)), name);
  EXPECT_THROW(parse_tokenizer("zh"), nmt::ConfigError);
}

TEST(TokenizerTercom, DefaultsOnlyLowercaseAndCollapseSpaces) {
  EXPECT_EQ(tercom("  The CAT,  sat. "), "the cat, sat.");
  TercomOptions cased;
  cased.case_sensitive = true;
  EXPECT_EQ(tercom("The CAT", cased), "The CAT");
}

TEST(TokenizerTercom, NormalizedSplitsPunctuationAndPossessives) {
  TercomOptions o;
  o.normalized = true;
  // Like 13a, plus "'s " -> " 's ": "john's" becomes "john 's".
  EXPECT_EQ(tercom("John's car, 3.14 &amp; more.", o), "john 's car , 3.14 & more .");
}

TEST(TokenizerTercom, NoPunctDeletesTercomsPunctuationSet) {
  TercomOptions o;
  o.no_punct = true;
  // . , ? : ; ! " ( ) are deleted; '-' and '\'' are kept.
  EXPECT_EQ(tercom("\"Well-done!\" (it's ok); yes?", o), "well-done it's ok yes");
}

TEST(TokenizerTercom, AsianSupportSplitsIdeographsAndCjkPunctuation) {
  TercomOptions o;
  o.normalized = true;
  o.asian_support = true;
  // Ideographs (U+4E00..9FFF) and the ideographic full stop (ASIAN_PUNCT) are padded.
  EXPECT_EQ(tercom("中文。", o), "中 文 。");
  o.normalized = false;
  o.no_punct = true;
  EXPECT_EQ(tercom("中文。", o), "中文");
}
