// Dense linear solve for the small Newton systems of the rating fits (one unknown per model).

/**
 * Solve a·x = b by Gaussian elimination with partial pivoting. A pivot that is (numerically) zero
 * leaves its unknown at 0, so a singular direction of the system takes no step.
 */
export function solveLinear(a: readonly Float64Array[], b: Float64Array): Float64Array {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const pv = m[c]![c]!;
    if (Math.abs(pv) < 1e-300) continue;
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / pv;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * x[k]!;
    const pv = m[r]![r]!;
    x[r] = Math.abs(pv) < 1e-300 ? 0 : s / pv;
  }
  return x;
}
