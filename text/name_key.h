// Script-neutral keys for names of persons, groups and places, so that الخفاجي, al-Khafaji,
// Al Khafaji and аль-Хафаджи meet: a blocking key (PhoneticKey) and a vowel-aware second stage
// (NameSimilarity) combined by SameName. Pure functions; see text/README.md for the design.
#pragma once

#include <string>
#include <string_view>

namespace tansiq::text {

// The consonant skeleton of a name, e.g. "hfj" for all four forms of al-Khafaji, "ahmd" for
// Ahmed/Ahmad/أحمد/Ахмед (a leading "a" marks a name that starts with a vowel, alef or ayn).
// Pipeline: NFKC + case fold; Arabic-script and Cyrillic words through name-oriented tables
// (ICU's own ISO-style tables produce ḥ, ʿ, č, j-for-й, which defeat matching), every other
// script through ICU "Any-Latin; Latin-ASCII"; articles and particles dropped (al el ad ar as
// at ash an az adh ath ed er es et ez en esh ul ud, bin ibn ben bint, аль эль ад ар ас ат аш ан
// аз ибн бин бен, ال as a word prefix, بن ابن); abd-al/abdul/abdel -> abd; word-final "h" after a
// vowel dropped (Abdullah ~ Abdulla); words concatenated; letter classes merged:
//   h kh x(х) -> h | k q g gh c ck -> k | j dj dz dzh zh ch tch -> j | s ts th -> s
//   z dh -> z | sh sch shch -> x | f ph -> f | b p -> b | vowels and y w v ' -> dropped
// adjacent repeats collapsed. UTF-8 in; invalid bytes ignored. Thread-safe.
std::string PhoneticKey(std::string_view name);

// Folded transliteration used by the similarity: lowercase ASCII, particles dropped, words
// joined by single spaces. Exposed for debugging and for the store's snippets of name matches.
std::string FoldedName(std::string_view name);

// Second stage, in [0, 1], sees vowels. When both skeletons align (equal keys) the vowels
// between consonant k and k+1 are compared slot by slot: conflicting vowel qualities (a vs i vs
// u; o counts as u, y as i, w/v as u, e matches a or i) cost 1; a vowel missing on one side is
// free when that side is written in Arabic script (short vowels are not written) and the other
// side's vowel is short, else it costs 1 (two Arabic spellings differing by a long vowel:
// حسن/حسين). Score = 1 - cost / slots compared. When the keys differ the score is
// 0.7 * Jaro-Winkler of the folded forms, so it ranks but never reaches kSameNameThreshold.
double NameSimilarity(std::string_view a, std::string_view b);

inline constexpr double kSameNameThreshold = 0.75;

// PhoneticKey(a) == PhoneticKey(b) (non-empty) and NameSimilarity(a, b) >= kSameNameThreshold.
bool SameName(std::string_view a, std::string_view b);

}  // namespace tansiq::text
