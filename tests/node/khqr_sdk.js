// Reads KHQR payloads, one per line, from stdin and answers through the official bakong-khqr SDK.
//   node khqr_sdk.js            -> one JSON line per payload: {"valid", "decoded"}
//   node khqr_sdk.js --bench N  -> one JSON line: ns per verify+decode over N rounds of all payloads
"use strict";
const { BakongKHQR } = require("bakong-khqr");

const payloads = require("fs").readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
const bench = process.argv.indexOf("--bench");

if (bench >= 0) {
  const rounds = Number(process.argv[bench + 1] || 1000);
  let sink = 0;
  for (let i = 0; i < 200; i++) for (const p of payloads) sink += BakongKHQR.verify(p).isValid ? 1 : 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) {
    for (const p of payloads) {
      if (BakongKHQR.verify(p).isValid) sink += BakongKHQR.decode(p).data ? 1 : 0;
    }
  }
  const ns = Number(process.hrtime.bigint() - start) / (rounds * payloads.length);
  console.log(JSON.stringify({ ns_per_op: ns, ops: rounds * payloads.length, valid: sink > 0 }));
} else {
  for (const p of payloads) {
    const valid = BakongKHQR.verify(p).isValid;
    const decoded = BakongKHQR.decode(p).data;
    console.log(JSON.stringify({ valid, decoded }));
  }
}
