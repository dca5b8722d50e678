// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that
// provenance signatures (provenance.h) cover. Pure: no I/O.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "base/status.h"

namespace tansiq::stix {

// The RFC 8785 serialisation of `value`: no whitespace; object members sorted by their
// names' UTF-16 code units; strings with only `"`, `\` and the C0 controls escaped (\b \t \n
// \f \r short, the rest \u00xx lower-case); every number — integers included — as the
// IEEE-754 double it denotes, written the way ECMAScript's Number.prototype.toString writes
// it (shortest round-trip digits; -0 is "0"). Integers beyond 2^53 therefore come out as
// their nearest double, as in any JCS implementation. InvalidArgument for NaN or infinity
// and for a string or member name that is not valid UTF-8 (only possible for values built
// in code: the parser refuses both).
//
// Serialisation is exact for the double held; what double a decimal literal becomes is the
// parser's business. Boost.JSON 1.81 rounds some 17-digit literals one ulp off (e.g.
// 333333333.33333329), so signatures are computed and checked over the *stored* bytes as
// parsed by this same parser (provenance.h): both ends of a Tansiq link agree; a foreign
// JCS signer could disagree on such a literal.
Result<std::string> CanonicalJson(const boost::json::value& value);

// The ECMAScript serialisation of a finite double (RFC 8785 section 3.2.2.3), e.g. 1e+21,
// 0.000001, 1e-7, 333333333.3333333. Precondition: std::isfinite(d).
std::string EcmaScriptNumber(double d);

}  // namespace tansiq::stix
