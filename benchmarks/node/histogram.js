// The same log-linear histogram as the Java driver (Histogram.java): every power of two split into
// 64 buckets, so a value is known within 1/64 of itself. Values are nanoseconds (Numbers).
"use strict";
const SUB_BITS = 6;
const SUB = 1 << SUB_BITS;
const BUCKETS = SUB + (63 - SUB_BITS) * SUB + SUB;

function msb(v) {
  let m = Math.floor(Math.log2(v));
  while (2 ** (m + 1) <= v) m++;
  while (2 ** m > v) m--;
  return m;
}

function index(v) {
  if (v < SUB) return v;
  const shift = msb(v) - SUB_BITS;
  const sub = Math.floor(v / 2 ** shift) - SUB;
  return SUB + shift * SUB + sub;
}

function lowerBound(i) {
  if (i < SUB) return i;
  const shift = Math.floor((i - SUB) / SUB);
  const sub = (i - SUB) % SUB;
  return (SUB + sub) * 2 ** shift;
}

function width(i) {
  return i < SUB ? 1 : 2 ** Math.floor((i - SUB) / SUB);
}

class Histogram {
  constructor() {
    this.reset();
  }
  reset() {
    this.counts = new Float64Array(BUCKETS);
    this.total = 0;
    this.sum = 0;
    this.min = Infinity;
    this.max = 0;
  }
  record(value) {
    const v = Math.max(0, Math.round(value));
    this.counts[index(v)]++;
    this.total++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }
  mean() {
    return this.total === 0 ? 0 : this.sum / this.total;
  }
  percentile(q) {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) {
        const mid = lowerBound(i) + Math.floor((width(i) - 1) / 2);
        return Math.max(this.min, Math.min(this.max, mid));
      }
    }
    return this.max;
  }
}

module.exports = { Histogram };
