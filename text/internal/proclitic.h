// Arabic proclitics (و ف ب ك ل, stacked, and with ال): the word a clitic hides, checked against
// a lexicon of known words, so the analyzer can index it beside the written form. Internal.
#pragma once

#include <unicode/unistr.h>

namespace tansiq::text::internal {

// For a normalised Arabic-script word (internal/normalize.h) that is a proclitic chain — an
// optional conjunction و or ف, then an optional preposition ب ك ل (at least one letter) — in
// front of a word, the word: لمستشفيات -> مستشفيات, وبالعمليات -> العمليات, وللقوات -> القوات
// (ل + ال writes لل), فبغداد -> بغداد. Empty when there is none. A remainder counts only if it
// is a known word (the lexicon, text/lexicon/: its words as written, or a light10 stem of at
// least three letters that a lexicon word has) or a definite form (ال + at least two letters);
// a word that is itself in the lexicon is never split (بغداد, لبنان, وزير, والي stay whole).
// The longest chain whose remainder counts wins. Thread-safe (the lexicon is built once).
icu::UnicodeString ProcliticRemainder(const icu::UnicodeString& word);

// Whether a normalised Arabic-script word is in the lexicon as it is written (or without ال).
bool IsKnownArabicWord(const icu::UnicodeString& word);

// Number of distinct normalised entries of the lexicon (for tests and docs).
std::size_t ProcliticLexiconSize();

}  // namespace tansiq::text::internal
