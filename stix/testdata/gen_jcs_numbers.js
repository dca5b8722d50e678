// Generates jcs_numbers.txt: "<IEEE-754 hex>,<ECMAScript String(value)>" per line, the
// oracle for stix/canonical_json_test.cc. Run with node (its Number#toString is ECMA-262's):
//   node stix/testdata/gen_jcs_numbers.js > stix/testdata/jcs_numbers.txt
const buf = Buffer.alloc(8);
const out = [];
const seen = new Set();
function add(hex) {
  buf.write(hex, "hex");
  const d = buf.readDoubleBE(0);
  if (!Number.isFinite(d) || seen.has(hex)) return;
  seen.add(hex);
  out.push(hex + "," + String(d));
}
function addNumber(d) {
  buf.writeDoubleBE(d, 0);
  add(buf.toString("hex"));
}
// Boundaries of every output form (ECMA-262 Number::toString) and the extremes.
[0, 1, -1, 5e-324, -5e-324, 1.7976931348623157e308, 2.2250738585072014e-308,
 9007199254740992, 9007199254740993, 1e21, 1e21 - 65536, 999999999999999900000, 1e-6, 1e-7,
 0.000001234, 1.234e-7, 123456789012345680000, 1.5, 0.1, 0.2, 0.30000000000000004, 100, 1e20,
 4.5, 0.002, 1e30, 1e-27, 333333333.3333333, 2 ** 53, 2 ** 63, 2 ** 64, 1e23, 5e-7, 1e300]
    .forEach(addNumber);
// Deterministic pseudo-random bit patterns and decimal-looking values.
let s = 0x2545F4914F6CDD1Dn;
function next() {
  s ^= s << 13n; s &= (1n << 64n) - 1n; s ^= s >> 7n; s ^= s << 17n; s &= (1n << 64n) - 1n;
  return s;
}
for (let i = 0; i < 2000; i++) add(next().toString(16).padStart(16, "0"));
for (let i = 0; i < 1000; i++) {
  const mant = Number(next() % 10000000000000000n);
  const exp = Number(next() % 60n) - 30;
  addNumber(mant * Math.pow(10, exp));
}
console.log(out.join("\n"));
