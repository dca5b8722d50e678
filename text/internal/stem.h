// Stop words and stemmers per script: Arabic light10, a light Persian stemmer, Snowball
// russian/english through libstemmer. Inputs are already normalised (internal/normalize.h).
#pragma once

#include <string>
#include <string_view>

#include <unicode/unistr.h>

#include "text/analyzer.h"

namespace tansiq::text::internal {

enum class Script { kOther, kArabic, kCyrillic, kLatin, kDigit };

// Script of a normalised word: of its first letter, kDigit if it has no letter.
Script WordScript(const icu::UnicodeString& word);

// True if `term` (normalised, unstemmed, UTF-8) is a stop word for a word of `script` in a
// text of language `lang` (Arabic script: the Persian list for kFa, else the Arabic list).
bool IsStopWord(std::string_view term, Script script, Lang lang);

// Light10 (Larkey, Connell & AbdulJaleel 2007, as in Lucene's ArabicStemmer): one prefix of
// ال وال بال كال فال لل و, then the suffixes ها ان ات ون ين يه ه ي in turn, each only if two
// letters remain (three for و). الله and its clitic forms are protected. A `known_word` (in the
// proclitic lexicon, internal/proclitic.h: وزير, وزارة, والي) loses no prefix but the article.
icu::UnicodeString StemArabic(const icu::UnicodeString& word, bool known_word = false);

// Light Persian stemmer (libstemmer has none): repeatedly strips يي ي ها ترين تر ان ات while at
// least three letters remain (two for ها).
icu::UnicodeString StemPersian(const icu::UnicodeString& word);

// Snowball via libstemmer with per-thread stemmer objects. `word` is lowercase UTF-8.
std::string StemRussian(const std::string& word);
std::string StemEnglish(const std::string& word);

}  // namespace tansiq::text::internal
